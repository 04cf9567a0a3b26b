"""One image, whatever it was read from: its config, history and ordered layers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import BinaryIO, Callable

from dockgate.image.models import ImageConfig, Platform

LayerOpener = Callable[[], BinaryIO]
"""Returns a fresh stream of a layer's stored bytes (compressed or not); the caller closes it."""


@dataclass(frozen=True)
class Layer:
    """One layer of the image, in order from the base up."""

    index: int
    """0-based position among the image's layers."""
    digest: str
    """Digest of the stored blob (for docker-archive tars, of the uncompressed tar)."""
    diff_id: str | None
    """Digest of the uncompressed tar, from the config's rootfs.diff_ids."""
    size: int | None
    media_type: str
    history_index: int | None
    """The config.history entry that created this layer, when history and layers pair up."""
    open: LayerOpener = field(repr=False, compare=False)


@dataclass
class Image:
    """An image as the image rules see it; `layers` is None when the source has no layer contents."""

    name: str
    """What the user asked for, as it appears in reports."""
    source: str
    """The input kind: docker-archive, oci, oci-archive, inspect or registry."""
    config: ImageConfig
    layers: list[Layer] | None
    digest: str | None = None
    """Digest of the manifest (or the image id for `docker inspect`), when known."""
    platform: Platform | None = None
    annotations: dict[str, str] = field(default_factory=dict)
    """The manifest's annotations (provenance can live there as well as in labels)."""
    notices: list[str] = field(default_factory=list)
    """Things the user should know about how the image was read, said once each."""
    close: Callable[[], None] = field(default=lambda: None, repr=False)
    """Releases open files and connections; call when done with the layers."""

    def __enter__(self) -> Image:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def layer_for_history(self, history_index: int) -> Layer | None:
        for layer in self.layers or []:
            if layer.history_index == history_index:
                return layer
        return None


def pair_history(config: ImageConfig, layer_count: int) -> list[int | None]:
    """For each layer, the index of the history entry that created it.

    History entries without `empty_layer` create layers, in order. When the
    counts disagree (squashed or hand-edited images), the newest entries and
    layers are paired from the top and the rest stay unknown.
    """
    creating = [index for index, entry in enumerate(config.history) if not entry.empty_layer]
    if len(creating) == layer_count:
        return list(creating)
    paired: list[int | None] = [None] * layer_count
    for offset in range(1, min(len(creating), layer_count) + 1):
        paired[layer_count - offset] = creating[len(creating) - offset]
    return paired
