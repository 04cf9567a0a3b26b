"""A streaming reader of tar headers: ustar, pax, GNU (long names, sparse files) and v7.

The layer scanner needs each member's metadata and, for a few files, their
first bytes; it never seeks and never extracts. `tarfile` does that at about
20 µs a member, most of it in per-field Python calls, which on a layer of
200,000 small files is eight times what `tar -t` takes. This reader takes
the fields of a header with one `struct` call and checks the checksum with
zlib's adler32 (modulo 65521, then exactly only when that disagrees), and
skips member data inside its buffer.

What it accepts follows `tarfile` (and GNU tar where they differ):

* pax extended headers (`x`, and `g` for every later member): `path`,
  `linkpath`, `size`, `uid`, `gid` and the GNU sparse keys; other keys are
  ignored, and a record that does not parse is an error;
* GNU long names and link names (`L`, `K`);
* GNU sparse members (`S`, with their extension blocks) and pax sparse
  members (`GNU.sparse.*`): the size is the file's logical size, and their
  data, a sparse map plus the stored pieces, is skipped, never read;
* the ustar `prefix` field only under the POSIX magic (`ustar\\0`): GNU tar
  writes other data there;
* an old-style regular member whose name ends in `/` is a directory;
* a member type it does not know is neither a file nor a link; its data is skipped.

Every length in the input is checked before it is used: an extended header
or a long name larger than MAX_EXTENSION_BYTES, a negative or unparsable
number, and a bad checksum end the reading with TarFormatError, whose message
is written for the user. Memory stays within one read chunk plus one extension
header, whatever the archive holds.
"""

from __future__ import annotations

import bisect
import struct
import zlib
from typing import BinaryIO, NamedTuple, Protocol

BLOCK = 512
READ_SIZE = 256 * 1024
"""Bytes asked of the stream at a time."""
MAX_EXTENSION_BYTES = 1024 * 1024
"""A pax header or a GNU long name holds at most this many bytes; real ones hold a few hundred."""

REGULAR_TYPES = frozenset(b"0\x007S")
"""Regular files: `0`, the old `\\0`, contiguous `7` and GNU sparse `S` (as tarfile counts them)."""
_NO_DATA_TYPES = frozenset(b"123456")
"""Links, devices, directories and FIFOs: any size they claim has no data behind it (tarfile)."""

_HEADER = struct.Struct("100s8s8s8s12s12s8sc100s8s32s32s8s8s155s12s")
_ZERO_BLOCK = bytes(BLOCK)
_ADLER_MODULUS = 65521
_POSIX_MAGIC = b"ustar\x00"
_MAX_NUMBERS = 4096
"""Numeric fields remembered per archive; a hostile one of all-different values cannot grow it."""
_EXTENSION_TYPES = frozenset(b"xgLK")
"""pax local and global headers, GNU long names and long link names: they describe the next member."""
_PAX_KEYS = frozenset({
    "path", "linkpath", "size", "uid", "gid",
    "GNU.sparse.name", "GNU.sparse.realsize", "GNU.sparse.size",
})
"""The pax keys that change what the scanner sees; the rest are not even kept."""


class TarFormatError(Exception):
    """The archive cannot be read past this point; the message says why, for the user."""


