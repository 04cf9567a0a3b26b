"""The ShellCheck pass keeps to its budgets: RUNs per file, RUNs per run, and time; past them, a notice."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

import dockgate.analysis.shellcheck as shellcheck
from dockgate.api import lint_paths
from dockgate.rule_api.config import Config
from dockgate.rules.hadolint import sc_shellcheck

UNQUOTED_RUNS = "FROM alpine:3.20\nUSER 65534\nRUN echo $HOME\nRUN echo $PWD\nRUN echo $USER\n"


def sc_lines(paths: list[Path]) -> tuple[list[tuple[str, int]], list[str]]:
    result = lint_paths(paths, Config())
    found = sorted((Path(f.file).name, f.span.line) for f in result.findings if f.code == "SC2086" and f.span is not None)
    return found, result.notices


def test_runs_past_the_per_file_budget_are_skipped_with_a_notice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(UNQUOTED_RUNS)
    monkeypatch.setattr(sc_shellcheck, "MAX_RUNS_PER_FILE", 2)
    found, notices = sc_lines([path])
    assert found == [("Dockerfile", 3), ("Dockerfile", 4)]
    assert any("checked only the first 2 RUN instructions of 1 file(s)" in notice for notice in notices)


def test_runs_past_the_per_run_budget_are_skipped_with_a_notice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "a.Dockerfile", tmp_path / "b.Dockerfile"
    first.write_text(UNQUOTED_RUNS)
    second.write_text(UNQUOTED_RUNS)
    monkeypatch.setattr(sc_shellcheck, "MAX_RUNS_PER_PASS", 4)
    found, notices = sc_lines([first, second])
    assert len(found) == 4
    assert any("skipped 2 RUN instruction(s) past its budget of 4 per run" in notice for notice in notices)


@pytest.mark.skipif(os.name == "nt", reason="the stand-in ShellCheck is a shell script")
def test_a_shellcheck_that_runs_past_the_time_budget_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stalling = tmp_path / "shellcheck"
    stalling.write_text("#!/bin/sh\nexec sleep 60\n")
    stalling.chmod(0o755)
    monkeypatch.setattr(shellcheck, "find_shellcheck", lambda: str(stalling))
    started = time.monotonic()
    assert shellcheck.run_shellcheck(["#!/bin/sh\necho $HOME\n", "#!/bin/sh\nls\n"], time_budget=1.0) == [None, None]
    assert time.monotonic() - started < 30

    path = tmp_path / "Dockerfile"
    path.write_text(UNQUOTED_RUNS)
    monkeypatch.setattr(shellcheck, "TIME_BUDGET_SECONDS", 1.0)
    result = lint_paths([path], Config())
    assert not [f for f in result.findings if f.code.startswith("SC")]
    assert result.checked == 1 and not result.problems  # the rest of the run goes on
    assert any("ran out of its 1 s budget: 3 RUN instruction(s) not checked" in notice for notice in result.notices)
