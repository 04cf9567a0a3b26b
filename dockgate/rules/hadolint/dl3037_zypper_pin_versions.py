"""
## What it does
Reports each package of a `zypper install` without a version
(`name=version`, `name>=version`, `name<version`, ...). `.rpm` files pass;
with `-t`/`--type` other than `package` (patterns, patches, products) the
command is left alone. A variable such as `$PACKAGES` is judged by the
value the file gives it (ARG default or ENV).

## Why is this bad?
Without a version, every build installs whatever the repositories hold
that day, so two builds of one Dockerfile can differ and a rebuild can pick
up a breaking update without any change to the file.

## Example
```dockerfile
FROM opensuse/leap:15.6
RUN zypper --non-interactive install httpd && zypper clean
```

## Use instead
```dockerfile
FROM opensuse/leap:15.6
RUN zypper --non-interactive install httpd=2.4.58 && zypper clean
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.package_managers import (
    ZYPPER_OPTIONS,
    package_commands,
    package_values,
)
from dockgate.rules.common.run_commands import instruction_line

RULE = RuleMeta(
    code="DL3037",
    name="zypper-pin-versions",
    summary="a package of `zypper install` has no pinned version",
    level=Level.WARNING,
    documentation=__doc__,
)

MESSAGE = "Specify version with `zypper install -y {package}=<version>`."


def is_pinned(spec: str) -> bool:
    return any(operator in spec for operator in "=<>") or spec.endswith(".rpm")


def check(context: LintContext) -> Iterator[Violation]:
    for run, commands in package_commands(context, ("zypper",), ZYPPER_OPTIONS):
        for command in commands:
            if command.subcommand not in ("install", "in"):
                continue
            if any(kind != "package" for kind in command.option_values("t", "type")):
                continue
            for word in command.arguments:
                if not all(is_pinned(value) for value in package_values(context, run, word)):
                    yield Violation(MESSAGE.format(package=context.document.slice(word.span)), word.span, instruction_line(run))
