"""
## What it does
Reports a RUN that calls a program meant for an interactive machine or a
running system: `free`, `kill`, `mount`, `ps`, `service`, `shutdown`, `ssh`,
`top` or `vim`. ONBUILD triggers are checked too.

(hadolint's message also names `ifconfig`, which it never checks; the
message is kept as hadolint prints it.)

## Why is this bad?
A RUN executes once, while the image is built, in a throw-away container
with no init system, no services and nobody at the keyboard. Starting a
service there does not leave it running in the image, `ps` and `top` show
only the build step, an editor waits for input that never comes, and
`mount` changes nothing that survives the step.

## Example
```dockerfile
FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends nginx \
    && service nginx start
```

## Use instead
```dockerfile
FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends nginx
CMD ["nginx", "-g", "daemon off;"]
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.run_commands import first_calls, instruction_line

RULE = RuleMeta(
    code="DL3001",
    name="pointless-command",
    summary="a RUN calls a program that makes no sense while building an image",
    level=Level.INFO,
    documentation=__doc__,
)

MESSAGE = (
    "For some bash commands it makes no sense running them in a Docker container like "
    "`ssh`, `vim`, `shutdown`, `service`, `ps`, `free`, `top`, `kill`, `mount`, `ifconfig`"
)
# hadolint's list; `ifconfig` is only in its message.
POINTLESS_PROGRAMS = frozenset({"free", "kill", "mount", "ps", "service", "shutdown", "ssh", "top", "vim"})


def check(context: LintContext) -> Iterator[Violation]:
    for run, command in first_calls(context, POINTLESS_PROGRAMS):
        yield Violation(MESSAGE, command.name_span, instruction_line(run))
