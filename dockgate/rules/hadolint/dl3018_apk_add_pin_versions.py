"""
## What it does
Reports each package of an `apk add` that is not pinned to a version
(`name=version`, `name~version`, `name>=version`, `name<version`, ...).
Local `.apk` files count as pinned; the values of `--virtual`/`-t` and
`--repository`/`-X` are not packages. A variable such as `$PACKAGES` is
judged by the value the file gives it (ARG default or ENV).

## Why is this bad?
Without a version, every build installs whatever the Alpine repository
holds that day, so two builds of one Dockerfile can differ and a rebuild
can pick up a breaking update without any change to the file.

## Example
```dockerfile
FROM alpine:3.20
RUN apk add --no-cache curl
```

## Use instead
```dockerfile
FROM alpine:3.20
RUN apk add --no-cache curl=8.9.1-r1
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.package_managers import (
    APK_OPTIONS,
    package_commands,
    package_values,
)
from dockgate.rules.common.run_commands import instruction_line

RULE = RuleMeta(
    code="DL3018",
    name="apk-add-pin-versions",
    summary="a package of `apk add` has no pinned version",
    level=Level.WARNING,
    documentation=__doc__,
)

MESSAGE = "Pin versions in apk add. Instead of `apk add {package}` use `apk add {package}=<version>`"


def is_pinned(spec: str) -> bool:
    return any(operator in spec for operator in "=~<>") or spec.endswith(".apk")


def check(context: LintContext) -> Iterator[Violation]:
    for run, commands in package_commands(context, ("apk",), APK_OPTIONS):
        for command in commands:
            if command.subcommand != "add":
                continue
            for word in command.arguments:
                if not all(is_pinned(value) for value in package_values(context, run, word)):
                    yield Violation(MESSAGE.format(package=context.document.slice(word.span)), word.span, instruction_line(run))
