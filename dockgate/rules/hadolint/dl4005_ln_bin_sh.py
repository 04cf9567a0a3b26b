"""
## What it does
Reports a RUN that makes `/bin/sh` a link to another shell (`ln -sf
/bin/bash /bin/sh`). Only links whose name is `/bin/sh` count; hadolint
reports any `ln` that mentions `/bin/sh`, as the target too. ONBUILD
triggers are checked too.

## Why is this bad?
Replacing `/bin/sh` changes the shell of every script and package hook in
the image, not only of the RUN instructions, and it silently changes what
the base image's own tooling runs under. The `SHELL` instruction changes
the shell of the following RUN, CMD and ENTRYPOINT shell forms, visibly and
without touching the file system.

## Example
```dockerfile
FROM debian:12
RUN ln -sf /bin/bash /bin/sh
RUN source /opt/env.sh && make
```

## Use instead
```dockerfile
FROM debian:12
SHELL ["/bin/bash", "-c"]
RUN source /opt/env.sh && make
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.analysis.shell import ShellCommand, ShellWord
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.package_managers import (
    OptionSyntax,
    parse_command,
)
from dockgate.rules.common.run_commands import instruction_line

RULE = RuleMeta(
    code="DL4005",
    name="ln-bin-sh",
    summary="`/bin/sh` replaced with `ln` instead of using SHELL",
    level=Level.WARNING,
    documentation=__doc__,
)

MESSAGE = "Use SHELL to change the default shell"
LN_OPTIONS = OptionSyntax(frozenset("St"), frozenset({"suffix", "target-directory"}))


def check(context: LintContext) -> Iterator[Violation]:
    for run in context.run_scripts:
        if run.script is None:
            continue
        for command in run.script.calls("ln"):
            link = _link_to_bin_sh(command)
            if link is not None:
                yield Violation(MESSAGE, link.span, instruction_line(run))
                break


def _link_to_bin_sh(command: ShellCommand) -> ShellWord | None:
    """The `/bin/sh` word when it is the name of the link `ln` makes (its last operand)."""
    parsed = parse_command(command, LN_OPTIONS)
    if parsed.option_values("t", "target-directory") or len(parsed.operands) < 2:
        return None
    link = parsed.operands[-1]
    return link if link.value.rstrip("/") == "/bin/sh" else None
