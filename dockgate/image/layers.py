"""Reading one layer: stream its tar once and keep file metadata, never file data.

A layer blob is read front to back (a registry stream cannot seek), its
compression sniffed from the first bytes rather than trusted from the media
type (images.md §9 #6), and the tar walked with `tar_reader`'s streaming header reader.
What is kept per entry is its metadata; contents are kept only for the few
files the layer rules judge (account databases, sudo and SSH access files,
and credential files, chosen by name) and, for private keys, a label when
the first bytes of a small regular file hold one. Memory therefore grows
with the number of entries, not with the bytes in the layer, and both are
bounded below.

A layer that cannot be read to its end keeps the entries read before the
problem; the problem is recorded on the scan (DG5000 reports it), never
raised: umoci 0.4.7 writes layers without the tar end marker (images.md §9
#1), and a hostile layer must not stop the other rules.
"""

from __future__ import annotations

import gc
import io
import posixpath
import zlib
from dataclasses import dataclass, field
from typing import IO, BinaryIO, Literal, NamedTuple, cast

from dockgate.image.credential_files import (
    MAX_CREDENTIAL_FILE_BYTES,
    PRIVATE_KEY_MARKERS,
    PRIVATE_KEY_MAX_BYTES,
    PRIVATE_KEY_MIN_BYTES,
    PRIVATE_KEY_PEEK_BYTES,
    kept_file,
    private_key_label,
)
from dockgate.image.errors import ImageError
from dockgate.image.image import Layer
from dockgate.image.tar_reader import REGULAR_TYPES, TarFormatError, TarReader

MAX_LAYER_BYTES = 64 * 1024**3
"""Uncompressed bytes read from one layer at most. The largest real layers (CUDA
toolkits, model weights) are tens of GiB; past this the layer is treated as a bomb."""
MAX_EXPANSION_RATIO = 200
"""Uncompressed bytes per compressed byte at most. Real layers compress 2-10 times,
a layer of sparse data files a few dozen; gzip's ceiling is about 1030 (zeros)."""
RATIO_GRACE_BYTES = 128 * 1024**2
"""The ratio is judged only past this many uncompressed bytes, so that a small layer
holding one empty disk image is not called a bomb."""
MAX_LAYER_ENTRIES = 1_000_000
"""Entries kept per layer at most. An entry costs about 450 bytes with its place in the merged
view, so this bounds a layer near 450 MB; the largest real layers hold a few 100,000."""
MAX_LISTED_HOSTILE_ENTRIES = 20
"""Hostile entries listed per layer; a crafted layer can hold millions, and twenty make the point."""
MAX_KEPT_CONTENT_BYTES = 16 * 1024**2
"""File contents kept per layer at most: a layer of many credential-named files cannot exhaust memory."""

READ_CHUNK = 1024 * 1024
"""Bytes read from the blob at a time (zstd and plain tar)."""
DEFLATE_INPUT_CHUNK = 32 * 1024
"""Compressed bytes handed to zlib at a time: zlib returns what it could not use as a new
bytes object, so small inputs keep that copying small."""

_GZIP_MAGIC = b"\x1f\x8b"
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
# Formats a layer could be mistaken for, named in the problem instead of "not a tar".
_UNSUPPORTED_MAGIC = {b"BZh": "bzip2", b"\xfd7zXZ\x00": "xz"}

EntryKind = Literal["file", "dir", "symlink", "hardlink", "other"]
_ENTRY_KINDS: dict[int, EntryKind] = {
    **dict.fromkeys(REGULAR_TYPES, "file"), ord("5"): "dir", ord("2"): "symlink", ord("1"): "hardlink",
}
"""Entry kinds by tar type flag; devices, FIFOs and types the reader does not know are `other`."""
OPAQUE_MARKER = ".wh..wh..opq"
WHITEOUT_PREFIX = ".wh."


class LayerEntry(NamedTuple):
    """One tar member's metadata; `path` is normalised (no leading `./` or `/`).

    A named tuple rather than a frozen dataclass: one is made for every entry of every
    layer, and a frozen dataclass takes three times as long to make."""

    path: str
    kind: EntryKind
    mode: int
    uid: int
    gid: int
    size: int
    link_target: str | None = None
    """The target of a symlink as written, or of a hard link as a normalised layer path."""


