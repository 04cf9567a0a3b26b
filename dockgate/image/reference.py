"""Image references (`org/app:1.2`, `localhost:5000/app@sha256:…`) read the way Docker reads them.

The grammar and the Docker Hub normalisation follow distribution's
`reference/regexp.go` and `reference/normalize.go`: the first path component
is a registry only when it looks like a host (has a `.` or `:`, or is
`localhost`), everything else lives on Docker Hub, and single-component Hub
names get the `library/` prefix.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from dockgate.image.errors import ImageError
from dockgate.lazy_pattern import LazyPattern

DOCKER_HUB = "docker.io"
DOCKER_HUB_API_HOST = "registry-1.docker.io"
DEFAULT_TAG = "latest"

_MAX_NAME_LENGTH = 255  # distribution's NameTotalLengthMax
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = LazyPattern(rf"^(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?$")
_PATH_COMPONENT = LazyPattern(r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$")
_TAG = LazyPattern(r"^[\w][\w.-]{0,127}$", re.ASCII)
_DIGEST = LazyPattern(r"^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$")


@dataclass(frozen=True)
class ImageReference:
    """A parsed reference: where the image lives and which manifest to ask for."""

    registry: str
    """The registry as users write it (`docker.io`, `ghcr.io`, `127.0.0.1:5000`)."""
    repository: str
    """The repository path on that registry (`library/alpine`, `org/app`)."""
    tag: str | None
    """The tag; `latest` when the reference names neither a tag nor a digest."""
    digest: str | None

    @property
    def api_host(self) -> str:
        """The host:port the registry API is served from (Docker Hub's differs from its name)."""
        return DOCKER_HUB_API_HOST if self.registry == DOCKER_HUB else self.registry

    @property
    def hostname(self) -> str:
        """The registry host without its port or IPv6 brackets, for deciding whether it is local."""
        host = self.registry
        if host.startswith("["):
            return host[1 : host.index("]")]
        return host.rpartition(":")[0] if ":" in host else host

    @property
    def manifest_id(self) -> str:
        """What goes after `/manifests/`: the digest when given (it pins the content), else the tag."""
        return self.digest or self.tag or DEFAULT_TAG

    @property
    def short_name(self) -> str:
        """`repository:tag` or `repository@digest`, as error messages name the image."""
        return f"{self.repository}@{self.digest}" if self.digest else f"{self.repository}:{self.tag}"

    def is_local(self) -> bool:
        """True for loopback registries, which Docker (and dockgate) talk to over plain HTTP."""
        if self.hostname == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.hostname).is_loopback
        except ValueError:
            return False


def parse_reference(text: str) -> ImageReference:
    """`text` as an image reference, or an ImageError saying what is wrong with it."""
    if not text or text != text.strip():
        raise ImageError(f"image reference {text!r}: empty or surrounded by spaces")
    remainder, digest = _split_digest(text)
    name, tag = _split_tag(remainder, text)
    registry, repository = _split_registry(name)
    _check_repository(repository, text)
    if len(repository) + len(registry) + 1 > _MAX_NAME_LENGTH:
        raise ImageError(f"image reference {text!r}: name longer than {_MAX_NAME_LENGTH} characters")
    if tag is None and digest is None:
        tag = DEFAULT_TAG
    return ImageReference(registry=registry, repository=repository, tag=tag, digest=digest)


def _split_digest(text: str) -> tuple[str, str | None]:
    """(the rest, the `@digest` part) of a reference, the digest checked."""
    name, at, digest = text.partition("@")
    if not at:
        return text, None
    if not _DIGEST.match(digest):
        raise ImageError(f"image reference {text!r}: {digest!r} is not a digest such as sha256:<64 hex digits>")
    algorithm, _, hex_part = digest.partition(":")
    if algorithm == "sha256" and len(hex_part) != 64:
        raise ImageError(f"image reference {text!r}: a sha256 digest has 64 hex digits, not {len(hex_part)}")
    return name, digest


def _split_tag(text: str, whole: str) -> tuple[str, str | None]:
    # The tag follows the last ':' that comes after the last '/' (a ':' before it is a port).
    """(the name, the tag) of a reference without its digest."""
    last_slash = text.rfind("/")
    colon = text.rfind(":")
    if colon <= last_slash:
        return text, None
    name, tag = text[:colon], text[colon + 1 :]
    if not _TAG.match(tag):
        raise ImageError(
            f"image reference {whole!r}: invalid tag {tag!r} (letters, digits, '_', '.', '-', at most 128)"
        )
    return name, tag


def _split_registry(name: str) -> tuple[str, str]:
    """(registry, repository) with Docker Hub's defaults applied."""
    first, slash, rest = name.partition("/")
    looks_like_host = "." in first or ":" in first or first == "localhost" or first.startswith("[")
    if not slash or not looks_like_host:
        repository = name if "/" in name else f"library/{name}"
        return DOCKER_HUB, repository
    if not _DOMAIN.match(first):
        raise ImageError(f"image reference {name!r}: invalid registry host {first!r}")
    if first == "index.docker.io":
        first = DOCKER_HUB
    if first == DOCKER_HUB and "/" not in rest:
        rest = f"library/{rest}"
    return first, rest


def _check_repository(repository: str, whole: str) -> None:
    """Raises unless every path component follows distribution's grammar."""
    for component in repository.split("/"):
        if _PATH_COMPONENT.match(component):
            continue
        if component.lower() != component and _PATH_COMPONENT.match(component.lower()):
            raise ImageError(f"image reference {whole!r}: repository name must be lowercase")
        raise ImageError(
            f"image reference {whole!r}: invalid repository name component {component!r} "
            "(lowercase letters and digits, separated by '.', '_', '__' or '-')"
        )
