"""SARIF output: schema validity, GitHub's checklist, and the exact fields."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
import sarif_om
from hypothesis import given
from hypothesis import strategies as st
from reporter_samples import (
    ALL_RULES,
    CASING_RULE,
    PIN_RULE,
    SECRET_RULE,
    assert_github_ready,
    finding,
    rule_doc,
    schema_errors,
)

from dockgate.dockerfile.model import Span
from dockgate.reporters import Report, render
from dockgate.reporters.report import unique_fingerprints
from dockgate.reporters.sarif import to_json_value
from dockgate.rule_api.findings import Finding, Level, RelatedLocation
from dockgate.rule_api.rule import RuleMeta


def sarif_log(findings: list[Finding], root: Path, **report_fields: Any) -> dict[str, Any]:
    # Every rule is described unless a test asks otherwise, so that the descriptors can be checked without findings.
    report_fields.setdefault("sarif_rules", "all")
    report = Report(rules=report_fields.pop("rules", ALL_RULES), root=root, **report_fields)
    return json.loads(render("sarif", findings, report))


def results_of(log: dict[str, Any]) -> list[dict[str, Any]]:
    return log["runs"][0]["results"]


def artifact_uris(log: dict[str, Any]) -> list[str]:
    return [
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for result in results_of(log)
    ]


def rules_by_id(log: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {rule["id"]: rule for rule in log["runs"][0]["tool"]["driver"]["rules"]}


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # Findings name files relative to the working directory, as the CLI does.
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_typical_log_is_valid_and_github_ready(root: Path) -> None:
    findings = [
        finding(SECRET_RULE, "Dockerfile", 3, 5, fingerprint="a1"),
        finding(PIN_RULE, "services/api/Dockerfile", 7, 1, end_line=9, end_column=20),
        finding(CASING_RULE, "Dockerfile", 1, 1),
    ]
    log = sarif_log(findings, root, files_checked=2, sarif_category="dockgate/dockerfiles")
    assert_github_ready(log)


def test_negative_control_column_zero_fails_validation(root: Path) -> None:
    log = sarif_log([finding(PIN_RULE, column=0)], root)
    assert schema_errors(log) == [
        "$.runs[0].results[0].locations[0].physicalLocation.region.startColumn:"
        " 0 is less than the minimum of 1"
    ]
    with pytest.raises(AssertionError):
        assert_github_ready(log)


def test_log_envelope_and_driver(root: Path) -> None:
    log = sarif_log([], root, tool_version="1.2.3")
    assert list(log) == ["$schema", "version", "runs"]
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert {key: value for key, value in driver.items() if key != "rules"} == {
        "name": "dockgate",
        "fullName": "dockgate 1.2.3, Dockerfile linter and security analyzer",
        "version": "1.2.3",
        "semanticVersion": "1.2.3",
        "informationUri": "https://github.com/dockgate/dockgate",
    }
    assert run["results"] == []
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": root.resolve().as_uri() + "/"}}
    assert run["automationDetails"] == {"id": "dockgate/dockerfiles/"}
    assert run["invocations"] == [{"executionSuccessful": True, "workingDirectory": {"uri": root.resolve().as_uri() + "/"}}]
    assert_github_ready(log)


def test_every_enabled_rule_is_listed_without_findings(root: Path) -> None:
    log = sarif_log([], root)
    assert list(rules_by_id(log)) == ["DL3008", "DG2001", "DG0101"]


def test_by_default_only_the_rules_the_results_name_are_described(root: Path) -> None:
    assert Report().sarif_rules == "fired"
    assert rules_by_id(sarif_log([], root, sarif_rules="fired")) == {}
    log = sarif_log([finding(CASING_RULE, "Dockerfile", 1, 1), finding(PIN_RULE, "Dockerfile", 2, 1)], root, sarif_rules="fired")
    assert list(rules_by_id(log)) == ["DG0101", "DL3008"]
    assert [result["ruleIndex"] for result in results_of(log)] == [0, 1]
    assert rules_by_id(log)["DL3008"] == rules_by_id(sarif_log([], root, sarif_rules="all"))["DL3008"]
    assert_github_ready(log)


def test_security_rule_descriptor(root: Path) -> None:
    rule = rules_by_id(sarif_log([], root))["DG2001"]
    assert rule == {
        "id": "DG2001",
        "name": "secret-in-env",
        "shortDescription": {"text": "Do not put secrets in ENV or ARG."},
        "fullDescription": {"text": "Finds credentials assigned in ENV and ARG."},
        "help": {"text": SECRET_RULE.plain_documentation(), "markdown": SECRET_RULE.documentation},
        "helpUri": SECRET_RULE.help_uri,
        "defaultConfiguration": {"level": "error"},
        "properties": {
            # The family (a DG2 code is in `security`), then the rule's tags; CWE ids as GitHub links them.
            "tags": ["security", "secrets", "external/cwe/cwe-798"],
            "precision": "high",
            "security-severity": "8.0",
        },
    }
    assert "##" not in rule["help"]["text"] and "```" not in rule["help"]["text"]


def test_non_security_rules_get_problem_severity_and_keep_warning_level(root: Path) -> None:
    rules = rules_by_id(sarif_log([], root))
    assert rules["DL3008"]["defaultConfiguration"] == {"level": "warning"}
    assert rules["DL3008"]["properties"] == {
        "tags": ["hadolint", "supply-chain"],
        "precision": "high",
        "problem.severity": "warning",
    }
    # A rule without tags of its own is tagged with its family.
    assert rules["DG0101"]["properties"] == {"tags": ["core"], "precision": "high", "problem.severity": "recommendation"}
    assert rules["DG0101"]["defaultConfiguration"] == {"level": "note"}


def test_precision_is_the_rules_own(root: Path) -> None:
    guess = PIN_RULE._replace(code="DL3064", precision="medium")
    assert rules_by_id(sarif_log([], root, rules=[guess]))["DL3064"]["properties"]["precision"] == "medium"


def test_tags_are_capped_at_twenty_and_keep_security(root: Path) -> None:
    many_tags = RuleMeta(
        code="DG2999",
        name="many-tags",
        summary="Has too many tags.",
        level=Level.WARNING,
        security_severity=0.1,
        tags=tuple(f"tag-{number}" for number in range(30)) + ("security",),
        documentation=rule_doc("Has many tags."),
    )
    properties = rules_by_id(sarif_log([], root, rules=[many_tags]))["DG2999"]["properties"]
    assert len(properties["tags"]) == 20
    assert properties["tags"][0] == "security" and properties["tags"].count("security") == 1
    assert properties["security-severity"] == "0.1"


def test_result_fields(root: Path) -> None:
    one = finding(PIN_RULE, "Dockerfile", 4, 6, end_line=5, end_column=9, fingerprint="ab12")
    log = sarif_log([one], root)
    assert results_of(log) == [
        {
            "ruleId": "DL3008",
            "ruleIndex": 0,
            "level": "warning",
            "message": {"text": "Pin versions in apt-get install here."},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": "Dockerfile", "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": 4, "startColumn": 6, "endLine": 5, "endColumn": 9},
                    }
                }
            ],
            "partialFingerprints": {"dockgate/v1": unique_fingerprints([one], Report(root=root))[0]},
        }
    ]


def test_related_locations_point_into_the_results_file(root: Path) -> None:
    one = finding(PIN_RULE, "services/api/Dockerfile", 6, 5)
    one.related = (RelatedLocation(Span(3, 1, 3, 9), "the COPY before it"), RelatedLocation(Span(1, 1, 1, 5), "the stage"))
    log = sarif_log([one], root)
    assert_github_ready(log)
    [result] = results_of(log)
    artifact = {"uri": "services/api/Dockerfile", "uriBaseId": "%SRCROOT%"}
    assert result["relatedLocations"] == [
        {
            "id": 0,
            "physicalLocation": {
                "artifactLocation": artifact,
                "region": {"startLine": 3, "startColumn": 1, "endLine": 3, "endColumn": 9},
            },
            "message": {"text": "the COPY before it"},
        },
        {
            "id": 1,
            "physicalLocation": {
                "artifactLocation": artifact,
                "region": {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 5},
            },
            "message": {"text": "the stage"},
        },
    ]


def test_fingerprints_are_unique_and_survive_line_moves(root: Path) -> None:
    # The same problem in two identical RUNs shares the engine's key; SARIF must not.
    twins = [finding(PIN_RULE, line=3, fingerprint="same"), finding(PIN_RULE, line=9, fingerprint="same")]
    moved = [finding(PIN_RULE, line=5, fingerprint="same"), finding(PIN_RULE, line=12, fingerprint="same")]
    keys = [result["partialFingerprints"]["dockgate/v1"] for result in results_of(sarif_log(twins, root))]
    moved_keys = [result["partialFingerprints"]["dockgate/v1"] for result in results_of(sarif_log(moved, root))]
    assert len(set(keys)) == 2 and keys == moved_keys
    # Without an engine key, one is made from the rule, the path and the message.
    (result,) = results_of(sarif_log([finding(PIN_RULE)], root))
    assert len(result["partialFingerprints"]["dockgate/v1"]) == 32


@pytest.mark.parametrize(
    ("level", "sarif_level"),
    [(Level.ERROR, "error"), (Level.WARNING, "warning"), (Level.INFO, "note"), (Level.STYLE, "note")],
)
def test_level_mapping(root: Path, level: Level, sarif_level: str) -> None:
    (result,) = results_of(sarif_log([finding(PIN_RULE, level=level)], root))
    assert result["level"] == sarif_level


def test_results_are_sorted_and_point_at_their_rule(root: Path) -> None:
    findings = [
        finding(SECRET_RULE, "b/Dockerfile", 1),
        finding(CASING_RULE, "a/Dockerfile", 2),
        finding(PIN_RULE, "a/Dockerfile", 2),
    ]
    log = sarif_log(findings, root)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    pairs = [(result["ruleId"], rules[result["ruleIndex"]]["id"]) for result in results_of(log)]
    assert pairs == [("DG0101", "DG0101"), ("DL3008", "DL3008"), ("DG2001", "DG2001")]


def test_rule_missing_from_report_is_added_with_descriptions(root: Path) -> None:
    log = sarif_log([finding(SECRET_RULE, line=2), finding(PIN_RULE, line=1)], root, rules=[SECRET_RULE])
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == ["DG2001", "DL3008"]
    added = rules[1]
    assert added["name"] == "apt-get-unpinned"
    assert added["shortDescription"]["text"].startswith("DL3008 (apt-get-unpinned)")
    assert added["defaultConfiguration"] == {"level": "warning"}
    assert [result["ruleIndex"] for result in results_of(log)] == [1, 0]
    assert_github_ready(log)


def test_uris_are_relative_posix_and_percent_encoded(root: Path) -> None:
    findings = [
        finding(PIN_RULE, "docker files/Dockerfile.dev"),
        finding(PIN_RULE, str(root / "nested" / "Containerfile")),
        finding(PIN_RULE, "./svc/../web/Dockerfile#1"),
        finding(PIN_RULE, "café/Dockerfile"),
    ]
    log = sarif_log(findings, root)
    uris = artifact_uris(log)
    # In the order of the file names as given: "./svc", "/tmp/...", "café", "docker files".
    assert uris == [
        "web/Dockerfile%231",
        "nested/Containerfile",
        "caf%C3%A9/Dockerfile",
        "docker%20files/Dockerfile.dev",
    ]
    assert_github_ready(log)


def test_file_outside_the_root_gets_an_absolute_file_uri(root: Path) -> None:
    (root / "repo").mkdir()
    log = sarif_log([finding(PIN_RULE, "elsewhere/Dockerfile")], root / "repo")
    location = results_of(log)[0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": (root / "elsewhere" / "Dockerfile").resolve().as_uri()}
    assert_github_ready(log)


def test_symlinks_resolve_inside_the_root_and_stay_as_written_when_leading_out(root: Path) -> None:
    repository = root / "repo"
    (repository / "real").mkdir(parents=True)
    (repository / "real" / "Dockerfile").write_text("FROM scratch\n")
    (repository / "Dockerfile").symlink_to(repository / "real" / "Dockerfile")
    (root / "shared").mkdir()
    (root / "shared" / "Dockerfile").write_text("FROM scratch\n")
    (repository / "linked").symlink_to(root / "shared")
    findings = [finding(PIN_RULE, "repo/Dockerfile"), finding(PIN_RULE, "repo/linked/Dockerfile")]
    log = sarif_log(findings, repository)
    assert artifact_uris(log) == ["real/Dockerfile", "linked/Dockerfile"]


@pytest.mark.parametrize(
    ("category", "automation_id"),
    [
        ("dockgate/dockerfiles", "dockgate/dockerfiles/"),
        ("dockgate/images/", "dockgate/images/"),
        ("dockgate", "dockgate/"),
    ],
)
def test_category_becomes_automation_details_id(root: Path, category: str, automation_id: str) -> None:
    log = sarif_log([], root, sarif_category=category)
    assert log["runs"][0]["automationDetails"] == {"id": automation_id}


def test_walker_renames_skips_defaults_and_keeps_dict_keys() -> None:
    region = sarif_om.Region(start_line=1, start_column=1)
    assert to_json_value(region) == {"startLine": 1, "startColumn": 1}  # byteOffset/charOffset -1 dropped
    result = sarif_om.Result(
        message=sarif_om.Message(text="m"),
        rule_index=0,
        partial_fingerprints={"dockgate/v1": "x"},
        properties={"problem.severity": "warning"},
    )
    assert to_json_value(result) == {
        "message": {"text": "m"},
        "level": "warning",  # kept although it is sarif_om's default
        "partialFingerprints": {"dockgate/v1": "x"},
        "properties": {"problem.severity": "warning"},
        "ruleIndex": 0,  # 0 differs from the default -1
    }
    component = sarif_om.ToolComponent(name="dockgate")
    assert to_json_value(component) == {"name": "dockgate"}  # factory default `contents` dropped
    log = sarif_om.SarifLog(runs=[], version="2.1.0", schema_uri="s")
    assert to_json_value(log) == {"runs": [], "version": "2.1.0", "$schema": "s"}


# Positions and file names as the engine could produce them: any valid span, any relative path.
path_parts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="/\\\x00"),
    min_size=1,
    max_size=12,
).filter(lambda part: part not in {".", ".."})


@given(
    parts=st.lists(path_parts, min_size=1, max_size=3),
    line=st.integers(1, 10_000),
    column=st.integers(1, 500),
    extra_lines=st.integers(0, 50),
    width=st.integers(0, 200),
    level=st.sampled_from([Level.ERROR, Level.WARNING, Level.INFO, Level.STYLE]),
)
def test_any_relative_file_and_valid_span_gives_a_github_ready_log(
    parts: list[str], line: int, column: int, extra_lines: int, width: int, level: Level
) -> None:
    root = Path("/nonexistent-dockgate-root")
    file = str(root.joinpath(*parts))
    end_line, end_column = line + extra_lines, column + width
    one = finding(PIN_RULE, file, line, column, end_line=end_line, end_column=end_column, level=level)
    log = json.loads(render("sarif", [one], Report(rules=ALL_RULES, root=root)))
    assert_github_ready(log)
    assert [unquote(uri) for uri in artifact_uris(log)] == ["/".join(parts)]
