"""From what the user typed after `dockgate image` to the Image objects the rules check.

A SOURCE is `docker-archive:FILE[:REF]`, `oci:DIR[:TAG]`, `oci-archive:FILE[:TAG]`,
`inspect:FILE` (`-` for standard input), `registry:REF`, `-` (standard input,
recognised by content), or a bare word. A bare word naming an existing path
is recognised in the order of images.md section 1 (a directory with
oci-layout, a tar with manifest.json, a tar with index.json or oci-layout, a
JSON list); any other bare word is a registry reference. Each local failure
becomes one ImageError line that starts with the SOURCE as given.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import BinaryIO, TypeVar

from dockgate.image.blobs import (
    BlobStore,
    DirectoryBlobStore,
    open_file,
    open_tar_store,
    peek,
    spool,
)
from dockgate.image.docker_archive import read_docker_archive
from dockgate.image.errors import ImageError
from dockgate.image.image import Image
from dockgate.image.inspect import read_inspect
from dockgate.image.layout import read_layout
from dockgate.image.models import MAX_CONFIG_BYTES, Platform

TRANSPORTS = ("docker-archive", "oci-archive", "oci", "inspect", "registry")
STDIN = "-"
_PATH_LIKE_PREFIXES = ("/", "./", "../", "~")
_PATH_LIKE_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".json")
_JSON_STARTS = (b"[", b"{")
_SNIFF_BYTES = 512

Store = TypeVar("Store", bound=BlobStore)


def open_images(
    spec: str,
    *,
    platform: Platform | None = None,
    insecure_registries: frozenset[str] = frozenset(),
    stdin: BinaryIO | None = None,
) -> list[Image]:
    """The images `spec` names (several only for inspect JSON listing several); the caller closes each."""
    transport, _, location = spec.partition(":")
    if transport == "registry" or (transport not in TRANSPORTS and spec != STDIN and not _is_local(spec)):
        reference = location if transport == "registry" else spec
        if not reference:
            raise ImageError(f"{spec}: an image reference is missing, such as registry:ghcr.io/org/app:1.2")
        return [_open_registry(spec, reference, platform, insecure_registries)]
    try:
        return _open_local(spec, platform, stdin)
    except ImageError as error:
        raise ImageError(f"{spec}: {error}") from None
    except OSError as error:  # a path the system refuses outright, such as a name too long
        raise ImageError(f"{spec}: {error.strerror or error}") from None


def _is_local(spec: str) -> bool:
    """Whether a bare word is meant as a file: it exists, or looks too much like a path to be a reference."""
    return _exists(spec) or spec.startswith(_PATH_LIKE_PREFIXES) or spec.endswith(_PATH_LIKE_SUFFIXES)


def _open_local(spec: str, platform: Platform | None, stdin: BinaryIO | None) -> list[Image]:
    transport, _, location = spec.partition(":")
    if spec == STDIN:
        return _recognise(_spool_stdin(stdin), spec, platform)
    if transport == "inspect":
        file = _spool_stdin(stdin) if location == STDIN else open_file(Path(location))
        with file:
            return read_inspect(_read_json_file(file), spec)
    if transport == "oci":
        directory, tag = _split_location(location)
        if not directory.is_dir():
            raise ImageError("not a directory (for a tar of a layout, write oci-archive:FILE)")
        return [_read_layout_directory(directory, tag, spec, platform)]
    if transport in ("docker-archive", "oci-archive"):
        path, reference = _split_location(location)
        store = open_tar_store(open_file(path))
        if transport == "oci-archive":
            return [_owning(store, partial(
                read_layout, tag=reference, platform=platform, name=spec, source="oci-archive"))]
        return [_owning(store, partial(read_docker_archive, reference=reference, platform=platform, name=spec))]
    path = Path(spec)
    if path.is_dir():
        return [_read_layout_directory(path, None, spec, platform)]
    if not path.exists():
        raise ImageError("no such file or directory")
    return _recognise(open_file(path), spec, platform)


def _read_layout_directory(directory: Path, tag: str | None, spec: str, platform: Platform | None) -> Image:
    return _owning(DirectoryBlobStore(directory), partial(read_layout, tag=tag, platform=platform, name=spec, source="oci"))


def _exists(path: str) -> bool:
    try:
        return Path(path).exists()
    except (OSError, ValueError):  # a name too long for the system, or holding a NUL: not a file here
        return False


def _split_location(location: str) -> tuple[Path, str | None]:
    """`FILE[:REF]` split at the first colon after which the part before names an existing path.

    A tag may hold colons itself (`repo:tag`, `host:5000/repo:tag`) and so, rarely, may a path.
    """
    if _exists(location):
        return Path(location), None
    for position, character in enumerate(location):
        if character == ":" and _exists(location[:position]):
            return Path(location[:position]), location[position + 1:] or None
    raise ImageError("no such file or directory")


def _owning(store: Store, read: Callable[[Store], Image]) -> Image:
    """`read(store)`, closing the store when that fails (the Image it returns closes it otherwise)."""
    try:
        return read(store)
    except BaseException:
        store.close()
        raise


def _spool_stdin(stdin: BinaryIO | None) -> BinaryIO:
    return spool(stdin if stdin is not None else sys.stdin.buffer, "standard input")


def _read_json_file(file: BinaryIO) -> bytes:
    data = file.read(MAX_CONFIG_BYTES + 1)
    if len(data) > MAX_CONFIG_BYTES:
        raise ImageError(f"more than {MAX_CONFIG_BYTES} bytes of JSON, larger than any inspect output")
    return data


def _recognise(file: BinaryIO, spec: str, platform: Platform | None) -> list[Image]:
    """Images from a seekable file of unknown kind: inspect JSON, docker save tar or oci-archive."""
    head = peek(file, _SNIFF_BYTES)
    if head.lstrip().startswith(_JSON_STARTS):
        with file:
            return read_inspect(_read_json_file(file), spec)
    store = open_tar_store(file)
    if store.exists("manifest.json"):
        return [_owning(store, partial(read_docker_archive, reference=None, platform=platform, name=spec))]
    if store.exists("index.json") or store.exists("oci-layout"):
        return [_owning(store, partial(
            read_layout, tag=None, platform=platform, name=spec, source="oci-archive"))]
    store.close()
    raise ImageError("a tar archive, but with neither manifest.json (docker save) nor index.json (OCI layout)")


def _open_registry(spec: str, reference: str, platform: Platform | None, insecure_registries: frozenset[str]) -> Image:
    # Imported here: the registry client (and httpx) is only needed for registry references.
    from dockgate.image.registry import open_registry_image

    image = open_registry_image(reference, platform=platform, insecure_registries=insecure_registries)
    image.name = spec
    return image
