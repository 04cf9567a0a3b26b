"""Reading a Dockerfile from disk or stdin into text, with clear errors for what is not text."""

from __future__ import annotations

import codecs
import os
import stat
from typing import TYPE_CHECKING, BinaryIO

from dockgate.dockerfile.span import Span
from dockgate.errors import UserError
from dockgate.lazy_pattern import LazyPattern
from dockgate.records import Record

if TYPE_CHECKING:
    from dockgate.dockerfile.model import DockerfileSyntaxError


class SourceError(UserError):
    """A file that cannot be linted at all (missing, unreadable, binary)."""


class SourceText(Record):
    """A Dockerfile's text, and how its bytes were decoded."""

    __slots__ = ("text", "invalid_utf8_line", "encoding", "byte_order_mark", "docker_failure_line")

    text: str
    invalid_utf8_line: int | None
    """First line holding bytes that are not UTF-8 (they were replaced), if any."""
    encoding: str
    byte_order_mark: bytes
    """The UTF-16/32 byte-order mark the file began with (a UTF-8 one stays in `text` as U+FEFF)."""
    docker_failure_line: int | None
    """For UTF-16/32 text: the line on which Docker, reading the bytes as UTF-8, fails."""

    def __init__(
        self,
        text: str,
        invalid_utf8_line: int | None = None,
        encoding: str = "utf-8",
        byte_order_mark: bytes = b"",
        docker_failure_line: int | None = None,
    ) -> None:
        self.text = text
        self.invalid_utf8_line = invalid_utf8_line
        self.encoding = encoding
        self.byte_order_mark = byte_order_mark
        self.docker_failure_line = docker_failure_line

    def with_text(self, text: str) -> SourceText:
        """The same file's encoding with `text` in it (what a fix makes of the file)."""
        return SourceText(text, self.invalid_utf8_line, self.encoding, self.byte_order_mark, self.docker_failure_line)

    @property
    def wide_encoding(self) -> str | None:
        """`UTF-16LE`, `UTF-32BE`, ...: the file is UTF-16/32 text, which Docker does not read; None for UTF-8."""
        name = _BYTE_ORDER_ENCODINGS.get(self.byte_order_mark, self.encoding)
        if name == "utf-8":
            return None
        return name.upper().replace("-LE", "LE").replace("-BE", "BE")

    def encoded(self, text: str) -> bytes:
        """`text` (this file's text, changed) as bytes in the file's own encoding, byte order and BOM."""
        if not self.byte_order_mark:
            return text.encode(self.encoding)
        return self.byte_order_mark + text.encode(_BYTE_ORDER_ENCODINGS[self.byte_order_mark])


_BYTE_ORDER_ENCODINGS = {
    codecs.BOM_UTF32_LE: "utf-32-le",
    codecs.BOM_UTF32_BE: "utf-32-be",
    codecs.BOM_UTF16_LE: "utf-16-le",
    codecs.BOM_UTF16_BE: "utf-16-be",
}


