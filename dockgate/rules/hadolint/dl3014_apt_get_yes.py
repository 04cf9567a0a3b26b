"""
## What it does
Reports an `apt-get install` that does not answer its prompt in advance:
no `-y`/`--yes`/`--assume-yes`, no quiet level of two or more (`-qq`,
`-q -q`, `-q=2`, which imply yes), and no `-o APT::Get::Assume-Yes=true`.

## Why is this bad?
A build has no terminal. When apt-get asks "Do you want to continue?", it
reads end-of-file, aborts, and the build fails, typically only once a
dependency change makes apt-get ask.

## Example
```dockerfile
FROM debian:12
RUN apt-get update && apt-get install --no-install-recommends curl=7.88.1-10+deb12u8
```

## Use instead
```dockerfile
FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8
```

## Fix safety
Safe: the fix writes `-y` after `install`. Without it apt-get stops at its
question, reads no answer and the build fails; with it the install goes
ahead, which is what the RUN asked for.
"""

from __future__ import annotations

from typing import Iterator

from dockgate.rule_api.findings import Applicability, Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.apt_checks import installs_lacking, sets_apt_option
from dockgate.rules.common.package_managers import PackageCommand

RULE = RuleMeta(
    code="DL3014",
    name="apt-get-yes",
    summary="`apt-get install` without `-y`",
    level=Level.WARNING,
    fix=Applicability.SAFE,
    documentation=__doc__,
)

MESSAGE = "Use the `-y` switch to avoid manual input `apt-get -y install <package>`"

_TRUE = ("true", "yes", "1", "on")


def assumes_yes(command: PackageCommand) -> bool:
    if command.has_option("y", "yes", "assume-yes") or sets_apt_option(command, "apt::get::assume-yes", _TRUE):
        return True
    quiet = 0
    for option in command.options:
        if option.name in ("q", "quiet"):
            if option.value is None:
                quiet += 1
            elif option.value.isdigit():
                quiet = int(option.value)
    # apt-get: a quiet level of 2 or more implies --assume-yes.
    return quiet >= 2


def check(context: LintContext) -> Iterator[Violation]:
    return installs_lacking(context, assumes_yes, MESSAGE, "-y", Applicability.SAFE)
