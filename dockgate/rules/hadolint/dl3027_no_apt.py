"""
## What it does
Reports every call of `apt` in a RUN.

## Why is this bad?
`apt` is the interactive front end: its output and options are meant for
people and may change between releases, and it warns "apt does not have a
stable CLI interface" when used in scripts. `apt-get` and `apt-cache` do
the same work with a stable interface intended for scripts.

## Example
```dockerfile
FROM debian:12
RUN apt update && apt install -y curl
```

## Use instead
```dockerfile
FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8 \
 && rm -rf /var/lib/apt/lists/*
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.package_managers import (
    APT_OPTIONS,
    package_commands,
)
from dockgate.rules.common.run_commands import instruction_line

RULE = RuleMeta(
    code="DL3027",
    name="no-apt",
    summary="`apt` used in RUN; use apt-get or apt-cache",
    level=Level.WARNING,
    documentation=__doc__,
)

MESSAGE = "Do not use apt as it is meant to be an end-user tool, use apt-get or apt-cache instead"


def check(context: LintContext) -> Iterator[Violation]:
    for run, commands in package_commands(context, ("apt",), APT_OPTIONS):
        for command in commands:
            yield Violation(MESSAGE, command.command.name_span, instruction_line(run))
