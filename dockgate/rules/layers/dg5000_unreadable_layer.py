"""
## What it does
Reports a layer that could not be read to its end, or that holds hostile
entries, one finding per problem: a gzip stream that is truncated or corrupt,
a tar without its end-of-archive marker or with a corrupt header, a
compression other than gzip, zstd or plain tar (or zstd without the
`zstandard` module installed), a decompression bomb (more than 200 times
expansion past the first 128 MiB, or more than 64 GiB from one layer), an
entry whose name or hard-link target climbs out of the layer root with
`..` (the first twenty of a layer are listed, then one finding says there
are more), more than 1,000,000 entries in one layer, more than 16 MiB of
account, access and credential files in one layer (their contents are not
checked past that), and a layer left unread because the layers below it
already hold 2,000,000 entries, the most dockgate checks in one image (a
layer the manifest lists again counts again, though it is read only once).

Everything read before the problem is still checked by the other layer
rules; what comes after it is not, so their silence about this layer proves
little.

## Why is this bad?
A container runtime or another scanner may read such a layer differently,
or not at all: a path that climbs out of the root is the classic archive
path-traversal attack on whatever extracts the layer, a bomb exhausts the
disk or memory of the machine that unpacks it, and a truncated blob means the
image in the store is not the image that was pushed. Some writers also emit
layers without the tar end marker (umoci 0.4.7 `insert`), which GNU tar
rejects.

## Example
A layer written by hand or by a broken tool:
```dockerfile
FROM scratch
# a tar whose member is named ../../etc/cron.d/job
ADD payload.tar /
```

## Use instead
Rebuild the layer with a current builder (BuildKit, buildah, umoci 0.5 or
later) from files inside the build context, and push it again.
"""

from __future__ import annotations

from typing import Iterator

from dockgate.rule_api.findings import ImageViolation, Level
from dockgate.rule_api.rule import ImageContext, RuleMeta
from dockgate.rules.common.layer_reporting import layer_location

RULE = RuleMeta(
    code="DG5000",
    name="unreadable-layer",
    summary="A layer cannot be read completely or holds hostile entries",
    level=Level.ERROR,
    precision="very-high",
    security_severity=6.5,
    tags=("security", "CWE-22", "CWE-409"),
    target="image",
    needs_layers=True,
    documentation=__doc__,
)


def check(context: ImageContext) -> Iterator[ImageViolation]:
    for scan in context.filesystem.layers:
        for problem in scan.problems:
            path = problem.path.lstrip("/") if problem.path is not None else None
            yield ImageViolation(f"layer {scan.index}: {problem.message}", layer_location(context, scan.index, path))
