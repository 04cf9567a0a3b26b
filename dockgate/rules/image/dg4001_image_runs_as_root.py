"""
## What it does
Reports an image whose config runs containers as root: `User` is empty
(nothing set it), `root` or `0`, with or without a group (`root:root`,
`0:0`, `0:1000`). A numeric non-zero user such as `1000` or `65532:65532`
passes. The finding points at the history entry of the last `USER`
instruction when there is one, else at the config. Windows images are
skipped: their users (`ContainerUser`, `ContainerAdministrator`) are not
root in the Linux sense.

Unlike dockle's CIS-DI-0001, which only knows the literal `root`, `0` and
`0:0` are treated alike.

## Why is this bad?
A process running as root in a container turns any escape from the
application into root inside the container, and with some runtime settings
into root on the host. The image config is what `docker run` uses when the
user passes no `--user`, whatever the Dockerfile looked like.

## Example
```dockerfile
FROM debian:12-slim
COPY app /usr/local/bin/app
USER 0
CMD ["app"]
```

## Use instead
```dockerfile
FROM debian:12-slim
COPY app /usr/local/bin/app
USER 65532:65532
CMD ["app"]
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.rule_api.findings import ImageViolation, Level
from dockgate.rule_api.rule import ImageContext, RuleMeta
from dockgate.rules.common.history_entries import config_or_entry, last_entry

RULE = RuleMeta(
    code="DG4001",
    name="image-runs-as-root",
    summary="the image config runs containers as root",
    level=Level.WARNING,
    precision="very-high",
    security_severity=7.0,
    tags=("security", "CWE-250", "CWE-269"),
    aliases=("CIS-DI-0001", "DS-0002", "CIS-4.1"),
    target="image",
    documentation=__doc__,
)

ROOT_USERS = frozenset({"", "root", "0"})


def check(context: ImageContext) -> Iterator[ImageViolation]:
    image = context.image
    if image.config.os.lower() == "windows":
        return
    user = (image.config.config.user or "").strip()
    if user.partition(":")[0] not in ROOT_USERS:
        return
    if not user:
        yield ImageViolation(
            "The image config sets no User, so containers run as root; add a non-root USER",
            config_or_entry(image, None),
        )
        return
    yield ImageViolation(
        f"The image config's User {user!r} means root, so containers run as root; switch to a non-root USER",
        config_or_entry(image, last_entry(image, "USER")),
    )
