"""Reading a Dockerfile from disk or stdin into text, with clear errors for what is not text."""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from dockgate.errors import UserError


class SourceError(UserError):
    """A file that cannot be linted at all (missing, unreadable, binary)."""


@dataclass(slots=True)
class SourceText:
    text: str
    invalid_utf8_line: int | None = None
    """First line holding bytes that are not UTF-8 (they were replaced), if any."""
    encoding: str = "utf-8"
    byte_order_mark: bytes = b""
    """The UTF-16/32 byte-order mark the file began with (a UTF-8 one stays in `text` as U+FEFF)."""

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
    """Decode a Dockerfile's bytes: UTF-8 (BOM or not), UTF-16/32 with a BOM; refuse binary.

    `name` is how errors call the input (`-` for standard input).
    """
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return SourceText(data.decode(encoding), encoding=encoding, byte_order_mark=bom)
            except UnicodeDecodeError as error:
                raise SourceError(f"{name}: not valid {encoding.upper()} text ({error.reason})") from None
    if b"\x00" in data:
        raise SourceError(f"{name}: binary file (it contains NUL bytes), not a Dockerfile")
    try:
        return SourceText(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        bad_line = data.count(b"\n", 0, error.start) + 1
        return SourceText(data.decode("utf-8", errors="replace"), invalid_utf8_line=bad_line)


def read_source(path: str, name: str | None = None) -> SourceText:
    """The text of the file at `path`; errors call it `name` (by default, the path)."""
    shown = path if name is None else name
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise SourceError(f"{shown}: no such file") from None
    except IsADirectoryError:
        raise SourceError(f"{shown}: is a directory") from None
    except OSError as error:
        raise SourceError(f"{shown}: cannot read: {error.strerror or error}") from None
    return decode(data, shown)
