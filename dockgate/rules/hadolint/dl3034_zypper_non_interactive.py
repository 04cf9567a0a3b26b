"""
## What it does
Reports a zypper command that changes packages (`install`/`in`,
`remove`/`rm`, `source-install`/`si`, `patch`) without a non-interactive
switch: `-y`/`--no-confirm`, or the global `-n`/`--non-interactive`.

## Why is this bad?
A build has no terminal. zypper asks for confirmation, gets no answer and
stops, so the build fails or hangs.

## Example
```dockerfile
FROM opensuse/leap:15.6
RUN zypper install httpd=2.4.58 && zypper clean
```

## Use instead
```dockerfile
FROM opensuse/leap:15.6
RUN zypper --non-interactive install httpd=2.4.58 && zypper clean
```

## Fix safety
Safe: the fix writes the global switch `-n` right after `zypper`. Without a
non-interactive switch zypper waits for an answer the build cannot give;
with it zypper takes the default answers, which is what the RUN asked for.
"""

from __future__ import annotations

from typing import Iterator

from dockgate.rule_api.findings import Applicability, Fix, Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.shell_edits import insert_after_program
from dockgate.rules.common.package_managers import (
    ZYPPER_OPTIONS,
    package_commands,
)
from dockgate.rules.common.run_commands import instruction_line

RULE = RuleMeta(
    code="DL3034",
    name="zypper-non-interactive",
    summary="zypper install/remove without a non-interactive switch",
    level=Level.WARNING,
    fix=Applicability.SAFE,
    documentation=__doc__,
)

MESSAGE = "Non-interactive switch missing from `zypper` command: `zypper install -y`"

_CHANGING_SUBCOMMANDS = frozenset({"install", "in", "remove", "rm", "source-install", "si", "patch"})


def check(context: LintContext) -> Iterator[Violation]:
    for run, commands in package_commands(context, ("zypper",), ZYPPER_OPTIONS):
        for command in commands:
            if command.subcommand in _CHANGING_SUBCOMMANDS and not command.has_option(
                "y", "no-confirm", "n", "non-interactive"
            ):
                edit = insert_after_program(context.document, command.command, " -n")
                fix = Fix.safe("Add `-n`", edit) if edit is not None else None
                yield Violation(MESSAGE, command.command.name_span, instruction_line(run), fix=fix)
