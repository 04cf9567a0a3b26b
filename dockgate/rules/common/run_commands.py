"""The one walk over the commands of RUN scripts that the rules share; not a rule itself.

hadolint reports a RUN once per rule however often the offending command
appears in it, and so do the DL rules that use `first_calls`: the finding
points at the first occurrence.
"""

from __future__ import annotations

from typing import Iterable, Iterator

from dockgate.analysis.shell import RunScript, ShellCommand, wrapped_command
from dockgate.rule_api.rule import LintContext


def run_commands(
    context: LintContext,
    programs: Iterable[str] | None = None,
    *,
    unwrap: bool = False,
    include_onbuild: bool = True,
) -> Iterator[tuple[RunScript, ShellCommand]]:
    """Every command of every RUN that has a shell script, in order, with its RUN.

    `programs`: only the calls of these (matched by name without directory).
    `unwrap`: the commands that others run too, each after its runner: behind
    wrappers (`sudo chmod 777 x` is also a `chmod`) and inside `sh -c '...'`
    (see `ShellScript.all_commands`). `include_onbuild`: ONBUILD triggers too.
    """
    wanted = frozenset(programs) if programs is not None else None
    for run in context.run_scripts:
        if run.script is None or (not include_onbuild and run.owner is not run.instruction):
            continue
        for command in run.script.all_commands if unwrap else run.script.commands:
            if wanted is None or command.program in wanted:
                yield run, command


def first_calls(
    context: LintContext, programs: Iterable[str], *, include_onbuild: bool = True
) -> Iterator[tuple[RunScript, ShellCommand]]:
    """For each RUN that calls one of `programs`: the first such call."""
    previous: RunScript | None = None
    for run, command in run_commands(context, programs, include_onbuild=include_onbuild):
        if run is not previous:
            previous = run
            yield run, command


def instruction_line(run: RunScript) -> int:
    """The line a finding belongs to: the RUN's first line, or its ONBUILD's."""
    return run.owner.line


def unwrapped(command: ShellCommand) -> ShellCommand:
    """The command a wrapper runs (`sudo -E bash -` -> `bash -`), or the command itself."""
    while (inner := wrapped_command(command)) is not None:
        command = inner
    return command
