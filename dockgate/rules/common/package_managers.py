"""Package-manager commands in RUN scripts: their options, subcommand, packages and clean-ups.

Shared by the package-manager rules (DL3008-DL3041); not a rule itself.

hadolint asks "does any argument equal `install`" and "is any word a flag";
here each tool's command line is read the way the tool reads it: options that
take a value (`apt-get -t bookworm`, `apk add --virtual .deps`, `dnf
--enablerepo epel`) consume it, so the value is neither a package nor the
subcommand, and the subcommand is the first operand. Clean-ups must come after
the last command that fills the cache, and `rm` counts only when it removes
the cache directory (hadolint accepts any `rm -rf`). Package words that are
variables are expanded with the ARG and ENV values the file fixes.
"""

from __future__ import annotations

import posixpath
import re
from typing import Callable, Iterable, Iterator, NamedTuple

from dockgate.analysis.shell import RunScript, ShellCommand, ShellWord
from dockgate.dockerfile.model import Instruction, Span
from dockgate.lazy_pattern import LazyPattern
from dockgate.records import Record
from dockgate.rule_api.rule import LintContext


class OptionSyntax(NamedTuple):
    """Which options of a tool take a value (`-t VALUE`, `--target-release VALUE`)."""

    short_with_value: frozenset[str] = frozenset()
    long_with_value: frozenset[str] = frozenset()


APT_OPTIONS = OptionSyntax(
    frozenset("ocatP"),
    frozenset({"option", "config-file", "target-release", "default-release", "host-architecture", "build-profiles"}),
)
APK_OPTIONS = OptionSyntax(
    frozenset("Xtp"),
    frozenset({
        "repository", "virtual", "root", "keys-dir", "repositories-file", "arch",
        "cache-dir", "cache-max-age", "progress-fd", "wait", "timeout",
    }),
)
RPM_TOOL_OPTIONS = OptionSyntax(
    frozenset("cdeRx"),
    frozenset({
        "config", "debuglevel", "errorlevel", "randomwait", "exclude", "excludepkgs", "setopt",
        "enablerepo", "disablerepo", "repo", "repoid", "releasever", "installroot",
        "disableexcludes", "disableplugin", "enableplugin", "downloaddir", "destdir",
        "forcearch", "color", "rpmverbosity", "comment", "advisory", "advisories", "bz",
        "cve", "sec-severity", "secseverity", "repofrompath", "platform-id",
    }),
)
ZYPPER_OPTIONS = OptionSyntax(
    frozenset("cRprt"),
    frozenset({
        "config", "root", "reposd-dir", "cache-dir", "raw-cache-dir", "solv-cache-dir",
        "pkg-cache-dir", "plus-repo", "plus-content", "repo", "type", "from", "download",
    }),
)

DNF_PROGRAMS = ("dnf", "microdnf")

# What the yum/dnf rules treat as installing: `install` and its aliases, and the
# group/module forms (`yum group install`, `dnf module install`).
RPM_INSTALL_SUBCOMMANDS = frozenset({"install", "in", "localinstall", "groupinstall"})
RPM_GROUP_WORDS = frozenset({"group", "groups", "module"})

YUM_CACHE_DIRECTORIES = ("/var/cache/yum", "/var/cache/dnf")
DNF_CACHE_DIRECTORIES = ("/var/cache/libdnf5", "/var/cache/dnf", "/var/cache/yum")

_BARE_VARIABLE = LazyPattern(r"\$(\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)")
_VARIABLE = LazyPattern(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}|([A-Za-z_][A-Za-z0-9_]*))")


class Option(Record):
    """One option as the tool reads it: `-y` is `y`, `--yes` is `yes`, `-tbookworm` is `t` with a value."""

    __slots__ = ("name", "value", "word")

    name: str
    value: str | None
    word: ShellWord

    def __init__(self, name: str, value: str | None, word: ShellWord) -> None:
        self.name = name
        self.value = value
        self.word = word


class PackageCommand(Record):
    """A package-manager command with its options and operands told apart."""

    __slots__ = ("command", "options", "operands")

    command: ShellCommand
    options: list[Option]
    operands: list[ShellWord]

    def __init__(self, command: ShellCommand, options: list[Option] | None = None, operands: list[ShellWord] | None = None) -> None:
        self.command = command
        self.options = [] if options is None else options
        self.operands = [] if operands is None else operands

    @property
    def program(self) -> str:
        return self.command.program

    @property
    def subcommand_index(self) -> int | None:
        """Where the subcommand is among the operands: the first that is not a bare `$VAR`
        (`apt-get $APT_OPTS install` is still an install)."""
        for index, word in enumerate(self.operands):
            if not _BARE_VARIABLE.fullmatch(word.value):
                return index
        return None

    @property
    def subcommand(self) -> str | None:
        index = self.subcommand_index
        return self.operands[index].value if index is not None else None

    @property
    def subcommand_word(self) -> ShellWord | None:
        index = self.subcommand_index
        return self.operands[index] if index is not None else None

    @property
    def arguments(self) -> list[ShellWord]:
        """The operands after the subcommand."""
        index = self.subcommand_index
        return self.operands[index + 1 :] if index is not None else []

    def has_option(self, *names: str) -> bool:
        return any(option.name in names for option in self.options)

    def option_values(self, *names: str) -> list[str]:
        return [option.value for option in self.options if option.name in names and option.value is not None]

    @property
    def action_span(self) -> Span:
        """From the program name to the subcommand (`apt-get update`, `yum install`)."""
        word = self.subcommand_word
        return self.command.name_span.covering(word.span) if word is not None else self.command.name_span

    def installs_rpms(self) -> bool:
        """yum/dnf `install` (and aliases), `groupinstall`, `group install`, `module install`."""
        subcommand = self.subcommand
        if subcommand in RPM_INSTALL_SUBCOMMANDS:
            return True
        arguments = self.arguments
        return subcommand in RPM_GROUP_WORDS and bool(arguments) and arguments[0].value in RPM_INSTALL_SUBCOMMANDS


