"""The layer scanner and the layered filesystem on broken, hostile and tricky layers."""

from __future__ import annotations

import gzip
import io
import random
import sys
import tarfile
import types
from typing import BinaryIO, Iterator

import pytest
from image_builders import image_from_spec, layer_tar, without_end_marker

from dockgate.image import layers
from dockgate.image.credential_files import (
    ACCOUNT_FILES,
    access_file,
    credential_file,
    kept_file,
)
from dockgate.image.filesystem import Removal, scan_image
from dockgate.image.image import Layer
from dockgate.image.layers import LayerEntry, member_path, scan_layer

ENTRIES = [
    {"path": "etc", "type": "dir"},
    {"path": "etc/hostname", "content": "box\n"},
    {"path": "usr/bin/tool", "size": 30000, "mode": "4755"},
    {"path": "usr/bin/tool2", "type": "hardlink", "target": "./usr/bin/tool"},
]


def layer_of(blob: bytes | BinaryIO, index: int = 0) -> Layer:
    opener = (lambda: io.BytesIO(blob)) if isinstance(blob, bytes) else (lambda: blob)
    return Layer(index=index, digest="sha256:0", diff_id=None, size=None, media_type="", history_index=index, open=opener)


class ChunkStream(io.RawIOBase):
    """A read-once stream over chunks made on demand, so a large blob never sits in memory."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._pending = b""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if not self._pending:
            self._pending = next(self._chunks, b"")
        data, self._pending = self._pending[:size], self._pending[size:]
        return data


def test_a_complete_layer_yields_every_entry_and_no_problem() -> None:
    scan = scan_layer(layer_of(layer_tar(ENTRIES)))
    assert scan.problems == []
    assert list(scan.entries) == ["etc", "etc/hostname", "usr/bin/tool", "usr/bin/tool2"]
    assert scan.entries["usr/bin/tool"] == LayerEntry("usr/bin/tool", "file", 0o4755, 0, 0, 30000)
    assert scan.entries["usr/bin/tool2"].kind == "hardlink"
    assert scan.entries["usr/bin/tool2"].link_target == "usr/bin/tool"
    assert scan.compressed_bytes < scan.uncompressed_bytes


def test_truncated_gzip_keeps_the_entries_before_the_cut() -> None:
    noise = random.Random(0).randbytes(50000).hex()  # compresses about 2:1, so half the blob is mid-file
    blob = layer_tar([*ENTRIES[:2], {"path": "data", "content": noise}, {"path": "after", "content": "z"}])
    scan = scan_layer(layer_of(blob[: len(blob) // 2]))
    assert [problem.message for problem in scan.problems] == ["the gzip stream ends early (the blob is truncated)"]
    assert "etc/hostname" in scan.entries


def test_gzip_cut_inside_the_padding_is_still_found() -> None:
    blob = layer_tar(ENTRIES)
    scan = scan_layer(layer_of(blob[:-6]))  # the CRC and length trailer are gone
    assert len(scan.entries) == 4
    assert [problem.message for problem in scan.problems] == ["the gzip stream ends early (the blob is truncated)"]


def test_tar_without_end_marker_keeps_every_member_and_is_no_problem() -> None:
    # umoci 0.4.7 `insert`: neither the last member's padding nor the two zero blocks.
    raw = without_end_marker(layer_tar([{"path": "a", "content": "x" * 700}, {"path": "b", "content": "y"}], None))
    scan = scan_layer(layer_of(gzip.compress(raw)))
    assert list(scan.entries) == ["a", "b"]
    assert scan.problems == []


def test_corrupt_header_in_mid_archive_is_a_problem_not_a_quiet_end() -> None:
    raw = bytearray(layer_tar([{"path": "a", "content": "x"}, {"path": "b", "content": "y"}], None))
    raw[1024 + 148] ^= 0x01  # the second header's checksum
    scan = scan_layer(layer_of(bytes(raw)))
    assert list(scan.entries) == ["a"]
    assert [problem.message for problem in scan.problems] == [
        "a corrupt tar header after 1 entry; the rest of the layer was not read"
    ]


def test_several_gzip_members_make_one_layer() -> None:
    raw = layer_tar(ENTRIES, None)
    scan = scan_layer(layer_of(gzip.compress(raw[:1500]) + gzip.compress(raw[1500:])))
    assert scan.problems == []
    assert len(scan.entries) == 4


def test_a_gigabyte_of_zeros_is_stopped_as_a_bomb() -> None:
    header = tarfile.TarInfo("zeros")
    header.size = 1024**3
    megabyte = gzip.compress(b"\0" * 1024**2, compresslevel=9)  # about 1 KiB, reused for each MiB

    def chunks() -> Iterator[bytes]:
        yield gzip.compress(header.tobuf(tarfile.PAX_FORMAT))
        for _ in range(1024):
            yield megabyte

    scan = scan_layer(layer_of(ChunkStream(chunks())))
    assert list(scan.entries) == ["zeros"]
    assert len(scan.problems) == 1
    assert "a decompression bomb" in scan.problems[0].message
    assert scan.uncompressed_bytes <= layers.RATIO_GRACE_BYTES + 2 * layers.READ_CHUNK


def test_total_uncompressed_bytes_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(layers, "MAX_LAYER_BYTES", 20000)
    scan = scan_layer(layer_of(layer_tar(ENTRIES, None)))
    assert [problem.message for problem in scan.problems] == [
        "decompression stopped at 0 GiB, the limit for one layer (a decompression bomb, or a layer too large to check)"
    ]


def test_names_that_climb_out_of_the_root_are_problems_and_skipped() -> None:
    scan = scan_layer(layer_of(layer_tar([
        {"path": "../../etc/passwd", "content": "x"},
        {"path": "ok", "content": "y"},
        {"path": "link", "type": "hardlink", "target": "/../../etc/shadow"},
    ])))  # fmt: skip
    assert list(scan.entries) == ["ok"]
    assert [(problem.path, problem.message) for problem in scan.problems] == [
        ("../../etc/passwd", "the entry's name climbs out of the layer root"),
        ("link", "a hard link whose target climbs out of the layer root"),
    ]


@pytest.mark.parametrize(
    "name,expected",
    [(".", ""), ("./", ""), ("/", ""), ("./usr/bin/", "usr/bin"), ("/etc//hosts", "etc/hosts"), ("a/../b", "b"),
     ("..", None), ("a/../../b", None), ("/../etc", None)],
)  # fmt: skip
def test_normalised_path(name: str, expected: str | None) -> None:
    assert member_path(name) == expected


def test_layers_that_are_not_tars_say_what_they_are() -> None:
    assert [p.message for p in scan_layer(layer_of(b"BZh91AY&SY" + b"\0" * 100)).problems] == [
        "the layer is bzip2-compressed; image layers are gzip, zstd or plain tar"
    ]
    assert [p.message for p in scan_layer(layer_of(b"not a tar" * 100)).problems] == [
        "the layer is not a tar archive (invalid header)"
    ]
    assert scan_layer(layer_of(b"")).problems == []  # an empty blob is an empty layer


ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


def test_zstd_without_the_zstandard_module_is_a_clear_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "zstandard", None)  # import fails as if not installed
    scan = scan_layer(layer_of(ZSTD_MAGIC + b"\0" * 100))
    assert [problem.message for problem in scan.problems] == [
        "the layer is zstd-compressed and the zstandard module is not installed (pip install zstandard)"
    ]


def test_zstd_layers_are_read_through_the_zstandard_module(monkeypatch: pytest.MonkeyPatch) -> None:
    class FakeDecompressor:
        """Stands in for zstandard's: its 'frames' are the magic followed by the plain tar."""

        def stream_reader(self, source: BinaryIO, read_size: int, read_across_frames: bool) -> BinaryIO:
            assert read_across_frames
            data = source.read(read_size)
            while chunk := source.read(read_size):
                data += chunk
            assert data.startswith(ZSTD_MAGIC)
            return io.BytesIO(data[len(ZSTD_MAGIC):])

    fake = types.ModuleType("zstandard")
    fake.ZstdDecompressor = FakeDecompressor  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "zstandard", fake)
    scan = scan_layer(layer_of(ZSTD_MAGIC + layer_tar(ENTRIES, None)))
    assert scan.problems == []
    assert len(scan.entries) == 4


