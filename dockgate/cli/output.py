"""Exit codes and writing a report where the user asked for it."""

from __future__ import annotations

import sys
from typing import TextIO

from dockgate.errors import UsageError

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


def write(text: str, output: str | None, stream: TextIO | None = None) -> None:
    """`text` and a final newline (nothing for an empty text) to the file `output`, or when that is
    None to `stream` (standard output by default)."""
    if output is None:
        stream = stream or sys.stdout
        stream.write(text + "\n" if text else "")
        stream.flush()
        return
    try:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text + "\n" if text else "")
    except OSError as error:
        raise UsageError(f"cannot write {output}: {error.strerror or error}") from None
