"""What several image rules ask of an image's history; not a rule itself.

* `history_location`: where a finding about one history entry is, with the
  layer the entry made (so the report can name its digest).
* `last_entry`: the newest entry of a keyword that satisfies a test, the
  one that set a config value (the last `USER` set `User`).
"""

from __future__ import annotations

from typing import Callable

from dockgate.image.history import HistoryInstruction, parse_created_by
from dockgate.image.image import Image
from dockgate.rule_api.findings import ImageLocation

MASK = "****"
"""Stands for a secret value in messages: never the value, nor its length (dockle#268)."""


def history_location(image: Image, history_index: int) -> ImageLocation:
    """A finding on one history entry, with the layer that entry created when it made one."""
    layer = image.layer_for_history(history_index)
    return ImageLocation(
        image=image.name,
        history=history_index,
        layer=layer.index if layer is not None else None,
        layer_digest=layer.digest if layer is not None else None,
    )


def last_entry(image: Image, keyword: str, test: Callable[[HistoryInstruction], bool] = lambda _: True) -> int | None:
    """The index of the newest history entry recording `keyword` for which `test` holds."""
    history = image.config.history
    for index in range(len(history) - 1, -1, -1):
        instruction = parse_created_by(history[index].created_by)
        if instruction is not None and instruction.keyword == keyword and test(instruction):
            return index
    return None


def config_or_entry(image: Image, history_index: int | None) -> ImageLocation:
    """The entry's location when one is known, else the image config's."""
    if history_index is None:
        return ImageLocation(image=image.name)
    return history_location(image, history_index)


