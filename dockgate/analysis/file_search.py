"""Existence checks and folder listings for the files around a Dockerfile, each asked once.

`analysis.published_ports` and `analysis.docker_cli_commands` look for the
same candidates (compose files, `.git`, CI files) in the same folders for
every Dockerfile: the folders above a Dockerfile are shared by all the
Dockerfiles below them. A `FileSearch` remembers every answer it gave, so a
caller that keeps one for a whole run (the result cache keys thousands of
files) asks the filesystem once per path. Without one, each search makes
its own, and sees the filesystem as it is now.
"""

from __future__ import annotations

import os
from pathlib import Path


class FileSearch:
    """What the filesystem said about paths and folders, remembered for the life of the object."""

    __slots__ = (
        "_is_file",
        "_exists",
        "_names",
        "_children",
        "search_directories",
        "yaml_files",
        "compose_candidates",
        "has_compose_file",
        "matching_names",
    )

    def __init__(self) -> None:
        self._is_file: dict[Path, bool] = {}
        self._exists: dict[Path, bool] = {}
        self._names: dict[Path, frozenset[str] | None] = {}
        self._children: dict[tuple[Path, str], Path] = {}
        # The searches `published_ports` builds on these answers, by the folder searched.
        self.search_directories: dict[Path, list[Path]] = {}
        self.yaml_files: dict[tuple[Path, int], list[Path]] = {}
        self.compose_candidates: dict[Path, list[Path]] = {}
        self.has_compose_file: dict[Path, bool] = {}
        # `docker_cli_commands`' search: the entries of a folder matching a set of globs.
        self.matching_names: dict[tuple[Path, tuple[str, ...]], list[Path]] = {}

    def is_file(self, path: Path) -> bool:
        """`path.is_file()`, remembered."""
        known = self._is_file.get(path)
        if known is None:
            known = self._is_file[path] = path.is_file()
        return known

    def exists(self, path: Path) -> bool:
        """`path.exists()`, remembered."""
        known = self._exists.get(path)
        if known is None:
            known = self._exists[path] = path.exists()
        return known

    def names(self, folder: Path) -> frozenset[str] | None:
        """The names `os.listdir(folder)` gives, remembered; None when it cannot be listed."""
        if folder in self._names:
            return self._names[folder]
        try:
            names: frozenset[str] | None = frozenset(os.listdir(folder))
        except OSError:
            names = None
        self._names[folder] = names
        return names

    def child(self, folder: Path, name: str) -> Path:
        """`folder / name`, made once: pathlib's joining costs more than the look-ups it feeds."""
        key = (folder, name)
        known = self._children.get(key)
        if known is None:
            known = self._children[key] = folder / name
        return known
