"""Paths as instructions write them (COPY and VOLUME destinations, WORKDIR), in the form they are compared in."""

from __future__ import annotations

import posixpath


def normalised_path(path: str) -> str:
    """A path without quotes, duplicate or trailing slashes: how destinations are compared."""
    path = path.strip().strip("\"'")
    if not path:
        return path
    normal = posixpath.normpath(path)
    return "/" if normal == "//" else normal
