"""Exit codes and writing a report where the user asked for it."""

from __future__ import annotations

import sys

from dockgate.errors import UsageError

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


def write(text: str, output: str | None) -> None:
    """`text` and a final newline (nothing for an empty text) to standard output or to the file `output`."""
    if output is None:
        sys.stdout.write(text + "\n" if text else "")
        sys.stdout.flush()
        return
    try:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text + "\n" if text else "")
    except OSError as error:
        raise UsageError(f"cannot write {output}: {error.strerror or error}") from None
