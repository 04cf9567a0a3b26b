"""
## What it does
Reports an image whose config exposes the SSH port: `ExposedPorts` holds
`22/tcp` (or `22` without a protocol, as some tools write it). `22/udp` is
not SSH. The finding points at the history entry of the last `EXPOSE` that
listed the port, when there is one.

## Why is this bad?
A container is managed through its runtime (`docker exec`, `kubectl
exec`), not by logging in. An SSH daemon adds a network service that
accepts passwords or keys, usually with host keys baked into the image and
shared by every container started from it.

## Example
```dockerfile
FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends openssh-server
EXPOSE 22
CMD ["/usr/sbin/sshd", "-D"]
```

## Use instead
```dockerfile
FROM debian:12
# debug with `docker exec -it <container> sh`
EXPOSE 8080
CMD ["app"]
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.rule_api.findings import ImageViolation, Level
from dockgate.rule_api.rule import ImageContext, RuleMeta
from dockgate.rules.common.evidence import SSH_ADVICE, is_ssh_port
from dockgate.rules.common.history_entries import config_or_entry, last_entry

RULE = RuleMeta(
    code="DG4004",
    name="image-exposes-ssh",
    summary="the image config exposes port 22 (SSH)",
    level=Level.WARNING,
    security_severity=5.3,
    tags=("security", "CWE-284", "CWE-1327"),
    aliases=("DS-0004", "Exposing Port 22 (SSH)"),
    target="image",
    documentation=__doc__,
)


def check(context: ImageContext) -> Iterator[ImageViolation]:
    image = context.image
    for port in image.config.config.exposed_ports or {}:
        if not is_ssh_port(port):
            continue
        entry = last_entry(image, "EXPOSE", lambda instruction: any(map(is_ssh_port, instruction.arguments.split())))
        yield ImageViolation(
            f"The image exposes {port} (SSH); {SSH_ADVICE}",
            config_or_entry(image, entry),
        )
