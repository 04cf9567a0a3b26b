"""The ShellCheck runner: each distinct script is checked once, and every script gets its own comments."""

from __future__ import annotations

from pathlib import Path

import pytest

import dockgate.analysis.shellcheck as shellcheck
from dockgate.analysis.shellcheck import ShellCheckComment, run_shellcheck

UNQUOTED = "#!/bin/sh\necho $HOME\n"
CLEAN = "#!/bin/sh\nls\n"


def test_repeated_scripts_are_checked_once(monkeypatch: pytest.MonkeyPatch) -> None:
    checked: list[str] = []
    original = shellcheck._run_chunk

    def counting(binary: str, paths: list[str]) -> list[tuple[int, ShellCheckComment]]:
        checked.extend(paths)
        return original(binary, paths)

    monkeypatch.setattr(shellcheck, "_run_chunk", counting)
    results = run_shellcheck([UNQUOTED, CLEAN, UNQUOTED, UNQUOTED])
    assert len(checked) == 2
    assert [[comment.code for comment in found] for found in results] == [[2086], [], [2086], [2086]]
    assert results[0] is not results[2]  # each script's list is its own


def test_the_binary_identity_changes_with_the_binary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    binary = tmp_path / "shellcheck"
    binary.write_bytes(b"version 1")
    monkeypatch.setattr(shellcheck, "find_shellcheck", lambda: str(binary))
    first = shellcheck.shellcheck_identity()
    assert first is not None and first == shellcheck.shellcheck_identity()
    binary.write_bytes(b"version 1.1")
    assert shellcheck.shellcheck_identity() not in (None, first)
    monkeypatch.setattr(shellcheck, "find_shellcheck", lambda: None)
    assert shellcheck.shellcheck_identity() is None