def parse_command(command: ShellCommand, syntax: OptionSyntax) -> PackageCommand:
    """Split a command's words into options (values attached) and operands."""
    parsed = PackageCommand(command)
    words = command.words
    index = 0
    after_double_dash = False
    while index < len(words):
        word = words[index]
        value = word.value
        if after_double_dash or value == "-" or not value.startswith("-"):
            # Most words are operands (package names): they need nothing more.
            parsed.operands.append(word)
            index += 1
            continue
        following = words[index + 1].value if index + 1 < len(words) else None
        if value == "--":
            after_double_dash = True
        elif value.startswith("--"):
            name, equals, attached = value[2:].partition("=")
            if equals:
                parsed.options.append(Option(name, attached, word))
            elif name in syntax.long_with_value and following is not None:
                parsed.options.append(Option(name, following, word))
                index += 1
            else:
                parsed.options.append(Option(name, None, word))
        else:
            letters = value[1:]
            for position, letter in enumerate(letters):
                rest = letters[position + 1 :]
                if rest.startswith("="):  # `-q=2`, `-o=Key=value`
                    parsed.options.append(Option(letter, rest[1:], word))
                    break
                if letter in syntax.short_with_value:
                    if rest:  # `-tbookworm`: the rest of the word is the value
                        parsed.options.append(Option(letter, rest, word))
                    elif following is not None:
                        parsed.options.append(Option(letter, following, word))
                        index += 1
                    else:
                        parsed.options.append(Option(letter, None, word))
                    break
                parsed.options.append(Option(letter, None, word))
        index += 1
    return parsed


def package_commands(
    context: LintContext, programs: Iterable[str], syntax: OptionSyntax
) -> Iterator[tuple[RunScript, list[PackageCommand]]]:
    """For every RUN with a shell script (ONBUILD triggers too): its calls of `programs`, parsed.

    Every RUN is yielded, with an empty list when it calls none of them, so
    that rules needing the other commands of the script can still look.
    """
    wanted = tuple(programs)
    for run in context.run_scripts:
        if run.script is None:
            continue
        yield run, [parse_command(command, syntax) for command in run.script.commands if command.program in wanted]


# ------------------------------------------------------------------ clean-ups


def _normalize(path: str) -> str:
    path = path.strip().strip("'\"")
    return posixpath.normpath(path) if path else ""


def path_covers(path: str, directory: str) -> bool:
    """Whether `path` is `directory` or one of its parents."""
    path, directory = _normalize(path), _normalize(directory)
    return bool(path) and (path == directory or directory.startswith(path.rstrip("/") + "/"))


def removes_directory(command: ShellCommand, directories: Iterable[str]) -> bool:
    """An `rm` of one of `directories`: the directory itself, its contents (`dir/*`, `dir*`),
    something inside it, or a parent of it."""
    if command.program != "rm":
        return False
    targets = tuple(_normalize(directory) for directory in directories)
    for word in command.positional():
        for path in _brace_expansions(word.value):
            normalized = _normalize(path.rstrip("*"))
            if not normalized or normalized == "/":
                continue
            for directory in targets:
                if path_covers(normalized, directory) or normalized.startswith(directory + "/"):
                    return True
    return False


_BRACES = LazyPattern(r"\{([^{}]*,[^{}]*)\}")


def _brace_expansions(text: str) -> list[str]:
    """`/var/lib/{apt,dpkg}` as bash expands it (no nesting): `/var/lib/apt`, `/var/lib/dpkg`."""
    match = _BRACES.search(text)
    if match is None:
        return [text]
    head, tail = text[: match.start()], text[match.end() :]
    return [expanded for choice in match.group(1).split(",") for expanded in _brace_expansions(head + choice + tail)]