_new_entry = tuple.__new__
"""Makes a LayerEntry from a tuple of all its fields, without its constructor's keyword handling."""


@dataclass(frozen=True, slots=True)
class LayerProblem:
    """Why a layer could not be read completely, or an entry that is hostile."""

    message: str
    path: str | None = None


@dataclass
class LayerScan:
    """What one layer holds by itself, before whiteouts of later layers apply."""

    index: int
    entries: dict[str, LayerEntry] = field(default_factory=dict)
    """By path; a path the tar holds twice keeps its last entry, as extraction would."""
    whiteouts: list[str] = field(default_factory=list)
    """Paths this layer deletes from the layers below (`dir/.wh.name` -> `dir/name`)."""
    opaque_dirs: list[str] = field(default_factory=list)
    """Directories whose lower-layer contents this layer hides (`.wh..wh..opq`); '' is the root."""
    contents: dict[str, bytes] = field(default_factory=dict)
    """Contents of the account, access and credential files, at most MAX_CREDENTIAL_FILE_BYTES each."""
    private_keys: dict[str, str] = field(default_factory=dict)
    """Regular files whose first bytes hold a private key, with its kind (`RSA`, `OpenSSH`, or `` for PKCS #8)."""
    problems: list[LayerProblem] = field(default_factory=list)
    hostile_entries: int = 0
    """Entries skipped because their name or hard-link target climbs out of the layer root."""
    compressed_bytes: int = 0
    uncompressed_bytes: int = 0


class _LayerProblemError(Exception):
    """A problem that ends the reading of a layer, raised from inside the stream."""


class _CountingReader(io.RawIOBase):
    """The blob's bytes (after the sniffed head), counting what has been read."""

    def __init__(self, blob: BinaryIO, head: bytes) -> None:
        self._blob = blob
        self._head = head
        self.count = len(head)

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self._head:
            data, self._head = self._head, b""
            return data
        data = self._blob.read(size if size > 0 else READ_CHUNK)
        self.count += len(data)
        return data


class _GzipReader(io.RawIOBase):
    """gzip decompression with bounded output per call; several gzip members follow on."""

    def __init__(self, source: _CountingReader) -> None:
        self._source = source
        self._decompressor = zlib.decompressobj(wbits=31)
        self._input = b""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        limit = size if size > 0 else READ_CHUNK
        while True:
            if self._decompressor.eof and not self._start_next_member():
                return b""
            if not self._input:
                self._input = self._source.read(DEFLATE_INPUT_CHUNK)
                if not self._input:
                    raise _LayerProblemError("the gzip stream ends early (the blob is truncated)")
            try:
                data = self._decompressor.decompress(self._input, limit)
            except zlib.error as error:
                raise _LayerProblemError(f"corrupt gzip data ({error})") from None
            finished = self._decompressor.eof
            self._input = self._decompressor.unused_data if finished else self._decompressor.unconsumed_tail
            if data:
                return data

    def _start_next_member(self) -> bool:
        """After one gzip member: start the next one (pigz and `cat a.gz b.gz` write several),
        or report the end when only zero padding follows."""
        rest = self._input
        while not rest.strip(b"\0"):
            rest = self._source.read(DEFLATE_INPUT_CHUNK)
            if not rest:
                return False
        if not rest.startswith(_GZIP_MAGIC):
            raise _LayerProblemError("data after the end of the gzip stream")
        self._decompressor = zlib.decompressobj(wbits=31)
        self._input = rest
        return True


class _ZstdReader(io.RawIOBase):
    """zstandard's stream reader, with its errors turned into layer problems.

    The reader ends quietly where a cut blob ends; a cut that loses members still shows,
    as a tar that ends early, but one inside the final zero padding does not."""

    def __init__(self, reader: BinaryIO) -> None:
        self._reader = reader

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        try:
            return self._reader.read(size)
        except Exception as error:  # zstandard.ZstdError, which only exists when the module does
            if type(error).__name__ != "ZstdError":
                raise
            raise _LayerProblemError(f"corrupt zstd data ({error})") from None


