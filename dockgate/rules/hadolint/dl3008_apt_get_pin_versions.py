"""
## What it does
Reports each package of an `apt-get install` that is not pinned to a
version (`name=version`). Local `.deb` files and words with a `/` (a path,
or `name/release`) count as pinned; the value of `-t`/`--target-release` is
not a package. A variable such as `$PACKAGES` is judged by the value the
file gives it (ARG default or ENV); hadolint reports every variable.

## Why is this bad?
Without a version, every build installs whatever the archive holds that
day. Two builds of the same Dockerfile can differ, a rebuild can pull in a
breaking update without any change to the file, and a layer cache hides
the difference until it is invalidated.

## Example
```dockerfile
FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends curl
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
    package_commands,
    package_values,
)
from dockgate.rules.common.run_commands import instruction_line

RULE = RuleMeta(
    code="DL3008",
    name="apt-get-pin-versions",
    summary="a package of `apt-get install` has no pinned version",
    level=Level.WARNING,
    documentation=__doc__,
)

MESSAGE = (
    "Pin versions in apt get install. Instead of `apt-get install {package}` "
    "use `apt-get install {package}=<version>`"
)


def is_pinned(spec: str) -> bool:
    return "=" in spec or "/" in spec or spec.endswith(".deb")


def check(context: LintContext) -> Iterator[Violation]:
    for run, commands in package_commands(context, ("apt-get",), APT_OPTIONS):
        for command in commands:
            if command.subcommand != "install":
                continue
            for word in command.arguments:
                if not all(is_pinned(value) for value in package_values(context, run, word)):
                    yield Violation(MESSAGE.format(package=context.document.slice(word.span)), word.span, instruction_line(run))
