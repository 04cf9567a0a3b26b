"""Writing back what `check --fix` and `check --add-noqa` make of files, and showing it (`--diff`)."""

from __future__ import annotations

import difflib
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import Sequence

from dockgate.api import RewrittenFile

NO_NEWLINE_MARKER = "\\ No newline at end of file\n"


def write_changed(files: Sequence[RewrittenFile]) -> tuple[int, list[str]]:
    """Write each changed file; the number changed and one problem line per file that could not be written.

    Standard input's text, changed or not, goes to standard output.
    """
    written = 0
    problems: list[str] = []
    for file in files:
        if file.path is None:
            sys.stdout.flush()  # text written before must come first
            sys.stdout.buffer.write(file.source.encoded(file.text))
            sys.stdout.flush()
            written += file.changed
            continue
        if not file.changed:
            continue
        try:
            replace_atomically(file.path, file.source.encoded(file.text))
            written += 1
        except OSError as error:
            problems.append(f"{file.display_path}: cannot write: {error.strerror or error}")
    return written, problems


def replace_atomically(path: Path, data: bytes) -> None:
    """Give the file at `path` the content `data`, all at once, keeping its permission bits.

    The data goes to a temporary file in the same folder, which then
    replaces the original: a reader (or a crash) sees the old file or the
    new one, never half of it. A symbolic link is followed, not replaced.
    """
    target = Path(os.path.realpath(path))
    mode = stat.S_IMODE(target.stat().st_mode)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".dockgate-tmp")
    try:
        with os.fdopen(handle, "wb") as output:
            output.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        os.unlink(temporary)
        raise


def unified_diff(files: Sequence[RewrittenFile]) -> str:
    """A unified diff of every changed file, both headers naming it as given (`patch -p0` reads it)."""
    chunks: list[str] = []
    for file in files:
        if not file.changed:
            continue
        lines = difflib.unified_diff(_lines(file.source.text), _lines(file.text), file.display_path, file.display_path)
        for line in lines:
            chunks.append(line if line.endswith("\n") else f"{line}\n{NO_NEWLINE_MARKER}")
    return "".join(chunks)


def _lines(text: str) -> list[str]:
    """The lines of `text` with their endings, split at `\\n` only, as the Dockerfile parser splits."""
    lines = [f"{line}\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]