def last_uncleaned(
    run: RunScript, uses: list[PackageCommand], is_cleanup: Callable[[ShellCommand], bool]
) -> PackageCommand | None:
    """The last of `uses` (commands that fill a cache) when no command after it cleans up, else None."""
    if not uses or run.script is None:
        return None
    last = uses[-1]
    commands = run.script.commands
    start = next(index for index, command in enumerate(commands) if command is last.command)
    if any(is_cleanup(command) for command in commands[start + 1 :]):
        return None
    return last


def cleans_rpm_cache(command: ShellCommand, program: str, directories: Iterable[str]) -> bool:
    """`<program> clean all`, or an `rm` of one of the cache `directories`."""
    if command.program == program:
        parsed = parse_command(command, RPM_TOOL_OPTIONS)
        return parsed.subcommand == "clean" and any(word.value == "all" for word in parsed.arguments)
    return removes_directory(command, directories)


# ------------------------------------------------------------------ cache mounts


class Mount(NamedTuple):
    """One `RUN --mount=...` flag: its type (bind when not given) and target."""

    type: str
    target: str


def run_mounts(instruction: Instruction) -> list[Mount]:
    mounts = []
    for flag in instruction.flags_named("mount"):
        if flag.value is None:
            continue
        fields: dict[str, str] = {}
        for item in flag.csv_fields():
            key, _, value = item.partition("=")
            fields[key.strip().lower()] = value.strip().strip("'\"")
        target = fields.get("target") or fields.get("dst") or fields.get("destination") or ""
        mounts.append(Mount(fields.get("type", "bind").lower(), target))
    return mounts


def cache_mount_targets(instruction: Instruction) -> list[str]:
    """Targets of the cache and tmpfs mounts: what is written there stays out of the image."""
    return [mount.target for mount in run_mounts(instruction) if mount.type in ("cache", "tmpfs") and mount.target]


def has_cache_mount(instruction: Instruction, directories: Iterable[str], *, exactly: bool = False) -> bool:
    """A cache or tmpfs mount on one of `directories` or (unless `exactly`) on a parent of it."""
    targets = [_normalize(target) for target in cache_mount_targets(instruction)]
    wanted = [_normalize(directory) for directory in directories]
    if exactly:
        return any(target in wanted for target in targets)
    return any(path_covers(target, directory) for target in targets for directory in wanted)


# ------------------------------------------------------------------ packages


def package_values(context: LintContext, run: RunScript, word: ShellWord) -> list[str]:
    """The package specs a word stands for.

    A word without `$` is itself. One whose variables all have values the
    file fixes (ARG defaults, ENV) is expanded and split at whitespace:
    `apt-get install $PACKAGES` is judged by the packages, not the name. When
    some value is unknown, each reference to a name declared before (an ARG in
    any stage, an ENV or ARG in scope) stands for a version-like `0`, as
    hadolint does for `pkg-${VERSION}`; undeclared references stay as written.
    ONBUILD triggers run in another build, so their variables stay as written.
    """
    text = word.value
    if "$" not in text or run.owner is not run.instruction:
        return [text]
    semantics = context.semantics
    scope = semantics.variables_before(run.owner)
    evaluation = semantics.expand_in(run.owner, text)
    if (
        evaluation.error is None
        and evaluation.value is not None
        and evaluation.referenced
        and all(scope.get(name) is not None for name in evaluation.referenced)
    ):
        return evaluation.value.split()
    declared = _declared_names(context, run.owner) | set(scope)

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        return "0" if name in declared else match.group(0)

    return [_VARIABLE.sub(substitute, text)]


def _declared_names(context: LintContext, owner: Instruction) -> set[str]:
    """ARG names declared anywhere before `owner`, and ENV names set before it in its stage."""
    semantics = context.semantics
    stage = semantics.stage_of(owner)
    names: set[str] = set()
    for instruction in context.document.instructions:
        if instruction is owner:
            break
        if instruction.keyword == "ARG" or (instruction.keyword == "ENV" and semantics.stage_of(instruction) is stage):
            names.update(definition.key for definition in semantics.definitions(instruction))
    return names


def rpm_version_pinned(spec: str) -> bool:
    """`name-version[-release][.arch]` (the last dash-separated part starts with a digit),
    an `.rpm` file, or an `@group`, which has no version."""
    if spec.endswith(".rpm") or spec.startswith("@"):
        return True
    name, dash, version = spec.rpartition("-")
    return bool(dash and name and version[:1].isdigit())


def unpinned_rpm_packages(context: LintContext, run: RunScript, command: PackageCommand) -> Iterator[ShellWord]:
    """Package words of a yum/dnf install without a version; module specs need `:stream`.

    Groups (`group install`, `groupinstall`) cannot be pinned and are skipped.
    """
    if not command.installs_rpms() or command.subcommand == "groupinstall":
        return
    arguments = command.arguments
    module = command.subcommand in RPM_GROUP_WORDS
    if module:
        if command.subcommand != "module":
            return  # `group install`
        arguments = arguments[1:]
    for word in arguments:
        values = package_values(context, run, word)
        if module:
            pinned = all(":" in value for value in values)
        else:
            pinned = all(rpm_version_pinned(value) for value in values)
        if not pinned:
            yield word
