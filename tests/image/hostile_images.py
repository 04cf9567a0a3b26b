"""Hostile images written on the fly, as OCI layout directories: the tests build small ones,
benchmarks/bench_limits.py big ones. Standard library only, and every blob is written in
pieces, so a multi-GiB bomb costs a few MB of disk and memory to make.

* `bomb_layer`: one file of zeros in a gzip layer, hundreds of times smaller than it inflates;
* `dense_layer`: one file of data that compresses `ratio` times, under the bomb limit;
* `many_files_layer`: a gzip layer of `count` tiny files;
* `nested_json`: a JSON document nested `depth` deep;
* `write_layout`: the layout around a config and layers, a layer listed as often as wanted.
"""

from __future__ import annotations

import hashlib
import json
import random
import tarfile
import zlib
from pathlib import Path

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
MIB = 1024**2


def _gzip_member(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)
    return compressor.compress(data) + compressor.flush()


def _header(name: str, size: int) -> bytes:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o644, 1700000000
    return info.tobuf(tarfile.PAX_FORMAT)


def _one_file_layer(path: Path, name: str, size: int, chunk: bytes) -> Path:
    """A gzip layer of one file made of `chunk` repeated (several gzip members, as pigz writes)."""
    assert size % len(chunk) == 0
    compressed_chunk = _gzip_member(chunk)
    with open(path, "wb") as out:
        out.write(_gzip_member(_header(name, size)))
        for _ in range(size // len(chunk)):
            out.write(compressed_chunk)
        out.write(_gzip_member(bytes(-size % 512 + 1024)))
    return path


def bomb_layer(path: Path, size: int) -> Path:
    """A layer holding one file of `size` zeros: it compresses about a thousand times."""
    return _one_file_layer(path, "disk.img", size, bytes(MIB))


def dense_layer(path: Path, size: int, ratio: int = 100) -> Path:
    """A layer holding one file of `size` bytes that compresses about `ratio` times: big, not a bomb."""
    noise = random.Random(ratio).randbytes(MIB // ratio)
    return _one_file_layer(path, "data.bin", size, noise + bytes(MIB - len(noise)))


def many_files_layer(path: Path, count: int, size: int = 16) -> Path:
    """A gzip layer of `count` files of `size` bytes each, spread over a few hundred directories."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)
    content = b"x" * size + bytes(-size % 512)
    with open(path, "wb") as out:
        pieces = []
        for number in range(count):
            pieces.append(_header(f"usr/share/pkg{number % 300}/file{number}.txt", size) + content)
            if len(pieces) == 1000:
                out.write(compressor.compress(b"".join(pieces)))
                pieces = []
        out.write(compressor.compress(b"".join(pieces) + bytes(1024)) + compressor.flush())
    return path


def nested_json(depth: int, key: str | None = None) -> bytes:
    """`[[[...]]]` `depth` deep, alone or as the value of `key` in an object."""
    inner = b"[" * depth + b"]" * depth
    return inner if key is None else b'{"%s": %s}' % (key.encode(), inner)


def config(**fields: object) -> bytes:
    return json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": []},
                       **fields}).encode()


def _add_blob(layout: Path, data: bytes | Path) -> dict[str, object]:
    """Put a blob into `layout` by its digest; a Path is hashed in pieces and moved there."""
    digest = hashlib.sha256()
    if isinstance(data, Path):
        with open(data, "rb") as blob:
            while piece := blob.read(MIB):
                digest.update(piece)
        size = data.stat().st_size
    else:
        digest.update(data)
        size = len(data)
    target = layout / "blobs" / "sha256" / digest.hexdigest()
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, Path):
        data.replace(target)
    else:
        target.write_bytes(data)
    return {"digest": f"sha256:{digest.hexdigest()}", "size": size}


def write_layout(
    layout: Path, config_blob: bytes | Path, layers: list[Path], *, order: list[int] | None = None,
    manifest: bytes | None = None, index: bytes | None = None,
) -> str:
    """An OCI layout at `layout` with one image; `order` lists layer positions (repeats allowed).
    `manifest` and `index` replace those documents as written. Returns the `oci:` spec."""
    layout.mkdir(parents=True, exist_ok=True)
    (layout / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')
    config_descriptor = {"mediaType": OCI_CONFIG, **_add_blob(layout, config_blob)}
    layer_descriptors = [{"mediaType": OCI_LAYER_GZIP, **_add_blob(layout, path)} for path in layers]
    listed = [layer_descriptors[position] for position in (order if order is not None else range(len(layers)))]
    if manifest is None:
        manifest = json.dumps({"schemaVersion": 2, "mediaType": OCI_MANIFEST, "config": config_descriptor,
                               "layers": listed}).encode()
    manifest_descriptor = {"mediaType": OCI_MANIFEST, **_add_blob(layout, manifest)}
    if index is None:
        index = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [manifest_descriptor]}).encode()
    (layout / "index.json").write_bytes(index)
    return f"oci:{layout}"
