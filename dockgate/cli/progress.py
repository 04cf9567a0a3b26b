"""Progress of a large `dockgate check` on a terminal: files done, findings so far, time left.

Written to stderr and only when stderr is a terminal, on one line that is
wiped before the report is written, so it never mixes with output.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from dockgate.api import RunProgress

PROGRESS_MIN_FILES = 100
"""Smaller runs finish before a progress line would be worth reading."""
REFRESH_SECONDS = 0.2


class TerminalProgress:
    """A `lint_paths` progress callback that keeps one status line up to date."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._started: tuple[float, int] | None = None
        """When the first report came, and how many files were done then (found in the cache)."""
        self._last_shown = 0.0
        self._shown = False

    def __call__(self, progress: RunProgress) -> None:
        now = time.monotonic()
        if progress.total < PROGRESS_MIN_FILES:
            return
        if self._started is None:
            self._started = (now, progress.done)
        finished = progress.done >= progress.total
        if finished or now - self._last_shown < REFRESH_SECONDS and self._shown:
            return
        self._last_shown = now
        self._shown = True
        line = f"dockgate: {progress.done}/{progress.total} files, {progress.findings} findings, {self._time_left(progress, now)}"
        self._stream.write(f"\r\x1b[K{line}")
        self._stream.flush()

    def _time_left(self, progress: RunProgress, now: float) -> str:
        assert self._started is not None
        started_at, done_at_start = self._started
        linted = progress.done - done_at_start
        if linted <= 0 or now <= started_at:
            return "working out the time left"
        seconds = (progress.total - progress.done) * (now - started_at) / linted
        return f"about {seconds:.0f} s left" if seconds >= 1 else "under a second left"

    def close(self) -> None:
        """Wipe the status line, so the report starts on a clean line."""
        if self._shown:
            self._stream.write("\r\x1b[K")
            self._stream.flush()
            self._shown = False


def terminal_progress() -> TerminalProgress | None:
    """A progress line on stderr, or None when stderr is not a terminal."""
    return TerminalProgress(sys.stderr) if sys.stderr.isatty() else None
