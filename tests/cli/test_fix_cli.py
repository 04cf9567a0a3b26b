"""`dockgate check --fix`, `--unsafe-fixes`, `--diff` and `--add-noqa`; fixes in the JSON, SARIF and `rules` outputs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import jsonschema
import pytest

import dockgate.api
from dockgate.cli.main import main
from dockgate.engine.registry import LoadedRule, all_rule_metas, dockerfile_rules
from dockgate.rule_api.findings import Applicability, Edit, Fix, Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

# Only DG1004 (instruction casing, a safe fix) fires on these.
LOWER_RUN = "FROM alpine:3.20\nrun echo hi\nUSER 65534\n"
FIXED_RUN = "FROM alpine:3.20\nRUN echo hi\nUSER 65534\n"
SCHEMA_PATH = Path(__file__).parents[1] / "data" / "sarif-schema-2.1.0.json"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_with_stdin(argv: list[str], data: bytes, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "dockgate", *argv], input=data, capture_output=True, cwd=cwd)


def _absolute_workdir(context: LintContext) -> Iterator[Violation]:
    """A test rule with an unsafe fix: a relative WORKDIR gets a leading slash."""
    for instruction in context.document.instructions:
        if instruction.keyword == "WORKDIR" and instruction.args and not instruction.args[0].value.startswith("/"):
            word = instruction.args[0].span
            yield Violation("relative", word, instruction.line, fix=Fix.unsafe("Make it absolute", Edit.insert_before(word, "/")))


@pytest.fixture
def unsafe_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    meta = RuleMeta(
        code="DG9901",
        name="test-absolute-workdir",
        summary="test",
        level=Level.WARNING,
        fix=Applicability.UNSAFE,
        documentation="## What it does\nx\n## Why is this bad?\nx\n## Example\nx\n## Use instead\nx\n",
    )
    rules = [*dockerfile_rules(), LoadedRule(meta, _absolute_workdir)]
    monkeypatch.setattr(dockgate.api, "dockerfile_rules", lambda: rules)


def test_fix_writes_the_fixed_text_keeping_the_mode_and_leaving_no_temporary_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(LOWER_RUN)
    path.chmod(0o754)
    code, out, err = run(["check", "--no-config", "--fix", str(path)], capsys)
    assert path.read_text() == FIXED_RUN
    assert path.stat().st_mode & 0o7777 == 0o754
    assert os.listdir(tmp_path) == ["Dockerfile"]
    assert code == 0 and out == "no findings in 1 file\n"
    assert "dockgate: Fixed 1 finding in 1 file; 0 remain." in err


def test_fix_keeps_bom_crlf_and_a_missing_final_newline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    utf8 = tmp_path / "a" / "Dockerfile"
    utf8.parent.mkdir()
    utf8.write_bytes(b"\xef\xbb\xbfFROM alpine:3.20\r\nrun echo hi\r\nUSER 65534")
    code, _, err = run(["check", "--no-config", "--fix", str(tmp_path)], capsys)
    assert utf8.read_bytes() == b"\xef\xbb\xbfFROM alpine:3.20\r\nRUN echo hi\r\nUSER 65534"
    assert code == 0 and "Fixed 1 finding in 1 file; 0 remain." in err


def test_fix_leaves_a_utf16_file_docker_cannot_read_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    utf16 = tmp_path / "Dockerfile"
    data = LOWER_RUN.replace("\n", "\r\n").encode("utf-16")
    utf16.write_bytes(data)
    code, out, _ = run(["check", "--no-config", "--fix", str(utf16)], capsys)
    assert utf16.read_bytes() == data
    assert code == 1 and "DL1000 [error] the file is UTF-16LE text" in out


def test_fix_writes_only_changed_files_and_follows_symbolic_links(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clean = tmp_path / "clean" / "Dockerfile"
    clean.parent.mkdir()
    clean.write_text(FIXED_RUN)
    inode = clean.stat().st_ino
    target = tmp_path / "real.Dockerfile"
    target.write_text(LOWER_RUN)
    link = tmp_path / "linked" / "Dockerfile"
    link.parent.mkdir()
    link.symlink_to(target)
    run(["check", "--no-config", "--fix", str(clean), str(link)], capsys)
    assert clean.stat().st_ino == inode
    assert link.is_symlink() and target.read_text() == FIXED_RUN


def test_a_file_that_cannot_be_written_is_an_error_and_stays_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(LOWER_RUN)

    def refuse(source: object, destination: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    code, _, err = run(["check", "--no-config", "--fix", str(path)], capsys)
    assert code == 2 and f"dockgate: error: {path}: cannot write: Permission denied" in err
    assert path.read_text() == LOWER_RUN and os.listdir(tmp_path) == ["Dockerfile"]


def test_diff_prints_a_unified_diff_writes_nothing_and_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(LOWER_RUN.rstrip("\n"))
    code, out, err = run(["check", "--no-config", "--diff", str(path)], capsys)
    assert code == 1
    assert out == (
        f"--- {path}\n+++ {path}\n@@ -1,3 +1,3 @@\n FROM alpine:3.20\n-run echo hi\n+RUN echo hi\n USER 65534\n"
        "\\ No newline at end of file\n"
    )
    assert path.read_text() == LOWER_RUN.rstrip("\n")
    assert "dockgate: Would fix 1 finding in 1 file; 0 would remain." in err
    path.write_text(FIXED_RUN)
    assert run(["check", "--no-config", "--diff", str(path)], capsys)[:2] == (0, "")


def test_diff_marks_a_changed_last_line_without_newline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text("FROM alpine:3.20\nUSER 65534\nrun echo hi")
    _, out, _ = run(["check", "--no-config", "--diff", str(path)], capsys)
    assert out.endswith("-run echo hi\n\\ No newline at end of file\n+RUN echo hi\n\\ No newline at end of file\n")


def test_unsafe_fixes_are_applied_only_with_the_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], unsafe_rule: None
) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text("FROM alpine:3.20\nrun echo hi\nWORKDIR app\nUSER 65534\n")
    code, out, err = run(["check", "--no-config", "--fix", str(path)], capsys)
    assert path.read_text() == "FROM alpine:3.20\nRUN echo hi\nWORKDIR app\nUSER 65534\n"
    assert code == 1 and "DG9901" in out
    # Left: DG9901, and DL3000 and DG1010 (relative WORKDIR), which its fix also mends.
    assert "Fixed 1 finding in 1 file; 3 remain; 1 more with --unsafe-fixes." in err
    code, out, err = run(["check", "--no-config", "--diff", "--unsafe-fixes", str(path)], capsys)
    assert code == 1 and "-WORKDIR app\n+WORKDIR /app\n" in out
    code, out, err = run(["check", "--no-config", "--fix", "--unsafe-fixes", str(path)], capsys)
    assert path.read_text() == "FROM alpine:3.20\nRUN echo hi\nWORKDIR /app\nUSER 65534\n"
    assert code == 0 and "Fixed 1 finding in 1 file; 0 remain." in err


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--unsafe-fixes"], "--unsafe-fixes goes with --fix or --diff"),
        (["--add-noqa", "--fix"], "--add-noqa cannot be combined with --fix or --diff"),
        (["--add-noqa", "--disable-ignore-pragma"], "which --disable-ignore-pragma would not read"),
        (["--diff", "--format", "json"], "--diff writes no report"),
    ],
)
def test_option_combinations_that_make_no_sense_are_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], options: list[str], message: str
) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(LOWER_RUN)
    code, _, err = run(["check", "--no-config", *options, str(path)], capsys)
    assert code == 2 and message in err and path.read_text() == LOWER_RUN


def test_fix_from_standard_input_prints_the_fixed_text_and_reports_on_stderr(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbfFROM alpine:3.20\r\nrun echo hi\r\nCOPY --from=nowhere /a /b\r\nUSER 65534\r\n"
    result = run_with_stdin(["check", "--no-config", "--fix", "-"], data, tmp_path)
    assert result.stdout == data.replace(b"run", b"RUN")
    stderr = result.stderr.decode()
    assert "-:3:6: DL3022" in stderr and "Fixed 1 finding in 1 file; 1 remains." in stderr
    assert result.returncode == 1
    unchanged = run_with_stdin(["check", "--no-config", "--fix", "-"], FIXED_RUN.encode(), tmp_path)
    assert unchanged.returncode == 0 and unchanged.stdout == FIXED_RUN.encode()
    utf16 = "FROM alpine:3.20\r\nrun echo hi\r\n".encode("utf-16")
    refused = run_with_stdin(["check", "--no-config", "--fix", "-"], utf16, tmp_path)
    assert refused.returncode == 1 and refused.stdout == utf16 and "DL1000" in refused.stderr.decode()


def test_diff_from_standard_input(tmp_path: Path) -> None:
    result = run_with_stdin(["check", "--no-config", "--diff", "--stdin-filename", "web/Dockerfile", "-"], LOWER_RUN.encode(), tmp_path)
    assert result.returncode == 1
    assert result.stdout.decode().startswith("--- web/Dockerfile\n+++ web/Dockerfile\n@@ -1,3 +1,3 @@\n")


NOQA_BEFORE = (
    "FROM ubuntu:24.04\n"
    "USER 65534\n"
    "  # hadolint ignore=DL3009 -- the lists are needed later\n"
    "  RUN apt-get update && apt-get install curl\n"
    "MAINTAINER me\n"
)
NOQA_AFTER = (
    "FROM ubuntu:24.04\n"
    "USER 65534\n"
    "  # hadolint ignore=DL3009,DL3014,DL3015,DL3008 -- the lists are needed later\n"
    "  RUN apt-get update && apt-get install curl\n"
    "# hadolint ignore=DL4000\n"
    "MAINTAINER me\n"
)


def test_add_noqa_extends_the_comment_above_keeps_indentation_and_is_idempotent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(NOQA_BEFORE)
    assert run(["check", "--no-config", "--select", "DL", str(path)], capsys)[0] == 1
    code, out, err = run(["check", "--no-config", "--select", "DL", "--add-noqa", str(path)], capsys)
    assert path.read_text() == NOQA_AFTER
    assert code == 0 and out == ""
    assert "dockgate: Added 1 ignore comment and extended 1 in 1 file, silencing 4 findings." in err
    assert run(["check", "--no-config", "--select", "DL", str(path)], capsys)[0] == 0
    inode = path.stat().st_ino
    code, _, err = run(["check", "--no-config", "--select", "DL", "--add-noqa", str(path)], capsys)
    assert path.read_text() == NOQA_AFTER and path.stat().st_ino == inode
    assert "Added 0 ignore comments in 0 files, silencing 0 findings." in err


def test_add_noqa_puts_dockgate_codes_in_their_own_comment_and_keeps_crlf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes(b"FROM alpine:3.20\r\nrun echo hi\r\nMAINTAINER me\r\n")
    run(["check", "--no-config", "--add-noqa", str(path)], capsys)
    assert path.read_bytes() == (
        b"# dockgate: ignore=DG2011\r\nFROM alpine:3.20\r\n# dockgate: ignore=DG1004\r\nrun echo hi\r\n"
        b"# hadolint ignore=DL4000\r\nMAINTAINER me\r\n"
    )
    assert run(["check", "--no-config", str(path)], capsys)[0] == 0


def test_add_noqa_leaves_a_file_that_does_not_parse_and_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text("FROM alpine:3.20\nRUN <<EOF\necho never closed\n")
    code, _, err = run(["check", "--no-config", "--add-noqa", str(path)], capsys)
    assert path.read_text() == "FROM alpine:3.20\nRUN <<EOF\necho never closed\n"
    assert code == 0 and "1 cannot be silenced by a comment" in err


def test_add_noqa_from_standard_input_prints_the_text(tmp_path: Path) -> None:
    result = run_with_stdin(["check", "--no-config", "--add-noqa", "-"], b"FROM alpine:3.20\nMAINTAINER me\nUSER 65534\n", tmp_path)
    assert result.returncode == 0
    assert result.stdout == b"FROM alpine:3.20\n# hadolint ignore=DL4000\nMAINTAINER me\nUSER 65534\n"


def test_json_findings_carry_their_fix_or_null(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text("FROM alpine:3.20\nrun echo hi\nCOPY --from=nowhere /a /b\nUSER 65534\n")
    _, out, _ = run(["check", "--no-config", "--format", "json", str(path)], capsys)
    fixes = {finding["code"]: finding["fix"] for finding in json.loads(out)}
    assert fixes == {
        "DG1004": {
            "applicability": "safe",
            "message": "Write the keyword in uppercase",
            "edits": [{"line": 2, "column": 1, "end_line": 2, "end_column": 4, "content": "RUN"}],
        },
        "DL3022": None,
    }


def test_sarif_results_carry_fixes_valid_against_the_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, unsafe_rule: None
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("Dockerfile").write_text("FROM alpine:3.20\nrun echo hi\nWORKDIR app\nUSER 65534\n")
    _, out, _ = run(["check", "--no-config", "--format", "sarif", "Dockerfile"], capsys)
    log = json.loads(out)
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(log)
    results = {result["ruleId"]: result for result in log["runs"][0]["results"]}
    assert results["DG1004"]["fixes"] == [
        {
            "artifactChanges": [
                {
                    "artifactLocation": {"uri": "Dockerfile", "uriBaseId": "%SRCROOT%"},
                    "replacements": [
                        {
                            "deletedRegion": {"startLine": 2, "startColumn": 1, "endLine": 2, "endColumn": 4},
                            "insertedContent": {"text": "RUN"},
                        }
                    ],
                }
            ],
            "description": {"text": "Write the keyword in uppercase"},
            "properties": {"applicability": "safe"},
        }
    ]
    # An insertion is an empty deleted region.
    (workdir_fix,) = results["DG9901"]["fixes"]
    assert workdir_fix["properties"] == {"applicability": "unsafe"}
    assert workdir_fix["artifactChanges"][0]["replacements"] == [
        {"deletedRegion": {"startLine": 3, "startColumn": 9, "endLine": 3, "endColumn": 9}, "insertedContent": {"text": "/"}}
    ]
    assert "fixes" not in results["DL3000"]


def test_rules_list_has_a_fix_column_and_json_one_object_per_rule(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(["rules"], capsys)
    rows = {line.split()[0]: line.split() for line in out.splitlines()}
    assert rows["DG1004"][:5] == ["DG1004", "consistent-instruction-casing", "warning", "safe", "ConsistentInstructionCasing"]
    assert rows["DL3022"] == ["DL3022", "copy-from-unknown-stage", "warning"]  # no fix, no alias
    code, out, _ = run(["rules", "--format", "json"], capsys)
    objects = json.loads(out)
    metas = all_rule_metas()
    assert code == 0 and [item["code"] for item in objects] == [meta.code for meta in metas]
    by_code = {item["code"]: item for item in objects}
    assert {key: by_code["DG1004"][key] for key in ("code", "name", "level", "aliases", "fix")} == {
        "code": "DG1004",
        "name": "consistent-instruction-casing",
        "level": "warning",
        "aliases": ["ConsistentInstructionCasing"],
        "fix": "safe",
    }
    assert all(item["fix"] == (meta.fix.value if meta.fix else None) for item, meta in zip(objects, metas))
    _, out, _ = run(["rules", "--format", "json", "MaintainerDeprecated"], capsys)
    assert [item["code"] for item in json.loads(out)] == ["DL4000"]
