"""
## What it does
Reports a layer that adds bytes which a later layer deletes or overwrites:
files removed by a whiteout (`RUN rm`), hidden below a replaced directory,
or replaced by a new version of the same path (`RUN chmod` or `chown` of a
file copies the whole file into the new layer). One finding per layer whose
wasted bytes reach the threshold, naming its three largest such files and
the layers that removed them.

The threshold is 10 MiB, or 10% of the image's uncompressed size when that
is smaller (a 40 MiB image wastes a lot with 4 MiB), but never below 1 MiB,
so that small images are not flooded with findings about a few kilobytes.
The image's uncompressed size counts the regular files of every layer.

## Why is this bad?
Every layer is pulled and stored whole. Deleting a file in a later layer
makes the image larger, not smaller: the bytes stay in the layer that added
them and the deletion adds a whiteout. Downloads, registry storage and cold
starts pay for bytes no container can see.

## Example
```dockerfile
FROM debian:bookworm
COPY app.tar.gz /tmp/
RUN tar -xzf /tmp/app.tar.gz -C /opt && rm /tmp/app.tar.gz
```

## Use instead
```dockerfile
FROM debian:bookworm
RUN --mount=type=bind,source=app.tar.gz,target=/tmp/app.tar.gz \
    tar -xzf /tmp/app.tar.gz -C /opt
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.rule_api.findings import ImageViolation, Level
from dockgate.rule_api.rule import ImageContext, RuleMeta
from dockgate.rules.common.layer_reporting import human_size, layer_location

RULE = RuleMeta(
    code="DG5007",
    name="wasted-space",
    summary="A layer adds bytes that a later layer deletes or overwrites",
    level=Level.INFO,
    precision="very-high",
    tags=("image-size",),
    target="image",
    needs_layers=True,
    documentation=__doc__,
)

THRESHOLD_BYTES = 10 * 1024**2
THRESHOLD_SHARE = 0.10
MINIMUM_THRESHOLD_BYTES = 1024**2
NAMED_FILES = 3


def check(context: ImageContext) -> Iterator[ImageViolation]:
    filesystem = context.filesystem
    threshold = max(MINIMUM_THRESHOLD_BYTES, min(THRESHOLD_BYTES, int(filesystem.uncompressed_size * THRESHOLD_SHARE)))
    for scan, removals in zip(filesystem.layers, filesystem.removals):
        wasted = [(scan.entries[path].size, path, removal) for path, removal in removals.items() if scan.entries[path].size]
        total = sum(size for size, _, _ in wasted)
        if total < threshold:
            continue
        largest = sorted(wasted, key=lambda item: (-item[0], item[1]))[:NAMED_FILES]
        named = ", ".join(
            f"/{path} {human_size(size)} {removal.how} in layer {removal.layer}" for size, path, removal in largest
        )
        yield ImageViolation(
            f"{human_size(total)} added in layer {scan.index} is deleted or overwritten by later layers "
            f"(largest: {named}): delete files in the RUN that creates them, and set modes and owners "
            "with COPY --chmod/--chown rather than in a later RUN",
            layer_location(context, scan.index),
        )
