"""
## What it does
Reports an image whose config has no health check: `Healthcheck` is
missing, has no test, or is `NONE` (`HEALTHCHECK NONE` switches off the
base image's). A `NONE` points at the history entry that wrote it; a
missing one at the config.

## Why is this bad?
Without a health check the runtime only knows whether the main process is
alive, not whether it still serves: a hung server stays "running" and
Docker Swarm and Compose (`depends_on: condition: service_healthy`) cannot
wait for it or replace it. Orchestrators with their own probes (Kubernetes)
ignore the image's check, so this is informational.

## Example
```dockerfile
FROM nginx:1.27
COPY site /usr/share/nginx/html
```

## Use instead
```dockerfile
FROM nginx:1.27
COPY site /usr/share/nginx/html
HEALTHCHECK --interval=30s CMD curl -fsS http://localhost/ || exit 1
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.rule_api.findings import ImageViolation, Level
from dockgate.rule_api.rule import ImageContext, RuleMeta
from dockgate.rules.common.history_entries import config_or_entry, last_entry

RULE = RuleMeta(
    code="DG4002",
    name="image-without-healthcheck",
    summary="the image config has no health check",
    level=Level.INFO,
    precision="very-high",
    tags=("reliability",),
    aliases=("CIS-DI-0006", "DS-0026", "CIS-4.6"),
    target="image",
    documentation=__doc__,
)


def check(context: ImageContext) -> Iterator[ImageViolation]:
    image = context.image
    healthcheck = image.config.config.healthcheck
    test = healthcheck.test if healthcheck is not None else None
    if not test:
        yield ImageViolation(
            "The image config has no health check; add a HEALTHCHECK so the runtime can tell a hung container",
            config_or_entry(image, None),
        )
    elif test[0].upper() == "NONE":
        yield ImageViolation(
            "The image's health check is switched off (HEALTHCHECK NONE); add a HEALTHCHECK that tests the service",
            config_or_entry(image, last_entry(image, "HEALTHCHECK")),
        )
