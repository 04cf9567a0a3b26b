"""How the layer rules name places and sizes in their findings; not a rule itself."""

from __future__ import annotations

from dockgate.rule_api.findings import ImageLocation
from dockgate.rule_api.rule import ImageContext


def layer_location(context: ImageContext, layer: int, path: str | None = None) -> ImageLocation:
    """A file (or the whole layer when `path` is None) in layer `layer` of the image."""
    layers = context.image.layers or []
    stored = layers[layer] if layer < len(layers) else None
    return ImageLocation(
        image=context.image.name,
        layer=layer,
        layer_digest=stored.digest if stored is not None else None,
        history=stored.history_index if stored is not None else None,
        path=path,
    )


def human_size(size: int) -> str:
    """`512 B`, `3.4 KiB`, `120.0 MiB`, `2.1 GiB`."""
    value = float(size)
    for unit in ("B", "KiB", "MiB"):
        if value < 1024:
            return f"{size} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"
