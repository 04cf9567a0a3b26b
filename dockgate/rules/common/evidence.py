"""Questions several security rules ask of RUN commands and ARG/ENV values; not a rule itself.

* `file_mode_bits`: what a numeric or symbolic chmod mode adds.
* `variable_settings`: ENV pairs and ARG defaults with the span of the value.
* `disables_tls_verification`: whether a variable turns certificate checks off
  (DG2002 in a Dockerfile, DG4009 in a built image's Env).
* `NOPASSWD_TAG`: a sudoers rule that needs no password (DG2017 in what a RUN
  writes, DG5009 in a built image's sudoers files).
* `sensitive_volume`: where a volume hides system state (DG2013 for VOLUME, DG4006 for a
  built image's Volumes).
* `is_ssh_port`: port 22 over TCP (DG2012 for EXPOSE, DG4004 for a built image's ExposedPorts).
"""

from __future__ import annotations

from typing import Iterator, NamedTuple

from dockgate.analysis.shell import RunScript, ShellCommand
from dockgate.dockerfile.model import Instruction, Span, Word
from dockgate.dockerfile.paths import normalised_path
from dockgate.lazy_pattern import LazyPattern
from dockgate.rule_api.rule import LintContext
from dockgate.rules.common.run_commands import unwrapped

# ------------------------------------------------------------------ file modes

_NUMERIC_MODE = LazyPattern(r"[0-7]{1,4}")
_SYMBOLIC_CLAUSE = LazyPattern(r"([ugoa]*)([-+=])([rwxXstugo]*)")


class ModeBits(NamedTuple):
    """What a mode sets: world-writable, setuid, setgid, sticky (None: the mode is not understood)."""

    world_writable: bool
    setuid: bool
    setgid: bool
    sticky: bool


def file_mode_bits(mode: str) -> ModeBits | None:
    """The bits a chmod mode (`0777`, `4755`, `a+w,o-x`, `u+s`) turns on."""
    if _NUMERIC_MODE.fullmatch(mode):
        value = int(mode, 8)
        return ModeBits(bool(value & 0o002), bool(value & 0o4000), bool(value & 0o2000), bool(value & 0o1000))
    world_writable = setuid = setgid = sticky = False
    for clause in mode.split(","):
        match = _SYMBOLIC_CLAUSE.fullmatch(clause)
        if match is None:
            return None
        who, operator, permissions = match.groups()
        if operator == "-":
            continue
        # An empty `who` is filtered through the umask (022 by default): no world write.
        if "w" in permissions and ("o" in who or "a" in who):
            world_writable = True
        if "s" in permissions:
            setuid = setuid or not who or "u" in who or "a" in who
            setgid = setgid or not who or "g" in who or "a" in who
        sticky = sticky or "t" in permissions
    return ModeBits(world_writable, setuid, setgid, sticky)


_CHMOD_OPTIONS = LazyPattern(r"-[RvcfH]+|--(recursive|verbose|changes|silent|quiet|no-dereference|dereference|preserve-root|no-preserve-root)")


class ModeWord(NamedTuple):
    """A mode given to chmod, `mkdir -m` or `install -m`, with where it is written."""

    value: str
    span: Span
    targets: list[str]
    """The paths it applies to, as written."""
    directories: bool = False
    """True when the command creates directories (`mkdir -m`, `install -d -m`)."""


def mode_words(command: ShellCommand) -> Iterator[ModeWord]:
    """The modes a command sets on files."""
    words = command.words
    if command.program == "chmod":
        for index, word in enumerate(words):
            if _CHMOD_OPTIONS.fullmatch(word.value) or word.value.startswith("--reference"):
                continue
            yield ModeWord(word.value, word.span, [w.value for w in words[index + 1 :] if not w.value.startswith("-")])
            return
    elif command.program in ("mkdir", "install"):
        directories = command.program == "mkdir" or any(
            word.value == "--directory" or (word.value.startswith("-") and not word.value.startswith("--") and "d" in word.value)
            for word in words
        )
        mode_value_indexes = {index + 1 for index, word in enumerate(words) if word.value in ("-m", "--mode", "-o", "--owner", "-g", "--group")}
        targets = [word.value for index, word in enumerate(words) if index not in mode_value_indexes and not word.value.startswith("-")]
        for index, word in enumerate(words):
            value = word.value
            if value in ("-m", "--mode") and index + 1 < len(words):
                yield ModeWord(words[index + 1].value, words[index + 1].span, targets, directories)
            elif value.startswith("--mode="):
                yield ModeWord(value[len("--mode=") :], word.span, targets, directories)
            elif value.startswith("-m") and len(value) > 2 and not value.startswith("--"):
                yield ModeWord(value[2:], word.span, targets, directories)


