"""The registry reader against real distribution registries (anonymous, Basic, token) and mock transports.

One small image is built with umoci per test run and pushed as OCI, as
Docker schema 2, and as a two-platform index in both formats; every form
must read as the same config, history and layers. Mock transports cover
what a local registry cannot show: HTTPS for remote hosts, Docker Hub's API
host, schema 1, bad digests, oversized bodies and hostile error messages.
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import os
import subprocess
import sys
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from image_builders import layer_tar
from image_tools import require_tools
from registry_servers import (
    BASIC_AUTHORIZATION,
    HTPASSWD_LINE,
    PASSWORD,
    USER,
    HeaderRecorder,
    RedirectingRegistry,
    RegistryProcess,
    TokenServer,
    add_platform_index,
    layout_blob,
    push_forms,
    run_tool,
    sha256_digest,
)

from dockgate.image import registry
from dockgate.image.errors import ImageError
from dockgate.image.image import Image
from dockgate.image.models import (
    DOCKER_MANIFEST,
    DOCKER_SCHEMA1_SIGNED,
    OCI_INDEX,
    OCI_MANIFEST,
)
from dockgate.image.platforms import host_platform, parse_platform
from dockgate.image.registry import find_credentials, open_registry_image

EPOCH = "2024-01-01T00:00:00Z"
SECRETS = (PASSWORD, BASIC_AUTHORIZATION.partition(" ")[2])
FORMS = ("1.0", "1.0-v2s2", "multi", "multi-v2s2")
LAYER_FILES = {"app/main.py": "print('hello')\n", "etc/passwd": "root:x:0:0:root:/root:/bin/sh\n"}


# --- fixtures: the test image, the registries ---------------------------------------------------


def _layout_image(layout: Path, tag: str) -> tuple[str, dict]:
    """(manifest digest, config) of `tag` in the layout, the truth the registry forms are checked against."""
    index = json.loads((layout / "index.json").read_text())
    descriptor = next(d for d in index["manifests"] if d["annotations"]["org.opencontainers.image.ref.name"] == tag)
    manifest = json.loads(layout_blob(layout, descriptor["digest"]))
    return descriptor["digest"], json.loads(layout_blob(layout, manifest["config"]["digest"]))


@pytest.fixture(scope="session")
def small_image(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An OCI layout with `1.0` (amd64), `1.0-arm64` and the index `multi` of the two."""
    require_tools("umoci")
    work = tmp_path_factory.mktemp("registry-image")
    path = work / "layout"
    layer = work / "layer.tar"
    entries = [{"path": "app", "type": "dir"}, {"path": "etc", "type": "dir"}]
    entries += [{"path": name, "content": content} for name, content in LAYER_FILES.items()]
    layer.write_bytes(layer_tar(entries, compression=None))
    run_tool("umoci", "init", "--layout", path)
    run_tool("umoci", "new", "--image", f"{path}:1.0")
    run_tool(
        "umoci",
        "raw",
        "add-layer",
        "--image",
        f"{path}:1.0",
        "--history.created",
        EPOCH,
        "--history.created_by",
        "fixture files",
        layer,
    )
    run_tool(
        "umoci",
        "config",
        "--image",
        f"{path}:1.0",
        "--created",
        EPOCH,
        "--history.created",
        EPOCH,
        "--architecture",
        "amd64",
        "--config.user",
        "root",
        "--config.env",
        "FIXTURE_GREETING=hello",
    )
    run_tool(
        "umoci",
        "config",
        "--image",
        f"{path}:1.0",
        "--tag",
        "1.0-arm64",
        "--architecture",
        "arm64",
        "--created",
        EPOCH,
        "--history.created",
        EPOCH,
    )
    add_platform_index(path, "multi", ["1.0", "1.0-arm64"])
    return path


