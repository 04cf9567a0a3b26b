"""The streaming tar header reader: what tarfile and GNU tar write, and what they must not be fed."""

from __future__ import annotations

import io
import random
import re
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

from dockgate.image.tar_reader import (
    MAX_EXTENSION_BYTES,
    TarFormatError,
    TarMember,
    TarReader,
)


def _members(data: bytes, markers: tuple[bytes, ...] = ()) -> list[TarMember]:
    reader = TarReader(io.BytesIO(data), markers)
    members = []
    while (member := reader.next()) is not None:
        members.append(member)
    return members


def _archive(format: int, **options: object) -> bytes:
    """Every member kind tarfile writes, with names and numbers that need each format's extensions."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=format, **options) as tar:  # type: ignore[call-overload]
        def add(name: str, kind: bytes = tarfile.REGTYPE, data: bytes = b"", **fields: object) -> None:
            info = tarfile.TarInfo(name)
            info.type = kind
            info.size = len(data)
            for key, value in fields.items():
                setattr(info, key, value)
            tar.addfile(info, io.BytesIO(data) if data else None)

        add("etc", tarfile.DIRTYPE, mode=0o755)
        add("etc/passwd", data=b"root:x:0:0::/root:/bin/sh\n", mode=0o644)
        add("usr/bin/tool", data=b"x" * 1500, mode=0o4755, uid=0, gid=0)
        add("usr/" + "long-directory-name/" * 8 + "file", data=b"deep")
        add("usr/bin/tool2", tarfile.LNKTYPE, linkname="usr/bin/tool")
        add("lib/link", tarfile.SYMTYPE, linkname="../target")
        add("dev/null", tarfile.CHRTYPE, devmajor=1, devminor=3)
        add("run/fifo", tarfile.FIFOTYPE)
        add("home/u/notes-é.txt", data=b"caf\xc3\xa9", uid=70000, gid=70000)
        if format != tarfile.USTAR_FORMAT:
            add("opt/big-owner", data=b"z", uid=10**9, gid=3 * 10**9)
            add("x" * 300, data=b"long name")
            add("lib/far", tarfile.SYMTYPE, linkname="../" + "target/" * 20 + "end")
    return buffer.getvalue()


def _tarfile_view(data: bytes) -> list[tuple[str, int, int, int, int, str]]:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r|") as tar:
        return [(m.name, m.mode, m.uid, m.gid, m.size if m.isreg() else 0, m.linkname if m.issym() or m.islnk() else "")
                for m in tar]


def _our_view(data: bytes) -> list[tuple[str, int, int, int, int, str]]:
    return [(m.name.rstrip("/"), m.mode, m.uid, m.gid, m.size, m.linkname) for m in _members(data)]


@pytest.mark.parametrize("format", [tarfile.USTAR_FORMAT, tarfile.GNU_FORMAT, tarfile.PAX_FORMAT])
def test_reads_what_tarfile_writes_as_tarfile_reads_it(format: int) -> None:
    data = _archive(format)
    assert _our_view(data) == _tarfile_view(data)
    kinds = {m.name.rstrip("/"): chr(m.type) for m in _members(data)}
    assert kinds["etc"] == "5" and kinds["usr/bin/tool2"] == "1" and kinds["dev/null"] == "3"


def test_a_global_pax_header_applies_to_every_later_member() -> None:
    data = _archive(tarfile.PAX_FORMAT, pax_headers={"uid": "4242"})
    # A member's own pax header still wins over the global one.
    assert {m.name: m.uid for m in _members(data) if m.uid != 4242} == {"opt/big-owner": 10**9}
    assert _our_view(data) == _tarfile_view(data)


def test_end_states() -> None:
    data = _archive(tarfile.GNU_FORMAT)
    reader = TarReader(io.BytesIO(data))
    while reader.next() is not None:
        pass
    assert reader.end == "marker"
    # Cut right after a member's padding: no end marker, as umoci 0.4.7 writes layers.
    reader = TarReader(io.BytesIO(data[:1536]))
    assert [m.name for m in iter(reader.next, None)] == ["etc/", "etc/passwd"]
    assert reader.end == "eof"
    # The last member's data whole but its padding gone: nothing was lost either.
    assert [m.name for m in _members(data[: 1024 + len(b"root:x:0:0::/root:/bin/sh\n")])] == ["etc/", "etc/passwd"]


@pytest.mark.parametrize("cut,message", [
    (512 + 200, "the tar ends inside a header after 1 entry"),
    (1024 + 20, "the tar is cut short inside a member after 2 entries (the blob is truncated)"),
])  # fmt: skip
def test_cuts_that_lose_data_are_errors(cut: int, message: str) -> None:
    data = _archive(tarfile.USTAR_FORMAT)[:cut]
    with pytest.raises(TarFormatError, match=f"^{re.escape(message)}$"):
        _members(data)


def _header(name: bytes = b"file", size: bytes = b"00000000001\0", kind: bytes = b"0", **fields: bytes) -> bytes:
    """One ustar header with the fields given as raw bytes, and its checksum set."""
    block = bytearray(512)
    block[0:len(name)] = name
    block[100:108] = fields.get("mode", b"0000644\0")
    block[108:116] = fields.get("uid", b"0000000\0")
    block[116:124] = fields.get("gid", b"0000000\0")
    block[124:136] = size
    block[136:148] = b"00000000000\0"
    block[156:157] = kind
    block[257:265] = b"ustar\x0000"
    block[148:156] = b" " * 8
    checksum = fields.get("checksum")
    block[148:156] = checksum if checksum is not None else b"%06o\0 " % sum(block)
    return bytes(block)


def _padded(data: bytes) -> bytes:
    return data + bytes(-len(data) % 512)


def test_odd_but_valid_headers() -> None:
    # Space-ended numbers, an old-style directory (type NUL, trailing slash), a signed checksum.
    old_dir = _header(b"old/dir/", size=b"          0 ", kind=b"\0", mode=b"   755 \0")
    high = bytearray(_header(b"caf\xe9", size=b"00000000000\0"))
    high[148:156] = b" " * 8
    signed = sum(byte - 256 if byte >= 128 else byte for byte in high)
    high[148:156] = b"%06o\0 " % signed
    data = old_dir + bytes(high) + bytes(1024)
    members = _members(data)
    assert [(m.name, chr(m.type), m.mode, m.size) for m in members] == [("old/dir/", "5", 0o755, 0), ("caf\udce9", "0", 0o644, 0)]


def test_an_unknown_type_is_skipped_with_its_data() -> None:
    data = _header(b"weird", size=b"00000000003\0", kind=b"Z") + _padded(b"abc") + _header(b"next", size=b"0\0" + bytes(10))
    assert [(m.name, m.size) for m in _members(data + bytes(1024))] == [("weird", 0), ("next", 0)]


@pytest.mark.parametrize("data,message", [
    (_header(checksum=b"0000000\0"), "the layer is not a tar archive (invalid header)"),
    (_header(size=b"-0000000001\0"), "a negative size in the tar header after 0 entries"),
    (_header(size=b"12x\0" + bytes(8)), "a tar header whose size is not a number after 0 entries"),
    (_header(b"././@PaxHeader", kind=b"x", size=b"%011o\0" % (MAX_EXTENSION_BYTES + 1)),
     f"an extended header of {MAX_EXTENSION_BYTES + 1} bytes after 0 entries, more than the {MAX_EXTENSION_BYTES} one can be"),
    (_header(b"././@PaxHeader", kind=b"x", size=b"00000000012\0") + _padded(b"99 path=x\n"),
     "a malformed pax header after 0 entries"),
    (_header(b"././@PaxHeader", kind=b"x", size=b"00000000016\0") + _padded(b"14 size=-5\nab"),
     "a malformed pax header after 0 entries"),
    (_header(b"././@PaxHeader", kind=b"x", size=b"00000000013\0") + _padded(b"11 size=-5\n") + _header(),
     "a negative size in a pax header after 0 entries"),
    (_header(b"././@LongLink", kind=b"L", size=b"00000000004\0") + _padded(b"name"),
     "the tar ends inside a header after 0 entries"),
    (_header() + _padded(b"x") + b"\x01" + bytes(1023), "a corrupt tar header after 1 entry; the rest of the layer was not read"),
    (_header() + _padded(b"x") + bytes(512) + b"lost member" + bytes(500), "a corrupt tar header after 1 entry; the rest of the layer was not read"),
])  # fmt: skip
def test_malformed_input_is_one_clear_error(data: bytes, message: str) -> None:
    with pytest.raises(TarFormatError) as caught:
        _members(data + bytes(1024))
    assert str(caught.value) == message


def test_pax_keys_that_change_the_member() -> None:
    body = b"17 path=pax-name\n" + b"12 uid=4321\n" + b"22 linkpath=elsewhere\n"
    data = (_header(b"././@PaxHeader", kind=b"x", size=b"%011o\0" % len(body)) + _padded(body)
            + _header(b"short", kind=b"2", size=b"00000000000\0") + bytes(1024))
    (member,) = _members(data)
    assert (member.name, member.uid, member.linkname) == ("pax-name", 4321, "elsewhere")


@pytest.mark.skipif(shutil.which("tar") is None, reason="needs GNU tar to write sparse members")
@pytest.mark.parametrize("format", ["gnu", "pax"])
def test_sparse_members_have_their_logical_size_and_are_skipped(tmp_path: Path, format: str) -> None:
    sparse = tmp_path / "disk.img"
    with open(sparse, "wb") as file:
        file.write(b"start")
        file.seek(5 * 1024**2)
        file.write(b"end")
    (tmp_path / "after").write_bytes(b"after")
    archive = tmp_path / "out.tar"
    subprocess.run(["tar", f"--format={format}", "--sparse", "-cf", str(archive), "-C", str(tmp_path), "disk.img", "after"], check=True)
    members = _members(archive.read_bytes())
    assert [(m.name, m.size, m.sparse) for m in members] == [("disk.img", 5 * 1024**2 + 3, True), ("after", 5, False)]


def test_markers_are_found_in_member_data_without_a_search_per_member() -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in [("a", b"plain"), ("key", b"-----BEGIN PRIVATE KEY-----\nabc"), ("b", b"x" * 600)]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    reader = TarReader(io.BytesIO(buffer.getvalue()), (b"PRIVATE KEY-----",), 4096)
    assert {member.name: member.marked for member in iter(reader.next, None)} == {"a": False, "key": True, "b": False}
    # A window shorter than the marker's offset does not see it.
    reader = TarReader(io.BytesIO(buffer.getvalue()), (b"PRIVATE KEY-----",), 5)
    assert not any(member.marked for member in iter(reader.next, None))


def test_random_damage_gives_members_or_a_format_error_never_anything_else() -> None:
    original = _archive(tarfile.PAX_FORMAT) + _archive(tarfile.GNU_FORMAT)
    rng = random.Random(15)
    for _ in range(300):
        data = bytearray(original)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        cut = rng.randrange(len(data) + 1) if rng.random() < 0.3 else len(data)
        try:
            members = _members(bytes(data[:cut]))
        except TarFormatError as error:
            assert str(error) and "\n" not in str(error)
            continue
        assert all(m.size >= 0 and m.mode >= 0 and m.uid >= 0 for m in members)
