"""
## What it does
Reports `sudo` in a RUN, ONBUILD triggers included.

## Why is this bad?
Build steps run as root unless a `USER` says otherwise, so `sudo` is not
needed to gain privileges. Where a step does run as another user, `sudo`
depends on its configuration (a tty, a password, `secure_path`, which
environment it keeps), so the same command can behave differently from
one base image to the next; and leaving `sudo` in an image makes privilege
escalation easy for whatever runs in the container. Switch users with
`USER`, or with a tool such as `gosu` or `su-exec` in an entrypoint.

## Example
```dockerfile
FROM ubuntu:24.04
USER app
RUN sudo apt-get update
```

## Use instead
```dockerfile
FROM ubuntu:24.04
RUN apt-get update
USER app
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.run_commands import first_calls, instruction_line

RULE = RuleMeta(
    code="DL3004",
    name="sudo",
    summary="`sudo` in a RUN",
    level=Level.ERROR,
    security_severity=4.0,
    tags=("security", "CWE-250"),
    documentation=__doc__,
)

MESSAGE = "Do not use sudo as it leads to unpredictable behavior. Use a tool like gosu to enforce root"


def check(context: LintContext) -> Iterator[Violation]:
    for run, command in first_calls(context, ("sudo",)):
        yield Violation(MESSAGE, command.name_span, instruction_line(run))
