"""The ShellCheck runner: each distinct script is checked once, and every script gets its own comments."""

from __future__ import annotations

from pathlib import Path

import pytest

import dockgate.analysis.shellcheck as shellcheck
from dockgate.analysis.shellcheck import ShellCheckComment, run_shellcheck

UNQUOTED = "#!/bin/sh\necho $HOME\n"
CLEAN = "#!/bin/sh\nls\n"


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The script files handed to ShellCheck, with nothing remembered from earlier tests."""
    handed: list[str] = []
    original = shellcheck._run_chunk

    def counting(binary: str, paths: list[str]) -> list[tuple[int, ShellCheckComment]]:
        handed.extend(paths)
        return original(binary, paths)

    monkeypatch.setattr(shellcheck, "_run_chunk", counting)
    monkeypatch.setattr(shellcheck, "_remembered", {})
    return handed


def test_repeated_scripts_are_checked_once(checked: list[str]) -> None:
    results = run_shellcheck([UNQUOTED, CLEAN, UNQUOTED, UNQUOTED])
    assert len(checked) == 2
    assert [[comment.code for comment in found] for found in results] == [[2086], [], [2086], [2086]]
    assert results[0] is not results[2]  # each script's list is its own


def test_a_script_checked_before_is_not_checked_again(checked: list[str]) -> None:
    run_shellcheck([UNQUOTED])
    results = run_shellcheck([CLEAN, UNQUOTED])
    assert len(checked) == 2  # UNQUOTED, then CLEAN only
    assert [[comment.code for comment in found] for found in results] == [[], [2086]]


def test_the_remembered_scripts_are_bounded(checked: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shellcheck, "REMEMBERED_SCRIPTS", 2)
    scripts = [f"#!/bin/sh\necho {index} $HOME\n" for index in range(3)]
    run_shellcheck(scripts[:2])
    assert [[comment.code for comment in found] for found in run_shellcheck([scripts[2], scripts[0]])] == [[2086], [2086]]
    assert len(shellcheck._remembered) == 2
    assert len(checked) == 3


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
