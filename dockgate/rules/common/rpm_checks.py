"""The checks that the yum rules and their dnf twins share, one function each.

DL3030/DL3038 (`-y`), DL3033/DL3041 (pinned versions) and DL3032/DL3040
(clean the cache) ask the same thing of different programs; each rule
module names its programs and its message and calls one function here.
"""

from __future__ import annotations

from functools import partial
from typing import Callable, Iterator

from dockgate.rule_api.findings import Violation
from dockgate.rule_api.rule import LintContext
from dockgate.rules.common.package_managers import (
    RPM_TOOL_OPTIONS,
    PackageCommand,
    cleans_rpm_cache,
    has_cache_mount,
    last_uncleaned,
    package_commands,
    unpinned_rpm_packages,
)
from dockgate.rules.common.run_commands import instruction_line


def installs_without_assume_yes(context: LintContext, programs: tuple[str, ...], message: str) -> Iterator[Violation]:
    """An install by one of `programs` without `-y`/`--assumeyes`, at the program name."""
    for run, commands in package_commands(context, programs, RPM_TOOL_OPTIONS):
        for command in commands:
            if command.installs_rpms() and not command.has_option("y", "assumeyes"):
                yield Violation(message, command.command.name_span, instruction_line(run))


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
                yield Violation(message, last.action_span, instruction_line(run))