class ByteSource(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class TarMember(NamedTuple):
    """One member, with its extended headers and long names applied."""

    name: str
    type: int
    """The type flag as a byte value (`ord("0")` for a regular file)."""
    mode: int
    uid: int
    gid: int
    size: int
    """The file's size: its logical size for a sparse file, 0 for members without data."""
    linkname: str
    sparse: bool = False
    marked: bool = False
    """A marker given to the reader may start in the first `marker_window` bytes of the data:
    False only when those bytes were in the reader's buffer and none does."""


_new_member = tuple.__new__
"""Makes a TarMember from a tuple of its fields without the keyword handling of its
constructor, which costs as much as parsing the header."""


class TarReader:
    """Members of a tar stream, front to back; `next()` returns None at the end of the archive.

    After `next()`, `read_data(count)` gives the first bytes of that member's
    data (not for sparse members); the rest is skipped by the next `next()`.
    `end` then says how the archive ended: `marker` (a zero block, the rest
    checked to be zeros), or `eof` (the stream ended between members, without
    the end-of-archive marker, as umoci 0.4.7 writes layers).
    """

    def __init__(self, stream: ByteSource | BinaryIO, markers: tuple[bytes, ...] = (), marker_window: int = 0) -> None:
        self._read = stream.read
        self._buffer = b""
        self._position = 0
        self._markers = markers
        self._marker_window = marker_window
        self._marks: list[int] = []
        """Where the markers start in the buffer, sorted, searched once per buffer (see TarMember.marked)."""
        self._data_left = 0
        """Bytes of the current member's data not yet read or skipped."""
        self._padding = 0
        self._global: dict[str, bytes] = {}
        self._numbers: dict[bytes, int] = {}
        """Numeric header fields already parsed, by their bytes (all non-negative)."""
        self._claimed_sums: dict[bytes, int] = {}
        """Checksum fields already parsed, by their bytes: the byte sum each claims (see _claimed_sum)."""
        self.members = 0
        self.end: str | None = None

    # ----------------------------------------------------------------- buffer

    def _fill(self, count: int) -> bool:
        """Make `count` bytes available at the position; False when the stream ends first."""
        rest = self._buffer[self._position:]
        pieces = [rest]
        have = len(rest)
        while have < count:
            data = self._read(max(READ_SIZE, count - have))
            if not data:
                break
            pieces.append(data)
            have += len(data)
        self._set_buffer(b"".join(pieces), 0)
        return have >= count

    def _take(self, count: int) -> bytes:
        """The next `count` bytes, or fewer at the end of the stream."""
        if self._position + count > len(self._buffer):
            self._fill(count)
        start = self._position
        data = self._buffer[start:start + count]
        self._position = start + len(data)
        return data

    def _skip(self, count: int) -> int:
        """Skip up to `count` bytes; the number skipped (fewer only at the end of the stream)."""
        available = len(self._buffer) - self._position
        if count <= available:
            self._position += count
            return count
        skipped = available
        self._set_buffer(b"", 0)
        while skipped < count:
            data = self._read(READ_SIZE)
            if not data:
                return skipped
            if skipped + len(data) > count:
                self._set_buffer(data, count - skipped)
                return count
            skipped += len(data)
        return skipped

    def _set_buffer(self, data: bytes, position: int) -> None:
        self._buffer, self._position = data, position
        if self._markers:
            self._marks = sorted(_occurrences(data, self._markers))

    # ----------------------------------------------------------------- members

    def read_data(self, count: int) -> bytes:
        """Up to `count` bytes of the current member's data from where reading stopped."""
        wanted = min(count, self._data_left)
        data = self._take(wanted)
        self._data_left -= len(data)
        if len(data) < wanted:
            raise self._cut_inside_member()
        return data

    def _marked(self, stored: int) -> bool:
        """Whether a marker may start in the first bytes of the data at the position (see TarMember.marked).

        One search per buffer instead of one per member: on a layer of many small files a
        search per file would cost more than reading its header."""
        start = self._position
        end = start + min(self._marker_window, stored)
        if end > len(self._buffer):
            return True
        marks = self._marks
        index = bisect.bisect_left(marks, start)
        return index < len(marks) and marks[index] < end

    def peek_data(self, count: int) -> bytes:
        """Up to `count` bytes from the start of the current member's data, leaving them unread:
        a slice of the buffer when they are in it, as for most small files."""
        wanted = min(count, self._data_left)
        position = self._position
        if position + wanted <= len(self._buffer):
            return self._buffer[position:position + wanted]
        return self.read_data(count)

    def next(self) -> TarMember | None:
        """The next member, or None at the end of the archive."""
        if self.end is not None:
            return None
        buffer = self._buffer
        position = self._position + self._data_left + self._padding
        if position + BLOCK <= len(buffer):
            # The rest of the member and the next header are in the buffer: the common case.
            self._data_left = self._padding = 0
            block = buffer[position:position + BLOCK]
            self._position = position + BLOCK
        else:
            self._finish_member()
            if self.end is not None:
                return None
            block = b""
        pending: dict[str, bytes] = {}
        long_name: bytes | None = None
        long_link: bytes | None = None
        kind = stored = 0
        # An ordinary header with no extension before it stays inline: a function call per
        # field would cost as much as everything else.
        while True:
            if not block:
                block = self._take(BLOCK)
                if len(block) < BLOCK:
                    if block or pending or long_name is not None or long_link is not None:
                        raise TarFormatError(f"the tar ends inside a header after {_entries(self.members)}")
                    self.end = "eof"
                    return None
            if block == _ZERO_BLOCK:
                if pending or long_name is not None or long_link is not None:
                    raise TarFormatError(f"the tar ends inside a header after {_entries(self.members)}")
                self._check_end_padding()
                return None
            fields = _HEADER.unpack_from(block)
            # The numeric fields by their raw bytes: modes, owners and small sizes repeat, and a
            # dictionary lookup costs a fifth of parsing the octal text again.
            numbers = self._numbers
            # adler32's low half is 1 + the sum of the block's bytes, modulo 65521; the sum the
            # checksum field claims, counting the field's own bytes, is remembered per field.
            claimed = self._claimed_sums.get(fields[6])
            if claimed is None:
                claimed = self._claimed_sum(fields[6])
            if claimed < 0 or ((zlib.adler32(block) & 0xFFFF) - 1 - claimed) % _ADLER_MODULUS:
                self._check_checksum_exactly(block, self._checksum_field(fields[6]))
            mode = numbers.get(fields[1])
            if mode is None:
                mode = self._number_field(fields[1], "mode")
            uid = numbers.get(fields[2])
            if uid is None:
                uid = self._number_field(fields[2], "uid")
            gid = numbers.get(fields[3])
            if gid is None:
                gid = self._number_field(fields[3], "gid")
            known_size = numbers.get(fields[4])
            stored = known_size if known_size is not None else self._number_field(fields[4], "size")
            kind = fields[7][0]
            if kind in _EXTENSION_TYPES:
                data = self._extension_data(stored)
                if kind == 0x78:  # x
                    pending.update(_pax_records(data, self.members))
                elif kind == 0x67:  # g
                    self._global.update(_pax_records(data, self.members))
                elif kind == 0x4C:  # L
                    long_name = data.partition(b"\0")[0]
                else:  # K
                    long_link = data.partition(b"\0")[0]
                block = b""
                continue
            break
        name = fields[0].partition(b"\0")[0]
        if fields[9][:6] == _POSIX_MAGIC and fields[14][0]:
            name = fields[14].partition(b"\0")[0] + b"/" + name
        if long_name is not None:
            name = long_name
        if long_link is not None:
            link = long_link
        elif kind == 0x31 or kind == 0x32:  # a hard or symbolic link
            link = fields[8].partition(b"\0")[0]
        else:
            link = b""
        size = stored
        sparse = False
        if kind == 0x53:  # S: GNU sparse; the logical size is in the header's extension area
            sparse, size = True, self._gnu_sparse(block)
        if pending or self._global:
            name, link, stored, size, uid, gid, sparse = self._apply_pax(
                {**self._global, **pending}, name, link, stored, size, uid, gid, sparse
            )
        if kind in _NO_DATA_TYPES:
            stored = size = 0
        elif kind not in REGULAR_TYPES:
            size = 0  # an unknown type: its data is skipped, it is no file
        elif kind == 0 and name.endswith(b"/"):
            kind, stored, size = 0x35, 0, 0  # an old-style directory
        self._data_left = stored
        self._padding = -stored % BLOCK
        self.members += 1
        marked = False
        if stored and self._markers and (self._marks or self._position + stored > len(self._buffer)):
            marked = self._marked(stored)
        return _new_member(TarMember, (
            name.decode("utf-8", "surrogateescape"), kind, mode, uid, gid, size,
            link.decode("utf-8", "surrogateescape") if link else "", sparse, marked,
        ))

    def _number_field(self, field: bytes, what: str) -> int:
        """A numeric field parsed, refused when negative, and remembered (up to _MAX_NUMBERS kept)."""
        try:  # rstrip, not partition: cheaper, and what it lets through int() refuses
            value = int(field.rstrip(b" \0"), 8)
        except ValueError:
            value = _number(field, what, self.members)
        if value < 0:
            raise TarFormatError(f"a negative {what} in the tar header after {_entries(self.members)}")
        if len(self._numbers) < _MAX_NUMBERS:
            self._numbers[field] = value
        return value

    def _checksum_field(self, field: bytes) -> int:
        """The checksum field's value, -1 when it is no number (the header is then refused)."""
        try:
            return int(field.rstrip(b" \0"), 8)
        except ValueError:
            try:
                return int(field.partition(b"\0")[0], 8)
            except ValueError:
                return -1

    def _claimed_sum(self, field: bytes) -> int:
        """The sum of a header's bytes that checksum `field` stands for: the checksum counts the
        field as eight spaces, the block holds the field's own bytes. -1 for a field that is no number."""
        value = self._checksum_field(field)
        if value < 0:
            return -1
        claimed = value - len(field) * 0x20 + sum(field)
        if len(self._claimed_sums) < _MAX_NUMBERS:
            self._claimed_sums[field] = claimed
        return claimed

    def _gnu_sparse(self, block: bytes) -> int:
        """The logical size of a GNU sparse member, after skipping its extension blocks."""
        size = _number(block[483:495], "size", self.members)
        extended = block[482]
        while extended:  # each extension block continues the sparse map
            extension = self._take(BLOCK)
            if len(extension) < BLOCK:
                raise TarFormatError(f"the tar ends inside a header after {_entries(self.members)}")
            extended = extension[504]
        return size

    def _apply_pax(
        self, records: dict[str, bytes], name: bytes, link: bytes, stored: int, size: int, uid: int, gid: int,
        sparse: bool,
    ) -> tuple[bytes, bytes, int, int, int, int, bool]:
        """A member's fields with the pax records in force applied."""
        members = self.members
        name = records.get("path", name)
        link = records.get("linkpath", link)
        if "uid" in records:
            uid = _pax_number(records, "uid", members)
        if "gid" in records:
            gid = _pax_number(records, "gid", members)
        if "size" in records:  # the stored size, for sparse members too
            stored = size = _pax_number(records, "size", members)
        for key in ("GNU.sparse.realsize", "GNU.sparse.size"):  # sparse format 1.0, then 0.x
            if key in records:
                sparse, size = True, _pax_number(records, key, members)
                name = records.get("GNU.sparse.name", name)
                break
        return name, link, stored, size, uid, gid, sparse

    def _finish_member(self) -> None:
        """Skip what is left of the current member's data and its padding."""
        if self._data_left:
            left = self._data_left
            self._data_left = 0
            if self._skip(left) < left:
                raise self._cut_inside_member()
        if self._padding:
            padding = self._padding
            self._padding = 0
            if self._skip(padding) < padding:
                # The data is whole and only the padding is missing: umoci 0.4.7 `insert`.
                self.end = "eof"

    def _cut_inside_member(self) -> TarFormatError:
        return TarFormatError(
            f"the tar is cut short inside a member after {_entries(self.members)} (the blob is truncated)"
        )

    def _extension_data(self, size: int) -> bytes:
        if size > MAX_EXTENSION_BYTES:
            raise TarFormatError(
                f"an extended header of {size} bytes after {_entries(self.members)}, "
                f"more than the {MAX_EXTENSION_BYTES} one can be"
            )
        data = self._take(size)
        padding = -size % BLOCK
        if len(data) < size or self._skip(padding) < padding:
            raise TarFormatError(f"the tar ends inside a header after {_entries(self.members)}")
        return data

    def _check_checksum_exactly(self, block: bytes, stored: int) -> None:
        """The checksum, unsigned or signed (as old tars wrote it), when the quick check disagreed."""
        rest = block[:148] + block[156:]
        unsigned = sum(rest) + 256
        signed = unsigned - 256 * sum(1 for byte in rest if byte >= 128)
        if stored not in (unsigned, signed):
            raise TarFormatError(self._corrupt_header_message())

    def _corrupt_header_message(self) -> str:
        if self.members == 0:
            return "the layer is not a tar archive (invalid header)"
        return f"a corrupt tar header after {_entries(self.members)}; the rest of the layer was not read"

    def _check_end_padding(self) -> None:
        """After the end-of-archive block only zeros may follow: anything else means members
        were lost behind a zero block. Reading to the end also lets a gzip reader check its
        trailer, and so find a blob cut inside the padding."""
        self.end = "marker"
        rest = self._buffer[self._position:]
        self._buffer, self._position = b"", 0
        while True:
            if rest.strip(b"\0"):
                raise TarFormatError(
                    f"a corrupt tar header after {_entries(self.members)}; the rest of the layer was not read"
                )
            rest = self._read(READ_SIZE)
            if not rest:
                return


def _occurrences(data: bytes, markers: tuple[bytes, ...]) -> list[int]:
    """Where each of `markers` starts in `data` (bytes.find: far faster than a regex over a buffer)."""
    found = []
    for marker in markers:
        position = data.find(marker)
        while position >= 0:
            found.append(position)
            position = data.find(marker, position + 1)
    return found


def _number(field: bytes, what: str, members: int) -> int:
    """A numeric header field: octal text (NUL- or space-ended), or GNU's base-256 for large values."""
    try:
        return int(field.partition(b"\0")[0], 8)
    except ValueError:
        pass
    if field and field[0] == 0x80:  # base-256, positive
        return int.from_bytes(field[1:], "big")
    if field and field[0] == 0xFF:  # base-256, negative
        return -1
    if not field.partition(b"\0")[0].strip():
        return 0
    raise TarFormatError(f"a tar header whose {what} is not a number after {_entries(members)}")


def _pax_records(data: bytes, members: int) -> dict[str, bytes]:
    """The records of a pax extended header (`LENGTH KEY=VALUE\\n`), the keys that matter only."""
    records: dict[str, bytes] = {}
    position, end = 0, len(data)
    while position < end and data[position] != 0:  # some writers pad the data with NULs
        space = data.find(b" ", position, position + 20)
        if space <= position:  # no length before a space (find gives -1): the position would never move on
            raise TarFormatError(f"a malformed pax header after {_entries(members)}")
        try:
            length = int(data[position:space])
        except ValueError:
            length = 0
        record_end = position + length
        if length <= space - position + 1 or record_end > end or data[record_end - 1] != 0x0A:
            raise TarFormatError(f"a malformed pax header after {_entries(members)}")
        key, equals, value = data[space + 1:record_end - 1].partition(b"=")
        if not equals:
            raise TarFormatError(f"a malformed pax header after {_entries(members)}")
        name = key.decode("utf-8", "surrogateescape")
        if name in _PAX_KEYS:
            records[name] = value
        position = record_end
    return records


def _pax_number(records: dict[str, bytes], key: str, members: int) -> int:
    try:
        value = int(records[key])
    except ValueError:
        raise TarFormatError(f"a pax header whose {key} is not a number after {_entries(members)}") from None
    if value < 0:
        raise TarFormatError(f"a negative {key} in a pax header after {_entries(members)}")
    return value


def _entries(count: int) -> str:
    return f"{count} entry" if count == 1 else f"{count} entries"
