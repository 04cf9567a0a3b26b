"""The progress line: on a terminal's stderr for large runs only, wiped before the report."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from dockgate.api import RunProgress
from dockgate.cli import progress as progress_module
from dockgate.cli.main import main
from dockgate.cli.progress import PROGRESS_MIN_FILES, TerminalProgress, terminal_progress


def test_a_large_run_shows_files_findings_and_time_left(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = iter([100.0, 101.0, 102.0])
    monkeypatch.setattr(progress_module.time, "monotonic", lambda: next(clock))
    stream = io.StringIO()
    line = TerminalProgress(stream)
    line(RunProgress(0, 400, 0))
    line(RunProgress(100, 400, 7))
    assert stream.getvalue().endswith("\r\x1b[Kdockgate: 100/400 files, 7 findings, about 3 s left")
    line(RunProgress(400, 400, 30))
    line.close()
    assert stream.getvalue().endswith("\r\x1b[K")


def test_a_small_run_shows_nothing() -> None:
    stream = io.StringIO()
    line = TerminalProgress(stream)
    line(RunProgress(0, PROGRESS_MIN_FILES - 1, 0))
    line(RunProgress(PROGRESS_MIN_FILES - 2, PROGRESS_MIN_FILES - 1, 3))
    line.close()
    assert stream.getvalue() == ""


def test_no_progress_when_stderr_is_not_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert terminal_progress() is None  # pytest captures stderr: not a terminal
    for index in range(PROGRESS_MIN_FILES + 5):
        (tmp_path / f"s{index}").mkdir()
        (tmp_path / f"s{index}" / "Dockerfile").write_text("FROM alpine:3.20\nMAINTAINER me\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--no-config", "--no-cache", "--format", "json", "."]) == 1
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out.startswith("[")


def test_on_a_terminal_the_line_goes_to_stderr_and_is_wiped(tmp_path: Path) -> None:
    for index in range(PROGRESS_MIN_FILES + 20):
        (tmp_path / f"s{index}").mkdir()
        (tmp_path / f"s{index}" / "Dockerfile").write_text("FROM alpine:3.20\nMAINTAINER me\n", encoding="utf-8")
    terminal, stderr_end = pty.openpty()
    completed = subprocess.run(
        [sys.executable, "-m", "dockgate", "check", "--no-config", "--no-cache", "--ignore", "SC", "--format", "json", "."],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=stderr_end,
        check=False,
    )
    os.close(stderr_end)
    shown = b""
    while True:
        try:
            chunk = os.read(terminal, 65536)
        except OSError:  # Linux: the other end is closed
            break
        if not chunk:
            break
        shown += chunk
    os.close(terminal)
    assert completed.returncode == 1
    assert completed.stdout.startswith(b"[") and b"dockgate:" not in completed.stdout
    assert f"/{PROGRESS_MIN_FILES + 20} files".encode() in shown
    assert shown.endswith(b"\r\x1b[K")