def test_real_zstd_layer() -> None:
    zstandard = pytest.importorskip("zstandard")
    scan = scan_layer(layer_of(zstandard.ZstdCompressor().compress(layer_tar(ENTRIES, None))))
    assert scan.problems == []
    assert len(scan.entries) == 4


def test_contents_are_kept_only_for_account_access_and_credential_files_and_keys_only_as_a_kind() -> None:
    key = "-----BEGIN EC PRIVATE KEY-----\n" + "MHcCAQEEIBkg" * 20 + "\n-----END EC PRIVATE KEY-----\n"
    scan = scan_layer(layer_of(layer_tar([
        {"path": "etc/shadow", "content": "root:*:1::::::\n"},
        {"path": "app/.env", "content": "A=1\n"},
        {"path": "app/config.yaml", "content": "a: 1\n" * 50},
        {"path": "srv/tls.key", "content": key},
        {"path": "srv/big.key", "content": key + "x" * 70000},
        {"path": "etc/sudoers", "content": "root ALL=(ALL) ALL\n"},
        {"path": "etc/sudoers.d/app", "content": "app ALL=(ALL) ALL\n"},
        {"path": "etc/sudoers.d/nested/app", "content": "sudo does not read below sudoers.d\n"},
        {"path": "etc/ssh/sshd_config", "content": "PermitRootLogin no\n"},
        {"path": "home/app/.ssh/authorized_keys", "content": "ssh-ed25519 AAAAC3Nza app@host\n"},
    ])))  # fmt: skip
    assert set(scan.contents) == {
        "etc/shadow", "app/.env", "etc/sudoers", "etc/sudoers.d/app", "etc/ssh/sshd_config",
        "home/app/.ssh/authorized_keys",
    }  # fmt: skip
    assert scan.private_keys == {"srv/tls.key": "EC"}  # big.key is above the size peeked