class _GuardedReader(io.RawIOBase):
    """The uncompressed tar bytes, stopped when the layer looks like a decompression bomb."""

    def __init__(self, decoded: BinaryIO | io.RawIOBase, source: _CountingReader) -> None:
        self._decoded = decoded
        self._source = source
        self.count = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self._decoded.read(size if size > 0 else READ_CHUNK) or b""
        self.count += len(data)
        if self.count > MAX_LAYER_BYTES:
            raise _LayerProblemError(
                f"decompression stopped at {MAX_LAYER_BYTES // 1024**3} GiB, the limit for one layer "
                "(a decompression bomb, or a layer too large to check)"
            )
        if self.count > RATIO_GRACE_BYTES and self.count > MAX_EXPANSION_RATIO * self._source.count:
            raise _LayerProblemError(
                f"decompression stopped after {self.count // 1024**2} MiB from {self._source.count // 1024} KiB: "
                f"more than {MAX_EXPANSION_RATIO} times expansion, a decompression bomb"
            )
        return data


def scan_layer(layer: Layer) -> LayerScan:
    """Read `layer` once, from the start, and return its entries and any problems."""
    scan = LayerScan(index=layer.index)
    try:
        blob = layer.open()
    except ImageError as error:
        scan.problems.append(LayerProblem(f"the layer blob cannot be opened ({error})"))
        return scan
    except OSError as error:
        scan.problems.append(LayerProblem(f"the layer blob cannot be opened ({error.strerror or error})"))
        return scan
    source: _CountingReader | None = None
    guarded: _GuardedReader | None = None
    try:
        with blob:
            head = blob.read(8)
            source = _CountingReader(blob, head)
            guarded = _GuardedReader(_decoder(head, source), source)
            _read_members(guarded, scan)
    except (_LayerProblemError, TarFormatError) as problem:
        # A zero-byte blob is an empty layer, and a tar whose last member is whole but whose
        # padding and end marker are missing is what umoci 0.4.7 `insert` writes (images.md
        # §9 #1): the reader ends both quietly, since nothing was lost.
        scan.problems.append(LayerProblem(str(problem)))
    except ImageError as error:  # a registry stream that fails or does not match its digest
        scan.problems.append(LayerProblem(f"the layer blob cannot be read ({error})"))
    except OSError as error:
        scan.problems.append(LayerProblem(f"the layer blob cannot be read ({error.strerror or error})"))
    if source is not None and guarded is not None:
        scan.compressed_bytes, scan.uncompressed_bytes = source.count, guarded.count
    return scan


def _decoder(head: bytes, source: _CountingReader) -> BinaryIO | io.RawIOBase:
    """The decompressing reader for the compression `head` shows."""
    if head.startswith(_GZIP_MAGIC):
        return _GzipReader(source)
    if head.startswith(_ZSTD_MAGIC):
        try:
            import zstandard
        except ImportError:
            raise _LayerProblemError(
                "the layer is zstd-compressed and the zstandard module is not installed (pip install zstandard)"
            ) from None
        # A RawIOBase is a binary stream; zstandard's stubs ask for the IO[bytes] type.
        reader = zstandard.ZstdDecompressor().stream_reader(
            cast(IO[bytes], source), read_size=READ_CHUNK, read_across_frames=True
        )
        return _ZstdReader(reader)
    for magic, name in _UNSUPPORTED_MAGIC.items():
        if head.startswith(magic):
            raise _LayerProblemError(f"the layer is {name}-compressed; image layers are gzip, zstd or plain tar")
    return source