@pytest.fixture(scope="session")
def anonymous_registry(small_image: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_tools("docker-registry", "skopeo")
    server = RegistryProcess(tmp_path_factory.mktemp("anonymous-registry"), "anonymous").start()
    try:
        push_forms(small_image, server.host, FORMS)
        yield server.host
    finally:
        server.stop()


@pytest.fixture(scope="session")
def basic_registry(small_image: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_tools("docker-registry", "skopeo")
    work = tmp_path_factory.mktemp("basic-registry")
    (work / "htpasswd").write_text(HTPASSWD_LINE + "\n")
    server = RegistryProcess(
        work, "basic", f'{{htpasswd: {{realm: fixture-realm, path: "{work / "htpasswd"}"}}}}'
    ).start()
    try:
        push_forms(small_image, server.host, ("1.0",), "--dest-creds", f"{USER}:{PASSWORD}")
        yield server.host
    finally:
        server.stop()


@pytest.fixture(scope="session")
def token_registry(small_image: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, TokenServer]]:
    require_tools("docker-registry", "skopeo")
    work = tmp_path_factory.mktemp("token-registry")
    with TokenServer(work) as tokens:
        server = RegistryProcess(work, "token", tokens.registry_auth()).start()
        try:
            push_forms(small_image, server.host, ("1.0",), "--dest-creds", f"{USER}:{PASSWORD}")
            yield server.host, tokens
        finally:
            server.stop()


@pytest.fixture(autouse=True)
def no_ambient_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Each test starts without credentials: no env variables and an empty Docker config directory."""
    monkeypatch.delenv(registry.USER_ENV, raising=False)
    monkeypatch.delenv(registry.PASSWORD_ENV, raising=False)
    docker_config = tmp_path / "docker-config"
    docker_config.mkdir()
    monkeypatch.setenv("DOCKER_CONFIG", str(docker_config))
    return docker_config


@pytest.fixture
def env_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(registry.USER_ENV, USER)
    monkeypatch.setenv(registry.PASSWORD_ENV, PASSWORD)


def _write_docker_config(directory: Path, data: dict) -> None:
    (directory / "config.json").write_text(json.dumps(data))


def _layer_members(image: Image) -> dict[str, bytes]:
    """The regular files of the image's only layer, read through Layer.open()."""
    assert image.layers is not None and len(image.layers) == 1
    with image.layers[0].open() as stream, tarfile.open(fileobj=stream, mode="r|*") as tar:
        return {member.name: tar.extractfile(member).read() for member in tar if member.isfile()}  # type: ignore[union-attr]


def _assert_no_secret(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text


# --- real registries -----------------------------------------------------------------------------


@pytest.mark.image_tools
@pytest.mark.parametrize("form", FORMS)
def test_every_form_reads_as_the_same_image(anonymous_registry: str, small_image: Path, form: str) -> None:
    expected_digest, expected_config = _layout_image(small_image, "1.0")
    name = f"{anonymous_registry}/bad/app:{form}"
    with open_registry_image(name) as image:
        assert (image.name, image.source) == (name, "registry")
        assert image.config.config.user == "root"
        assert ("FIXTURE_GREETING", "hello") in image.config.config.env_pairs()
        assert image.config.rootfs.diff_ids == expected_config["rootfs"]["diff_ids"]
        assert [entry.created_by for entry in image.config.history] == [
            e.get("created_by") for e in expected_config["history"]
        ]
        assert [(layer.index, layer.diff_id, layer.history_index) for layer in image.layers or []] == [
            (0, expected_config["rootfs"]["diff_ids"][0], 0)
        ]
        assert str(image.platform) == "linux/amd64"
        assert image.digest is not None and image.digest.startswith("sha256:")
        if form in ("1.0", "multi"):  # OCI forms keep the layout's manifest bytes
            assert image.digest == expected_digest


@pytest.mark.image_tools
@pytest.mark.parametrize("form", ["multi", "multi-v2s2"])
def test_platform_selection_from_an_index(anonymous_registry: str, form: str) -> None:
    name = f"{anonymous_registry}/bad/app:{form}"
    with open_registry_image(name) as image:
        assert (image.platform.os, image.platform.architecture) == ("linux", host_platform().architecture)  # type: ignore[union-attr]
    with open_registry_image(name, platform=parse_platform("linux/arm64")) as image:
        assert image.config.architecture == "arm64"
        assert str(image.platform) == "linux/arm64"
        assert image.notices == [f"{name}: linted the linux/arm64 image of a multi-platform index"]
    with pytest.raises(ImageError) as caught:
        open_registry_image(name, platform=parse_platform("linux/s390x"))
    assert str(caught.value) == (
        f"registry {anonymous_registry}: bad/app:{form}: no image for platform linux/s390x "
        "(available: linux/amd64, linux/arm64); choose one with --platform"
    )


@pytest.mark.image_tools
def test_platform_of_a_single_image_is_its_config_and_a_mismatch_is_noticed(anonymous_registry: str) -> None:
    with open_registry_image(f"{anonymous_registry}/bad/app:1.0", platform=parse_platform("linux/arm64")) as image:
        assert str(image.platform) == "linux/amd64"
        assert image.notices == [
            f"{anonymous_registry}/bad/app:1.0 is a single-platform linux/amd64 image; "
            "--platform linux/arm64 was not applied"
        ]


@pytest.mark.image_tools
def test_layer_streams_a_valid_tar_and_by_digest_works(anonymous_registry: str) -> None:
    with open_registry_image(f"{anonymous_registry}/bad/app:1.0") as image:
        assert {name: data.decode() for name, data in _layer_members(image).items()} == LAYER_FILES
        digest = image.digest
    with open_registry_image(f"{anonymous_registry}/bad/app@{digest}") as pinned:
        assert pinned.digest == digest
        assert _layer_members(pinned).keys() == LAYER_FILES.keys()


@pytest.mark.image_tools
def test_registry_errors_name_the_registry_image_and_problem(anonymous_registry: str) -> None:
    with pytest.raises(ImageError) as caught:
        open_registry_image(f"{anonymous_registry}/bad/app:9.9")
    assert str(caught.value) == f"registry {anonymous_registry}: bad/app:9.9: manifest unknown"
    with pytest.raises(ImageError) as caught:
        open_registry_image(f"{anonymous_registry}/Bad/app:1.0")
    assert str(caught.value) == f"image reference '{anonymous_registry}/Bad/app:1.0': repository name must be lowercase"


@pytest.mark.image_tools
def test_basic_auth_with_environment_credentials(basic_registry: str, env_credentials: None) -> None:
    with open_registry_image(f"{basic_registry}/bad/app:1.0") as image:
        assert image.config.config.user == "root"
        assert _layer_members(image).keys() == LAYER_FILES.keys()
        _assert_no_secret(repr(image), repr(image.layers), " ".join(image.notices))


@pytest.mark.image_tools
@pytest.mark.parametrize(
    "entry",
    [{"auth": base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()}, {"username": USER, "password": PASSWORD}],
    ids=["auth", "username-password"],
)
def test_basic_auth_with_docker_config(basic_registry: str, no_ambient_credentials: Path, entry: dict) -> None:
    _write_docker_config(no_ambient_credentials, {"auths": {f"http://{basic_registry}/v2/": entry}})
    with open_registry_image(f"{basic_registry}/bad/app:1.0") as image:
        assert image.config.config.user == "root"


@pytest.mark.image_tools
def test_basic_auth_failures_are_clear_and_hold_no_secret(basic_registry: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ImageError) as caught:
        open_registry_image(f"{basic_registry}/bad/app:1.0")
    assert str(caught.value).startswith(f"registry {basic_registry}: bad/app:1.0: authentication required; set ")
    monkeypatch.setenv(registry.USER_ENV, USER)
    monkeypatch.setenv(registry.PASSWORD_ENV, "wrong-" + PASSWORD)
    with pytest.raises(ImageError) as caught:
        open_registry_image(f"{basic_registry}/bad/app:1.0")
    message = str(caught.value)
    assert message == (
        f"registry {basic_registry}: bad/app:1.0: the registry refused the credentials from "
        "DOCKGATE_REGISTRY_USER/DOCKGATE_REGISTRY_PASSWORD"
    )
    wrong_basic = base64.b64encode(f"{USER}:wrong-{PASSWORD}".encode()).decode()
    for text in (message, repr(caught.value)):
        assert PASSWORD not in text and wrong_basic not in text


@pytest.mark.image_tools
def test_bearer_token_anonymous(token_registry: tuple[str, TokenServer]) -> None:
    host, tokens = token_registry
    before = len(tokens.requests)
    with open_registry_image(f"{host}/bad/app:1.0") as image:
        assert _layer_members(image).keys() == LAYER_FILES.keys()
    # One token for manifest, config and layer: cached per scope.
    assert tokens.requests[before:] == [{"scope": "repository:bad/app:pull", "authorization": None}]


@pytest.mark.image_tools
def test_bearer_token_with_credentials(token_registry: tuple[str, TokenServer], env_credentials: None) -> None:
    host, tokens = token_registry
    before = len(tokens.requests)
    with open_registry_image(f"{host}/bad/app:1.0") as image:
        assert image.config.config.user == "root"
        _assert_no_secret(repr(image), repr(image.layers))
    assert tokens.requests[before:] == [{"scope": "repository:bad/app:pull", "authorization": BASIC_AUTHORIZATION}]


@pytest.mark.image_tools
def test_bearer_token_with_a_wrong_password(
    token_registry: tuple[str, TokenServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    host, _tokens = token_registry
    monkeypatch.setenv(registry.USER_ENV, USER)
    monkeypatch.setenv(registry.PASSWORD_ENV, "nope")
    with pytest.raises(ImageError) as caught:
        open_registry_image(f"{host}/bad/app:1.0")
    assert str(caught.value) == (
        f"registry {host}: bad/app:1.0: the token service refused the credentials from "
        "DOCKGATE_REGISTRY_USER/DOCKGATE_REGISTRY_PASSWORD"
    )
    assert "nope" not in repr(caught.value)


def test_authorization_is_not_sent_to_a_redirect_on_another_host(env_credentials: None) -> None:
    config = json.dumps(
        {
            "architecture": "amd64",
            "os": "linux",
            "config": {"User": "app"},
            "rootfs": {"type": "layers", "diff_ids": []},
            "history": [{"created_by": "x"}],
        }
    ).encode()
    layer = layer_tar([{"path": "hello.txt", "content": "hi"}])
    with HeaderRecorder({f"/{sha256_digest(config)}": config, f"/{sha256_digest(layer)}": layer}) as blob_store:
        # localhost and 127.0.0.1 are different origins to httpx, as a storage host would be.
        with RedirectingRegistry(config, layer, f"http://localhost:{blob_store.port}") as fake:
            with open_registry_image(f"127.0.0.1:{fake.port}/app:1.0") as image:
                assert image.config.config.user == "app"
                assert _layer_members(image) == {"hello.txt": b"hi"}
    assert BASIC_AUTHORIZATION in fake.authorizations
    assert len(blob_store.requests) == 2
    assert all("authorization" not in headers for headers in blob_store.requests)


# --- mock transports: pure client logic ----------------------------------------------------------


class MockRegistry:
    """One image served through httpx.MockTransport (manifest at `manifest_path`); records every request.

    `challenge`, when set, is the WWW-Authenticate header sent to requests
    without `accepted` as their Authorization; `/token` answers with `token_body`.
    """

    def __init__(self, manifest_path: str = "/v2/org/app/manifests/1.0", config: dict | None = None) -> None:
        self.config = json.dumps(
            config
            or {
                "architecture": "amd64",
                "os": "linux",
                "config": {"User": "root"},
                "rootfs": {"type": "layers", "diff_ids": ["sha256:" + "0" * 64]},
                "history": [{"created_by": "fixture"}],
            }
        ).encode()
        self.layer = layer_tar([{"path": "a.txt", "content": "a"}])
        self.manifest = json.dumps(
            {
                "schemaVersion": 2,
                "mediaType": OCI_MANIFEST,
                "config": {
                    "mediaType": "application/vnd.oci.image.config.v1+json",
                    "digest": sha256_digest(self.config),
                    "size": len(self.config),
                },
                "layers": [
                    {
                        "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                        "digest": sha256_digest(self.layer),
                        "size": len(self.layer),
                    }
                ],
            }
        ).encode()
        self.manifest_headers = {"Content-Type": OCI_MANIFEST, "Docker-Content-Digest": sha256_digest(self.manifest)}
        self.requests: list[httpx.Request] = []
        self.challenge: str | None = None
        self.accepted = "Bearer issued-token"
        self.token_body: dict = {"token": "issued-token"}
        blobs = manifest_path.rpartition("/manifests/")[0] + "/blobs"
        self.routes: dict[str, Callable[[httpx.Request], httpx.Response]] = {
            manifest_path: lambda request: httpx.Response(200, headers=self.manifest_headers, content=self.manifest),
            f"{blobs}/{sha256_digest(self.config)}": lambda request: httpx.Response(200, content=self.config),
            f"{blobs}/{sha256_digest(self.layer)}": lambda request: httpx.Response(200, content=self.layer),
            "/token": lambda request: httpx.Response(200, json=self.token_body),
        }

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        route = self.routes.get(request.url.path)
        if self.challenge and request.url.path != "/token" and request.headers.get("Authorization") != self.accepted:
            return httpx.Response(401, headers={"WWW-Authenticate": self.challenge})
        if route is None:
            return httpx.Response(404, json={"errors": [{"code": "MANIFEST_UNKNOWN", "message": "manifest unknown"}]})
        return route(request)

    def open(self, name: str = "registry.example.test/org/app:1.0", **options: object) -> Image:
        return open_registry_image(name, transport=httpx.MockTransport(self.handle), **options)  # type: ignore[arg-type]


def test_remote_registry_is_addressed_over_https_with_all_manifest_types() -> None:
    mock = MockRegistry()
    with mock.open() as image:
        assert _layer_members(image) == {"a.txt": b"a"}
        assert image.digest == sha256_digest(mock.manifest)
    assert {(request.url.scheme, request.url.host) for request in mock.requests} == {("https", "registry.example.test")}
    accept = mock.requests[0].headers["Accept"]
    assert [part.strip() for part in accept.split(",")] == [
        OCI_INDEX,
        "application/vnd.docker.distribution.manifest.list.v2+json",
        OCI_MANIFEST,
        DOCKER_MANIFEST,
    ]


@pytest.mark.parametrize(
    "name,insecure,url",
    [
        ("org/app:1.0", frozenset(), "https://registry-1.docker.io/v2/org/app/manifests/1.0"),
        ("app", frozenset(), "https://registry-1.docker.io/v2/library/app/manifests/latest"),
        (
            "registry.example.test:5000/org/app:1.0",
            frozenset({"registry.example.test:5000"}),
            "http://registry.example.test:5000/v2/org/app/manifests/1.0",
        ),
        (
            "registry.example.test/org/app:1.0",
            frozenset({"registry.example.test"}),
            "http://registry.example.test/v2/org/app/manifests/1.0",
        ),
        ("localhost:5000/org/app:1.0", frozenset(), "http://localhost:5000/v2/org/app/manifests/1.0"),
    ],
)
def test_manifest_url_by_host(name: str, insecure: frozenset[str], url: str) -> None:
    mock = MockRegistry(manifest_path=httpx.URL(url).path)
    with mock.open(name, insecure_registries=insecure) as image:
        assert image.config.config.user == "root"
    assert str(mock.requests[0].url) == url


@pytest.mark.parametrize("field", ["token", "access_token"])
def test_bearer_challenge_token_field_and_cache(field: str, env_credentials: None) -> None:
    mock = MockRegistry()
    mock.challenge = 'Bearer realm="https://auth.example.test/token",service="svc",scope="repository:org/app:pull"'
    mock.token_body = {field: "issued-token", "expires_in": 300}
    with mock.open() as image:
        _layer_members(image)
        _layer_members(image)
    token_requests = [request for request in mock.requests if request.url.path == "/token"]
    assert len(token_requests) == 1
    assert token_requests[0].url.params == httpx.QueryParams({"scope": "repository:org/app:pull", "service": "svc"})
    assert token_requests[0].headers["Authorization"] == BASIC_AUTHORIZATION
    registry_requests = [request for request in mock.requests if request.url.path != "/token"]
    assert [request.headers.get("Authorization") for request in registry_requests] == [None] + [
        "Bearer issued-token"
    ] * 4


def test_first_of_several_challenges_is_used(env_credentials: None) -> None:
    mock = MockRegistry()
    mock.challenge = 'Bearer realm="https://auth.example.test/token",service="svc", Basic realm="elsewhere"'
    with mock.open() as image:
        assert image.config.config.user == "root"
    assert [str(request.url) for request in mock.requests if request.url.path == "/token"] == [
        "https://auth.example.test/token?scope=repository%3Aorg%2Fapp%3Apull&service=svc"
    ]


def test_diff_ids_are_left_out_when_their_count_differs_from_the_layers() -> None:
    mock = MockRegistry()
    with mock.open() as image:
        assert [layer.diff_id for layer in image.layers or []] == ["sha256:" + "0" * 64]
    config = json.loads(mock.config)
    config["rootfs"]["diff_ids"].append("sha256:" + "1" * 64)
    mock = MockRegistry(config=config)
    with mock.open() as image:
        assert [(layer.diff_id, layer.history_index) for layer in image.layers or []] == [(None, 0)]


def test_an_expired_token_is_renewed_once() -> None:
    mock = MockRegistry()
    mock.challenge = 'Bearer realm="https://auth.example.test/token",service="svc"'
    issued = iter(["first-token", "second-token"])
    mock.routes["/token"] = lambda request: httpx.Response(200, json={"token": next(issued)})
    mock.accepted = "Bearer first-token"
    with mock.open() as image:
        mock.accepted = "Bearer second-token"  # the registry now considers the first token expired
        assert _layer_members(image) == {"a.txt": b"a"}
    layer_requests = [request for request in mock.requests if request.url.path.endswith(image.layers[0].digest)]  # type: ignore[index]
    assert [request.headers["Authorization"] for request in layer_requests] == [
        "Bearer first-token",
        "Bearer second-token",
    ]


def test_an_artifact_is_not_read_as_an_image() -> None:
    mock = MockRegistry()
    manifest = json.loads(mock.manifest)
    manifest["config"]["mediaType"] = "application/vnd.cncf.helm.config.v1+json"
    mock.manifest = json.dumps(manifest).encode()
    mock.manifest_headers["Docker-Content-Digest"] = sha256_digest(mock.manifest)
    with pytest.raises(ImageError) as caught:
        mock.open()
    assert str(caught.value) == (
        "registry registry.example.test: org/app:1.0: not a container image "
        "(its config is application/vnd.cncf.helm.config.v1+json)"
    )


def test_plain_http_token_service_for_an_https_registry_is_refused() -> None:
    mock = MockRegistry()
    mock.challenge = 'Bearer realm="http://auth.example.test/token",service="svc"'
    with pytest.raises(ImageError, match="plain-http token service"):
        mock.open()


def test_schema1_manifest_is_a_clear_error() -> None:
    mock = MockRegistry()
    body = b'{"schemaVersion": 1, "name": "org/app", "tag": "1.0", "fsLayers": []}'
    mock.routes["/v2/org/app/manifests/1.0"] = lambda request: httpx.Response(
        200,
        headers={"Content-Type": DOCKER_SCHEMA1_SIGNED, "Docker-Content-Digest": "sha256:" + "2" * 64},
        content=body,
    )
    with pytest.raises(
        ImageError, match=r"^registry registry.example.test: org/app:1.0: the registry sent a Docker schema 1 manifest"
    ):
        mock.open()


def test_manifest_and_config_digests_are_verified() -> None:
    mock = MockRegistry()
    mock.manifest_headers["Docker-Content-Digest"] = "sha256:" + "1" * 64
    with pytest.raises(ImageError, match="manifest 1.0: content does not match its digest"):
        mock.open()
    mock = MockRegistry()
    mock.routes[f"/v2/org/app/blobs/{sha256_digest(mock.config)}"] = lambda request: httpx.Response(
        200, content=mock.config + b" "
    )
    with pytest.raises(ImageError, match="config sha256:[0-9a-f]+: content does not match its digest"):
        mock.open()


def test_layer_digest_is_verified_at_the_end_of_the_stream() -> None:
    mock = MockRegistry()
    tampered = gzip.compress(gzip.decompress(mock.layer), mtime=1)
    mock.routes[f"/v2/org/app/blobs/{sha256_digest(mock.layer)}"] = lambda request: httpx.Response(
        200, content=tampered
    )
    with (
        mock.open() as image,
        pytest.raises(ImageError, match="layer sha256:[0-9a-f]+: content does not match its digest"),
    ):
        _layer_members(image)


def test_config_stream_is_abandoned_past_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "MAX_CONFIG_BYTES", 1000)
    sent = []

    def endless() -> Iterator[bytes]:
        for _ in range(100):
            sent.append(1)
            yield b"x" * 600

    mock = MockRegistry()
    mock.routes[f"/v2/org/app/blobs/{sha256_digest(mock.config)}"] = lambda request: httpx.Response(
        200, content=endless()
    )
    with pytest.raises(ImageError, match="more than 1000 bytes"):
        mock.open()
    assert len(sent) == 2


def test_network_failure_is_one_line() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    with pytest.raises(ImageError) as caught:
        open_registry_image("registry.example.test/org/app:1.0", transport=httpx.MockTransport(refuse))
    assert (
        str(caught.value)
        == "registry registry.example.test: org/app:1.0: cannot connect ([Errno 111] Connection refused)"
    )


def test_a_registry_echoing_credentials_in_errors_is_redacted(env_credentials: None) -> None:
    mock = MockRegistry()
    mock.challenge = 'Basic realm="x"'
    mock.accepted = BASIC_AUTHORIZATION

    def echo(request: httpx.Request) -> httpx.Response:
        header = request.headers.get("Authorization", "")
        message = f"denied for {header} ({PASSWORD})\nsecond line"
        return httpx.Response(403, json={"errors": [{"code": "DENIED", "message": message}]})

    mock.routes["/v2/org/app/manifests/1.0"] = echo
    with pytest.raises(ImageError) as caught:
        mock.open()
    assert str(caught.value) == "registry registry.example.test: org/app:1.0: denied for Basic *** (***) second line"


def test_error_without_a_json_body_names_the_status() -> None:
    mock = MockRegistry()
    mock.routes["/v2/org/app/manifests/1.0"] = lambda request: httpx.Response(502, content=b"<html>bad gateway</html>")
    with pytest.raises(ImageError, match=r"^registry registry.example.test: org/app:1.0: HTTP 502 Bad Gateway$"):
        mock.open()


# --- credentials lookup ----------------------------------------------------------------------------


def test_environment_credentials_come_first_and_need_both_variables(no_ambient_credentials: Path) -> None:
    _write_docker_config(no_ambient_credentials, {"auths": {"ghcr.io": {"username": "other", "password": "x"}}})
    credentials, notice = find_credentials(
        "ghcr.io",
        {registry.USER_ENV: USER, registry.PASSWORD_ENV: PASSWORD, "DOCKER_CONFIG": str(no_ambient_credentials)},
    )
    assert (credentials.username, credentials.password, notice) == (USER, PASSWORD, None)  # type: ignore[union-attr]
    assert PASSWORD not in repr(credentials) and USER not in repr(credentials)
    with pytest.raises(ImageError, match="set both DOCKGATE_REGISTRY_USER and DOCKGATE_REGISTRY_PASSWORD, or neither"):
        find_credentials("ghcr.io", {registry.USER_ENV: USER})


@pytest.mark.parametrize(
    "key,registry_name,found",
    [
        ("https://index.docker.io/v1/", "docker.io", True),
        ("docker.io", "docker.io", True),
        ("ghcr.io", "ghcr.io", True),
        ("https://ghcr.io", "ghcr.io", True),
        ("ghcr.io", "docker.io", False),
        ("127.0.0.1:5000", "127.0.0.1:5001", False),
    ],
)
def test_docker_config_keys_match_by_host(
    no_ambient_credentials: Path, key: str, registry_name: str, found: bool
) -> None:
    _write_docker_config(no_ambient_credentials, {"auths": {key: {"auth": base64.b64encode(b"u:p").decode()}}})
    credentials, _notice = find_credentials(registry_name, {"DOCKER_CONFIG": str(no_ambient_credentials)})
    assert (credentials is not None) == found
    if credentials is not None:
        assert (credentials.username, credentials.password, credentials.source) == (
            "u",
            "p",
            str(no_ambient_credentials / "config.json"),
        )


@pytest.mark.parametrize(
    "config,notice",
    [
        ({"auths": {"ghcr.io": {}}, "credsStore": "absent-in-tests"}, "credential helper"),
        ({"credHelpers": {"ghcr.io": "absent-in-tests"}}, "credential helper"),
        ({"credsStore": "absent-in-tests"}, None),
        ({"auths": {"ghcr.io": {"auth": "not base64!"}}}, None),
    ],
)
def test_missing_credential_helpers_are_noticed(no_ambient_credentials: Path, config: dict, notice: str | None) -> None:
    _write_docker_config(no_ambient_credentials, config)
    credentials, found_notice = find_credentials("ghcr.io", {"DOCKER_CONFIG": str(no_ambient_credentials)})
    assert credentials is None
    assert (found_notice and notice in found_notice) if notice else found_notice is None


def test_unreadable_docker_config_is_a_notice(no_ambient_credentials: Path) -> None:
    (no_ambient_credentials / "config.json").write_text("{not json")
    assert find_credentials("ghcr.io", {"DOCKER_CONFIG": str(no_ambient_credentials)}) == (
        None,
        f"{no_ambient_credentials / 'config.json'} is not valid JSON; continuing without its credentials",
    )


def test_credential_helper_hint_joins_the_authentication_error(no_ambient_credentials: Path) -> None:
    _write_docker_config(no_ambient_credentials, {"credHelpers": {"registry.example.test": "absent-in-tests"}})
    mock = MockRegistry()
    mock.challenge = 'Basic realm="x"'
    with pytest.raises(
        ImageError, match=r"authentication required; .* \(.*credential helper docker-credential-absent-in-tests, which is not installed"
    ):
        mock.open()


def test_layer_stream_reads_the_stored_bytes_in_pieces() -> None:
    with MockRegistry().open() as image:
        assert image.layers is not None
        with image.layers[0].open() as stream:
            assert isinstance(stream, io.BufferedReader)
            assert stream.read(2) == b"\x1f\x8b"


# --- the command line ------------------------------------------------------------------------------


@pytest.mark.image_tools
@pytest.mark.parametrize("output_format", ["text", "json", "sarif"])
def test_cli_never_prints_credentials(basic_registry: str, no_ambient_credentials: Path, output_format: str) -> None:
    wrong = "wr0ng-" + PASSWORD
    secrets = (*SECRETS, wrong, base64.b64encode(f"{USER}:{wrong}".encode()).decode())
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DOCKGATE_")}
    environment["DOCKER_CONFIG"] = str(no_ambient_credentials)
    from_env = {**environment, registry.USER_ENV: USER, registry.PASSWORD_ENV: PASSWORD}
    refused = {**environment, registry.USER_ENV: USER, registry.PASSWORD_ENV: wrong}
    _write_docker_config(no_ambient_credentials, {"auths": {basic_registry: {"auth": SECRETS[1]}}})
    for env, expected_exit in ((from_env, {0, 1}), (environment, {0, 1}), (refused, {2})):
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "dockgate",
                "image",
                "--debug",
                "--format",
                output_format,
                f"{basic_registry}/bad/app:1.0",
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert result.returncode in expected_exit, result.stderr
        for secret in secrets:
            assert secret not in result.stdout and secret not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        f"dockgate: error: registry {basic_registry}: bad/app:1.0: the registry refused the credentials from "
        "DOCKGATE_REGISTRY_USER/DOCKGATE_REGISTRY_PASSWORD"
    )


def _install_helper(directory: Path, monkeypatch: pytest.MonkeyPatch, name: str, script: str) -> None:
    """A fake `docker-credential-<name>` first on PATH."""
    helper = directory / f"docker-credential-{name}"
    helper.write_text("#!/bin/sh\n" + script)
    helper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{directory}{os.pathsep}{os.environ.get('PATH', '')}")


@pytest.mark.parametrize(
    "config,server",
    [
        ({"credHelpers": {"ghcr.io": "fake"}}, "ghcr.io"),
        ({"auths": {"ghcr.io": {}}, "credsStore": "fake"}, "ghcr.io"),
    ],
)
def test_credential_helpers_are_asked_like_the_docker_cli(
    no_ambient_credentials: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, config: dict, server: str
) -> None:
    asked = tmp_path / "asked"
    _install_helper(tmp_path, monkeypatch, "fake", f'[ "$1" = get ] && cat > {asked} && echo \'{{"Username":"u","Secret":"s3"}}\'\n')
    _write_docker_config(no_ambient_credentials, config)
    credentials, notice = find_credentials("ghcr.io", {"DOCKER_CONFIG": str(no_ambient_credentials)})
    assert notice is None and credentials is not None
    assert (credentials.username, credentials.password, credentials.source) == ("u", "s3", "docker-credential-fake")
    assert asked.read_text() == server
    assert "s3" not in repr(credentials)


@pytest.mark.parametrize(
    "script,notice",
    [
        ("echo 'credentials not found in native keychain'; exit 1\n", None),
        ("echo '{\"Username\":\"<token>\",\"Secret\":\"refresh-s3\"}'\n", "holds no user and password"),
        ("echo 'not json s3'\n", "gave no credentials dockgate can read"),
    ],
)
def test_credential_helper_failures_never_show_its_output(
    no_ambient_credentials: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, script: str, notice: str | None
) -> None:
    _install_helper(tmp_path, monkeypatch, "fake", script)
    _write_docker_config(no_ambient_credentials, {"credHelpers": {"ghcr.io": "fake"}})
    credentials, found = find_credentials("ghcr.io", {"DOCKER_CONFIG": str(no_ambient_credentials)})
    assert credentials is None
    assert (notice in found and "s3" not in found) if notice else found is None
