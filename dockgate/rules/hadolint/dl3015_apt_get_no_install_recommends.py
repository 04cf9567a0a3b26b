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

## Fix safety
Unsafe: the fix writes `--no-install-recommends` after `install`, so the
packages the requested ones only recommend are no longer installed. A program
in the image may need one of them; check that it still works.
"""

from __future__ import annotations

from typing import Iterator

from dockgate.rule_api.findings import Applicability, Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.apt_checks import installs_lacking, sets_apt_option
from dockgate.rules.common.package_managers import PackageCommand

RULE = RuleMeta(
    code="DL3015",
    name="apt-get-no-install-recommends",
    summary="`apt-get install` without `--no-install-recommends`",
    level=Level.INFO,
    fix=Applicability.UNSAFE,
    documentation=__doc__,
)

MESSAGE = "Avoid additional packages by specifying `--no-install-recommends`"

_FALSE = ("false", "no", "0", "off")


def skips_recommends(command: PackageCommand) -> bool:
    return command.has_option("no-install-recommends") or sets_apt_option(command, "apt::install-recommends", _FALSE)


def check(context: LintContext) -> Iterator[Violation]:
    return installs_lacking(context, skips_recommends, MESSAGE, "--no-install-recommends", Applicability.UNSAFE)
