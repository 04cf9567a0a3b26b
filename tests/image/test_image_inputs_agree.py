"""`dockgate image` end to end: every input kind of one image gives the same findings.

Two bad images (umoci's with planted files, buildah's built from a Dockerfile
with RUN steps) and one clean image built the recommended way are read as an
OCI layout, a docker-archive, an oci-archive, a Docker 25 save tar (umoci's
image), `docker inspect` JSON, and from a local registry as an OCI manifest,
a Docker schema 2 manifest, and through an OCI index and a Docker manifest
list. Layer digests differ between the kinds (compressed or not), so
findings are compared without them; inspect JSON has no history and no
layers, so it is compared on the config findings only.
"""

from __future__ import annotations

import io
import json
import shutil
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
from buildah_build import BuildahImage, build_buildah_images
from image_tools import require_tools
from registry_servers import RegistryProcess, add_platform_index, push_forms, run_tool

from dockgate.cli.main import main

pytestmark = pytest.mark.image_tools

EPOCH = "2024-01-01T00:00:00Z"
REGISTRY_FORMS = ("1", "1-v2s2", "multi", "multi-v2s2")
CONFIG_ONLY_CODES = ("DG4001", "DG4002", "DG4003", "DG4004", "DG4006", "DG4008")
"""The rules that read only the runtime config: all `docker inspect` JSON can feed."""

Key = tuple[str, object, object, object, str]


@pytest.fixture(scope="session")
def buildah_images(tmp_path_factory: pytest.TempPathFactory) -> dict[str, BuildahImage]:
    require_tools("umoci", "skopeo", "buildah", "busybox")
    return build_buildah_images(tmp_path_factory.mktemp("buildah"))


@pytest.fixture(scope="session")
def registry_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_tools("docker-registry", "skopeo")
    server = RegistryProcess(tmp_path_factory.mktemp("agree-registry"), "agree").start()
    try:
        yield server.host
    finally:
        server.stop()


def push_everywhere(source_layout: Path, tag: str, host: str, repository: str, work: Path) -> dict[str, str]:
    """Push `tag` of a copy of `source_layout` as OCI and v2s2, and an amd64+arm64 index of it in both formats."""
    layout = work / "layout"
    shutil.copytree(source_layout, layout)
    run_tool("umoci", "config", "--image", f"{layout}:{tag}", "--tag", "1-arm64", "--architecture", "arm64",
             "--created", EPOCH, "--history.created", EPOCH)
    if tag != "1":
        run_tool("umoci", "tag", "--image", f"{layout}:{tag}", "1")
    add_platform_index(layout, "multi", ["1", "1-arm64"])
    push_forms(layout, host, REGISTRY_FORMS, repository=repository)
    return {f"registry-{form}": f"{host}/{repository}:{form}" for form in REGISTRY_FORMS}


def inspect_json_of(docker_archive: str, directory: Path) -> str:
    """What `docker inspect` would print for the image of a pre-25 docker-archive (config only)."""
    path = Path(docker_archive.removeprefix("docker-archive:"))
    with tarfile.open(path) as tar:
        entry = json.load(tar.extractfile("manifest.json"))[0]  # type: ignore[arg-type]
        config = json.load(tar.extractfile(entry["Config"]))  # type: ignore[arg-type]
    inspect = [
        {
            "Id": "sha256:" + Path(entry["Config"]).name.removesuffix(".json").rpartition("/")[2],
            "RepoTags": entry.get("RepoTags") or [],
            "Config": config.get("config") or {},
            "Architecture": config.get("architecture"),
            "Os": config.get("os"),
            "RootFS": {"Type": "layers", "Layers": config.get("rootfs", {}).get("diff_ids", [])},
        }
    ]
    target = directory / f"{path.stem}-inspect.json"
    target.write_text(json.dumps(inspect))
    return f"inspect:{target}"


def findings_of(source: str, capsys: pytest.CaptureFixture[str], *options: str) -> list[dict]:
    exit_code = main(["image", source, "--format", "json", "--no-config", *options])
    captured = capsys.readouterr()
    assert exit_code in (0, 1), captured.err
    return json.loads(captured.out)


def keys(rows: list[dict]) -> set[Key]:
    return {(row["code"], row["image"]["layer"], row["image"]["history"], row["image"]["path"], row["message"]) for row in rows}


