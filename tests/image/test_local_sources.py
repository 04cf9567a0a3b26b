"""Local image sources: every kind of the same image reads back as the same image.

The real images come from conftest (umoci + skopeo); the tests of selection
(tags, several images, platforms, standard input, inspect JSON) build small
archives in memory so they run without the tools.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import sys
import tarfile
import types
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

from dockgate.image.errors import ImageError
from dockgate.image.image import Image
from dockgate.image.models import ImageConfig, Platform
from dockgate.image.sources import open_images

CLEAN_LABELS = {
    "org.opencontainers.image.source": "https://example.test/clean/app",
    "org.opencontainers.image.revision": "0123456789abcdef0123456789abcdef01234567",
}
KINDS = ("oci", "docker-archive", "oci-archive", "docker25")
SOURCE_OF_KIND = {"oci": "oci", "docker-archive": "docker-archive", "oci-archive": "oci-archive",
                  "docker25": "docker-archive"}


def _open_one(spec: str, **options: object) -> Image:
    images = open_images(spec, **options)  # type: ignore[arg-type]
    assert len(images) == 1
    return images[0]


def _plain_layer(image: Image, position: int) -> bytes:
    assert image.layers is not None
    with image.layers[position].open() as stream:
        data = stream.read()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def _members(layer: bytes) -> dict[str, tarfile.TarInfo]:
    with tarfile.open(fileobj=io.BytesIO(layer), mode="r:") as tar:
        return {member.name.removeprefix("./"): member for member in tar.getmembers()}


def _config_json(history: list[str], **extra: object) -> bytes:
    return json.dumps({
        "architecture": "amd64", "os": "linux",
        "config": {"User": "app", **extra},
        "rootfs": {"type": "layers", "diff_ids": []},
        "history": [{"created_by": step} for step in history],
    }).encode()


# ----------------------------------------------------------------- real images, every kind


@pytest.mark.image_tools
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_reads_as_the_same_bad_image(bad_image_sources: dict[str, str], kind: str) -> None:
    with _open_one(bad_image_sources["oci"]) as reference, _open_one(bad_image_sources[kind]) as image:
        assert image.name == bad_image_sources[kind]
        assert image.source == SOURCE_OF_KIND[kind]
        assert image.config == reference.config
        assert image.config.config.user == "root"
        assert any(entry.startswith("AWS_SECRET_ACCESS_KEY=wJalr") for entry in image.config.config.env or [])
        assert image.config.config.exposed_ports == {"22/tcp": {}}
        assert [entry.created_by for entry in image.config.history] == ["fixture rootfs", "umoci config"]
        assert image.platform is not None and image.platform.os == "linux"
        assert image.layers is not None and reference.layers is not None
        assert [layer.diff_id for layer in image.layers] == image.config.rootfs.diff_ids
        assert [layer.history_index for layer in image.layers] == [0]
        assert image.notices == []


@pytest.mark.image_tools
@pytest.mark.parametrize("kind", KINDS)
def test_layer_streams_read_back_as_the_tars_the_config_names(bad_image_sources: dict[str, str], kind: str) -> None:
    with _open_one(bad_image_sources[kind]) as image:
        layer = _plain_layer(image, 0)
        assert image.layers is not None
        assert "sha256:" + hashlib.sha256(layer).hexdigest() == image.layers[0].diff_id
        members = _members(layer)
    assert members["root/.ssh/id_rsa"].mode == 0o600
    assert members["usr/local/bin/suid-busybox"].mode == 0o4755
    assert members["bin/sh"].issym() and members["bin/sh"].linkname == "busybox"
    assert "app/.git/HEAD" in members


@pytest.mark.image_tools
def test_layout_kinds_share_the_manifest_digest_and_archives_give_the_config_digest(
    bad_image_layout: tuple[Path, str], bad_image_sources: dict[str, str]
) -> None:
    layout, tag = bad_image_layout
    entry = next(item for item in json.loads((layout / "index.json").read_text())["manifests"]
                 if item["annotations"]["org.opencontainers.image.ref.name"] == tag)
    manifest = json.loads((layout / "blobs" / "sha256" / entry["digest"][7:]).read_text())
    digests = {}
    for kind in KINDS:
        with _open_one(bad_image_sources[kind]) as image:
            digests[kind] = image.digest
    assert digests == {"oci": entry["digest"], "oci-archive": entry["digest"],
                       "docker-archive": manifest["config"]["digest"], "docker25": manifest["config"]["digest"]}


@pytest.mark.image_tools
@pytest.mark.parametrize("kind", KINDS)
def test_deleted_secret_keeps_the_key_in_the_first_layer(deleted_secret_sources: dict[str, str], kind: str) -> None:
    with _open_one(deleted_secret_sources[kind]) as image:
        assert image.layers is not None and len(image.layers) == 2
        # history: fixture rootfs, umoci config (empty_layer), umoci insert
        assert [layer.history_index for layer in image.layers] == [0, 2]
        assert "root/.ssh/id_rsa" in _members(_plain_layer(image, 0))
        assert list(_members(_plain_layer(image, 1))) == ["root/.ssh/.wh.id_rsa"]


@pytest.mark.image_tools
@pytest.mark.parametrize("kind", KINDS)
def test_clean_image_reads_in_every_kind(clean_image_sources: dict[str, str], kind: str) -> None:
    with _open_one(clean_image_sources[kind]) as image:
        assert image.config.config.user == "app"
        assert image.config.config.labels == CLEAN_LABELS
        assert image.config.config.exposed_ports is None
        members = _members(_plain_layer(image, 0))
    assert not any(member.mode & 0o6000 for member in members.values())
    assert "root/.ssh/id_rsa" not in members


@pytest.mark.image_tools
def test_bare_paths_are_recognised_by_content(bad_image_sources: dict[str, str], clean_image_sources: dict[str, str]) -> None:
    clean_layout = clean_image_sources["oci"].removeprefix("oci:").rpartition(":")[0]
    docker_archive = bad_image_sources["docker-archive"].removeprefix("docker-archive:")
    oci_archive = bad_image_sources["oci-archive"].removeprefix("oci-archive:").rpartition(":")[0]
    sources = {clean_layout: "oci", docker_archive: "docker-archive", oci_archive: "oci-archive",
               bad_image_sources["docker25"]: "docker-archive"}
    for path, source in sources.items():
        with _open_one(path) as image:
            assert (image.name, image.source) == (path, source)
            assert image.layers


@pytest.mark.image_tools
def test_a_layout_of_several_images_needs_a_tag(bad_image_layout: tuple[Path, str]) -> None:
    layout, _ = bad_image_layout
    with pytest.raises(ImageError, match=r"holds 2 images; name one with a tag: 1.0, deleted-secret"):
        open_images(str(layout))
    with pytest.raises(ImageError, match=r"no image tagged 'nope' \(tags: 1.0, deleted-secret\)"):
        open_images(f"oci:{layout}:nope")


@pytest.mark.image_tools
def test_gzipped_docker_save_and_standard_input(bad_image_sources: dict[str, str], tmp_path: Path) -> None:
    archive = Path(bad_image_sources["docker-archive"].removeprefix("docker-archive:")).read_bytes()
    gzipped = tmp_path / "saved.tar.gz"
    gzipped.write_bytes(gzip.compress(archive))
    with _open_one(str(gzipped)) as from_gzip, _open_one("-", stdin=io.BytesIO(archive)) as from_stdin:
        assert from_gzip.source == from_stdin.source == "docker-archive"
        assert from_stdin.name == "-"
        assert _plain_layer(from_gzip, 0) == _plain_layer(from_stdin, 0)


# ----------------------------------------------------------------- in-memory archives


def _two_image_save() -> bytes:
    """A docker save tar holding two images, tagged app:1 and docker.io/library/tool:latest."""
    first = docker25_members(_config_json(["first"]), [layer_tar([{"path": "one"}])], "app:1")
    second = docker25_members(_config_json(["second"]), [layer_tar([{"path": "two"}])], "docker.io/library/tool:latest")
    manifest = json.loads(first["manifest.json"]) + json.loads(second["manifest.json"])
    return tar_bytes({**first, **second, "manifest.json": json.dumps(manifest).encode()})


@pytest.mark.parametrize(("suffix", "wanted"), [
    (":app:1", "first"), (":tool", "second"), (":docker.io/library/tool:latest", "second"), (":@1", "second"),
])
def test_docker_archive_picks_the_named_image(tmp_path: Path, suffix: str, wanted: str) -> None:
    archive = tmp_path / "two.tar"
    archive.write_bytes(_two_image_save())
    with _open_one(f"docker-archive:{archive}{suffix}") as image:
        assert [entry.created_by for entry in image.config.history] == [wanted]
        assert image.notices == []


def test_docker_archive_without_a_name_reads_the_first_and_says_so(tmp_path: Path) -> None:
    archive = tmp_path / "two.tar"
    archive.write_bytes(_two_image_save())
    with _open_one(str(archive)) as image:
        assert [entry.created_by for entry in image.config.history] == ["first"]
        assert image.notices == [(f"{archive}: the archive holds 2 images (tags: app:1, docker.io/library/tool:latest); "
                                  "linted the first (app:1); name another as docker-archive:FILE:REPO:TAG "
                                  "or docker-archive:FILE:@N")]


@pytest.mark.parametrize(("suffix", "message"), [
    (":app:2", r"no image tagged 'app:2' in the archive \(tags: app:1, docker.io/library/tool:latest\)"),
    (":@2", r"@2: the archive holds images @0 to @1"),
])
def test_docker_archive_names_the_tags_it_has(tmp_path: Path, suffix: str, message: str) -> None:
    archive = tmp_path / "two.tar"
    archive.write_bytes(_two_image_save())
    with pytest.raises(ImageError, match=f"^docker-archive:{archive}{suffix}: {message}$"):
        open_images(f"docker-archive:{archive}{suffix}")


@pytest.mark.parametrize(("asked", "notices"), [
    (None, []),
    (Platform(os="linux", architecture="amd64"), []),
    (Platform(os="linux", architecture="arm64", variant="v8"),
     ["{spec}: holds only a linux/amd64 image, not the linux/arm64/v8 asked for; linted linux/amd64"]),
])
def test_a_single_platform_source_says_when_it_is_not_the_platform_asked_for(
    tmp_path: Path, asked: Platform | None, notices: list[str]
) -> None:
    archive = tmp_path / "two.tar"
    archive.write_bytes(_two_image_save())
    spec = f"docker-archive:{archive}:app:1"
    with _open_one(spec, platform=asked) as image:
        assert image.notices == [notice.format(spec=spec) for notice in notices]


def _multi_platform_layout(directory: Path) -> Path:
    """A layout whose tag `multi` is an index of amd64 and arm64/v8 images plus a BuildKit attestation."""
    blobs, children = [], []
    for architecture, variant in (("amd64", None), ("arm64", "v8")):
        config = json.dumps({"architecture": architecture, "os": "linux", "variant": variant,
                             "history": [{"created_by": architecture}]}).encode()
        layer = layer_tar([{"path": architecture}])
        manifest = manifest_bytes(config, [layer], annotations={"org.example.arch": architecture})
        blobs += [config, layer, manifest]
        platform = {"os": "linux", "architecture": architecture, **({"variant": variant} if variant else {})}
        children.append(descriptor(OCI_MANIFEST, manifest, platform=platform))
    attestation = manifest_bytes(b"{}", [])
    blobs += [b"{}", attestation]
    children.append(descriptor(OCI_MANIFEST, attestation, platform={"os": "unknown", "architecture": "unknown"},
                               annotations={"vnd.docker.reference.type": "attestation-manifest"}))
    index = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": children}).encode()
    blobs.append(index)
    entry = descriptor(OCI_INDEX, index, annotations={"org.opencontainers.image.ref.name": "multi"})
    return write_members(directory, layout_members([entry], blobs))


@pytest.mark.parametrize(("platform", "architecture"), [
    (Platform(os="linux", architecture="arm64"), "arm64"),
    (Platform(os="linux", architecture="amd64"), "amd64"),
])
def test_nested_index_gives_the_wanted_platform(tmp_path: Path, platform: Platform, architecture: str) -> None:
    layout = _multi_platform_layout(tmp_path / "layout")
    with _open_one(f"oci:{layout}:multi", platform=platform) as image:
        assert image.config.architecture == architecture
        assert image.platform is not None and image.platform.architecture == architecture
        assert image.annotations == {"org.example.arch": architecture}
        assert image.notices == [f"oci:{layout}:multi: linted the {image.platform} image of a multi-platform index"]
        assert [member for member in _members(_plain_layer(image, 0))] == [architecture]


def test_no_image_for_the_platform_lists_the_available_ones(tmp_path: Path) -> None:
    layout = _multi_platform_layout(tmp_path / "layout")
    with pytest.raises(ImageError, match=r"no image for platform linux/s390x \(available: linux/amd64, linux/arm64/v8\)"):
        open_images(f"oci:{layout}", platform=Platform(os="linux", architecture="s390x"))


def test_manifest_without_media_type_is_sniffed(tmp_path: Path) -> None:
    config = _config_json(["only"])
    layer = layer_tar([{"path": "file"}])
    manifest = json.dumps({"schemaVersion": 2, "config": descriptor("", config),
                           "layers": [descriptor("", layer)]}).encode()
    entry = {"digest": f"sha256:{hashlib.sha256(manifest).hexdigest()}", "size": len(manifest)}
    layout = write_members(tmp_path / "layout", layout_members([entry], [config, layer, manifest]))
    with _open_one(str(layout)) as image:
        assert image.layers is not None and len(image.layers) == 1
        assert image.digest == entry["digest"]


INSPECT = [{
    "Id": "sha256:" + "a" * 64, "RepoTags": ["example.test/app:1"], "RepoDigests": [],
    "Created": "2024-01-01T00:00:00Z", "Architecture": "amd64", "Os": "linux",
    "Config": {"Hostname": "", "User": "root", "Env": ["TOKEN=x"], "ExposedPorts": {"22/tcp": {}},
               "Cmd": ["sh"], "Labels": None, "Healthcheck": {"Test": ["NONE"]}},
    "RootFS": {"Type": "layers", "Layers": ["sha256:" + "b" * 64]},
}, {
    # podman: no sha256: prefix, History and Annotations, Config with only the keys that are set
    "Id": "c" * 64, "Architecture": "arm64", "Os": "linux", "Config": {"User": "app"},
    "History": [{"created_by": "/bin/sh -c #(nop) USER app", "empty_layer": True}],
    "Annotations": {"org.opencontainers.image.source": "https://example.test"},
    "RootFS": {"Type": "layers", "Layers": None},
}]


@pytest.mark.parametrize("how", ["inspect:FILE", "FILE", "inspect:-", "-"])
def test_inspect_json_gives_one_config_only_image_each(tmp_path: Path, how: str) -> None:
    path = tmp_path / "inspect.json"
    path.write_text(json.dumps(INSPECT, indent=2))
    spec = how.replace("FILE", str(path))
    docker, podman = open_images(spec, stdin=io.BytesIO(path.read_bytes()))
    assert (docker.name, docker.source, docker.layers) == (f"{spec}#1", "inspect", None)
    assert docker.digest == "sha256:" + "a" * 64
    assert docker.config.config.user == "root"
    assert docker.config.config.exposed_ports == {"22/tcp": {}}
    assert docker.config.rootfs.diff_ids == ["sha256:" + "b" * 64]
    assert docker.config.history == []
    assert (podman.name, podman.digest) == (f"{spec}#2", "sha256:" + "c" * 64)
    assert str(podman.platform) == "linux/arm64"
    assert podman.config.history[0].empty_layer is True
    assert podman.annotations == {"org.opencontainers.image.source": "https://example.test"}


def test_other_words_are_registry_references(monkeypatch: pytest.MonkeyPatch) -> None:
    asked = []

    def open_registry_image(reference: str, *, platform: Platform | None, insecure_registries: frozenset[str]) -> Image:
        asked.append((reference, platform, insecure_registries))
        return Image(name=reference, source="registry", config=ImageConfig(), layers=[])

    registry = types.ModuleType("dockgate.image.registry")
    registry.open_registry_image = open_registry_image  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "dockgate.image.registry", registry)
    wanted = Platform(os="linux", architecture="arm64")
    images = open_images("ghcr.io/org/app:1.2", platform=wanted, insecure_registries=frozenset({"localhost:5000"}))
    explicit = open_images("registry:localhost:5000/app")
    assert [image.name for image in images + explicit] == ["ghcr.io/org/app:1.2", "registry:localhost:5000/app"]
    assert asked == [("ghcr.io/org/app:1.2", wanted, frozenset({"localhost:5000"})),
                     ("localhost:5000/app", None, frozenset())]

