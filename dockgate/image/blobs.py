"""Named files of an image input, read the same way from a directory or from a tar.

An OCI layout directory, an oci-archive and a `docker save` tar all hold the
same kinds of files (index.json, manifest.json, blobs/<alg>/<hex>); the
readers in `layout` and `docker_archive` ask a `BlobStore` for them by name
and never care where they live. Nothing is extracted or written to disk: a
tar is indexed once and its members are read in place, which is also what
keeps hostile names (`../`, absolute symlinks, link loops) harmless.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import posixpath
import tarfile
import tempfile
import zlib
from abc import ABC, abstractmethod
from pathlib import Path
from typing import BinaryIO, cast

from dockgate.image.errors import ImageError
from dockgate.image.image import LayerOpener
from dockgate.image.layers import MAX_EXPANSION_RATIO, RATIO_GRACE_BYTES

GZIP_MAGIC = b"\x1f\x8b"
MAX_SPOOL_BYTES = 32 * 1024**3
"""Standard input and gunzipped archives are spooled to an anonymous temporary file up to this size."""
MAX_ARCHIVE_MEMBERS = 100_000
"""Files in a docker save or OCI archive at most: a few per layer and image (each costs tarfile about 1 KB)."""
_SYMLINK_HOPS = 16
_BLOCK = 512
_COPY_CHUNK = 1024 * 1024
_HASHES = {"sha256": hashlib.sha256, "sha512": hashlib.sha512}


class BlobStore(ABC):
    """Files of one image input, by their slash-separated names relative to its top."""

    @abstractmethod
    def size(self, name: str) -> int:
        """The size in bytes of `name`; ImageError when it is missing or unreadable."""

    @abstractmethod
    def open(self, name: str) -> BinaryIO:
        """A fresh stream of `name`'s bytes, which the caller closes."""

    @abstractmethod
    def exists(self, name: str) -> bool:
        """Whether `name` is a file (not a directory) in the store, following links."""

    def close(self) -> None:
        """Releases the open file behind the store, if any."""

    def read(self, name: str, limit: int) -> bytes:
        """All of `name`, refused before reading when it is larger than `limit`."""
        size = self.size(name)
        if size > limit:
            raise ImageError(f"{name}: {size} bytes, more than the {limit} such a file can be")
        with self.open(name) as stream:
            data = _read_all(stream, name, limit)
        if len(data) != size:
            raise ImageError(f"{name}: truncated ({len(data)} of {size} bytes)")
        return data


def blob_name(digest: str) -> str:
    """Where a layout keeps the blob `digest`: blobs/<algorithm>/<hex>."""
    algorithm, _, encoded = digest.partition(":")
    return f"blobs/{algorithm}/{encoded}"


def layer_opener(store: BlobStore, name: str, context: str) -> LayerOpener:
    """Opens layer `name` when a rule streams it, long after the image was opened: errors name `context`."""

    def open_layer() -> BinaryIO:
        try:
            return store.open(name)
        except ImageError as error:
            raise ImageError(f"{context}: {error}") from None

    return open_layer


def read_verified(store: BlobStore, digest: str, limit: int) -> bytes:
    """The blob `digest` (a manifest, index or config), checked against its digest.

    Hashing these small documents is cheap and catches truncated or altered
    copies; layers are not read here (they are verified, if at all, while streamed).
    """
    algorithm = digest.partition(":")[0]
    if algorithm not in _HASHES:
        raise ImageError(f"blob {digest}: unsupported digest algorithm {algorithm!r}")
    data = store.read(blob_name(digest), limit)
    if f"{algorithm}:{_HASHES[algorithm](data).hexdigest()}" != digest:
        raise ImageError(f"blob {digest}: content does not match its digest (a truncated or altered copy)")
    return data


def _read_all(stream: BinaryIO, name: str, limit: int) -> bytes:
    try:
        return stream.read(limit + 1)
    except tarfile.ReadError:
        raise ImageError(f"{name}: truncated, the archive ends inside it") from None
    except OSError as error:
        raise _os_error(name, error) from None