@pytest.fixture(scope="session")
def umoci_bad_sources(bad_image_layout: tuple[Path, str], bad_image_sources: dict[str, str], registry_host: str,
                      tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    layout, tag = bad_image_layout
    sources = dict(bad_image_sources)
    sources.update(push_everywhere(layout, tag, registry_host, "umoci/bad", tmp_path_factory.mktemp("umoci-push")))
    sources["inspect"] = inspect_json_of(sources["docker-archive"], tmp_path_factory.mktemp("inspect"))
    return sources


@pytest.fixture(scope="session")
def buildah_sources(buildah_images: dict[str, BuildahImage], registry_host: str,
                    tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    all_sources = {}
    for name, image in buildah_images.items():
        sources = dict(image.sources)
        sources.update(push_everywhere(image.layout, "1", registry_host, f"buildah/{name}", tmp_path_factory.mktemp("push")))
        sources["inspect"] = inspect_json_of(sources["docker-archive"], tmp_path_factory.mktemp("inspect"))
        all_sources[name] = sources
    return all_sources


def assert_kinds_agree(sources: dict[str, str], capsys: pytest.CaptureFixture[str]) -> set[Key]:
    found = {kind: keys(findings_of(source, capsys)) for kind, source in sources.items()}
    reference = found["oci"]
    for kind, keys_of_kind in found.items():
        if kind == "inspect":
            # No history either: the same config findings, without the history entry that set the value.
            expected = {(key[0], key[4]) for key in reference if key[0] in CONFIG_ONLY_CODES}
            assert {(key[0], key[4]) for key in keys_of_kind} == expected, kind
        else:
            assert keys_of_kind == reference, f"{kind} differs from oci"
    return reference


def test_umoci_bad_image_reads_the_same_from_every_kind(umoci_bad_sources: dict[str, str], capsys) -> None:
    found = assert_kinds_agree(umoci_bad_sources, capsys)
    by_code = {key[0] for key in found}
    # The planted problems of images.md section 10.2.
    assert {"DG4001", "DG4002", "DG4003", "DG4004", "DG4008", "DG5001", "DG5002", "DG5005", "DG5006"} <= by_code
    assert any(key[0] == "DG5001" and key[3] == "root/.ssh/id_rsa" for key in found)
    assert any(key[0] == "DG5002" and key[3] == "usr/local/bin/suid-busybox" for key in found)


def test_buildah_bad_image_reads_the_same_from_every_kind(buildah_sources: dict[str, dict[str, str]], capsys) -> None:
    found = assert_kinds_agree(buildah_sources["bad"], capsys)
    by_code = {key[0] for key in found}
    assert {"DG4001", "DG4003", "DG4004", "DG4005", "DG5001", "DG5002", "DG5003"} <= by_code
    deleted_key = [key for key in found if key[0] == "DG5001" and key[3] == "root/.ssh/id_rsa"]
    assert len(deleted_key) == 1 and "deleted" in deleted_key[0][4]


def test_clean_image_has_no_findings_from_any_kind(buildah_sources: dict[str, dict[str, str]], capsys) -> None:
    for kind, source in buildah_sources["clean"].items():
        assert findings_of(source, capsys) == [], kind


def test_findings_land_on_the_dockerfile_lines_that_caused_them(
    buildah_images: dict[str, BuildahImage], capsys
) -> None:
    image = buildah_images["bad"]
    rows = findings_of(image.sources["docker-archive"], capsys, "--dockerfile", str(image.dockerfile))
    lines = {(row["code"], row["image"]["path"]): row["line"] for row in rows}
    assert lines[("DG5001", "root/.ssh/id_rsa")] == 4  # the RUN that wrote the key
    assert lines[("DG5002", "bin/suid-busybox")] == 4
    assert lines[("DG5003", "opt/shared")] == 4
    assert lines[("DG4004", None)] == 11  # EXPOSE 22
    assert lines[("DG4001", None)] == 12  # USER 0
    assert all(row["file"] == str(image.dockerfile) for row in rows if row["line"] is not None)


def test_docker_save_piped_into_standard_input(buildah_images: dict[str, BuildahImage], monkeypatch, capsys) -> None:
    archive = Path(buildah_images["bad"].sources["docker-archive"].removeprefix("docker-archive:"))
    from_file = keys(findings_of(f"docker-archive:{archive}", capsys))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(archive.read_bytes())))
    assert keys(findings_of("-", capsys)) == from_file


def test_sarif_of_an_image_is_valid_and_has_its_own_category(buildah_images: dict[str, BuildahImage], capsys) -> None:
    image = buildah_images["bad"]
    exit_code = main(["image", image.sources["oci"], "--dockerfile", str(image.dockerfile), "--format", "sarif", "--no-config"])
    log = json.loads(capsys.readouterr().out)
    schema = json.loads((Path(__file__).parents[1] / "data" / "sarif-schema-2.1.0.json").read_text())
    validator = jsonschema.validators.validator_for(schema)(schema)
    assert [error.message for error in validator.iter_errors(log)] == []
    run = log["runs"][0]
    assert exit_code == 1 and run["automationDetails"]["id"] == "dockgate/images/"
    placed = [result for result in run["results"] if "region" in result["locations"][0]["physicalLocation"]]
    assert placed and all(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("Dockerfile") for result in placed)