def removed_paths(run: RunScript) -> set[str]:
    """Paths an `rm` of the same RUN deletes (a scratch directory made world-writable and then removed)."""
    if run.script is None:
        return set()
    return {
        word.value.rstrip("/")
        for command in run.script.commands
        if unwrapped(command).program == "rm"
        for word in unwrapped(command).positional()
    }


# ------------------------------------------------------------------ ARG / ENV / LABEL values


class VariableSetting(NamedTuple):
    """A name an ARG default, ENV or LABEL sets, its value, and where the value is written."""

    instruction: Instruction
    owner: Instruction
    name: str
    value: str
    """The value after expansion as far as the file fixes it (`$VAR` left as written otherwise)."""
    raw: str
    """The value as written, quotes removed only by expansion."""
    span: Span
    name_span: Span


def variable_settings(context: LintContext, keywords: tuple[str, ...] = ("ARG", "ENV")) -> Iterator[VariableSetting]:
    """Every `NAME=value` an ARG (defaults only), ENV or LABEL writes, ONBUILD triggers too."""
    semantics = context.semantics
    for owner in context.document.instructions:
        instruction = owner.effective
        if instruction.keyword not in keywords:
            continue
        for definition in semantics.definitions(instruction):
            if definition.value is None:
                continue
            evaluation = definition.value
            value = evaluation.value if evaluation.value is not None else evaluation.text
            yield VariableSetting(
                instruction,
                owner,
                definition.key,
                value,
                evaluation.text,
                _value_span(instruction, definition.word),
                definition.word.span,
            )


def _value_span(instruction: Instruction, key_word: Word) -> Span:
    """The span of the value belonging to `key_word` (the key of an ENV/LABEL pair, or `NAME=value` of an ARG)."""
    if instruction.keyword == "ARG":
        span = key_word.span
        name_length = key_word.value.find("=") + 1
        if span.line == span.end_line and name_length > 0:
            return Span(span.line, span.column + name_length, span.end_line, span.end_column)
        return span
    args = instruction.args
    for index, word in enumerate(args):
        if word is key_word and index + 1 < len(args):
            value_word = args[index + 1]
            return value_word.span if value_word.value else key_word.span
    return key_word.span


# ------------------------------------------------------------------ TLS verification

FALSE_WORDS = frozenset({"false", "0", "no", "off"})
"""The values that switch a boolean setting off in git, npm and yarn configuration."""


def disables_tls_verification(name: str, value: str) -> bool:
    """Whether setting the variable `name` to `value` turns certificate checks off."""
    name = name.upper()
    value = value.strip().lower()
    if name == "GIT_SSL_NO_VERIFY":
        return True  # git checks only that it is set
    if name == "PIP_TRUSTED_HOST":
        return bool(value)
    if name in ("NODE_TLS_REJECT_UNAUTHORIZED", "PYTHONHTTPSVERIFY"):
        return value == "0"
    if name in ("NPM_CONFIG_STRICT_SSL", "YARN_STRICT_SSL"):
        return value in FALSE_WORDS
    return False


# ------------------------------------------------------------------ text written by commands

_SED_SUBSTITUTION = LazyPattern(r"s(.)(?:(?!\1).)*\1((?:(?!\1).)*)\1")


def sed_written_text(expression: str) -> str:
    """What the substitutions of a sed expression write (`s/gpgcheck=0/gpgcheck=1/` writes `gpgcheck=1`)."""
    return " ".join(match.group(2) for match in _SED_SUBSTITUTION.finditer(expression))


# ------------------------------------------------------------------ sudoers

NOPASSWD_TAG = LazyPattern(r"\bNOPASSWD\s*:")
"""The sudoers tag that lets a rule's commands run without the user's password."""


# ------------------------------------------------------------------ volumes

_SENSITIVE_VOLUME_PATHS = frozenset(
    {"/", "/proc", "/sys", "/dev", "/etc", "/root", "/var/run/docker.sock", "/run/docker.sock"}
)
VOLUME_ADVICE = "keep volumes to application data directories"


def sensitive_volume(path: str) -> str | None:
    """The normalised path when a volume there would hide system state or invite mounting
    the Docker socket, else None."""
    normal = normalised_path(path)
    return normal if normal in _SENSITIVE_VOLUME_PATHS else None


# ------------------------------------------------------------------ ports

SSH_ADVICE = "manage containers through the runtime, not a login"


def is_ssh_port(port: str) -> bool:
    """`22` or `22/tcp` (EXPOSE's default protocol is TCP; `22/udp` is not SSH)."""
    number, _, protocol = port.strip().partition("/")
    return number == "22" and protocol.lower() in ("", "tcp")
