"""The check that DL3014 (`-y`) and DL3015 (`--no-install-recommends`) share:
an `apt-get install` lacking a switch, which apt also takes as an `-o Key=value` setting,
and its fix, the switch written after `install`."""

from __future__ import annotations

from typing import Callable, Iterator

from dockgate.rule_api.findings import Applicability, Violation
from dockgate.rule_api.rule import LintContext
from dockgate.rules.common.package_managers import (
    APT_OPTIONS,
    PackageCommand,
    package_commands,
)
from dockgate.rules.common.run_commands import instruction_line
from dockgate.rules.common.shell_edits import add_option


def installs_lacking(
    context: LintContext,
    is_satisfied: Callable[[PackageCommand], bool],
    message: str,
    option: str,
    applicability: Applicability,
) -> Iterator[Violation]:
    """Each `apt-get install` for which `is_satisfied` is false, at the program name; the fix
    writes `option` after `install`."""
    for run, commands in package_commands(context, ("apt-get",), APT_OPTIONS):
        for command in commands:
            if command.subcommand == "install" and not is_satisfied(command):
                fix = add_option(context.document, command.subcommand_word, option, applicability)
                yield Violation(message, command.command.name_span, instruction_line(run), fix=fix)


def sets_apt_option(command: PackageCommand, key: str, values: tuple[str, ...]) -> bool:
    """Whether `-o`/`--option` sets the apt configuration `key` (case-insensitive) to one of `values`."""
    for setting in command.option_values("o", "option"):
        name, _, value = setting.partition("=")
        if name.strip().lower() == key and value.strip("'\" ").lower() in values:
            return True
    return False
