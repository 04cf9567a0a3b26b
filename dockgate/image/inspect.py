"""`docker inspect IMAGE` (and `podman image inspect`) JSON: config-only images.

Inspect output has the runtime config, the platform and the layer diff_ids
but no layer contents, and (from Docker) no history, so only the config
checks can run; podman adds `History` and `Annotations`, which are kept.
"""

from __future__ import annotations

from pydantic import Field, RootModel, field_validator

from dockgate.image.errors import ImageError
from dockgate.image.image import Image
from dockgate.image.layout import config_platform
from dockgate.image.models import (
    MAX_CONFIG_BYTES,
    HistoryEntry,
    ImageConfig,
    InspectImage,
    RootFS,
    load_json,
)


class _InspectedImage(InspectImage):
    """An inspect element with podman's extra keys."""

    history: list[HistoryEntry] = Field(default=[], alias="History")
    annotations: dict[str, str] | None = Field(default=None, alias="Annotations")

    @field_validator("history", mode="before")
    @classmethod
    def _null_history(cls, value: object) -> object:
        return [] if value is None else value


class _InspectOutput(RootModel[list[_InspectedImage]]):
    """The whole output: a JSON list, one element per image inspected."""


def read_inspect(data: bytes, name: str) -> list[Image]:
    """One config-only Image per element of the inspect output in `data`.

    With several images in the output, each is named `name#N` (1-based), so
    their findings can be told apart.
    """
    items = load_json(data, _InspectOutput, "docker inspect JSON", MAX_CONFIG_BYTES).root
    if not items:
        raise ImageError("docker inspect JSON: an empty list, no image in it")
    if len(items) == 1:
        return [_image(items[0], name)]
    return [_image(item, f"{name}#{number}") for number, item in enumerate(items, start=1)]


def _image(item: _InspectedImage, name: str) -> Image:
    config = ImageConfig(
        architecture=item.architecture,
        os=item.os,
        variant=item.variant,
        created=item.created,
        config=item.config,
        rootfs=RootFS(type=item.rootfs.type, diff_ids=item.rootfs.layers),
        history=item.history,
    )
    # podman writes the image id without its algorithm.
    digest = item.id if ":" in item.id else f"sha256:{item.id}"
    return Image(
        name=name,
        source="inspect",
        config=config,
        layers=None,
        digest=digest,
        platform=config_platform(config),
        annotations=dict(item.annotations or {}),
    )