def _os_error(name: str, error: OSError) -> ImageError:
    """A user-facing message for a file that cannot be read; permissions are not corruption."""
    if isinstance(error, PermissionError):
        return ImageError(f"{name}: permission denied (umoci writes blobs with mode 0600: "
                          "run as their owner or make them readable)")
    if isinstance(error, FileNotFoundError):
        return ImageError(f"{name}: missing")
    return ImageError(f"{name}: {error.strerror or error}")


def _normalise(name: str) -> str:
    """A member or request name without a leading './' or '/', or ImageError when it climbs out."""
    parts = [part for part in name.replace("\\", "/").split("/") if part not in ("", ".")]
    if ".." in parts:
        raise ImageError(f"{name}: refusing a name with '..' in it")
    return "/".join(parts)


class DirectoryBlobStore(BlobStore):
    """An OCI image layout directory on disk."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, name: str) -> Path:
        path = self.root / _normalise(name)
        if not path.resolve().is_relative_to(self.root.resolve()):
            raise ImageError(f"{name}: a symlink out of the layout directory is refused")
        return path

    def exists(self, name: str) -> bool:
        return self._path(name).is_file()

    def size(self, name: str) -> int:
        path = self._path(name)
        try:
            if not path.is_file():
                raise ImageError(f"{name}: missing" if not path.exists() else f"{name}: not a regular file")
            return path.stat().st_size
        except OSError as error:
            raise _os_error(name, error) from None

    def open(self, name: str) -> BinaryIO:
        try:
            return open(self._path(name), "rb")
        except OSError as error:
            raise _os_error(name, error) from None


class TarBlobStore(BlobStore):
    """A tar file (docker save, oci-archive) read in place, its members indexed once by name.

    Symlinks are followed inside the tar (skopeo and buildah make
    `<id>/layer.tar` one); an absolute target or one leaving the archive is
    refused, and so is a chain longer than a few hops (a loop). A hard link
    stands for the member it names.
    """

    def __init__(self, file: BinaryIO) -> None:
        self._file = file
        try:
            self._tar = tarfile.open(fileobj=file, mode="r:")  # noqa: SIM115  (kept open; close() closes it)
            members = self._index_members()
        except tarfile.TarError:
            raise ImageError("not a readable tar archive (truncated or not a tar)") from None
        except OSError as error:
            raise _os_error("the archive", error) from None
        self._check_complete(members)
        self._members: dict[str, tarfile.TarInfo] = {}
        for member in members:
            try:
                self._members[_normalise(member.name)] = member
            except ImageError:
                continue  # a '..' name can never be asked for, so it is left out of the index

    def _index_members(self) -> list[tarfile.TarInfo]:
        """Every member, refused past MAX_ARCHIVE_MEMBERS before they fill memory."""
        count = 0
        while self._tar.next() is not None:
            count += 1
            if count > MAX_ARCHIVE_MEMBERS:
                raise ImageError(
                    f"more than {MAX_ARCHIVE_MEMBERS} files in the archive; an image archive holds a few per layer"
                )
        return self._tar.getmembers()

    def _check_complete(self, members: list[tarfile.TarInfo]) -> None:
        """ImageError unless every member lies inside the file and an end-of-archive block follows.

        tarfile stops quietly at a header cut short, and only notices missing
        member data when it reads it; a copy cut off is better caught here once.
        """
        end = self._file.seek(0, os.SEEK_END)
        if any(member.offset_data + member.size > end for member in members if member.isreg()):
            raise ImageError("truncated archive: a member runs past the end of the file")
        self._file.seek(self._tar.offset)
        if self._file.read(_BLOCK) != bytes(_BLOCK):
            raise ImageError("truncated archive: no end-of-archive marker")

    def _follow(self, name: str) -> tuple[str, tarfile.TarInfo]:
        """The regular-file member `name` stands for, and its name, following links inside the archive."""
        wanted = _normalise(name)
        for _ in range(_SYMLINK_HOPS):
            member = self._members.get(wanted)
            if member is None:
                raise ImageError(f"{name}: missing from the archive" if wanted == _normalise(name)
                                 else f"{name}: link to {wanted}, which is missing from the archive")
            if member.isreg():
                return wanted, member
            if member.issym():
                if member.linkname.startswith("/"):
                    raise ImageError(f"{name}: symlink to the absolute path {member.linkname!r} is refused")
                target = posixpath.normpath(posixpath.join(posixpath.dirname(wanted), member.linkname))
                if target == ".." or target.startswith("../"):
                    raise ImageError(f"{name}: symlink {member.linkname!r} points outside the archive")
                wanted = target
            elif member.islnk():
                wanted = _normalise(member.linkname)
            else:
                raise ImageError(f"{name}: not a regular file in the archive")
        raise ImageError(f"{name}: more than {_SYMLINK_HOPS} links in a row (a link loop)")

    def target(self, name: str) -> str:
        """The name of the regular member `name` leads to (itself when it is not a link)."""
        return self._follow(name)[0]

    def exists(self, name: str) -> bool:
        try:
            self._follow(name)
        except ImageError:
            return False
        return True

    def size(self, name: str) -> int:
        return self._follow(name)[1].size

    def open(self, name: str) -> BinaryIO:
        stream = self._tar.extractfile(self._follow(name)[1])
        if stream is None:
            raise ImageError(f"{name}: not a regular file in the archive")
        # tarfile's ExFileObject is a binary stream; typeshed types it as the wider IO[bytes].
        return cast(BinaryIO, stream)

    def close(self) -> None:
        self._tar.close()
        self._file.close()


def spool(stream: BinaryIO, what: str, limit: int = MAX_SPOOL_BYTES, compressed_size: int | None = None) -> BinaryIO:
    """`stream` copied into an anonymous temporary file (gone when closed), positioned at 0.

    Standard input cannot seek, and a gzip stream cannot be read at random;
    both are copied once so the archive readers can. A decompressed stream
    (`compressed_size` given) is stopped as a bomb past the expansion a layer
    may have (the layer scanner's limits), before it fills the disk.
    """
    spooled = tempfile.TemporaryFile()  # noqa: SIM115  (returned open; the Image closes it)
    copied = 0
    try:
        while chunk := stream.read(_COPY_CHUNK):
            copied += len(chunk)
            if copied > limit:
                raise ImageError(f"{what}: more than {limit} bytes")
            if compressed_size is not None and copied > RATIO_GRACE_BYTES and copied > MAX_EXPANSION_RATIO * compressed_size:
                raise ImageError(
                    f"{what}: more than {MAX_EXPANSION_RATIO} times expansion after {copied // 1024**2} MiB, "
                    "a decompression bomb"
                )
            spooled.write(chunk)
    except (OSError, EOFError, zlib.error) as error:
        spooled.close()
        raise ImageError(f"{what}: cannot be read ({error})") from None
    except ImageError:
        spooled.close()
        raise
    spooled.seek(0)
    return spooled


def seekable_plain(file: BinaryIO) -> BinaryIO:
    """`file` itself, or its gunzipped content when it is gzip-compressed (`docker save x | gzip`)."""
    if peek(file, len(GZIP_MAGIC)) != GZIP_MAGIC:
        return file
    compressed_size = file.seek(0, os.SEEK_END)
    file.seek(0)
    try:
        with gzip.GzipFile(fileobj=file, mode="rb") as unzipped:
            # GzipFile is a binary stream; typeshed does not derive it from BinaryIO.
            return spool(cast(BinaryIO, unzipped), "the gzip-compressed archive", compressed_size=compressed_size)
    finally:
        file.close()


def open_file(path: Path) -> BinaryIO:
    """`path` opened for reading; the caller's message names the path, so errors do not repeat it."""
    if path.is_dir():
        raise ImageError("a directory, not a file")
    try:
        return open(path, "rb")
    except OSError as error:
        raise ImageError(f"cannot open it: {error.strerror or error}") from None


def open_tar_store(file: BinaryIO) -> TarBlobStore:
    """A TarBlobStore over a seekable file, gunzipping it first when needed; closes `file` on failure."""
    plain = seekable_plain(file)
    try:
        return TarBlobStore(plain)
    except ImageError:
        plain.close()
        raise


def peek(file: BinaryIO, count: int) -> bytes:
    """The first `count` bytes of a seekable file, leaving it at the start."""
    file.seek(0)
    head = file.read(count)
    file.seek(0)
    return head