def test_filesystem_keeps_each_layers_entries_and_applies_whiteouts_and_opaque_dirs() -> None:
    image = image_from_spec({"layers": [
        [{"path": "a/x", "content": "1"}, {"path": "a/y/z", "content": "2"}, {"path": "b", "content": "3"},
         {"path": "c/d", "content": "4"}, {"path": "key", "content": "5"}],
        [{"path": "a/.wh..wh..opq", "mode": 0}, {"path": "a/new", "content": "6"}, {"path": ".wh.key", "mode": 0},
         {"path": "c", "content": "now a file"}, {"path": "b", "content": "7"}],
        [{"path": ".wh.a", "mode": 0}],
    ]})  # fmt: skip
    filesystem = scan_image(image)
    assert set(filesystem.final) == {"b", "c"}
    assert filesystem.final["b"].layer == 1
    assert "key" in filesystem.layers[0].entries  # still in the layer that added it
    assert filesystem.removals[0] == {
        "a/x": Removal(1, "deleted"),
        "a/y/z": Removal(1, "deleted"),
        "key": Removal(1, "deleted"),
        "c/d": Removal(1, "overwritten"),
        "b": Removal(1, "overwritten"),
    }
    assert filesystem.removals[1] == {"a/new": Removal(2, "deleted")}
    assert filesystem.layers[1].opaque_dirs == ["a"]
    assert filesystem.layers[2].whiteouts == ["a"]


def test_hard_links_and_implicit_parent_directories() -> None:
    image = image_from_spec({"layers": [
        [{"path": "usr/bin/su", "mode": "4755"}, {"path": "usr/bin/su2", "type": "hardlink", "target": "usr/bin/su"}],
        [{"path": "usr/.wh.bin", "mode": 0}],
    ]})  # fmt: skip
    filesystem = scan_image(image)
    assert filesystem.final == {}
    assert set(filesystem.removals[0]) == {"usr/bin/su", "usr/bin/su2"}
    assert filesystem.layers[0].entries["usr/bin/su2"].link_target == "usr/bin/su"


def test_hostile_entries_are_counted_but_listed_only_up_to_a_limit() -> None:
    count = layers.MAX_LISTED_HOSTILE_ENTRIES + 5
    scan = scan_layer(layer_of(layer_tar([{"path": f"../x{index}"} for index in range(count)] + [{"path": "ok"}])))
    assert scan.hostile_entries == count
    assert list(scan.entries) == ["ok"]
    assert len(scan.problems) == layers.MAX_LISTED_HOSTILE_ENTRIES + 1
    assert scan.problems[-1].message == "more entries climb out of the layer root; they are not listed"


@pytest.mark.parametrize("path", [
    "root/.aws/credentials", "home/u/.config/gcloud/legacy_credentials/me/adc.json", "root/.azure/accessTokens.json",
    "app/.env", "app/.env.production", "root/.npmrc", "root/.pypirc", "root/.netrc", "root/_netrc",
    "root/.git-credentials", "root/.kube/config", "etc/prod.kubeconfig", "root/.docker/config.json",
    "etc/passwd", "etc/shadow", "etc/sudoers", "etc/sudoers.d/ops", "etc/ssh/sshd_config",
    "home/u/.ssh/authorized_keys", "root/.ssh/authorized_keys2",
])  # fmt: skip
def test_the_name_prefilter_keeps_every_file_a_rule_reads(path: str) -> None:
    assert kept_file(path)
    assert path in ACCOUNT_FILES or access_file(path) or credential_file(path) is not None


@pytest.mark.parametrize("path", ["usr/lib/python3/config.py", "etc/config", "app/.env.example", "usr/share/credentials.txt"])
def test_the_name_prefilter_turns_away_other_files(path: str) -> None:
    assert not kept_file(path)
