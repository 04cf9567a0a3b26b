"""
## What it does
Reports a RUN that runs `apt-get update` (or `apt update`, `aptitude
update`) and does not remove `/var/lib/apt/lists` afterwards in the same
RUN (`rm -rf /var/lib/apt/lists/*`, or `apt-get distclean`). The stages
checked are hadolint's: the final stage and every stage a later `FROM`
builds on; an ONBUILD trigger is always checked. A cache or
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

## Fix safety
Safe: the fix adds `&& rm -rf /var/lib/apt/lists/*` after the RUN's last
command, so the lists are gone from the layer and nothing else changes. It
is offered only where nothing could need the lists later: not when a later
RUN of the stage, or of a stage built on it, runs apt before its own
`apt-get update`, not for an ONBUILD trigger, and not when the script ends
in a way the command cannot simply follow (a `;`, a comment, a heredoc body).
"""

from __future__ import annotations

from typing import Iterator

from dockgate.analysis.shell import RunScript, ShellCommand
from dockgate.analysis.semantics import Stage
from dockgate.rule_api.findings import Applicability, Fix, Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.package_managers import (
    APT_OPTIONS,
    has_cache_mount,
    last_uncleaned,
    package_commands,
    removes_directory,
)
from dockgate.rules.common.run_commands import instruction_line
from dockgate.rules.common.shell_edits import append_command

RULE = RuleMeta(
    code="DL3009",
    name="delete-apt-lists",
    summary="`apt-get update` without removing /var/lib/apt/lists in the same RUN",
    level=Level.INFO,
    fix=Applicability.SAFE,
    documentation=__doc__,
)

MESSAGE = "Delete the apt lists (/var/lib/apt/lists) after installing something"

APT_LISTS = "/var/lib/apt/lists"
# Programs that read the lists (apt-cache policy, apt-get install ...).
_APT_PROGRAMS = ("apt-get", "apt", "aptitude", "apt-cache")


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
    """The final stage, a stage a later FROM builds on, or an ONBUILD trigger (it runs in a child image).

    hadolint's set, wider than the image (`judges="image"`: the final stage and its FROM chain), which
    would leave out builder stages some later FROM builds on; kept until the corpus recall floor allows it.
    """
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
            yield Violation(MESSAGE, last.action_span, instruction_line(run), fix=_remove_lists(context, run))


def _remove_lists(context: LintContext, run: RunScript) -> Fix | None:
    """`&& rm -rf /var/lib/apt/lists/*` at the end of the RUN, unless a later RUN relies on the lists."""
    if run.script is None or run.owner is not run.instruction or _later_run_reads_lists(context, run):
        return None
    edit = append_command(context.document, run.script, f"rm -rf {APT_LISTS}/*")
    return Fix.safe("Remove the apt lists at the end of the RUN", edit) if edit is not None else None


def _later_run_reads_lists(context: LintContext, run: RunScript) -> bool:
    """Whether a later RUN of the stage, or of a stage built on it, runs apt before its own update."""
    semantics = context.semantics
    stage = semantics.stage_of(run.owner)
    later = False
    for other, commands in package_commands(context, _APT_PROGRAMS, APT_OPTIONS):
        if other is run:
            later = True
            continue
        if not later or not commands or not _builds_on(semantics.stage_of(other.owner), stage):
            continue
        if other.owner is not other.instruction or commands[0].subcommand != "update":
            return True
    return False


def _builds_on(stage: Stage | None, base: Stage | None) -> bool:
    while stage is not None:
        if stage is base:
            return True
        stage = stage.base_stage
    return False
