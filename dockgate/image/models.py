"""The OCI image spec objects (and Docker's variants of them) as pydantic models.

The models accept what real registries and tools write (umoci leaves out a
manifest's `mediaType`, Docker 25.0.0 wrote empty `layers`, `docker save` by
digest wrote `"manifests": null`, Docker writes `null` for empty lists) and
reject what is malformed, through `load_json`, with a message naming the
document and the field.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from dockgate.image.errors import ImageError

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_SCHEMA1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws"
DOCKER_SCHEMA1 = "application/vnd.docker.distribution.manifest.v1+json"

INDEX_TYPES = frozenset({OCI_INDEX, DOCKER_MANIFEST_LIST})
MANIFEST_TYPES = frozenset({OCI_MANIFEST, DOCKER_MANIFEST})
SCHEMA1_TYPES = frozenset({DOCKER_SCHEMA1_SIGNED, DOCKER_SCHEMA1})

MAX_MANIFEST_BYTES = 4 * 1024 * 1024
"""distribution refuses manifests above 4 MiB; anything larger is not a real one."""
MAX_CONFIG_BYTES = 32 * 1024 * 1024
"""Configs with long histories reach a few hundred KiB; 32 MiB is generous and bounded."""

_DIGEST_PATTERN = r"^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$"


class _SpecObject(BaseModel):
    # Unknown keys are allowed (the specs say to ignore them); known ones are checked.
    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)


def _none_as_empty(value: Any) -> Any:
    return [] if value is None else value


class Platform(_SpecObject):
    architecture: str
    os: str
    variant: str | None = None
    os_version: str | None = Field(default=None, alias="os.version")

    def __str__(self) -> str:
        return "/".join(part for part in (self.os, self.architecture, self.variant) if part)


class Descriptor(_SpecObject):
    """A pointer to a blob: its media type, digest and size."""

    media_type: str = Field(default="", alias="mediaType")
    digest: str = Field(pattern=_DIGEST_PATTERN)
    size: int = Field(ge=0)
    urls: list[str] | None = None
    annotations: dict[str, str] | None = None
    platform: Platform | None = None


class ImageIndex(_SpecObject):
    """An OCI image index or a Docker manifest list."""

    schema_version: int = Field(alias="schemaVersion")
    media_type: str | None = Field(default=None, alias="mediaType")
    manifests: list[Descriptor] = []
    annotations: dict[str, str] | None = None

    _manifests_null = field_validator("manifests", mode="before")(_none_as_empty)


class ImageManifest(_SpecObject):
    """An OCI image manifest or a Docker schema 2 manifest."""

    schema_version: int = Field(alias="schemaVersion")
    media_type: str | None = Field(default=None, alias="mediaType")
    config: Descriptor
    layers: list[Descriptor] = []
    annotations: dict[str, str] | None = None

    _layers_null = field_validator("layers", mode="before")(_none_as_empty)


class HealthConfig(_SpecObject):
    test: list[str] | None = Field(default=None, alias="Test")
    interval: int | None = Field(default=None, alias="Interval")
    timeout: int | None = Field(default=None, alias="Timeout")
    retries: int | None = Field(default=None, alias="Retries")


class ContainerConfig(_SpecObject):
    """The `config` object of an image config (and `Config` of `docker inspect`)."""

    user: str | None = Field(default=None, alias="User")
    exposed_ports: dict[str, Any] | None = Field(default=None, alias="ExposedPorts")
    env: list[str] | None = Field(default=None, alias="Env")
    entrypoint: list[str] | None = Field(default=None, alias="Entrypoint")
    cmd: list[str] | None = Field(default=None, alias="Cmd")
    volumes: dict[str, Any] | None = Field(default=None, alias="Volumes")
    working_dir: str | None = Field(default=None, alias="WorkingDir")
    labels: dict[str, str] | None = Field(default=None, alias="Labels")
    stop_signal: str | None = Field(default=None, alias="StopSignal")
    healthcheck: HealthConfig | None = Field(default=None, alias="Healthcheck")
    shell: list[str] | None = Field(default=None, alias="Shell")
    on_build: list[str] | None = Field(default=None, alias="OnBuild")

    @field_validator("entrypoint", "cmd", "shell", mode="before")
    @classmethod
    def _string_as_list(cls, value: Any) -> Any:
        # Some old images store a command as a bare string.
        return [value] if isinstance(value, str) else value

    def env_pairs(self) -> list[tuple[str, str]]:
        """`Env` as (name, value) pairs, in order; an entry without `=` has an empty value."""
        pairs = []
        for entry in self.env or []:
            name, _, value = entry.partition("=")
            pairs.append((name, value))
        return pairs


class HistoryEntry(_SpecObject):
    created: str | None = None
    created_by: str | None = None
    author: str | None = None
    comment: str | None = None
    empty_layer: bool = False

    @field_validator("empty_layer", mode="before")
    @classmethod
    def _null_is_false(cls, value: Any) -> Any:
        return False if value is None else value


class RootFS(_SpecObject):
    type: str = ""
    diff_ids: list[str] = []

    _diff_ids_null = field_validator("diff_ids", mode="before")(_none_as_empty)


class ImageConfig(_SpecObject):
    """The image configuration blob: platform, runtime config, layers' diff_ids and history."""

    architecture: str = ""
    os: str = ""
    variant: str | None = None
    created: str | None = None
    author: str | None = None
    config: ContainerConfig = ContainerConfig()
    rootfs: RootFS = RootFS()
    history: list[HistoryEntry] = []

    _lists_null = field_validator("history", mode="before")(_none_as_empty)

    @field_validator("config", "rootfs", mode="before")
    @classmethod
    def _null_object(cls, value: Any) -> Any:
        return {} if value is None else value


