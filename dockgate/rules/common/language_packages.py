"""Language package installers in RUN scripts: pip (and pipx, pipenv), and cache mounts for them.

Shared by DL3013 (pin pip packages) and DL3042 (pip cache), and by DL3060
for its cache mount; `first_unpinned_per_run` is the check DL3013, DL3028
(gem) and DL3062 (go) share. Not a rule itself. The option parsing and the cache
mounts come from `package_managers`, shared with the OS package rules.

A pip install is `pip install ...` under any versioned name (`pip3`,
`pip3.12`, `pip-3.2`), `python -m pip install ...` under any versioned python, or the
same with `pipx` or `pipenv`. hadolint matches the name as written; here
`/usr/local/bin/pip` is pip too.
"""

from __future__ import annotations

from typing import Callable, Iterable, Iterator, TypeVar

from dockgate.analysis.shell import RunScript, ShellCommand, ShellWord
from dockgate.dockerfile.model import Instruction, Span
from dockgate.lazy_pattern import LazyPattern
from dockgate.records import Record
from dockgate.rule_api.findings import Violation
from dockgate.rule_api.rule import LintContext
from dockgate.rules.common.package_managers import (
    OptionSyntax,
    PackageCommand,
    cache_mount_targets,
    parse_command,
)
from dockgate.rules.common.run_commands import instruction_line

Install = TypeVar("Install")

PIP_OPTIONS = OptionSyntax(
    frozenset("rcetbifC"),
    frozenset({
        "requirement", "constraint", "editable", "target", "platform", "python-version",
        "implementation", "abi", "root", "prefix", "src", "build", "upgrade-strategy",
        "config-settings", "global-option", "build-option", "install-option", "no-binary",
        "only-binary", "progress-bar", "root-user-action", "report", "index-url",
        "extra-index-url", "find-links", "trusted-host", "proxy", "retries", "timeout",
        "exists-action", "cert", "client-cert", "cache-dir", "log", "python",
        "keyring-provider", "use-feature", "use-deprecated",
        # pipx
        "pip-args", "suffix", "spec", "preinstall",
    }),
)

_PIP_NAME = LazyPattern(r"pip(-?\d+(\.\d+)*)?")
_PYTHON_NAME = LazyPattern(r"python(\d+(\.\d+)*)?")
PIP_WRAPPERS = ("pipx", "pipenv")


class PipInstall(Record):
    """One `pip install` (or `pipx`/`pipenv install`) and its options and operands."""

    __slots__ = ("command", "tool", "parsed")

    command: ShellCommand
    tool: str
    """`pip`, `pipx` or `pipenv`."""
    parsed: PackageCommand
    """The words after the tool's name (after `-m pip` for `python -m pip`)."""

    def __init__(self, command: ShellCommand, tool: str, parsed: PackageCommand) -> None:
        self.command = command
        self.tool = tool
        self.parsed = parsed

    @property
    def is_wrapper(self) -> bool:
        """pipx and pipenv keep their own caches and lock files."""
        return self.tool in PIP_WRAPPERS

    @property
    def packages(self) -> list[ShellWord]:
        """The operands after `install`."""
        return self.parsed.arguments

    @property
    def action_span(self) -> Span:
        """From the program name to `install`."""
        word = self.parsed.subcommand_word
        return self.command.name_span.covering(word.span) if word is not None else self.command.name_span


def pip_installs(run: RunScript) -> list[PipInstall]:
    """The pip, pipx and pipenv installs of a RUN, in order (none without a shell script)."""
    if run.script is None:
        return []
    found = []
    for command in run.script.commands:
        install = _pip_install(command)
        if install is not None:
            found.append(install)
    return found


def _pip_install(command: ShellCommand) -> PipInstall | None:
    program = command.program
    if _PIP_NAME.fullmatch(program) or program in PIP_WRAPPERS:
        tool = "pip" if program not in PIP_WRAPPERS else program
        words = command.words
    elif _PYTHON_NAME.fullmatch(program):
        # `python -m pip install x`: what follows the module name is pip's command line.
        module_at = next(
            (index for index, word in enumerate(command.words[:-1]) if word.value == "-m"), None
        )
        if module_at is None:
            return None
        tool = command.words[module_at + 1].value
        if not (_PIP_NAME.fullmatch(tool) or tool in PIP_WRAPPERS):
            return None
        tool = "pip" if tool not in PIP_WRAPPERS else tool
        words = command.words[module_at + 2 :]
    else:
        return None
    parsed = parse_command(ShellCommand(command.name, command.name_span, list(words)), PIP_OPTIONS)
    if parsed.subcommand != "install":
        return None
    return PipInstall(command, tool, parsed)


def has_cache_mount_on(instruction: Instruction, cache_directory: str) -> bool:
    """A cache or tmpfs mount on a user's `cache_directory` (such as `.cache/pip`) or on its `.cache`.

    The home directory differs by user, so the target is matched by its end
    (hadolint matches `.cache/pip` anywhere in the target).
    """
    parent = cache_directory.rsplit("/", 1)[0]
    for target in cache_mount_targets(instruction):
        target = target.rstrip("/")
        if cache_directory in target or target.endswith("/" + parent) or target == parent:
            return True
    return False


def calls_of(program: str) -> Callable[[RunScript], list[ShellCommand]]:
    """The commands of a RUN that run `program` (none without a shell script)."""
    return lambda run: run.script.calls(program) if run.script is not None else []


def first_unpinned_per_run(
    context: LintContext,
    installs: Callable[[RunScript], Iterable[Install]],
    first_unpinned: Callable[[LintContext, RunScript, Install], ShellWord | None],
    message: str | Callable[[str], str],
) -> Iterator[Violation]:
    """One finding per RUN, at the first package word of its installs that has no version
    (hadolint reports a RUN once, however many packages in it are unpinned); `message` names
    the package where it holds `{package}`, or is made from the package word by a function."""
    for run in context.run_scripts:
        for install in installs(run):
            word = first_unpinned(context, run, install)
            if word is not None:
                package = context.document.slice(word.span)
                text = message(package) if callable(message) else message.format(package=package)
                yield Violation(text, word.span, instruction_line(run))
                break
