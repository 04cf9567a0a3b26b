"""
## What it does
Reports package-manager caches left in the final filesystem, one finding
per cache with the bytes it holds:

* apt: `/var/lib/apt/lists/` (all but `lock` and `partial/`), the
  `/var/cache/apt/*.bin` package caches and `/var/cache/apt/archives/*.deb`;
* apk: `/var/cache/apk/`; yum and dnf: `/var/cache/yum/`, `/var/cache/dnf/`;
* pip: `.cache/pip/` in any home; npm: `.npm/_cacache/`; yarn:
  `.cache/yarn/` (yarn 1, also `/usr/local/share/.cache/yarn/`) and
  `.yarn/berry/cache/`.

A cache that holds only empty files is not reported. The finding is on the
layer that added most of the cache's bytes.

## Why is this bad?
Caches are only needed while installing. Left in the image they add
megabytes to every pull and every node's disk, and stale package lists make
a later `apt-get install` in a derived image install outdated versions.
Deleting them in a later layer does not help (DG5007): the layer that wrote
them keeps them.

## Example
```dockerfile
FROM debian:bookworm
RUN apt-get update && apt-get install -y curl
```

## Use instead
```dockerfile
FROM debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
```
"""

from __future__ import annotations

from collections import Counter
from typing import Iterator

from dockgate.lazy_pattern import LazyPattern
from dockgate.rule_api.findings import ImageViolation, Level
from dockgate.rule_api.rule import ImageContext, RuleMeta
from dockgate.rules.common.layer_reporting import human_size, layer_location

RULE = RuleMeta(
    code="DG5004",
    name="package-cache-left",
    summary="A package manager's cache is left in the image",
    level=Level.INFO,
    tags=("image-size", "cache"),
    aliases=("CIS-4.3",),
    target="image",
    needs_layers=True,
    documentation=__doc__,
)

# (package manager, pattern whose first group is the cache root, for a file inside the cache)
CACHES: tuple[tuple[str, LazyPattern[str]], ...] = (
    ("apt", LazyPattern(r"^(var/lib/apt/lists)/(?!lock$|partial/)")),
    ("apt", LazyPattern(r"^(var/cache/apt)/(?:[^/]+\.bin$|archives/[^/]+\.deb$)")),
    ("apk", LazyPattern(r"^(var/cache/apk)/")),
    ("yum", LazyPattern(r"^(var/cache/yum)/")),
    ("dnf", LazyPattern(r"^(var/cache/dnf)/")),
    ("pip", LazyPattern(r"^((?:.*?/)?\.cache/pip)/")),
    ("npm", LazyPattern(r"^((?:.*?/)?\.npm/_cacache)/")),
    ("yarn", LazyPattern(r"^((?:.*?/)?\.cache/yarn)/")),
    ("yarn", LazyPattern(r"^((?:.*?/)?\.yarn/berry/cache)/")),
)


def check(context: ImageContext) -> Iterator[ImageViolation]:
    sizes: dict[tuple[str, str], Counter[int]] = {}
    for path, (layer, entry) in context.filesystem.final.items():
        if entry.kind != "file" or not entry.size:
            continue
        for manager, pattern in CACHES:
            match = pattern.match(path)
            if match is not None:
                sizes.setdefault((manager, match.group(1)), Counter())[layer] += entry.size
                break
    for (manager, root), by_layer in sorted(sizes.items(), key=lambda item: item[0][1]):
        layer = by_layer.most_common(1)[0][0]
        yield ImageViolation(
            f"the {manager} cache /{root} holds {human_size(sum(by_layer.values()))}: "
            "delete it in the same RUN that fills it, or use a cache mount (RUN --mount=type=cache)",
            layer_location(context, layer, root),
        )
