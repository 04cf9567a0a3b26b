"""The checks that the yum rules and their dnf twins share, one function each.

DL3030/DL3038 (`-y`), DL3033/DL3041 (pinned versions) and DL3032/DL3040
(clean the cache) ask the same thing of different programs; each rule
module names its programs and its message and calls one function here,
which also works out the fix where the rule has one.
"""

from __future__ import annotations

from functools import partial
from typing import Callable, Iterator

from dockgate.analysis.shell import RunScript, ShellWord
from dockgate.rule_api.findings import Applicability, Fix, Violation
from dockgate.rule_api.rule import LintContext
from dockgate.rules.common.package_managers import (
    RPM_GROUP_WORDS,
    RPM_TOOL_OPTIONS,
    PackageCommand,
    cleans_rpm_cache,
    has_cache_mount,
    last_uncleaned,
    package_commands,
    unpinned_rpm_packages,
)
from dockgate.rules.common.run_commands import instruction_line
from dockgate.rules.common.shell_edits import add_option, append_command


def installs_without_assume_yes(context: LintContext, programs: tuple[str, ...], message: str) -> Iterator[Violation]:
    """An install by one of `programs` without `-y`/`--assumeyes`, at the program name; the fix
    writes `-y` after the install word."""
    for run, commands in package_commands(context, programs, RPM_TOOL_OPTIONS):
        for command in commands:
            if command.installs_rpms() and not command.has_option("y", "assumeyes"):
                fix = add_option(context.document, _install_word(command), "-y", Applicability.SAFE)
                yield Violation(message, command.command.name_span, instruction_line(run), fix=fix)


def _install_word(command: PackageCommand) -> ShellWord | None:
    """`install` in `yum install` and in `yum group install`; `groupinstall` itself."""
    if command.subcommand in RPM_GROUP_WORDS:
        return command.arguments[0]
    return command.subcommand_word


def unpinned_installs(context: LintContext, programs: tuple[str, ...], message: str) -> Iterator[Violation]:
    """Each package word of an install by one of `programs` that has no version; `message`
    names it where it holds `{package}`."""
    for run, commands in package_commands(context, programs, RPM_TOOL_OPTIONS):
        for command in commands:
            for word in unpinned_rpm_packages(context, run, command):
                yield Violation(message.format(package=context.document.slice(word.span)), word.span, instruction_line(run))


def uncleaned_caches(
    context: LintContext,
    programs: tuple[str, ...],
    cache_directories: tuple[str, ...],
    fills_cache: Callable[[PackageCommand], bool],
    message: str,
) -> Iterator[Violation]:
    """The last command of each program in a RUN that fills its cache when nothing after it
    cleans it (`<program> clean all` or removing a cache directory), unless the RUN mounts
    a cache over one of `cache_directories`.

    Each program needs its own clean: `microdnf clean all` does not clean up after dnf.
    """
    for run, commands in package_commands(context, programs, RPM_TOOL_OPTIONS):
        if not commands or has_cache_mount(run.instruction, cache_directories):
            continue
        for program in programs:
            uses = [command for command in commands if command.program == program and fills_cache(command)]
            last = last_uncleaned(run, uses, partial(cleans_rpm_cache, program=program, directories=cache_directories))
            if last is not None:
                yield Violation(message, last.action_span, instruction_line(run), fix=clean_at_end(context, run, f"{program} clean all"))


def clean_at_end(context: LintContext, run: RunScript, command: str) -> Fix | None:
    """The safe fix running `command` (a cache clean-up) after the RUN's last command."""
    if run.script is None:
        return None
    edit = append_command(context.document, run.script, command)
    return Fix.safe(f"Add `{command}` at the end of the RUN", edit) if edit is not None else None