def _read_members(stream: _GuardedReader, scan: LayerScan) -> None:
    """Walk the tar with the cyclic garbage collector paused, as `_walk_members`.

    The walk makes millions of small tuples that form no cycles; the collector would
    still traverse the growing entries again and again (its full passes grow with the
    heap), for about 7% of the scan's time. Reference counting frees all the rest."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        _walk_members(stream, scan)
    finally:
        if collecting:
            gc.enable()


def _walk_members(stream: _GuardedReader, scan: LayerScan) -> None:
    """Walk the tar, recording each member; raise on a problem that ends the walk.

    This loop runs for every entry of every layer, so the usual case (a normal name, no
    whiteout, a file no rule reads) costs a few dictionary lookups and no function call
    beyond the reader's."""
    reader = TarReader(stream, PRIVATE_KEY_MARKERS, PRIVATE_KEY_PEEK_BYTES)
    budget = _ContentBudget(MAX_KEPT_CONTENT_BYTES)
    entries = scan.entries
    while (member := reader.next()) is not None:
        name = member.name
        # Most names need no normalising, and normpath would cost more than the rest of the entry.
        if name and "//" not in name and "/." not in name and name[0] not in "/." and name[-1] != "/":
            path: str | None = name
        else:
            path = member_path(name)
        if path is None:
            _hostile_entry(scan, LayerProblem("the entry's name climbs out of the layer root", name))
            continue
        if not path:
            continue  # the `.` root entry umoci writes
        if WHITEOUT_PREFIX in path and _whiteout(path, scan):
            continue
        kind = _ENTRY_KINDS.get(member.type, "other")
        target: str | None = None
        if kind == "symlink":
            target = member.linkname
        elif kind == "hardlink":
            target = member_path(member.linkname)
            if not target:
                _hostile_entry(scan, LayerProblem("a hard link whose target climbs out of the layer root", path))
                continue
        if len(entries) >= MAX_LAYER_ENTRIES:
            raise _LayerProblemError(f"more than {MAX_LAYER_ENTRIES} entries; the rest of the layer was not read")
        size = member.size if kind == "file" else 0
        entries[path] = _new_entry(LayerEntry, (path, kind, member.mode, member.uid, member.gid, size, target))
        # Only files a rule reads by name, and small ones whose first bytes the reader saw a
        # private-key marker in, are looked at; the sparse ones hold a map, not their bytes.
        if size and not member.sparse and (member.marked or kept_file(path)):
            _read_content(reader, path, size, scan, budget)


def _whiteout(path: str, scan: LayerScan) -> bool:
    """Record `path` if it is a whiteout or an opaque-directory marker; False for an ordinary entry."""
    parent, _, name = path.rpartition("/")
    if not name.startswith(WHITEOUT_PREFIX):
        return False
    if name == OPAQUE_MARKER:
        scan.opaque_dirs.append(parent)
    elif not name.startswith(WHITEOUT_PREFIX * 2):  # `.wh..wh.plnk` and the like are aufs internals
        scan.whiteouts.append(posixpath.join(parent, name[len(WHITEOUT_PREFIX):]))
    return True


def _hostile_entry(scan: LayerScan, problem: LayerProblem) -> None:
    """Count a skipped entry and list it; past MAX_LISTED_HOSTILE_ENTRIES, one line says there are more."""
    scan.hostile_entries += 1
    if scan.hostile_entries <= MAX_LISTED_HOSTILE_ENTRIES:
        scan.problems.append(problem)
    elif scan.hostile_entries == MAX_LISTED_HOSTILE_ENTRIES + 1:
        scan.problems.append(LayerProblem("more entries climb out of the layer root; they are not listed"))


@dataclass
class _ContentBudget:
    """The file-content bytes a layer may still keep; reported once when spent."""

    remaining: int
    spent: bool = False

    def take(self, size: int, scan: LayerScan) -> bool:
        if size <= self.remaining:
            self.remaining -= size
            return True
        if not self.spent:
            self.spent = True
            scan.problems.append(LayerProblem(
                f"more than {MAX_KEPT_CONTENT_BYTES // 1024**2} MiB of account, access and credential files; "
                "the contents of the rest were not checked"
            ))
        return False


def _read_content(reader: TarReader, path: str, size: int, scan: LayerScan, budget: _ContentBudget) -> None:
    """Keep what the rules need of a regular file: the contents of the account, access and
    credential files, and for other small files whether they start with a private key.

    The data is read straight from the reader, which skips the rest of the member's data
    on its next header."""
    wanted = kept_file(path)
    if not wanted and not PRIVATE_KEY_MIN_BYTES <= size <= PRIVATE_KEY_MAX_BYTES:
        return
    if not wanted:
        label = private_key_label(reader.peek_data(PRIVATE_KEY_PEEK_BYTES))
    elif budget.take(min(size, MAX_CREDENTIAL_FILE_BYTES), scan):
        content = scan.contents[path] = reader.read_data(MAX_CREDENTIAL_FILE_BYTES)
        label = private_key_label(content[:PRIVATE_KEY_PEEK_BYTES])
    else:
        return
    if label is not None:
        scan.private_keys[path] = label


def member_path(name: str) -> str | None:
    """`./usr/bin/` -> `usr/bin`, `.` -> `` (the root); None when the name climbs above the root."""
    path = posixpath.normpath(name.lstrip("/") or ".")
    if path == ".":
        return ""
    if path == ".." or path.startswith("../"):
        return None
    return path
