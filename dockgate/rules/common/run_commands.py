"""The one walk over the commands of RUN scripts that the rules share; not a rule itself.

hadolint reports a RUN once per rule however often the offending command
appears in it, and so do the DL rules that use `first_calls`: the finding
points at the first occurrence.
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator

from dockgate.analysis.shell import RunScript, ShellCommand
from dockgate.rule_api.rule import LintContext

# Programs that run the command after them (their own options first).
_WRAPPERS = frozenset({"sudo", "doas", "env", "exec", "nohup", "nice", "time", "command", "gosu", "su-exec"})
# Wrapper options that take a separate value (`sudo -u user cmd`, `env -u NAME cmd`).
_WRAPPER_OPTIONS_WITH_VALUE = {"sudo": {"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U"}, "env": {"-u", "-C", "-S"}, "nice": {"-n"}}
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")


def run_commands(
    context: LintContext,
    programs: Iterable[str] | None = None,
    *,
    unwrap: bool = False,
    include_onbuild: bool = True,
) -> Iterator[tuple[RunScript, ShellCommand]]:
    """Every command of every RUN that has a shell script, in order, with its RUN.

    `programs`: only the calls of these (matched by name without directory).
    `unwrap`: wrappers such as `sudo`, `env` or `exec` taken off first
    (`sudo chmod 777 x` is a `chmod`). `include_onbuild`: ONBUILD triggers too.
    """
    wanted = frozenset(programs) if programs is not None else None
    for run in context.run_scripts:
        if run.script is None or (not include_onbuild and run.owner is not run.instruction):
            continue
        for command in run.script.commands:
            if unwrap:
                command = unwrapped(command)
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
    while command.program in _WRAPPERS:
        takes_value = _WRAPPER_OPTIONS_WITH_VALUE.get(command.program, set())
        # gosu/su-exec take a user first.
        index = 1 if command.program in ("gosu", "su-exec") else 0
        words = command.words
        while index < len(words):
            value = words[index].value
            if value == "--":
                index += 1
                break
            if value in takes_value:
                index += 2
            elif value.startswith("-") or (command.program == "env" and _ASSIGNMENT.match(value)):
                index += 1
            else:
                break
        if index >= len(words):
            return command
        inner = words[index]
        command = ShellCommand(inner.value, inner.span, list(words[index + 1 :]))
    return command
