"""Image references parse as Docker parses them, and bad ones fail with a message naming the problem."""

from __future__ import annotations

import pytest

from dockgate.image.errors import ImageError
from dockgate.image.reference import ImageReference, parse_reference

DIGEST = "sha256:" + "ab" * 32


@pytest.mark.parametrize(
    "text,registry,repository,tag,digest",
    [
        ("app", "docker.io", "library/app", "latest", None),
        ("app:1.2", "docker.io", "library/app", "1.2", None),
        ("org/app", "docker.io", "org/app", "latest", None),
        ("docker.io/app", "docker.io", "library/app", "latest", None),
        ("index.docker.io/org/app:3", "docker.io", "org/app", "3", None),
        ("ghcr.io/org/app:1.2", "ghcr.io", "org/app", "1.2", None),
        ("ghcr.io/org/team/app", "ghcr.io", "org/team/app", "latest", None),
        ("localhost/app", "localhost", "app", "latest", None),
        ("localhost:5000/app", "localhost:5000", "app", "latest", None),
        (f"127.0.0.1:5000/app@{DIGEST}", "127.0.0.1:5000", "app", None, DIGEST),
        (f"app:1.2@{DIGEST}", "docker.io", "library/app", "1.2", DIGEST),
        ("[::1]:5000/org/app:v1", "[::1]:5000", "org/app", "v1", None),
        (
            "my-registry.example.com:443/a.b/c__d/e-f:x_Y.1-2",
            "my-registry.example.com:443",
            "a.b/c__d/e-f",
            "x_Y.1-2",
            None,
        ),
        # A first component without '.', ':' or localhost is a Docker Hub namespace, not a host.
        ("myhost/app", "docker.io", "myhost/app", "latest", None),
    ],
)
def test_valid_references(text: str, registry: str, repository: str, tag: str | None, digest: str | None) -> None:
    assert parse_reference(text) == ImageReference(registry=registry, repository=repository, tag=tag, digest=digest)


@pytest.mark.parametrize(
    "text,api_host,local,manifest_id",
    [
        ("alpine", "registry-1.docker.io", False, "latest"),
        ("ghcr.io/org/app:1.2", "ghcr.io", False, "1.2"),
        ("localhost:5000/app", "localhost:5000", True, "latest"),
        (f"127.0.0.1:5000/app:1@{DIGEST}", "127.0.0.1:5000", True, DIGEST),
        ("127.0.0.2/app", "127.0.0.2", True, "latest"),
        ("[::1]:5000/app", "[::1]:5000", True, "latest"),
        ("10.0.0.1:5000/app", "10.0.0.1:5000", False, "latest"),
    ],
)
def test_api_host_locality_and_manifest_id(text: str, api_host: str, local: bool, manifest_id: str) -> None:
    reference = parse_reference(text)
    assert (reference.api_host, reference.is_local(), reference.manifest_id) == (api_host, local, manifest_id)


@pytest.mark.parametrize(
    "text,message",
    [
        ("", "empty"),
        (" app", "surrounded by spaces"),
        ("App", "repository name must be lowercase"),
        ("ghcr.io/Org/app", "repository name must be lowercase"),
        ("app:", "invalid tag ''"),
        ("app:-x", "invalid tag '-x'"),
        ("app:caf\u00e9", "invalid tag 'caf\u00e9'"),
        ("app:" + "x" * 129, "invalid tag"),
        ("app@sha256:1234", "is not a digest"),
        ("app@sha256:" + "a" * 63, "64 hex digits, not 63"),
        ("app@md5", "is not a digest"),
        ("-app", "invalid repository name component '-app'"),
        ("org//app", "invalid repository name component ''"),
        ("org/app_", "invalid repository name component 'app_'"),
        ("a b", "invalid repository name component 'a b'"),
        ("bad_host.example.com/app", "invalid registry host 'bad_host.example.com'"),
        ("ghcr.io/" + "a" * 250, "longer than 255"),
    ],
)
def test_invalid_references(text: str, message: str) -> None:
    with pytest.raises(ImageError, match="^image reference ") as caught:
        parse_reference(text)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)
