"""Hostile images through `dockgate image`: a compression bomb, very many files, a huge config,
deeply nested JSON and one layer listed many times each end with a DG5000 finding or one error
line (exit 2), within bounds. The images are small here; benchmarks/bench_limits.py measures
big ones."""

from __future__ import annotations

import gzip
import json
import tarfile
from pathlib import Path

import pytest
from hostile_images import (
    bomb_layer,
    config,
    many_files_layer,
    nested_json,
    write_layout,
)

from dockgate.cli.main import main
from dockgate.cli.output import EXIT_ERROR
from dockgate.image import blobs, filesystem, layers
from dockgate.image.models import MAX_CONFIG_BYTES

MIB = 1024**2


def _findings(spec: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict[str, object]], str]:
    status = main(["image", spec, "--no-config", "--select", "DG5000", "--format", "json"])
    captured = capsys.readouterr()
    return status, json.loads(captured.out or "[]"), captured.err


def _error(spec: str, capsys: pytest.CaptureFixture[str]) -> str:
    """The one error line of a run that exits 2."""
    assert main(["image", spec, "--no-config"]) == EXIT_ERROR
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("dockgate: error: "), lines
    return lines[0]


def test_a_compression_bomb_is_stopped_early_with_a_dg5000(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(layers, "RATIO_GRACE_BYTES", 4 * MIB)  # the limits scaled down with the bomb
    spec = write_layout(tmp_path / "image", config(), [bomb_layer(tmp_path / "bomb.gz", 256 * MIB)])
    status, findings, _ = _findings(spec, capsys)
    assert status == 1
    (finding,) = findings
    assert "a decompression bomb" in str(finding["message"]) and str(finding["message"]).startswith("layer 0: ")


def test_a_gzip_bomb_as_the_whole_archive_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(blobs, "RATIO_GRACE_BYTES", 4 * MIB)
    path = tmp_path / "save.tar.gz"
    path.write_bytes(gzip.compress(bytes(16 * MIB)))  # `docker save | gzip` of nothing but zeros
    line = _error(str(path), capsys)
    assert "the gzip-compressed archive: more than 200 times expansion" in line and "a decompression bomb" in line


def test_many_tiny_files_are_all_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write_layout(tmp_path / "image", config(), [many_files_layer(tmp_path / "many.gz", 20_000)])
    status, findings, _ = _findings(spec, capsys)
    assert (status, findings) == (0, [])


def test_layers_past_the_image_entry_budget_are_not_read_and_say_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(filesystem, "MAX_IMAGE_ENTRIES", 1500)
    first, second = many_files_layer(tmp_path / "a.gz", 1000), many_files_layer(tmp_path / "b.gz", 1001)
    spec = write_layout(tmp_path / "image", config(), [first, second], order=[0, 1, 0])
    status, findings, _ = _findings(spec, capsys)
    assert status == 1
    assert [finding["message"] for finding in findings] == [
        "layer 2: not read: the layers below it hold 1500 entries, the most dockgate checks in one image"
    ]


def test_a_config_blob_of_100_mb_is_refused_before_it_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    huge = tmp_path / "config.json"
    with open(huge, "wb") as blob:  # a sparse file: 100 MB that take no disk
        blob.truncate(100 * 10**6)
    spec = write_layout(tmp_path / "image", huge, [])
    line = _error(spec, capsys)
    assert line.endswith(f": 100000000 bytes, more than the {MAX_CONFIG_BYTES} such a file can be")


@pytest.mark.parametrize("document", ["index", "manifest", "config"])
def test_deeply_nested_json_is_one_error(document: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deep = nested_json(200_000, key="annotations")
    options = {"index": {"index": deep}, "manifest": {"manifest": deep}, "config": {}}[document]
    spec = write_layout(tmp_path / "image", deep if document == "config" else config(), [], **options)  # type: ignore[arg-type]
    line = _error(spec, capsys)
    assert line.endswith("JSON nested too deeply")


def test_one_layer_listed_many_times_is_read_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    reads: list[int] = []
    real_scan = filesystem.scan_layer
    monkeypatch.setattr(filesystem, "scan_layer", lambda layer: reads.append(layer.index) or real_scan(layer))
    spec = write_layout(tmp_path / "image", config(), [many_files_layer(tmp_path / "l.gz", 50, 32 * 1024)], order=[0] * 2000)
    status = main(["image", spec, "--no-config", "--select", "DG5", "--format", "json"])
    findings = json.loads(capsys.readouterr().out)
    assert reads == [0]
    # Each copy replaces the 1.6 MiB of the one below, under DG5007's threshold for a 3 GiB image.
    assert (status, findings) == (0, [])


def test_an_archive_of_too_many_files_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(blobs, "MAX_ARCHIVE_MEMBERS", 10)
    path = tmp_path / "save.tar"
    with tarfile.open(path, "w") as tar:
        for number in range(11):
            tar.addfile(tarfile.TarInfo(f"junk{number}"))
    assert _error(str(path), capsys).endswith("more than 10 files in the archive; an image archive holds a few per layer")
