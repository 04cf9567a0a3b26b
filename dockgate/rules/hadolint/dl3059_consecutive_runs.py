"""
## What it does
Reports a RUN that directly follows another RUN when both are simple: each
runs at most one command (commands inside `$(...)` count) and both have
the same flags (`--mount`, `--network`, `--security`). Comments between
them do not separate them; any other instruction does. A RUN chaining
several commands (`a && b`, `a | b`) is taken as a deliberate layer of its
own, as are RUNs with different mounts. ONBUILD triggers are not counted.
PowerShell and cmd RUNs are split into commands like sh scripts, as
hadolint does. hadolint counts neither `[ ... ]` tests nor commands whose
name holds a variable (`$DIR/bin/tool`); this rule counts both.

## Why is this bad?
Every RUN makes a layer. A row of one-command RUNs makes many small layers,
each with its own metadata and cache entry, and files removed in a later
layer still take space in the earlier one. Joining related commands in one
RUN keeps the image smaller and the build faster.

## Example
```dockerfile
FROM debian:12
RUN mkdir -p /opt/app
RUN chown nobody /opt/app
```

## Use instead
```dockerfile
FROM debian:12
RUN mkdir -p /opt/app \
    && chown nobody /opt/app
```
"""

from __future__ import annotations

import csv
from typing import Iterator

from dockgate.analysis.shell import RunScript, parse_script
from dockgate.dockerfile.model import Instruction
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DL3059",
    name="consecutive-runs",
    summary="consecutive one-command RUN instructions could be one",
    level=Level.INFO,
    documentation=__doc__,
)

MESSAGE = "Multiple consecutive `RUN` instructions. Consider consolidation."
MOST_COMMANDS = 1
"""hadolint leaves a RUN alone once it runs two commands or more."""


def check(context: LintContext) -> Iterator[Violation]:
    command_counts = {id(run.instruction): _command_count(run) for run in context.run_scripts}
    previous: Instruction | None = None
    for instruction in context.document.instructions:
        if instruction.keyword != "RUN":
            previous = None
            continue
        if (
            previous is not None
            and command_counts[id(previous)] <= MOST_COMMANDS
            and command_counts[id(instruction)] <= MOST_COMMANDS
            and _flags(previous) == _flags(instruction)
        ):
            yield Violation(MESSAGE, instruction.keyword_span, instruction.line)
        previous = instruction


def _command_count(run: RunScript) -> int:
    if run.script is not None:
        return len(run.script.commands)
    instruction = run.instruction
    if instruction.json_form or instruction.heredocs or instruction.arguments is None or instruction.line_map is None:
        return 1  # one program: an exec form, or a heredoc script in another language
    # A PowerShell or cmd RUN: hadolint counts its commands as if it were sh, and so do we
    # (only the count is used, so the positions need not be exact).
    return len(parse_script(instruction.arguments.value, instruction.line_map).commands)


def _flags(instruction: Instruction) -> list[tuple[str, object]]:
    """The flags in a form where order does not matter (nor the order of a mount's options)."""
    normalized: list[tuple[str, object]] = []
    for flag in instruction.flags:
        if flag.name == "mount" and flag.value is not None:
            options = sorted(next(csv.reader([flag.value]), []))
            normalized.append((flag.name, tuple(options)))
        else:
            normalized.append((flag.name, flag.value))
    return sorted(normalized, key=repr)
