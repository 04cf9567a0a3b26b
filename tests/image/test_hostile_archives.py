"""Broken and malicious image inputs: each gives one clear ImageError line, never a traceback.

Every archive is made here with tarfile, so nothing needs the image tools.
The error always starts with the SOURCE as the user typed it.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest
from archive_builders import (
    OCI_INDEX,
    OCI_MANIFEST,
    descriptor,
    docker25_members,
    layout_members,
    manifest_bytes,
    tar_bytes,
    write_members,
)
from image_builders import layer_tar

from dockgate.image import blobs
from dockgate.image.errors import ImageError
from dockgate.image.models import MAX_MANIFEST_BYTES
from dockgate.image.sources import open_images

V1_ID = "1" * 64
LAYER = layer_tar([{"path": "etc/passwd", "content": "root:x:0:0::/root:/bin/sh\n"}], compression=None)
LAYER_HEX = hashlib.sha256(LAYER).hexdigest()
CONFIG = json.dumps({"architecture": "amd64", "os": "linux",
                     "rootfs": {"type": "layers", "diff_ids": [f"sha256:{LAYER_HEX}"]},
                     "history": [{"created_by": "layer"}]}).encode()
CONFIG_HEX = hashlib.sha256(CONFIG).hexdigest()

Entry = tuple[str, str, bytes | str]
"""A tar entry for `_tar`: (name, kind: file|symlink|hardlink|dir, content or link target)."""


def _tar(entries: list[Entry]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, kind, payload in entries:
            info = tarfile.TarInfo(name)
            if kind == "file":
                assert isinstance(payload, bytes)
                info.size = len(payload)
                tar.addfile(info, io.BytesIO(payload))
                continue
            info.type = {"symlink": tarfile.SYMTYPE, "hardlink": tarfile.LNKTYPE, "dir": tarfile.DIRTYPE}[kind]
            info.linkname = str(payload)
            tar.addfile(info)
    return buffer.getvalue()


def _save(layer_entry: Entry | None = None, *, layers: list[str] | None = None, prefix: str = "",
          manifest: bytes | None = None, config: bytes = CONFIG) -> list[Entry]:
    """A pre-25 docker save (skopeo style: `<id>/layer.tar` a symlink to `<diff_id>.tar`), one part swapped."""
    listed = layers if layers is not None else [f"{V1_ID}/layer.tar"]
    if manifest is None:
        manifest = json.dumps([{"Config": f"{CONFIG_HEX}.json", "RepoTags": ["app:1"], "Layers": listed}]).encode()
    return [
        (f"{prefix}{LAYER_HEX}.tar", "file", LAYER),
        layer_entry or (f"{prefix}{V1_ID}/layer.tar", "symlink", f"../{LAYER_HEX}.tar"),
        (f"{prefix}{CONFIG_HEX}.json", "file", config),
        (f"{prefix}manifest.json", "file", manifest),
    ]


def _write(tmp_path: Path, data: bytes, name: str = "input.tar") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _error(spec: str, **options: object) -> str:
    """The message of the ImageError opening `spec` raises, checked to be one line naming `spec`."""
    with pytest.raises(ImageError) as caught:
        open_images(spec, **options)  # type: ignore[arg-type]
    message = str(caught.value)
    assert message.startswith(f"{spec}: ") and "\n" not in message
    return message.removeprefix(f"{spec}: ")


def _layer_bytes(spec: str) -> bytes:
    (image,) = open_images(spec)
    with image:
        assert image.layers is not None
        with image.layers[0].open() as stream:
            return stream.read()


# ----------------------------------------------------------------- links and names inside a tar


@pytest.mark.parametrize("entries", [
    _save(),
    _save(prefix="./"),
    _save(prefix="/"),
    _save((f"{V1_ID}/layer.tar", "hardlink", f"{LAYER_HEX}.tar")),
    _save(layers=[f"./{LAYER_HEX}.tar"]),
], ids=["symlinked layer.tar", "./ names", "absolute names", "hard-linked layer.tar", "./ in manifest.json"])
def test_links_and_name_forms_that_are_fine(tmp_path: Path, entries: list[Entry]) -> None:
    path = _write(tmp_path, _tar(entries))
    assert _layer_bytes(f"docker-archive:{path}") == LAYER
    (image,) = open_images(str(path))
    with image:
        assert image.layers is not None
        assert image.layers[0].digest == image.layers[0].diff_id == f"sha256:{LAYER_HEX}"


@pytest.mark.parametrize(("entries", "message"), [
    (_save(layers=[f"../{LAYER_HEX}.tar"]), rf"layer 0: \.\./{LAYER_HEX}\.tar: refusing a name with '\.\.' in it"),
    (_save(layers=[f"{V1_ID}/../{LAYER_HEX}.tar"]), r"refusing a name with '\.\.' in it"),
    (_save((f"{V1_ID}/layer.tar", "symlink", "/etc/passwd")),
     rf"layer 0: {V1_ID}/layer\.tar: symlink to the absolute path '/etc/passwd' is refused"),
    (_save((f"{V1_ID}/layer.tar", "symlink", "../../etc/passwd")),
     r"symlink '\.\./\.\./etc/passwd' points outside the archive"),
    (_save((f"{V1_ID}/layer.tar", "symlink", "layer.tar")), r"more than 16 links in a row \(a link loop\)"),
    (_save((f"{V1_ID}/layer.tar", "hardlink", "gone.tar")),
     rf"layer 0: {V1_ID}/layer\.tar: link to gone\.tar, which is missing from the archive"),
    (_save((f"{V1_ID}/layer.tar", "hardlink", "../outside.tar")), r"refusing a name with '\.\.' in it"),
    (_save((f"{V1_ID}/layer.tar", "dir", "")), rf"{V1_ID}/layer\.tar: not a regular file in the archive"),
    (_save(layers=["missing.tar"]), r"layer 0: missing\.tar: missing from the archive"),
], ids=["../ in manifest.json", "/../ inside", "absolute symlink", "escaping symlink", "symlink loop",
        "hard link to missing", "hard link climbing out", "directory as layer", "missing layer"])
def test_hostile_links_and_names_are_refused(tmp_path: Path, entries: list[Entry], message: str) -> None:
    path = _write(tmp_path, _tar(entries))
    assert re.search(message, _error(f"docker-archive:{path}"))


def test_two_symlinks_pointing_at_each_other_are_a_loop(tmp_path: Path) -> None:
    entries = _save((f"{V1_ID}/layer.tar", "symlink", "../a.tar")) + [("a.tar", "symlink", "b.tar"), ("b.tar", "symlink", "a.tar")]
    path = _write(tmp_path, _tar(entries))
    assert _error(str(path)) == f"layer 0: {V1_ID}/layer.tar: more than 16 links in a row (a link loop)"


def test_a_member_named_with_dotdot_is_never_found(tmp_path: Path) -> None:
    path = _write(tmp_path, _tar([("../manifest.json", "file", b"[]"), ("../index.json", "file", b"{}")]))
    assert _error(str(path)) == "a tar archive, but with neither manifest.json (docker save) nor index.json (OCI layout)"
    assert _error(f"docker-archive:{path}") == "no manifest.json and no index.json: not a docker save archive"


# ----------------------------------------------------------------- damaged or odd archives


def _cut_points() -> dict[str, int]:
    """Where a copy of the _save() archive can be cut off: inside headers, inside data, between members."""
    data = _tar(_save())
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        members = tar.getmembers()
        end_marker = tar.offset
    layer = members[0]
    return {"inside the first header": 100, "inside layer data": layer.offset_data + 10,
            "after layer data": layer.offset_data + layer.size, "before the last header": members[-1].offset,
            "inside the last header": members[-1].offset + 200, "before the end marker": end_marker}


@pytest.mark.parametrize("cut", list(_cut_points()))
def test_truncated_archive(tmp_path: Path, cut: str) -> None:
    path = _write(tmp_path, _tar(_save())[:_cut_points()[cut]])
    message = _error(f"docker-archive:{path}")
    assert message.startswith(("truncated archive", "not a readable tar archive"))


def test_not_a_tar(tmp_path: Path) -> None:
    path = _write(tmp_path, b"hello, this is not an archive\n" * 40, "notes.tar")
    assert _error(str(path)) == "not a readable tar archive (truncated or not a tar)"
    assert _error(f"docker-archive:{path}") == "not a readable tar archive (truncated or not a tar)"
    empty = _write(tmp_path, b"", "empty.tar")
    assert _error(str(empty)) == "not a readable tar archive (truncated or not a tar)"


def test_broken_gzip(tmp_path: Path) -> None:
    path = _write(tmp_path, gzip.compress(_tar(_save()))[:-100], "saved.tar.gz")
    assert _error(str(path)).startswith("the gzip-compressed archive: cannot be read (")


def test_giant_json_is_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    giant = b"[" + b" " * MAX_MANIFEST_BYTES + b"]"
    path = _write(tmp_path, _tar(_save(manifest=giant)))
    opened = []
    original_open = blobs.TarBlobStore.open
    monkeypatch.setattr(blobs.TarBlobStore, "open", lambda store, name: opened.append(name) or original_open(store, name))
    assert _error(str(path)) == f"manifest.json: {len(giant)} bytes, more than the {MAX_MANIFEST_BYTES} such a file can be"
    assert opened == []


@pytest.mark.parametrize(("manifest", "message"), [
    (b"[]", "manifest.json lists no images"),
    (b"{}", "manifest.json: the document: Input should be a valid list"),
    (b"not json", "manifest.json: not valid JSON"),
    (b"[" * 100000 + b"]" * 100000, "manifest.json: "),
    (json.dumps([{"RepoTags": ["app:1"], "Layers": []}]).encode(), "manifest.json: 0.Config: Field required"),
    (json.dumps([{"Config": "absent.json", "Layers": []}]).encode(), "absent.json: missing from the archive"),
    (json.dumps([{"Config": f"{LAYER_HEX}.tar", "Layers": []}]).encode(), f"{LAYER_HEX}.tar: not valid JSON"),
], ids=["empty list", "object", "not JSON", "deep nesting", "no Config", "missing config", "config is a tar"])
def test_malformed_manifest_json(tmp_path: Path, manifest: bytes, message: str) -> None:
    path = _write(tmp_path, _tar(_save(manifest=manifest)))
    assert _error(str(path)).startswith(message)


def test_config_that_does_not_match_its_name(tmp_path: Path) -> None:
    path = _write(tmp_path, _tar(_save(config=CONFIG.replace(b"amd64", b"arm64"))))
    assert _error(str(path)) == f"{CONFIG_HEX}.json: content does not match its digest (a truncated or altered copy)"


def _docker25(tmp_path: Path, *, empty_layers: bool) -> Path:
    members = docker25_members(CONFIG, [LAYER], "app:1", empty_layers=empty_layers)
    return _write(tmp_path, tar_bytes(members))


def test_docker_25_0_0_empty_layers_are_read_from_manifest_json(tmp_path: Path) -> None:
    path = _docker25(tmp_path, empty_layers=True)
    assert _layer_bytes(str(path)) == LAYER
    (as_layout,) = open_images(f"oci-archive:{path}")
    with as_layout:
        assert as_layout.layers == []
        assert as_layout.notices == [(f"oci-archive:{path}: the manifest lists no layers but the config has 1 "
                                      "(Docker 25.0.0 wrote such manifests, moby#47065); layer checks were skipped")]


def test_docker_25_without_manifest_json_falls_back_to_index_json(tmp_path: Path) -> None:
    members = docker25_members(CONFIG, [LAYER], "app:1", empty_layers=False)
    del members["manifest.json"]
    path = _write(tmp_path, tar_bytes(members))
    (image,) = open_images(f"docker-archive:{path}:app:1")
    with image:
        assert image.source == "docker-archive"
        assert image.layers is not None and image.layers[0].digest == f"sha256:{LAYER_HEX}"


# ----------------------------------------------------------------- OCI layouts on disk


def _layout(tmp_path: Path, *, manifest: bytes | None = None) -> tuple[Path, bytes]:
    gzipped = gzip.compress(LAYER, mtime=0)
    manifest = manifest or manifest_bytes(CONFIG, [gzipped])
    entry = descriptor(OCI_MANIFEST, manifest, annotations={"org.opencontainers.image.ref.name": "1"})
    return write_members(tmp_path / "layout", layout_members([entry], [CONFIG, gzipped, manifest])), manifest


def _blob(layout: Path, data: bytes) -> Path:
    return layout / "blobs" / "sha256" / hashlib.sha256(data).hexdigest()


def test_missing_blobs(tmp_path: Path) -> None:
    layout, _ = _layout(tmp_path)
    gzipped_hex = hashlib.sha256(gzip.compress(LAYER, mtime=0)).hexdigest()
    _blob(layout, gzip.compress(LAYER, mtime=0)).unlink()
    assert _error(f"oci:{layout}") == f"layer 0: blobs/sha256/{gzipped_hex}: missing"
    _blob(layout, CONFIG).unlink()
    assert _error(f"oci:{layout}:1") == f"blobs/sha256/{CONFIG_HEX}: missing"


def test_blob_that_does_not_match_its_digest(tmp_path: Path) -> None:
    layout, _ = _layout(tmp_path)
    _blob(layout, CONFIG).write_bytes(CONFIG[:-10])
    assert _error(str(layout)) == f"blob sha256:{CONFIG_HEX}: content does not match its digest (a truncated or altered copy)"


@pytest.mark.parametrize(("manifest", "message"), [
    (b"{not json", "not valid JSON"),
    (json.dumps({"schemaVersion": 2, "mediaType": OCI_MANIFEST, "layers": []}).encode(), "config: Field required"),
    (json.dumps({"schemaVersion": 2, "config": {"digest": "sha256:../../etc", "size": 1}}).encode(),
     "config.digest: String should match pattern"),
    (json.dumps({"schemaVersion": 1, "name": "x", "fsLayers": []}).encode(), "Docker schema 1 manifests are not supported"),
])
def test_malformed_manifest(tmp_path: Path, manifest: bytes, message: str) -> None:
    gzipped = gzip.compress(LAYER, mtime=0)
    entry = descriptor("", manifest)
    layout = write_members(tmp_path / "layout", layout_members([entry], [CONFIG, gzipped, manifest]))
    digest = f"sha256:{hashlib.sha256(manifest).hexdigest()}"
    error = _error(f"oci:{layout}")
    assert error.startswith(f"manifest {digest}: ") and message in error


def test_indexes_nested_too_deep(tmp_path: Path) -> None:
    layout, manifest = _layout(tmp_path)
    blobs_added, child = [], descriptor(OCI_MANIFEST, manifest, platform={"os": "linux", "architecture": "amd64"})
    for _ in range(5):
        index = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [child]}).encode()
        blobs_added.append(index)
        child = descriptor(OCI_INDEX, index)
    write_members(layout, layout_members([child], [*blobs_added, CONFIG, gzip.compress(LAYER, mtime=0), manifest]))
    assert _error(f"oci:{layout}") == "more than 4 indexes nested in one another"


def test_unreadable_blob_is_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    layout, manifest = _layout(tmp_path)
    blob = _blob(layout, manifest)
    blob.chmod(0o000)
    if os.geteuid() == 0:  # root reads mode-0 files: refuse the open as it is refused to other users
        real_open = open

        def refusing_open(path: os.PathLike[str], *args: object, **kwargs: object) -> object:
            if Path(path) == blob:
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, *args, **kwargs)  # type: ignore[call-overload]

        monkeypatch.setattr(blobs, "open", refusing_open, raising=False)
    message = _error(f"oci:{layout}")
    assert message.startswith(f"blobs/sha256/{blob.name}: permission denied (umoci writes blobs with mode 0600")
    assert "corrupt" not in message


@pytest.mark.parametrize(("files", "message"), [
    ({"index.json": b"{}"}, "no oci-layout file: not an OCI image layout"),
    ({"oci-layout": b"[]", "index.json": b"{}"}, "oci-layout: the document: Input should be a valid dictionary"),
    ({"oci-layout": b'{"imageLayoutVersion":"1.0.0"}'}, "index.json: missing"),
    ({"oci-layout": b'{"imageLayoutVersion":"1.0.0"}', "index.json": b'{"schemaVersion":2,"manifests":null}'},
     "index.json lists no images"),
])
def test_broken_layout_files(tmp_path: Path, files: dict[str, bytes], message: str) -> None:
    layout = write_members(tmp_path / "layout", files)
    assert _error(f"oci:{layout}").startswith(message)
    archive = _write(tmp_path, tar_bytes(files))
    assert _error(f"oci-archive:{archive}").startswith(message.replace("index.json: missing",
                                                                       "index.json: missing from the archive"))


def test_symlink_out_of_a_layout_directory(tmp_path: Path) -> None:
    layout, manifest = _layout(tmp_path)
    outside = _write(tmp_path, manifest, "outside.json")
    blob = _blob(layout, manifest)
    blob.unlink()
    blob.symlink_to(outside)
    assert _error(f"oci:{layout}") == f"blobs/sha256/{blob.name}: a symlink out of the layout directory is refused"


# ----------------------------------------------------------------- what the user typed


@pytest.mark.parametrize(("spec_of", "message"), [
    (lambda path: f"oci:{path}/nowhere", "no such file or directory"),
    (lambda path: f"docker-archive:{path}/nowhere.tar:app:1", "no such file or directory"),
    (lambda path: f"{path}/nowhere.tar", "no such file or directory"),
    (lambda path: "./image.tar", "no such file or directory"),
    (lambda path: f"oci:{path}/file.txt", "not a directory (for a tar of a layout, write oci-archive:FILE)"),
    (lambda path: f"oci-archive:{path}", "a directory, not a file"),
    (lambda path: str(path), "no oci-layout file: not an OCI image layout"),
    (lambda path: f"oci:{path}", "no oci-layout file: not an OCI image layout"),
    (lambda path: "registry:", "an image reference is missing, such as registry:ghcr.io/org/app:1.2"),
    (lambda path: f"inspect:{path}/file.txt", "docker inspect JSON: not valid JSON"),
    (lambda path: f"inspect:{path}/empty.json", "docker inspect JSON: an empty list, no image in it"),
    (lambda path: f"{path}/object.json", "docker inspect JSON: the document: Input should be a valid list"),
    (lambda path: f"{path}/no-id.json", "docker inspect JSON: 0.Id: Field required"),
    (lambda path: f"{path}/plain.tar", "a tar archive, but with neither manifest.json (docker save) nor index.json"),
])
def test_inputs_that_are_not_images(tmp_path: Path, spec_of: Callable[[Path], str], message: str) -> None:
    (tmp_path / "file.txt").write_text("hello")
    (tmp_path / "empty.json").write_text("[]")
    (tmp_path / "object.json").write_text('{"Id": "x"}')
    (tmp_path / "no-id.json").write_text('[{"Config": {}}]')
    _write(tmp_path, _tar([("hello.txt", "file", b"hi")]), "plain.tar")
    assert _error(spec_of(tmp_path)).startswith(message)


def test_names_the_system_refuses(tmp_path: Path) -> None:
    assert _error(f"{tmp_path}/{'x' * 300}.tar") == "File name too long"
    assert _error(f"oci:{tmp_path}/{'x' * 300}") == "no such file or directory"


def test_a_layer_gone_after_opening_is_named_when_streamed(tmp_path: Path) -> None:
    layout, _ = _layout(tmp_path)
    (image,) = open_images(f"oci:{layout}")
    _blob(layout, gzip.compress(LAYER, mtime=0)).unlink()
    with image, pytest.raises(ImageError) as caught:
        assert image.layers is not None
        image.layers[0].open()
    gzipped_hex = hashlib.sha256(gzip.compress(LAYER, mtime=0)).hexdigest()
    assert str(caught.value) == f"oci:{layout}: layer 0: blobs/sha256/{gzipped_hex}: missing"


def test_standard_input_that_is_not_an_image() -> None:
    assert _error("-", stdin=io.BytesIO(b"")) == "not a readable tar archive (truncated or not a tar)"
    assert _error("-", stdin=io.BytesIO(b"[1, 2]")).startswith("docker inspect JSON: 0: Input should be a valid dictionary")
