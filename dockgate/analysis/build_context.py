"""What rules read from the build context on disk, in one place, so that a result cache can key on it.

Rules that look beyond the Dockerfile read exactly these: the ignore file
(`<Dockerfile name>.dockerignore` or `.dockerignore`: DG1018, DG2006, DG3003),
the compose files at the context root (DG3004) and the names of the files the
context sends (DG2006). A rule that reads anything else from the context must
read it through here, or cached results go stale.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from dockgate.analysis.dockerignore import context_files, ignore_file_path, read_dockerignore

COMPOSE_FILE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")


def context_inputs_digest(context_dir: Path, dockerfile_name: str) -> str:
    """A digest of everything the rules read from `context_dir` for a Dockerfile called `dockerfile_name`."""
    digest = hashlib.sha256()
    ignore_file = ignore_file_path(context_dir, dockerfile_name)
    for name, path in [("ignore", ignore_file), *((name, context_dir / name) for name in COMPOSE_FILE_NAMES)]:
        digest.update(f"\0{name}\0".encode())
        if path is not None:
            digest.update(path.name.encode("utf-8", "surrogatepass") + b"\0" + _read_or_empty(path))
    digest.update(b"\0files\0")
    for relative_path in context_files(context_dir, read_dockerignore(context_dir, dockerfile_name)):
        digest.update(relative_path.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


def _read_or_empty(path: Path) -> bytes:
    """The file's bytes; a missing or unreadable file reads as a marker no file's bytes can equal."""
    try:
        return b"\1" + path.read_bytes()
    except OSError:
        return b"\0"
