"""
## What it does
Reports a RUN that runs `apt-get update` (or `apt update`, `aptitude
update`) and does not remove `/var/lib/apt/lists` afterwards in the same
RUN (`rm -rf /var/lib/apt/lists/*`, or `apt-get distclean`). Only stages
that end up in an image are checked: the final stage and stages that a
later `FROM` builds on; an ONBUILD trigger is always checked. A cache or
tmpfs mount on `/var/lib/apt/lists`, or on both `/var/lib/apt` and
`/var/cache/apt`, keeps the lists out of the image and silences the rule.

## Why is this bad?
The package lists weigh tens of megabytes and are only needed while
installing. Left in the layer they make every pull larger, and they go
stale: a later `apt-get install` in a derived image would use outdated
lists instead of running `apt-get update`. Removing them in a later RUN
does not help, because the earlier layer still contains them.

## Example
```dockerfile
FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8
```

## Use instead
```dockerfile
FROM debian:12
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8 \
 && rm -rf /var/lib/apt/lists/*
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.analysis.shell import RunScript, ShellCommand
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.package_managers import (
    APT_OPTIONS,
    has_cache_mount,
    last_uncleaned,
    package_commands,
    removes_directory,
)
from dockgate.rules.common.run_commands import instruction_line

RULE = RuleMeta(
    code="DL3009",
    name="delete-apt-lists",
    summary="`apt-get update` without removing /var/lib/apt/lists in the same RUN",
    level=Level.INFO,
    documentation=__doc__,
)

MESSAGE = "Delete the apt lists (/var/lib/apt/lists) after installing something"

APT_LISTS = "/var/lib/apt/lists"


def _removes_lists(command: ShellCommand) -> bool:
    if command.program in ("apt-get", "apt"):
        return any(word.value in ("distclean", "dist-clean") for word in command.positional())
    return removes_directory(command, (APT_LISTS,))


def _lists_stay_out_of_image(run: RunScript) -> bool:
    # hadolint DL3009: a mount on /var/lib/apt alone is not enough, it wants /var/cache/apt too.
    instruction = run.instruction
    return has_cache_mount(instruction, (APT_LISTS,), exactly=True) or (
        has_cache_mount(instruction, ("/var/lib/apt",)) and has_cache_mount(instruction, ("/var/cache/apt",))
    )


def _stage_is_kept(context: LintContext, run: RunScript) -> bool:
    """The final stage, a stage a later FROM builds on, or an ONBUILD trigger (it runs in a child image)."""
    if run.owner is not run.instruction:
        return True
    semantics = context.semantics
    stage = semantics.stage_of(run.owner)
    if stage is None:
        return not semantics.stages
    return stage is semantics.final_stage or any(other.base_stage is stage for other in semantics.stages)


def check(context: LintContext) -> Iterator[Violation]:
    for run, commands in package_commands(context, ("apt-get", "apt", "aptitude"), APT_OPTIONS):
        updates = [command for command in commands if command.subcommand == "update"]
        if not updates or _lists_stay_out_of_image(run) or not _stage_is_kept(context, run):
            continue
        last = last_uncleaned(run, updates, _removes_lists)
        if last is not None:
            yield Violation(MESSAGE, last.action_span, instruction_line(run))
