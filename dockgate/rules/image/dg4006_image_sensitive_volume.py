"""
## What it does
Reports a volume of the image config (`Volumes`) on a path that holds the
system's or the host's sensitive state: `/`, `/proc`, `/sys`, `/dev`,
`/etc`, `/root`, or the Docker socket (`/var/run/docker.sock`,
`/run/docker.sock`). Paths are compared after removing trailing slashes.
The finding points at the history entry of the last `VOLUME` that named the
path, when there is one. It is DG2013 for a built image, whose volumes may
come from the base image rather than the Dockerfile.

## Why is this bad?
Every container started from the image gets a volume there. Over `/proc`,
`/sys` or `/dev` it hides the kernel interfaces the container needs or
invites bind-mounting the host's; over `/etc` or `/root` it moves accounts,
keys and configuration out of the image into volumes that outlive it; a
volume at the Docker socket path invites mounting the host's daemon socket,
which is root on the host.

## Example
```dockerfile
FROM docker:27-cli
VOLUME /var/run/docker.sock
```

## Use instead
```dockerfile
FROM alpine:3.20
VOLUME /var/lib/app/data
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.dockerfile.paths import normalised_path
from dockgate.rule_api.findings import ImageViolation, Level
from dockgate.rule_api.rule import ImageContext, RuleMeta
from dockgate.rules.common.evidence import VOLUME_ADVICE, sensitive_volume
from dockgate.rules.common.history_entries import config_or_entry, last_entry

RULE = RuleMeta(
    code="DG4006",
    name="image-sensitive-volume",
    summary="the image config declares a volume on a system path or the Docker socket",
    level=Level.WARNING,
    security_severity=7.5,
    tags=("security", "CWE-668", "CWE-250"),
    aliases=("DKL-DI-0002",),
    target="image",
    documentation=__doc__,
)


def check(context: ImageContext) -> Iterator[ImageViolation]:
    image = context.image
    for volume in image.config.config.volumes or {}:
        path = sensitive_volume(volume)
        if path is None:
            continue
        entry = last_entry(
            image, "VOLUME", lambda instruction: path in map(normalised_path, instruction.arguments.split())
        )
        yield ImageViolation(
            f"The image declares a volume on {path}, over sensitive system state; {VOLUME_ADVICE}",
            config_or_entry(image, entry),
        )
