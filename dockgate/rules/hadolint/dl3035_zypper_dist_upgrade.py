"""
## What it does
Reports `zypper dist-upgrade` (`zypper dup`) in a RUN.

## Why is this bad?
A distribution upgrade moves every package of the base image to whatever
the repositories offer, possibly across product versions. The image no
longer matches the tag it is built `FROM`, builds stop being reproducible,
and the upgrade can swap libraries under the application. A newer base
image is the way to get a newer distribution.

## Example
```dockerfile
FROM opensuse/leap:15.5
RUN zypper --non-interactive dup
```

## Use instead
```dockerfile
FROM opensuse/leap:15.6
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.package_managers import (
    ZYPPER_OPTIONS,
    package_commands,
)
from dockgate.rules.common.run_commands import instruction_line

RULE = RuleMeta(
    code="DL3035",
    name="zypper-dist-upgrade",
    summary="`zypper dist-upgrade` used in RUN",
    level=Level.WARNING,
    documentation=__doc__,
)

MESSAGE = "Do not use `zypper dist-upgrade`."


def check(context: LintContext) -> Iterator[Violation]:
    for run, commands in package_commands(context, ("zypper",), ZYPPER_OPTIONS):
        for command in commands:
            word = command.subcommand_word
            if word is not None and word.value in ("dist-upgrade", "dup"):
                yield Violation(MESSAGE, word.span, instruction_line(run))
