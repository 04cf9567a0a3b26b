"""
## What it does
Reports files and directories of the final filesystem that every user may
write to (mode bit `0o002`): directories without the sticky bit, and files.
Symbolic links (always `0777`), device nodes and anything below `/tmp`,
`/var/tmp` and `/dev/shm` are left out, and so are those three directories
themselves when they have the sticky bit (`1777`, as they should). A
world-writable directory and the world-writable entries below it make one
finding, on the directory, with a count of the rest.

## Why is this bad?
Any process in the container, whatever its user, can replace a
world-writable program, library or configuration file, or (in a directory
without the sticky bit) delete and rename other users' files in it: an easy
path from a compromised unprivileged service to its data or to root.

## Example
```dockerfile
FROM python:3.12-slim
COPY . /app
RUN chmod -R 777 /app
```

## Use instead
```dockerfile
FROM python:3.12-slim
COPY --chown=10001:10001 . /app
USER 10001
```
"""

from __future__ import annotations

import stat
from typing import Iterator

from dockgate.rule_api.findings import ImageViolation, Level
from dockgate.rule_api.rule import ImageContext, RuleMeta
from dockgate.rules.common.layer_reporting import layer_location

RULE = RuleMeta(
    code="DG5003",
    name="world-writable-path",
    summary="A file or directory in the image is writable by every user",
    level=Level.WARNING,
    security_severity=5.5,
    tags=("security", "CWE-732"),
    target="image",
    needs_layers=True,
    documentation=__doc__,
)

TEMPORARY_DIRECTORIES = ("tmp", "var/tmp", "dev/shm")


def check(context: ImageContext) -> Iterator[ImageViolation]:
    final = context.filesystem.final
    writable = sorted(path for path, (_, entry) in final.items() if _world_writable(path, entry.kind, entry.mode))
    below: dict[str, int] = {}
    reported: list[str] = []
    for path in writable:
        top = _writable_ancestor(path, below)
        if top is None:
            reported.append(path)
            below[path] = 0
        else:
            below[top] += 1
    for path in reported:
        layer, entry = final[path]
        what = "directory" if entry.kind == "dir" else "file"
        more = f" and {below[path]} world-writable entries below it" if below[path] else ""
        advice = (
            "set the sticky bit (mode 1777) so that users cannot delete each other's files"
            if path in TEMPORARY_DIRECTORIES
            else "give it to the user that needs to write it and drop the write bit for others"
        )
        yield ImageViolation(
            f"world-writable {what} /{path} (mode {entry.mode & 0o7777:04o}){more}: any user in the container can "
            f"change it; {advice}",
            layer_location(context, layer, path),
        )


def _world_writable(path: str, kind: str, mode: int) -> bool:
    if kind not in ("file", "hardlink", "dir") or not mode & stat.S_IWOTH:
        return False
    if kind == "dir" and mode & stat.S_ISVTX:
        return False
    return not any(path.startswith(directory + "/") for directory in TEMPORARY_DIRECTORIES)


def _writable_ancestor(path: str, reported: dict[str, int]) -> str | None:
    """The reported world-writable directory that holds `path`, if any."""
    parent = path.rpartition("/")[0]
    while parent:
        if parent in reported:
            return parent
        parent = parent.rpartition("/")[0]
    return None
