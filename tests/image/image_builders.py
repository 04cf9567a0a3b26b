"""In-memory images for rule tests: layer tars built from entry lists, no tools needed.

A layer entry is a mapping: `path`, and optionally `type` (file, dir,
symlink, hardlink; default file), `mode` (an octal string such as "4755",
or an int), `uid`, `gid`, `content` (text), `size` (zero bytes of that
length, instead of content) and `target` (for links).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import tarfile
from typing import Any

from dockgate.image.image import Image, Layer, pair_history
from dockgate.image.models import ImageConfig, validate

_TYPES = {"file": tarfile.REGTYPE, "dir": tarfile.DIRTYPE, "symlink": tarfile.SYMTYPE, "hardlink": tarfile.LNKTYPE}


def _mode(value: Any, kind: str) -> int:
    if value is None:
        return 0o755 if kind == "dir" else 0o644
    return int(value, 8) if isinstance(value, str) else int(value)


def layer_tar(entries: list[dict[str, Any]], compression: str | None = "gzip") -> bytes:
    """A layer tar holding `entries` in order, gzip-compressed unless `compression` is None."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for entry in entries:
            kind = entry.get("type", "file")
            info = tarfile.TarInfo(entry["path"])
            info.type = _TYPES[kind]
            info.mode = _mode(entry.get("mode"), kind)
            info.uid = entry.get("uid", 0)
            info.gid = entry.get("gid", 0)
            info.mtime = 0
            data = b""
            if kind in ("symlink", "hardlink"):
                info.linkname = entry["target"]
            elif kind == "file":
                data = b"\0" * entry["size"] if "size" in entry else entry.get("content", "").encode()
                info.size = len(data)
            tar.addfile(info, io.BytesIO(data) if data else None)
    raw = buffer.getvalue()
    return gzip.compress(raw, mtime=0) if compression == "gzip" else raw


def without_end_marker(raw: bytes) -> bytes:
    """A plain layer tar cut after its last member's data: no padding, no end-of-archive
    blocks, as umoci 0.4.7 `insert` writes them (images.md §9 #1)."""
    with tarfile.open(fileobj=io.BytesIO(raw)) as tar:
        last = tar.getmembers()[-1]
    return raw[: last.offset_data + last.size]


def layer_blob(layer_spec: dict[str, Any]) -> bytes:
    """The stored bytes of one layer spec: `entries`, `compression` (gzip or None),
    `end_marker: false` (see without_end_marker) and `cut: N` (only the first N stored
    bytes, as a truncated download leaves them)."""
    raw = layer_tar(layer_spec.get("entries", []), None)
    if layer_spec.get("end_marker", True) is False:
        raw = without_end_marker(raw)
    blob = gzip.compress(raw, mtime=0) if layer_spec.get("compression", "gzip") == "gzip" else raw
    return blob[: layer_spec["cut"]] if "cut" in layer_spec else blob


def image_from_spec(spec: dict[str, Any], name: str = "test-image") -> Image:
    """An Image from a test spec: `config` (an OCI image config as JSON data), `layers`
    (each a list of entries, or a mapping for layer_blob), `annotations`, and `source`
    (`inspect` makes an image without layers)."""
    layer_specs = [item if isinstance(item, dict) else {"entries": item} for item in spec.get("layers", [])]
    config_data = dict(spec.get("config", {}))
    config_data.setdefault("architecture", "amd64")
    config_data.setdefault("os", "linux")
    if "history" not in config_data:
        config_data["history"] = [{"created_by": f"layer {index}"} for index in range(len(layer_specs))]
    blobs = [layer_blob(item) for item in layer_specs]
    config_data.setdefault("rootfs", {"type": "layers", "diff_ids": []})
    config = validate(config_data, ImageConfig, "test config")
    source = spec.get("source", "oci")
    layers = None
    if source != "inspect":
        history = pair_history(config, len(blobs))
        layers = [
            Layer(
                index=index,
                digest="sha256:" + hashlib.sha256(blob).hexdigest(),
                diff_id=None,
                size=len(blob),
                media_type="application/vnd.oci.image.layer.v1.tar+gzip",
                history_index=history[index],
                open=lambda blob=blob: io.BytesIO(blob),
            )
            for index, blob in enumerate(blobs)
        ]
    return Image(
        name=name,
        source=source,
        config=config,
        layers=layers,
        annotations=dict(spec.get("annotations", {})),
    )
