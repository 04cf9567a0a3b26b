"""What rules read from the build context on disk, in one place, so that a result cache can key on it.

Rules that look beyond the Dockerfile read exactly these: the ignore file
(`<Dockerfile name>.dockerignore` or `.dockerignore`: DG1018, DG2006, DG3003),
the files that publish the image's ports (`analysis.published_ports`: compose
files from the Dockerfile's folder up to the repository root, their `.env`
files, the environment variables they name, the scripts and CI files
holding `docker run`, and Kubernetes manifests; DG3004) and the names of the files the context sends
(DG2006). A rule that reads anything else from the context must
read it through here, or cached results go stale.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from dockgate.analysis.dockerignore import (
    context_files,
    ignore_file_path,
    read_dockerignore,
)
from dockgate.analysis.file_search import FileSearch
from dockgate.analysis.published_ports import (
    port_input_parts,
    read_text,
    referenced_variables,
)


class ContextInputs:
    """Digests of what the rules read from build contexts, each file read and each context walked once."""

    def __init__(self, left_out: Path | None = None) -> None:
        """`left_out`: a folder whose files the listing digest does not count (the result cache's
        own, which grows on every run: inside a build context it would change every key)."""
        self._left_out = os.path.abspath(left_out) if left_out is not None else None
        self._file_digests: dict[Path, bytes] = {}
        self._listing_digests: dict[tuple[Path, Path | None], bytes] = {}
        self._variables_digests: dict[Path, bytes] = {}
        self._ports_digests: dict[Path, bytes] = {}
        self._port_file_digests: dict[Path, bytes] = {}
        self._compose_digests: dict[Path, bytes] = {}
        # Folders above a build context are searched for every Dockerfile below them: ask once per run.
        self._search = FileSearch()

    def digest(self, context_dir: Path, dockerfile_name: str) -> str:
        """A digest of everything the rules read from `context_dir` for a Dockerfile called `dockerfile_name`."""
        ignore_file = ignore_file_path(context_dir, dockerfile_name, self._search)
        digest = hashlib.sha256(b"ignore\0")
        if ignore_file is not None:
            digest.update(self._file_digest(ignore_file))
        digest.update(self._ports_digest(context_dir, dockerfile_name))
        digest.update(self._listing_digest(context_dir, dockerfile_name, ignore_file))
        return digest.hexdigest()

    def _ports_digest(self, context_dir: Path, dockerfile_name: str) -> bytes:
        """The files that publish ports: which they are depends on the folder alone, not on the Dockerfile's name."""
        known = self._ports_digests.get(context_dir)
        if known is None:
            port_file_digest = self._port_file_digest
            parts: list[bytes] = []
            for folder, paths in port_input_parts(context_dir / dockerfile_name, self._search):
                if folder is None:
                    parts.extend(port_file_digest(path) for path in paths)
                    continue
                # A folder's compose candidates: digested once for all the contexts below it.
                folder_digest = self._compose_digests.get(folder)
                if folder_digest is None:
                    folder_digest = self._compose_digests[folder] = b"".join([port_file_digest(path) for path in paths])
                parts.append(folder_digest)
            known = self._ports_digests[context_dir] = b"".join(parts)
        return known

    def _port_file_digest(self, path: Path) -> bytes:
        """A port input's contents and the variables it names; the candidates in the folders above
        a context (compose files, CI files) are the same for every context below them."""
        known = self._port_file_digests.get(path)
        if known is None:
            if path.name in self._names_in(path.parent):
                known = self._file_digest(path) + self._variables_digest(path)
            else:
                # Most candidates do not exist: say so without trying to open them.
                known = _missing_digest(path) + _NO_VARIABLES
            self._port_file_digests[path] = known
        return known

    def _names_in(self, directory: Path) -> frozenset[str]:
        """The names in `directory` (none when it cannot be listed), listed once per run."""
        return self._search.names(directory) or frozenset()

    def _file_digest(self, path: Path) -> bytes:
        known = self._file_digests.get(path)
        if known is None:
            try:
                known = hashlib.sha256(b"\1" + path.name.encode("utf-8", "surrogatepass") + b"\0" + path.read_bytes()).digest()
            except OSError:
                known = _missing_digest(path)  # missing or unreadable
            self._file_digests[path] = known
        return known

    def _variables_digest(self, path: Path) -> bytes:
        """The environment's values of the variables a port file names: compose interpolates them."""
        known = self._variables_digests.get(path)
        if known is None:
            text = read_text(path) if path.is_file() else None
            names = sorted(referenced_variables(text or ""))
            values = "\0".join(f"{name}={os.environ.get(name, chr(0))}" for name in names)
            known = self._variables_digests[path] = hashlib.sha256(values.encode("utf-8", "surrogatepass")).digest()
        return known

    def _listing_digest(self, context_dir: Path, dockerfile_name: str, ignore_file: Path | None) -> bytes:
        key = (context_dir, ignore_file)
        known = self._listing_digests.get(key)
        if known is None:
            listing = context_files(context_dir, read_dockerignore(context_dir, dockerfile_name))
            if self._left_out is not None:
                inside = os.path.relpath(self._left_out, os.path.abspath(context_dir)).replace(os.sep, "/")
                if not inside.startswith(".."):
                    listing = [path for path in listing if not path.startswith(inside + "/")]
            known = self._listing_digests[key] = hashlib.sha256("\0".join(listing).encode("utf-8", "surrogatepass")).digest()
        return known


def _missing_digest(path: Path) -> bytes:
    return hashlib.sha256(b"\0" + path.name.encode("utf-8", "surrogatepass")).digest()


_NO_VARIABLES = hashlib.sha256(b"").digest()
"""What `_variables_digest` gives a file that names no variable (or is not there)."""
