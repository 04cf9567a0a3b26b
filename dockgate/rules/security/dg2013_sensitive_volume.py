"""
## What it does
Reports a `VOLUME` on a path that holds the host's or the system's
sensitive state: `/`, `/proc`, `/sys`, `/dev`, `/etc`, `/root`, or the
Docker socket (`/var/run/docker.sock`, `/run/docker.sock`). Paths are
expanded with the ARG and ENV values the file fixes and compared after
removing trailing slashes. Only stages that end up in an image are checked.

## Why is this bad?
A `VOLUME` asks the runtime to mount a volume there on every `docker run`.
Over `/proc`, `/sys` or `/dev` it hides the kernel interfaces the container
needs or invites bind-mounting the host's; over `/etc` or `/root` it moves
accounts, keys and configuration out of the image where they outlive it and
can be shared between containers; a volume at the Docker socket path is an
invitation to mount the host's daemon socket, which is root on the host.

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

from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.evidence import VOLUME_ADVICE, sensitive_volume

RULE = RuleMeta(
    code="DG2013",
    name="sensitive-volume",
    summary="VOLUME on a system path or the Docker socket",
    level=Level.WARNING,
    judges="image",
    security_severity=7.5,
    tags=("security", "CWE-668", "CWE-250"),
    aliases=("DKL-DI-0002",),
    documentation=__doc__,
)


def check(context: LintContext) -> Iterator[Violation]:
    semantics = context.semantics
    for stage in context.what_ships.image_stages():
        for instruction in stage.instructions:
            if instruction.keyword != "VOLUME":
                continue
            for word in instruction.args:
                expanded = semantics.expand_in(instruction, word.value).value
                if expanded is None:
                    continue
                path = sensitive_volume(expanded)
                if path is not None:
                    yield Violation(
                        f"VOLUME {path} mounts over sensitive system state; {VOLUME_ADVICE}",
                        word.span,
                        instruction.line,
                    )
