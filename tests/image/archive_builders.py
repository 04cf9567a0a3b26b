"""Image archives written by the tests themselves: Docker 25+ saves and small OCI layouts.

No daemon-less tool writes the Docker 25+ `docker save` layout (images.md
section 10.3), so the tests make it: an OCI layout
(config, uncompressed layers named by their diff_id, an OCI manifest,
index.json with both name annotations) plus the legacy manifest.json and
repositories. `empty_layers` reproduces Docker 25.0.0's manifest with
`"layers": []` (moby#47065). The smaller helpers build OCI layouts in memory
for the tests that need exact (or deliberately broken) documents.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from pathlib import Path

from dockgate.image.models import OCI_CONFIG, OCI_INDEX, OCI_MANIFEST

GZIP_MAGIC = b"\x1f\x8b"
OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def descriptor(media_type: str, data: bytes, **fields: object) -> dict[str, object]:
    """An OCI descriptor of `data`, with any extra fields (platform, annotations)."""
    return {"mediaType": media_type, "digest": f"sha256:{_sha256(data)}", "size": len(data), **fields}


def manifest_bytes(config: bytes, layers: list[bytes], **fields: object) -> bytes:
    """An OCI image manifest of a config and gzip layers."""
    return json.dumps({"schemaVersion": 2, "mediaType": OCI_MANIFEST, "config": descriptor(OCI_CONFIG, config),
                       "layers": [descriptor(OCI_LAYER_GZIP, layer) for layer in layers], **fields}).encode()


def layout_members(entries: list[dict[str, object]], blobs: list[bytes]) -> dict[str, bytes]:
    """The files of an OCI layout whose index.json lists `entries` and which holds `blobs`."""
    members = {f"blobs/sha256/{_sha256(blob)}": blob for blob in blobs}
    members["oci-layout"] = b'{"imageLayoutVersion":"1.0.0"}'
    members["index.json"] = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": entries}).encode()
    return members


def write_members(directory: Path, members: dict[str, bytes]) -> Path:
    """`members` written as files under `directory` (an OCI layout directory)."""
    for name, data in members.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return directory


def docker25_members(config: bytes, layers: list[bytes], repo_tag: str, *, empty_layers: bool = False) -> dict[str, bytes]:
    """The files of a Docker 25+ save of one image, by name; gzip layers are stored decompressed."""
    config_hex = _sha256(config)
    members = {"oci-layout": b'{"imageLayoutVersion":"1.0.0"}', f"blobs/sha256/{config_hex}": config}
    layer_descriptors = []
    for layer in layers:
        plain = gzip.decompress(layer) if layer.startswith(GZIP_MAGIC) else layer
        members[f"blobs/sha256/{_sha256(plain)}"] = plain
        layer_descriptors.append({"mediaType": "application/vnd.oci.image.layer.v1.tar",
                                  "digest": f"sha256:{_sha256(plain)}", "size": len(plain)})
    manifest = json.dumps({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": f"sha256:{config_hex}", "size": len(config)},
        "layers": [] if empty_layers else layer_descriptors,
    }).encode()
    members[f"blobs/sha256/{_sha256(manifest)}"] = manifest
    repository, _, tag = repo_tag.rpartition(":")
    members["index.json"] = json.dumps({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                       "digest": f"sha256:{_sha256(manifest)}", "size": len(manifest),
                       "annotations": {"io.containerd.image.name": repo_tag,
                                       "org.opencontainers.image.ref.name": tag}}],
    }).encode()
    members["manifest.json"] = json.dumps([{
        "Config": f"blobs/sha256/{config_hex}",
        "RepoTags": [repo_tag],
        "Layers": [f"blobs/sha256/{item['digest'][7:]}" for item in layer_descriptors],
    }]).encode()
    members["repositories"] = json.dumps({repository: {tag: config_hex}}).encode()
    return members


def tar_bytes(members: dict[str, bytes]) -> bytes:
    """A tar of regular files, sorted by name, with fixed mtimes and modes."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name in sorted(members):
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(members[name]), 0, 0o644
            tar.addfile(info, io.BytesIO(members[name]))
    return buffer.getvalue()


def write_docker25(layout: Path, tag: str, out: Path, repo_tag: str, *, empty_layers: bool = False) -> Path:
    """The image tagged `tag` in the OCI layout `layout`, saved to `out` as Docker 25+ would."""

    def blob(digest: str) -> bytes:
        return (layout / "blobs" / "sha256" / digest.removeprefix("sha256:")).read_bytes()

    index = json.loads((layout / "index.json").read_text())
    entry = next(item for item in index["manifests"]
                 if item.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag)
    manifest = json.loads(blob(entry["digest"]))
    layers = [blob(layer["digest"]) for layer in manifest["layers"]]
    members = docker25_members(blob(manifest["config"]["digest"]), layers, repo_tag, empty_layers=empty_layers)
    out.write_bytes(tar_bytes(members))
    return out
