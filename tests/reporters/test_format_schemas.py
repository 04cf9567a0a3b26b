"""The CI formats against their consumers' published definitions.

Each run writes every format at once (`--format NAME=FILE`, repeated) from a
real `dockgate check` in a repository, and each report is checked against a
schema written from its consumer's documentation (tests/data/schemas/: the
GitLab Code Quality report, Code Climate issues, SonarQube's Generic Issue
Import format, and XSDs for checkstyle and JUnit XML), plus what a schema
cannot say (unique fingerprints, rules that issues name). The runs: clean,
no Dockerfile at all, paths with spaces, non-ASCII and XML-special characters,
many files, and an input that cannot be read.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jsonschema
import pytest
import xmlschema

from dockgate.cli.main import main
from dockgate.reporters.codeclimate import RUN_INCOMPLETE

SCHEMAS = Path(__file__).parents[1] / "data" / "schemas"
FORMATS = ("gitlab", "codeclimate", "sonarqube", "checkstyle", "junit", "gnu", "github")

WITH_FINDINGS = 'FROM ubuntu\nRUN apt-get install -y curl && echo "a & b <c>"\nCOPY . /app\n'
CLEAN = 'FROM alpine:3.20\nUSER 65534\nHEALTHCHECK CMD ["true"]\nCMD ["echo", "hello"]\n'
AWKWARD_PATHS = ["dir with space/Dockerfile", "ünïcödé/Dockerfile.dév", "a&b <c> 'd'/Containerfile", "x,y:z%/Dockerfile"]
MANY_FILES = [f"services/service-{index:03}/Dockerfile" for index in range(150)]

GNU_LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+)(\.\d+)?(-\d+(\.\d+)?)?: (error|warning|note): .+ \[[A-Z]{2}\d{4}\]$")
GITHUB_LINE = re.compile(r"^::(error|warning|notice) (?P<properties>[^:]*)::.+$")


@cache
def json_schema(name: str) -> jsonschema.protocols.Validator:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator: jsonschema.protocols.Validator = validator_class(schema)
    return validator


@cache
def xml_schema(name: str) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMAS / name))


def json_errors(name: str, document: Any) -> list[str]:
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in json_schema(name).iter_errors(document)]


def run_all_formats(root: Path, files: dict[str, str], arguments: list[str]) -> tuple[int, dict[str, str]]:
    """dockgate check in `root` (a git work tree) with `files`, every format to its own file."""
    (root / ".git").mkdir()
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    outputs = {name: root.parent / f"report.{name}" for name in FORMATS}
    formats = [argument for name, path in outputs.items() for argument in ("--format", f"{name}={path}")]
    status = main(["check", "--no-config", "--no-shellcheck", *formats, *arguments])
    return status, {name: path.read_text(encoding="utf-8") for name, path in outputs.items()}


def check_reports(reports: dict[str, str], linted: set[str]) -> None:
    """Every report valid for its reader; the files they name are exactly those with findings, among `linted`."""
    gitlab = json.loads(reports["gitlab"])
    assert json_errors("gitlab-code-quality.schema.json", gitlab) == []
    fingerprints = [issue["fingerprint"] for issue in gitlab]
    assert len(set(fingerprints)) == len(fingerprints)
    # The findings' issues, then one per input that could not be checked.
    finding_issues = [issue for issue in gitlab if issue["check_name"] != RUN_INCOMPLETE]
    named = {issue["location"]["path"] for issue in finding_issues}
    assert named <= linted

    chunks = reports["codeclimate"].rstrip("\n").split("\0")
    assert chunks[-1] == ""  # every issue, the last too, ends with a NUL
    codeclimate = [json.loads(chunk) for chunk in chunks[:-1]]
    for issue in codeclimate:
        assert json_errors("codeclimate-issue.schema.json", issue) == []
    assert [issue["fingerprint"] for issue in codeclimate] == fingerprints

    sonar = json.loads(reports["sonarqube"])
    assert json_errors("sonar-generic-issues.schema.json", sonar) == []
    rule_ids = [rule["id"] for rule in sonar["rules"]]
    assert len(set(rule_ids)) == len(rule_ids)
    assert {issue["ruleId"] for issue in sonar["issues"]} == set(rule_ids)
    assert {issue["primaryLocation"]["filePath"] for issue in sonar["issues"]} == named

    checkstyle = xml_schema("checkstyle.xsd")
    checkstyle.validate(reports["checkstyle"])
    files = checkstyle.to_dict(reports["checkstyle"]).get("file", [])
    assert {file["@name"] for file in files if file["@name"] != "dockgate"} == named
    assert sum(len(file.get("error", [])) for file in files if file["@name"] != "dockgate") == len(finding_issues)

    junit = xml_schema("junit.xsd")
    junit.validate(reports["junit"])
    suites = junit.to_dict(reports["junit"])
    cases = [case for suite in suites["testsuite"] for case in suite.get("testcase", [])]
    assert int(suites["@tests"]) == len(cases) == len(finding_issues) + 1
    assert int(suites["@failures"]) == sum("failure" in case for case in cases) == len(finding_issues)
    for suite in suites["testsuite"]:
        assert int(suite["@tests"]) == len(suite.get("testcase", []))

    # An input that could not be read is GNU's program-level `dockgate: error: message`.
    gnu_lines = [line for line in reports["gnu"].splitlines() if line and not line.startswith("dockgate: error: ")]
    assert len(gnu_lines) == len(finding_issues)
    for line in gnu_lines:
        match = GNU_LINE.match(line)
        assert match is not None, line

    github_lines = [line for line in reports["github"].splitlines() if line]
    annotated = set()
    for line in github_lines:
        match = GITHUB_LINE.match(line)
        assert match is not None, line
        properties = dict(item.split("=", 1) for item in match.group("properties").split(","))
        if "file" not in properties:
            assert properties == {"title": "dockgate"}, line  # an input that could not be read
            continue
        annotated.add(unquote(properties["file"]))  # the runner's escapes are percent-encoding
    assert annotated == named


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    repository = tmp_path / "repository"
    repository.mkdir()
    monkeypatch.chdir(repository)
    return repository


def test_a_clean_run(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, reports = run_all_formats(root, {"Dockerfile": CLEAN}, ["Dockerfile"])
    capsys.readouterr()
    assert status == 0
    check_reports(reports, set())
    assert json.loads(reports["gitlab"]) == []
    assert json.loads(reports["sonarqube"]) == {"rules": [], "issues": []}
    assert reports["gnu"] == reports["github"] == reports["codeclimate"] == ""


def test_a_run_without_dockerfiles(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (root / "empty").mkdir()
    status, reports = run_all_formats(root, {}, ["empty"])
    capsys.readouterr()
    assert status == 0
    check_reports(reports, set())


@pytest.mark.parametrize(
    "names",
    [AWKWARD_PATHS, MANY_FILES],
    ids=["spaces-non-ascii-xml-characters", "many-files"],
)
def test_runs_with_findings(names: list[str], root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, reports = run_all_formats(root, {name: WITH_FINDINGS for name in names}, ["."])
    capsys.readouterr()
    assert status == 1
    check_reports(reports, set(names))
    assert {issue["location"]["path"] for issue in json.loads(reports["gitlab"])} == set(names)


def test_a_run_with_an_unreadable_input_is_not_clean(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, reports = run_all_formats(root, {"Dockerfile": CLEAN}, ["Dockerfile", "missing/Dockerfile"])
    capsys.readouterr()
    assert status == 2
    check_reports(reports, set())
    for name in ("checkstyle", "junit", "github", "gnu"):
        assert "missing/Dockerfile: no such file or directory" in reports[name], name
    assert '<error message="missing/Dockerfile' in reports["junit"]
    assert [(issue["check_name"], issue["location"]["path"]) for issue in json.loads(reports["gitlab"])] == [
        (RUN_INCOMPLETE, "missing/Dockerfile")
    ]


def test_negative_controls_the_schemas_reject_what_readers_reject() -> None:
    issue = {"description": "d", "check_name": "DL3006", "fingerprint": "f", "severity": "high", "location": {"path": "/abs/Dockerfile"}}
    assert len(json_errors("gitlab-code-quality.schema.json", [issue])) == 3  # severity, absolute path, no lines
    assert json_errors("sonar-generic-issues.schema.json", {"rules": [], "issues": [{"ruleId": "X", "primaryLocation": {"message": "m"}}]})
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        xml_schema("checkstyle.xsd").validate('<checkstyle version="4.3"><file name="f"><error line="0" severity="error" message="m" source="s"/></file></checkstyle>')
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        xml_schema("junit.xsd").validate('<testsuites><testsuite name="s"><testcase name="c" classname="k"/></testsuite></testsuites>')
