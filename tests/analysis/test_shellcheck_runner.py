"""The ShellCheck runner: each distinct script is checked once, and every script gets its own comments."""

from __future__ import annotations

import pytest

import dockgate.analysis.shellcheck as shellcheck
from dockgate.analysis.shellcheck import ShellCheckComment, run_shellcheck

UNQUOTED = "#!/bin/sh\necho $HOME\n"
CLEAN = "#!/bin/sh\nls\n"


def test_repeated_scripts_are_checked_once(monkeypatch: pytest.MonkeyPatch) -> None:
    checked: list[str] = []
    original = shellcheck._run_chunk

    def counting(binary: str, paths: list[str], deadline: float) -> list[tuple[int, ShellCheckComment]] | None:
        checked.extend(paths)
        return original(binary, paths, deadline)

    monkeypatch.setattr(shellcheck, "_run_chunk", counting)
    results = run_shellcheck([UNQUOTED, CLEAN, UNQUOTED, UNQUOTED])
    assert len(checked) == 2
    assert [[comment.code for comment in found] for found in results] == [[2086], [], [2086], [2086]]
    assert results[0] is not results[2]  # each script's list is its own
