"""
## What it does
Reports an `apt-get install` without `--no-install-recommends` (or
`-o APT::Install-Recommends=false`).

## Why is this bad?
By default apt-get also installs every package the requested ones merely
recommend: documentation, optional tools, sometimes whole language
runtimes. They make the image larger, add packages that need security
updates, and are rarely needed by the program the image is built for.

## Example
```dockerfile
FROM debian:12
RUN apt-get update && apt-get install -y curl=7.88.1-10+deb12u8
```

## Use instead
```dockerfile
FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.package_managers import (
    APT_OPTIONS,
    PackageCommand,
    instruction_line,
    package_commands,
)

RULE = RuleMeta(
    code="DL3015",
    name="apt-get-no-install-recommends",
    summary="`apt-get install` without `--no-install-recommends`",
    level=Level.INFO,
    documentation=__doc__,
)

MESSAGE = "Avoid additional packages by specifying `--no-install-recommends`"

_FALSE = ("false", "no", "0", "off")


def skips_recommends(command: PackageCommand) -> bool:
    if command.has_option("no-install-recommends"):
        return True
    for setting in command.option_values("o", "option"):
        key, _, value = setting.partition("=")
        if key.strip().lower() == "apt::install-recommends" and value.strip("'\" ").lower() in _FALSE:
            return True
    return False


def check(context: LintContext) -> Iterator[Violation]:
    for run, commands in package_commands(context, ("apt-get",), APT_OPTIONS):
        for command in commands:
            if command.subcommand == "install" and not skips_recommends(command):
                yield Violation(MESSAGE, command.command.name_span, instruction_line(run))
