"""The command line: exit codes, formats, and every kind of bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dockgate.cli.main import main

CLEAN = "FROM alpine:3.20\nRUN echo hello\nUSER 65534\n"
BAD = "FROM alpine:3.20\nMAINTAINER someone\nUSER 65534\n"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_clean_file_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "Dockerfile", CLEAN)
    code, out, err = run(["check", "--no-config", str(path)], capsys)
    assert (code, err) == (0, "")
    assert out.strip() == "no findings in 1 file"


def test_finding_exits_1_with_text_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "Dockerfile", BAD)
    code, out, _ = run(["check", "--no-config", str(path)], capsys)
    assert code == 1
    assert out.splitlines()[0] == f"{path.as_posix()}:2:1: DL4000 [error] MAINTAINER is deprecated"


def test_json_contract_keys(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "Dockerfile", BAD)
    code, out, _ = run(["check", "--no-config", "--format", "json", str(path)], capsys)
    findings = json.loads(out)
    assert code == 1 and len(findings) == 1
    required = {"file", "line", "column", "end_line", "end_column", "code", "name", "aliases", "level", "message", "instruction_line"}
    assert required <= set(findings[0])
    assert findings[0]["aliases"] == ["MaintainerDeprecated"]


def test_failure_threshold_and_no_fail(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "Dockerfile", "FROM alpine\nRUN --network=host make\n")
    assert run(["check", "--no-config", str(path)], capsys)[0] == 1
    assert run(["check", "--no-config", "-t", "error", str(path)], capsys)[0] == 0
    assert run(["check", "--no-config", "--no-fail", str(path)], capsys)[0] == 0


def test_select_ignore_and_level_by_alias_name_and_prefix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "Dockerfile", BAD)
    assert run(["check", "--no-config", "--ignore", "MaintainerDeprecated", str(path)], capsys)[0] == 0
    assert run(["check", "--no-config", "--select", "DG", str(path)], capsys)[0] == 0
    code, out, _ = run(["check", "--no-config", "--format", "json", "--level", "maintainer-deprecated=style", str(path)], capsys)
    assert code == 0 and json.loads(out)[0]["level"] == "style"


def test_directory_search_and_parse_error_does_not_stop_other_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "a/Dockerfile", "FROM alpine\nENV PATH\n")
    write(tmp_path, "b/app.Dockerfile", BAD)
    write(tmp_path, "c/notes.txt", BAD)
    code, out, _ = run(["check", "--no-config", "--format", "json", str(tmp_path)], capsys)
    findings = json.loads(out)
    assert code == 1
    assert [(Path(f["file"]).parent.name, f["code"]) for f in findings] == [("a", "DL1000"), ("b", "DL4000")]


def test_nonexistent_path_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["check", "--no-config", str(tmp_path / "missing")], capsys)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "missing" in err and "Traceback" not in err


def test_directory_without_dockerfiles_is_a_notice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "README.md", "hello")
    code, out, err = run(["check", "--no-config", str(tmp_path)], capsys)
    assert code == 0 and "no Dockerfiles found" in err
    assert out.strip() == "no findings in 0 files"


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "Dockerfile", CLEAN)
    path.chmod(0)
    code, _, err = run(["check", "--no-config", str(path)], capsys)
    assert code == 2 and "cannot read" in err


def test_binary_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00binary")
    code, _, err = run(["check", "--no-config", str(path)], capsys)
    assert code == 2 and "binary file" in err and "Traceback" not in err


def test_invalid_utf8_is_a_finding_and_the_rest_is_linted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes(b"FROM alpine\nLABEL a=\"\xff\"\nMAINTAINER x\n")
    code, out, _ = run(["check", "--no-config", "--format", "json", "--select", "DG0004,DL4000", str(path)], capsys)
    assert code == 1 and [f["code"] for f in json.loads(out)] == ["DG0004", "DL4000"]


def test_utf16_with_bom(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes(BAD.encode("utf-16"))
    code, out, _ = run(["check", "--no-config", "--format", "json", str(path)], capsys)
    assert code == 1 and json.loads(out)[0]["line"] == 2


def test_unterminated_heredoc_is_a_parse_error_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "Dockerfile", "FROM alpine\nRUN <<EOF\necho never ends\n")
    code, out, _ = run(["check", "--no-config", "--format", "json", str(path)], capsys)
    assert code == 1
    assert [(f["code"], f["line"], f["message"]) for f in json.loads(out)] == [("DL1000", 2, "unterminated heredoc")]


def test_large_file_and_long_continuation_in_bounded_time(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 50 MB: an inline file of a COPY heredoc (the realistic way a Dockerfile gets that big).
    big = tmp_path / "Dockerfile.big"
    line = "payload " + "x" * 90 + "\n"
    body = line * (50 * 1024 * 1024 // len(line))
    big.write_text("FROM alpine:3.20\nCOPY <<EOF /data.txt\n" + body + "EOF\n", encoding="utf-8")
    long = write(tmp_path, "Dockerfile.long", "FROM alpine:3.20\nRUN true \\\n" + "  && true \\\n" * 10000 + "  && true\n")
    started = time.monotonic()
    code, out, err = run(["check", "--no-config", "--format", "json", str(big), str(long)], capsys)
    # Not a timing test: a generous bound that only a hang or a quadratic blow-up would cross.
    assert code in (0, 1) and "Traceback" not in err and time.monotonic() - started < 300
    assert all(finding["code"] != "DL1000" for finding in json.loads(out))


def test_stdin_with_stdin_filename(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dockgate", "check", "--no-config", "--format", "json", "--stdin-filename", "web/Dockerfile", "-"],
        input=BAD.encode(), capture_output=True, cwd=tmp_path,
    )
    assert result.returncode == 1
    assert json.loads(result.stdout)[0]["file"] == "web/Dockerfile"


def test_bad_config_exits_2_naming_the_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, ".dockgate.toml", "slect = ['DL']\n")
    path = write(tmp_path, "Dockerfile", CLEAN)
    code, _, err = run(["check", str(path)], capsys)
    assert code == 2 and "slect" in err and ".dockgate.toml" in err


def test_hadolint_config_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write(tmp_path, "cfg.yaml", "ignored:\n  - DL4000\n")
    path = write(tmp_path, "Dockerfile", BAD)
    assert run(["check", "--config", str(config), str(path)], capsys)[0] == 0


def test_output_file_and_sarif(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "Dockerfile", BAD)
    report = tmp_path / "out.sarif"
    code, out, _ = run(["check", "--no-config", "--format", "sarif", "--output", str(report), str(path)], capsys)
    assert code == 1 and out == ""
    log = json.loads(report.read_text())
    assert log["version"] == "2.1.0" and log["runs"][0]["results"][0]["ruleId"] == "DL4000"


def test_sarif_rules_lists_the_fired_rules_or_all(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "Dockerfile", "FROM alpine:3.20\nMAINTAINER me\nRUN echo $1\n")
    code, out, _ = run(["check", "--no-config", "--format", "sarif", str(path)], capsys)
    fired = json.loads(out)["runs"][0]
    codes = [rule["id"] for rule in fired["tool"]["driver"]["rules"]]
    assert sorted(codes) == sorted({result["ruleId"] for result in fired["results"]})
    # A ShellCheck code is described from the SC family, which itself fired nothing and is not listed.
    assert "DL4000" in codes and "SC2016" not in codes and any(code.startswith("SC2") for code in codes) and "SC" not in codes
    code, out, _ = run(["check", "--no-config", "--format", "sarif", "--sarif-rules", "all", str(path)], capsys)
    every = json.loads(out)["runs"][0]
    listed = [rule["id"] for rule in every["tool"]["driver"]["rules"]]
    assert {"DL3006", "DG2001", "SC"} <= set(listed) and set(codes) <= set(listed) and len(listed) > 100
    assert all(listed[result["ruleIndex"]] == result["ruleId"] for result in every["results"])


def test_parse_command_formats_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "Dockerfile", "FROM alpine\nRUN --mount=type=cache,target=/x make\n")
    code, out, _ = run(["parse", "--format", "buildkit", str(path)], capsys)
    assert code == 0 and out.splitlines() == ['(from "alpine")', '(run ["--mount=type=cache,target=/x"] "make")']
    code, out, _ = run(["parse", str(path)], capsys)
    assert code == 0 and json.loads(out)["instructions"][1]["flags"][0]["name"] == "mount"
    broken = write(tmp_path, "Broken", "FROM alpine\nENV PATH\n")
    code, out, err = run(["parse", str(broken)], capsys)
    assert code == 1 and err == f"{broken}:2:1: ENV must have two arguments\n"


def test_rules_listing_and_documentation(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["rules"], capsys)
    assert code == 0 and "DL4000" in out and "MaintainerDeprecated" in out
    code, out, _ = run(["rules", "MaintainerDeprecated"], capsys)
    assert code == 0 and "## Use instead" in out
    assert run(["rules", "NOPE"], capsys)[0] == 2


def test_rules_markdown_matches_docs(capsys: pytest.CaptureFixture[str]) -> None:
    run(["rules", "--format", "markdown"], capsys)
    docs = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
    code, out, _ = run(["rules", "--format", "markdown"], capsys)
    assert out == docs.read_text(encoding="utf-8"), "regenerate docs/rules.md with `dockgate rules --format markdown`"


def test_default_command_is_check_of_current_directory(tmp_path: Path) -> None:
    write(tmp_path, "Dockerfile", BAD)
    result = subprocess.run([sys.executable, "-m", "dockgate"], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 1 and result.stdout.startswith("Dockerfile:2:1: DL4000")


def test_unknown_option_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["check", "--bogus"])
    assert raised.value.code == 2


def test_buildkit_experimental_directive_switches_on_an_off_rule(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "FROM alpine:3.20\n# the version to install\nARG VERSION=1\n"
    plain = write(tmp_path, "a/Dockerfile", text)
    opted_in = write(tmp_path, "b/Dockerfile", "# check=experimental=InvalidDefinitionDescription\n" + text)
    code, out, _ = run(["check", "--no-config", "--format", "json", str(plain), str(opted_in)], capsys)
    found = [(Path(f["file"]).parent.name, f["line"]) for f in json.loads(out) if f["code"] == "DG1019"]
    assert found == [("b", 4)]


def test_context_option_sets_the_build_context(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dockerfile = write(tmp_path, "docker/Dockerfile", "FROM alpine:3.20\nCOPY secrets/token /run/\nUSER 65534\n")
    write(tmp_path, ".dockerignore", "secrets/\n")
    code, out, _ = run(["check", "--no-config", "--select", "DG1018", "--format", "json", str(dockerfile)], capsys)
    assert (code, json.loads(out)) == (0, [])
    argv = ["check", "--no-config", "--select", "DG1018", "--format", "json", "--context", str(tmp_path), str(dockerfile)]
    code, out, _ = run(argv, capsys)
    assert code == 1 and [finding["code"] for finding in json.loads(out)] == ["DG1018"]
    code, _, err = run(["check", "--no-config", "--context", str(tmp_path / "nowhere"), str(dockerfile)], capsys)
    assert code == 2 and "--context" in err


def test_buildkit_error_directive_makes_build_checks_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "FROM alpine:3.20 as base\nUSER 65534\n"
    plain = write(tmp_path, "a/Dockerfile", text)
    strict = write(tmp_path, "b/Dockerfile", "# check=error=true\n" + text)
    code, out, _ = run(["check", "--no-config", "--format", "json", "--select", "FromAsCasing", str(plain), str(strict)], capsys)
    assert [(Path(f["file"]).parent.name, f["level"]) for f in json.loads(out)] == [("a", "warning"), ("b", "error")]


def test_unknown_rule_on_the_command_line_is_a_config_error_with_a_suggestion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dockerfile = write(tmp_path, "Dockerfile", BAD)
    code, out, err = run(["check", "--ignore", "DL4OOO", str(dockerfile)], capsys)
    assert (code, out) == (2, "")
    assert err.startswith("dockgate: error: --ignore: unknown rule 'DL4OOO' (did you mean 'DL4")


def test_codes_prefixes_names_family_members_and_image_rules_are_known(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dockerfile = write(tmp_path, "Dockerfile", BAD)
    argv = ["check", "--no-config", "--ignore", "DL30,maintainer-deprecated,SC2086,DG4001,MultipleInstructionsDisallowed"]
    code, _, err = run([*argv, str(dockerfile)], capsys)
    assert (code, err) == (0, "")


def test_unknown_rule_in_a_dockgate_config_is_an_error_and_in_hadolint_yaml_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "api/Dockerfile", BAD)
    write(tmp_path, "api/.dockgate.toml", 'select = ["DL4000", "DL9999"]\n')
    code, out, err = run(["check", "."], capsys)
    assert (code, out) == (2, "")
    assert "api/.dockgate.toml: 'select': unknown rule 'DL9999'" in err
    (tmp_path / "api/.dockgate.toml").unlink()
    write(tmp_path, "api/.hadolint.yaml", "ignored: [DL9999]\n")
    code, out, err = run(["check", "."], capsys)
    assert code == 1 and "DL4000" in out
    assert err.count("unknown rule 'DL9999'") == 1 and "has no effect" in err