def decode(data: bytes, name: str = "-") -> SourceText:
    """Decode a Dockerfile's bytes: UTF-8 (BOM or not); UTF-16/32 text, with a BOM or without; refuse binary.

    UTF-16/32 text is decoded so that it can be shown and reported on, but
    Docker cannot build it (see `wide_encoding_error`). `name` is how errors
    call the input (`-` for standard input).
    """
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as error:
                raise SourceError(f"{name}: not valid {encoding.upper()} text ({error.reason})") from None
            return SourceText(text, encoding=encoding, byte_order_mark=bom, docker_failure_line=_docker_failure_line(data))
    if b"\x00" in data:
        wide = _wide_text(data)
        if wide is None:
            raise SourceError(f"{name}: binary file (it contains NUL bytes), not a Dockerfile")
        encoding, text = wide
        return SourceText(text, encoding=encoding, docker_failure_line=_docker_failure_line(data))
    try:
        return SourceText(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        bad_line = data.count(b"\n", 0, error.start) + 1
        return SourceText(data.decode("utf-8", errors="replace"), invalid_utf8_line=bad_line)


def _wide_text(data: bytes) -> tuple[str, str] | None:
    """The encoding and text of UTF-16/32 bytes without a byte-order mark, None for other binary data.

    A Dockerfile is mostly ASCII (keywords, newlines), so in UTF-16/32 most code
    units have a NUL high byte; and what decodes to control characters is binary.
    """
    for encoding, unit, high in _WIDE_ENCODINGS:
        if len(data) % unit:
            continue
        high_bytes = data[high::unit]
        if high_bytes.count(0) * 2 < len(high_bytes):
            continue
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _CONTROL_CHARACTER.search(text):
            return encoding, text
    return None


_WIDE_ENCODINGS = (("utf-32-le", 4, 3), ("utf-32-be", 4, 0), ("utf-16-le", 2, 1), ("utf-16-be", 2, 0))
"""Encoding, code unit size, and where in a unit its high byte is."""

_CONTROL_CHARACTER = LazyPattern("[\x00-\x08\x0e-\x1f\x7f]")
"""Control characters other than tab and the line and page breaks."""


def _docker_failure_line(data: bytes) -> int:
    """The first line Docker's parser takes for an instruction when it reads UTF-16/32 bytes as UTF-8.

    It splits on `\\n` bytes and skips blank lines and lines starting with `#`;
    any other line starts with a byte-order mark or NUL bytes, which no
    instruction keyword does, so Docker fails there with `unknown instruction`.
    """
    lines = data.split(b"\n")
    for number, line in enumerate(lines, start=1):
        stripped = line.lstrip(b" \t\r\v\f")
        if stripped and not stripped.startswith(b"#"):
            return number
    return len(lines)


def wide_encoding_error(source: SourceText) -> DockerfileSyntaxError | None:
    """Docker's failure on a UTF-16/32 file, placed on the line it fails on; None for UTF-8 text."""
    from dockgate.dockerfile.model import (
        DockerfileSyntaxError,  # the model is loaded only where files are linted
    )

    encoding = source.wide_encoding
    if encoding is None or source.docker_failure_line is None:
        return None
    lines = source.text.split("\n")
    line = min(source.docker_failure_line, len(lines))
    width = len(lines[line - 1].rstrip("\r"))
    marked = " with a byte-order mark" if source.byte_order_mark else ""
    return DockerfileSyntaxError(
        f"the file is {encoding} text{marked}; Docker reads a Dockerfile as UTF-8 and fails on it "
        f"(`unknown instruction` on line {source.docker_failure_line}): save it as UTF-8",
        Span(line, 1, line, width + 1),
    )


MAX_SOURCE_BYTES = 64 * 1024 * 1024
"""The most dockgate reads of one Dockerfile (64 MiB); a larger input is an error, not a partial lint."""

_SPECIAL_FILE_KINDS = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def read_source(path: str, name: str | None = None) -> SourceText:
    """The text of the regular file at `path`; errors call it `name` (by default, the path).

    Devices, pipes and sockets are refused without reading them (a pipe may never
    end, `/dev/zero` never does): piped text is read from standard input instead.
    """
    shown = path if name is None else name
    try:
        # Non-blocking, so that opening a named pipe nobody writes to returns at once.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise SourceError(f"{shown}: no such file") from None
    except IsADirectoryError:
        raise SourceError(f"{shown}: is a directory") from None
    except OSError as error:
        raise SourceError(f"{shown}: cannot read: {error.strerror or error}") from None
    with os.fdopen(descriptor, "rb") as handle:
        try:
            status = os.fstat(descriptor)
            mode = status.st_mode
            if stat.S_ISDIR(mode):
                raise SourceError(f"{shown}: is a directory")
            for is_kind, kind in _SPECIAL_FILE_KINDS:
                if is_kind(mode):
                    raise SourceError(f"{shown}: not a regular file ({kind}); pipe its text to `dockgate check -` instead")
            if status.st_size > MAX_SOURCE_BYTES:
                raise _too_large(shown)
            data = _read_capped(handle, shown, status.st_size)
        except OSError as error:
            raise SourceError(f"{shown}: cannot read: {error.strerror or error}") from None
    return decode(data, shown)


def read_stream(stream: BinaryIO, name: str = "-") -> SourceText:
    """The text of a stream (standard input), read up to `MAX_SOURCE_BYTES`."""
    try:
        data = _read_capped(stream, name)
    except OSError as error:
        raise SourceError(f"{name}: cannot read: {error.strerror or error}") from None
    return decode(data, name)


def _read_capped(stream: BinaryIO, name: str, expected_size: int = MAX_SOURCE_BYTES) -> bytes:
    """At most `MAX_SOURCE_BYTES` of `stream`; one byte more (a file growing while read, an endless device) is an error.

    `expected_size` (a file's size when opened) sizes the first read: asking for the cap allocates a buffer of it.
    """
    data = stream.read(expected_size + 1)
    if len(data) > expected_size:  # grown since, or a stream of unknown size: read on, up to the cap
        data += stream.read(max(0, MAX_SOURCE_BYTES + 1 - len(data)))
    if len(data) > MAX_SOURCE_BYTES:
        raise _too_large(name)
    return data


def _too_large(name: str) -> SourceError:
    return SourceError(f"{name}: larger than {MAX_SOURCE_BYTES // (1024 * 1024)} MiB, the most dockgate reads of a Dockerfile")