class DockerArchiveEntry(_SpecObject):
    """One image in a `docker save` tar's manifest.json."""

    config: str = Field(alias="Config")
    repo_tags: list[str] = Field(default=[], alias="RepoTags")
    layers: list[str] = Field(default=[], alias="Layers")

    _lists_null = field_validator("repo_tags", "layers", mode="before")(_none_as_empty)


class InspectRootFS(_SpecObject):
    type: str = Field(default="", alias="Type")
    layers: list[str] = Field(default=[], alias="Layers")

    _layers_null = field_validator("layers", mode="before")(_none_as_empty)


class InspectImage(_SpecObject):
    """One element of `docker inspect IMAGE` (or `podman image inspect`) output."""

    id: str = Field(alias="Id")
    repo_tags: list[str] = Field(default=[], alias="RepoTags")
    repo_digests: list[str] = Field(default=[], alias="RepoDigests")
    created: str | None = Field(default=None, alias="Created")
    config: ContainerConfig = Field(default=ContainerConfig(), alias="Config")
    architecture: str = Field(default="", alias="Architecture")
    os: str = Field(default="", alias="Os")
    variant: str | None = Field(default=None, alias="Variant")
    rootfs: InspectRootFS = Field(default=InspectRootFS(), alias="RootFS")

    _lists_null = field_validator("repo_tags", "repo_digests", mode="before")(_none_as_empty)

    @field_validator("config", "rootfs", mode="before")
    @classmethod
    def _null_object(cls, value: Any) -> Any:
        return {} if value is None else value


Model = TypeVar("Model", bound=BaseModel)


def load_json(data: bytes, model: type[Model], what: str, limit: int = MAX_MANIFEST_BYTES) -> Model:
    """`data` parsed as `model`, or an ImageError naming `what` and the first problem."""
    if len(data) > limit:
        raise ImageError(f"{what}: {len(data)} bytes, more than the {limit} a real one can be")
    try:
        value = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ImageError(f"{what}: not valid JSON ({error})") from None
    except RecursionError:
        raise ImageError(f"{what}: JSON nested too deeply") from None
    return validate(value, model, what)


def validate(value: Any, model: type[Model], what: str) -> Model:
    """An already-parsed JSON value as `model`, or an ImageError naming the bad field."""
    try:
        return model.model_validate(value)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the document"
        raise ImageError(f"{what}: {where}: {first['msg']}") from None


def sniff_media_type(value: Any) -> str | None:
    """The kind of a manifest-like document whose `mediaType` is missing: index or manifest."""
    if not isinstance(value, dict):
        return None
    media_type = value.get("mediaType")
    if isinstance(media_type, str) and media_type:
        return media_type
    if "manifests" in value:
        return OCI_INDEX
    if "layers" in value or "config" in value:
        return OCI_MANIFEST
    if value.get("schemaVersion") == 1:
        return DOCKER_SCHEMA1
    return None
