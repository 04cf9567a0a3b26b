"""The shell commands of RUN instructions, with positions in the Dockerfile.

Each RUN is parsed once into `ShellCommand`s (a program name and its words,
quotes removed) so that rules ask questions such as "an `apt-get` whose
arguments include `install` and whose flags lack `y`" instead of matching raw
text. bashlex does the parsing; where it gives up (`[[ ]]`, `$(( ))`, `case`,
arrays, and other constructs it does not implement), a small tokenizer still
finds the commands, split at `&&`, `||`, `;`, `|`, `&`, newlines and
parentheses.

What counts as the script of a RUN:
* shell form: the text after the flags, plus the bodies of heredocs it reads
  (`cat <<EOF > /etc/conf`), appended as the shell would see them;
* a lone heredoc (`RUN <<EOF`) or a heredoc fed to a POSIX shell
  (`RUN bash <<EOF`): the body, unless its shebang names another language;
* exec form: the JSON words as one command; `["sh", "-c", "script"]` is the
  script.
A RUN under a non-POSIX shell (SHELL ["pwsh", ...], ["cmd", "/S", "/C"], or a
`# hadolint shell=powershell` comment) has no script: POSIX rules stay silent.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from typing import Any

from dockgate.analysis.bash_grammar import import_bashlex
from dockgate.analysis.windows_images import WINDOWS_DEFAULT_SHELL
from dockgate.dockerfile.expansion import is_space
from dockgate.dockerfile.model import Document, Heredoc, Instruction, LineMap, Span
from dockgate.lazy_pattern import LazyPattern
from dockgate.records import Record

POSIX_DEFAULT_SHELL = "/bin/sh -c"
POSIX_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"})
NON_POSIX_SHELL_MARKERS = ("pwsh", "powershell", "cmd")
_SHEBANG = LazyPattern(r"#!\s*(\S+)(?:\s+(\S+))?")


class ShellWord(Record):
    """One word of a command: `value` with quotes removed; `span` is where it is written."""

    __slots__ = ("value", "start", "end", "line_map")

    value: str
    start: int
    end: int
    line_map: LineMap

    def __init__(self, value: str, start: int, end: int, line_map: LineMap) -> None:
        self.value = value
        self.start = start
        self.end = end
        self.line_map = line_map

    @property
    def span(self) -> Span:
        # Worked out on demand: most words are never reported.
        return self.line_map.span(self.start, self.end)


class ShellCommand(Record):
    """A simple command: its program name and the words after it."""

    __slots__ = ("name", "name_span", "words", "assignments", "runner", "program")

    name: str
    name_span: Span
    words: list[ShellWord]
    assignments: list[ShellWord]
    """`NAME=value` words before the name: variables set for this command alone."""
    runner: ShellCommand | None
    """The command that runs this one (`sudo`, `env`, `sh -c`), or None for a command of the script itself."""
    program: str
    """The name without a directory (`/usr/bin/pip3` -> `pip3`); every rule asks, so it is worked out once."""

    def __init__(
        self,
        name: str,
        name_span: Span,
        words: list[ShellWord] | None = None,
        assignments: list[ShellWord] | None = None,
        runner: ShellCommand | None = None,
    ) -> None:
        self.name = name
        self.name_span = name_span
        self.words = [] if words is None else words
        self.assignments = [] if assignments is None else assignments
        self.runner = runner
        self.program = name.rsplit("/", 1)[-1]

    @property
    def span(self) -> Span:
        return self.name_span.covering(self.words[-1].span) if self.words else self.name_span

    @property
    def arguments(self) -> list[str]:
        return [word.value for word in self.words]

    def flags(self) -> set[str]:
        """Flag names as hadolint reads them: `-abc` is a, b and c; `--name=value` is name."""
        names: set[str] = set()
        for word in self.words:
            value = word.value
            if value == "--":
                break
            if value.startswith("--") and len(value) > 2:
                names.add(value[2:].split("=", 1)[0])
            elif value.startswith("-") and len(value) > 1:
                names.update(value[1:])
        return names

    def has_flag(self, *names: str) -> bool:
        found = self.flags()
        return any(name in found for name in names)

    def has_argument(self, *values: str) -> bool:
        return any(word.value in values for word in self.words)

    def positional(self) -> list[ShellWord]:
        """Words that are not flags (anything not starting with `-`, and all after `--`)."""
        out: list[ShellWord] = []
        after_double_dash = False
        for word in self.words:
            if after_double_dash or not word.value.startswith("-") or word.value == "-":
                out.append(word)
            elif word.value == "--":
                after_double_dash = True
        return out

    def assigned(self) -> list[tuple[str, str, ShellWord]]:
        """The prefix assignments as (name, value, word)."""
        out = []
        for word in self.assignments:
            name, _, value = word.value.partition("=")
            out.append((name.rstrip("+"), value, word))
        return out

    def word_span(self, value: str) -> Span:
        """The span of the first word equal to `value`, or the command's span."""
        for word in self.words:
            if word.value == value:
                return word.span
        return self.span


class ShellScript(Record):
    """The commands of one RUN, in the order they appear."""

    __slots__ = ("text", "commands", "parsed_by_bashlex", "line_map", "exec_form", "_pipes", "_all_commands")

    text: str
    commands: list[ShellCommand]
    parsed_by_bashlex: bool
    line_map: LineMap
    """Offsets in `text` -> positions in the Dockerfile."""
    exec_form: bool
    """The JSON words of an exec-form RUN, run without a shell: `text` is those JSON strings, blank-separated."""

    _pipes: list[int] | None
    _all_commands: list[ShellCommand] | None

    def __init__(
        self, text: str, commands: list[ShellCommand], parsed_by_bashlex: bool, line_map: LineMap, exec_form: bool = False
    ) -> None:
        self.text = text
        self.commands = commands
        self.parsed_by_bashlex = parsed_by_bashlex
        self.line_map = line_map
        self.exec_form = exec_form
        self._pipes = None
        self._all_commands = None

    @property
    def all_commands(self) -> list[ShellCommand]:
        """`commands` with, after each, the commands it runs: behind wrappers (`sudo -u app pip install`,
        `env X=1 git clone`, `xargs rm`, `chroot /mnt apt-get`) and inside `sh -c '...'` or `su -c '...'`."""
        if self._all_commands is None:
            self._all_commands = []
            for command in self.commands:
                self._all_commands.extend(_with_nested(command, self.text))
        return self._all_commands

    @property
    def pipes(self) -> list[int]:
        """Offsets of the script's pipe operators, worked out once (several rules ask)."""
        if self._pipes is None:
            self._pipes = pipe_offsets(self.text) if "|" in self.text else []
        return self._pipes

    def calls(self, *programs: str) -> list[ShellCommand]:
        return [command for command in self.commands if command.program in programs]


class RunScript(Record):
    """A RUN instruction (an ONBUILD trigger too) and its shell script, if it has one."""

    __slots__ = ("instruction", "owner", "script", "shell")

    instruction: Instruction
    """The RUN itself (for an ONBUILD trigger, the trigger)."""
    owner: Instruction
    """The top-level instruction: the RUN, or its ONBUILD."""
    script: ShellScript | None
    shell: str
    """The shell that runs it, as SHELL or a hadolint shell pragma names it (default `/bin/sh -c`)."""

    def __init__(self, instruction: Instruction, owner: Instruction, script: ShellScript | None, shell: str) -> None:
        self.instruction = instruction
        self.owner = owner
        self.script = script
        self.shell = shell


# ------------------------------------------------------------------ sources


class _ScriptSource:
    """Script text being assembled from pieces of the file, with a map back to positions."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.line_map = LineMap()

    def add_from_line_map(self, text: str, line_map: LineMap, offset: int) -> None:
        """Text that is `line_map`'s logical line from `offset` on."""
        starts = line_map.starts
        first = max(bisect_right(starts, offset) - 1, 0)
        self.line_map.add(self.length, line_map.lines[first], line_map.columns[first] + offset - starts[first])
        for index in range(first + 1, len(starts)):
            if starts[index] >= offset + len(text):
                break
            self.line_map.add(self.length + starts[index] - offset, line_map.lines[index], line_map.columns[index])
        self._append(text)

    def add_lines(self, text: str, first_line: int) -> None:
        """Whole file lines starting at column 1 (a heredoc body)."""
        position = self.length
        for number, line in enumerate(text.split("\n")[:-1] if text.endswith("\n") else text.split("\n")):
            self.line_map.add(position, first_line + number, 0)
            position += len(line) + 1
        self._append(text)

    def add_at(self, text: str, line: int, column: int) -> None:
        """Text mapped to start at `line`, 0-based `column` (no continuation inside)."""
        self.line_map.add(self.length, line, column)
        self._append(text)

    def add_synthetic(self, text: str, anchor: Span) -> None:
        """Text that is not in the file (a newline, a heredoc terminator): mapped to `anchor`."""
        self.add_at(text, anchor.line, anchor.column - 1)

    def _append(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    @property
    def text(self) -> str:
        return "".join(self.parts)


def is_posix_shell(shell: str) -> bool:
    lowered = shell.lower()
    return not any(marker in lowered for marker in NON_POSIX_SHELL_MARKERS)


def _heredoc_is_shell(heredoc: Heredoc) -> bool:
    """A heredoc body without a shebang, or with a POSIX shell's, is shell code."""
    first_line = heredoc.content.split("\n", 1)[0]
    match = _SHEBANG.match(first_line)
    if match is None:
        return True
    interpreter = match.group(1).rsplit("/", 1)[-1]
    if interpreter == "env" and match.group(2):
        interpreter = match.group(2)
    return interpreter in POSIX_SHELLS


def _source_of(instruction: Instruction) -> _ScriptSource | None:
    """The script text of a shell-form RUN with its position map, or None when it runs no shell code."""
    if instruction.arguments is None or instruction.line_map is None:
        return None
    source = _ScriptSource()
    command_text = instruction.arguments.value
    heredocs = instruction.heredocs
    if heredocs:
        without_markers = re.sub(r"\d*<<-?\s*\S+", "", command_text).strip()
        words = without_markers.split()
        feeds_shell = not words or (
            words[0].rsplit("/", 1)[-1] in POSIX_SHELLS and all(w.startswith("-") for w in words[1:])
        )
        if feeds_shell and len(heredocs) == 1:
            # `RUN <<EOF` or `RUN bash <<EOF`: the body is the script.
            if not _heredoc_is_shell(heredocs[0]):
                return None
            if heredocs[0].body_span is not None:
                source.add_lines(heredocs[0].content, heredocs[0].body_span.line)
            return source
    source.add_from_line_map(command_text, instruction.line_map, instruction.arguments_offset)
    for heredoc in heredocs:
        # The shell reads these bodies as here-documents of the command line.
        source.add_synthetic("\n", instruction.arguments.span)
        if heredoc.content:
            assert heredoc.body_span is not None
            source.add_lines(heredoc.content, heredoc.body_span.line)
        source.add_synthetic(heredoc.name, heredoc.terminator_span)
    return source


_JSON_STRING = LazyPattern(r'"(?:[^"\\]|\\.)*"')


def _exec_form_script(instruction: Instruction) -> ShellScript | None:
    """An exec-form RUN: `["sh", "-c", "script"]` is the script; any other the one command it runs.

    The text of a plain exec-form command is its JSON strings as written, blank-separated, so that
    each word's span is its string in the file.
    """
    arguments, line_map = instruction.arguments, instruction.line_map
    if arguments is None or line_map is None or not instruction.args:
        return None
    raw = arguments.value
    strings = list(_JSON_STRING.finditer(raw))
    if len(strings) != len(instruction.args):
        return None
    base = instruction.arguments_offset
    values = [word.value for word in instruction.args]
    if len(values) >= 3 and values[0].rsplit("/", 1)[-1] in POSIX_SHELLS and _SHELL_SCRIPT_OPTION.match(values[1]):
        script, offsets = json_string_offsets(raw, strings[2].start())
        return parse_script(script, mapped_line_map([base + offset for offset in offsets], line_map, instruction.args[2].span))
    source = _ScriptSource()
    words: list[ShellWord] = []
    for index, found in enumerate(strings):
        if index:
            source.add_synthetic(" ", instruction.args[index].span)
        start = source.length
        source.add_from_line_map(found.group(), line_map, base + found.start())
        words.append(ShellWord(values[index], start, source.length, source.line_map))
    command = ShellCommand(values[0], instruction.args[0].span, words[1:])
    return ShellScript(source.text, [command], False, source.line_map, exec_form=True)


# ------------------------------------------------------------------ parsing


def load_shell_parser() -> None:
    """Import bashlex now: before forking workers, so they share it."""
    _bashlex()


@lru_cache(maxsize=1)
def _bashlex() -> Any:
    """bashlex, imported on first need, made to refuse a `${` that never closes.

    bashlex 0.18 loops forever on a word such as `$(d)'${'`: it looks for the
    `}` with str.find and carries on from position -1. Bash calls that a bad
    substitution; the guard makes bashlex say so, and the tokenizer takes over.
    """
    bashlex: Any = import_bashlex()  # with its parse tables from `bash_grammar`, not rebuilt; its parser imports errors and subst
    expand = bashlex.subst._paramexpand

    def guarded_expand(parser: object, string: str, start: int) -> Any:
        if string.startswith("${", start) and string.find("}", start + 2) < 0:
            raise bashlex.errors.ParsingError("bad substitution: no closing '}'", string, start)
        return expand(parser, string, start)

    bashlex.subst._paramexpand = guarded_expand
    return bashlex


_RawWord = tuple[str, int, int]
_RawCommand = tuple[tuple[_RawWord, ...], tuple[_RawWord, ...]]
"""A command as its prefix assignments and its words, each word (value, start, end)."""


@lru_cache(maxsize=4096)
def _parse_commands(text: str) -> tuple[_RawCommand, ...] | None:
    """Commands via bashlex, or None when bashlex fails.

    Cached on the text: the same RUN lines recur across many Dockerfiles.
    """
    bashlex = _bashlex()
    try:
        trees = bashlex.parse(text)
    except Exception:  # bashlex raises ParsingError, NotImplementedError and assorted others
        return None
    commands: list[_RawCommand] = []
    for tree in trees:
        _command_collector()(commands).visit(tree)
    commands.sort(key=lambda command: command[1][0][1])
    return tuple(commands)


@lru_cache(maxsize=1)
def _command_collector() -> Any:
    """A bashlex tree visitor that appends every simple command to a list (the class made once:
    a class per parse cost a few tens of microseconds, and garbage only a full collection frees)."""
    node_visitor: Any = _bashlex().ast.nodevisitor

    class CommandCollector(node_visitor):  # type: ignore[misc]
        def __init__(self, commands: list[_RawCommand]) -> None:
            self.commands = commands

        def visitcommand(self, node: object, parts: list[Any]) -> None:
            words = tuple((part.word, part.pos[0], part.pos[1]) for part in parts if part.kind == "word")
            if words:
                assignments = tuple(
                    (part.word, part.pos[0], part.pos[1])
                    for part in parts
                    if part.kind == "assignment" and part.pos[0] < words[0][1]
                )
                self.commands.append((assignments, words))

    return CommandCollector


_ESCAPABLE_IN_DOUBLE_QUOTES = ("$", "`", '"', "\\", "\n")
_PLAIN_RUN = LazyPattern(r"[^\s'\"\\$<>&|;(){}`#]+")
_NEEDS_PARSER = LazyPattern(r"\$\(|`|[<>]\(|\(\(|(?:^|[\s;&|(])(?:for|case|select|while|until|function)\s")
_WORD_ENDING_OPERATOR = LazyPattern(r"&&|\|\||;;|[;&|()\n]|`")
# `{` and `}` group commands only as words of their own.
_OPERATOR = LazyPattern(r"&&|\|\||;;|[;&|()\n]|`|[{}](?=[\s;]|\Z)")
_RESERVED = frozenset({"if", "then", "else", "elif", "fi", "do", "done", "while", "until", "for", "in", "case", "esac", "!", "time", "function"})
_ASSIGNMENT = LazyPattern(r"[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=")


@lru_cache(maxsize=4096)
def _tokenize_commands(text: str) -> tuple[_RawCommand, ...]:
    """A forgiving split into commands for scripts bashlex cannot parse.

    Cached on the text, as `_parse_commands` is: about half the RUN lines of a corpus
    of Dockerfiles repeat one seen before (`apt-get update && apt-get install -y ...`).
    """
    commands: list[_RawCommand] = []
    current: list[_RawWord] = []
    position, length = 0, len(text)

    def finish() -> None:
        words = _without_redirections(current)
        assignments: list[_RawWord] = []
        while words and (words[0][0] in _RESERVED or _ASSIGNMENT.match(words[0][0])):
            word = words.pop(0)
            if word[0] in _RESERVED:
                assignments.clear()
            else:
                assignments.append(word)
        if words:
            commands.append((tuple(assignments), tuple(words)))
        current.clear()

    pending_heredocs: list[tuple[str, bool]] = []
    while position < length:
        char = text[position]
        if is_space(char) and char != "\n":
            position += 1
            continue
        if text.startswith("\\\n", position):
            # A line continuation between words (a heredoc script keeps them) is blank, not an empty word.
            position += 2
            continue
        if char == "#" and (position == 0 or is_space(text[position - 1])):
            while position < length and text[position] != "\n":
                position += 1
            continue
        operator = None if text.startswith("&>", position) else _OPERATOR.match(text, position)
        if operator is not None:
            finish()
            position = operator.end()
            if operator.group() == "\n" and pending_heredocs:
                position = _skip_heredoc_bodies(text, position, pending_heredocs)
                pending_heredocs.clear()
            continue
        start = position
        value: list[str] = []
        quote = ""
        while position < length:
            plain = _PLAIN_RUN.match(text, position)
            if plain is not None:
                value.append(plain.group())
                position = plain.end()
                continue
            char = text[position]
            if quote:
                if char == quote:
                    quote = ""
                elif char == "\\" and quote == '"' and text[position + 1 : position + 2] in _ESCAPABLE_IN_DOUBLE_QUOTES:
                    # Inside double quotes a backslash escapes only these; before anything else it stays.
                    position += 1
                    if text[position] != "\n":
                        value.append(text[position])
                else:
                    value.append(char)
                position += 1
                continue
            following = text[position + 1 : position + 2]
            if (char in "<>" and following == "&") or (char == "&" and following == ">"):
                # `2>&1`, `&>file`, `>>`: one redirection word, not an `&` operator.
                value.append(text[position : position + 2])
                position += 2
                continue
            if is_space(char) or _WORD_ENDING_OPERATOR.match(text, position):
                break
            if char in "<>" and value and value[0][0] not in "<>&" and not "".join(value).isdigit():
                # `pkg>2.7`: the shell reads a redirection here (`2>file` keeps its descriptor).
                break
            if char in "'\"":
                quote = char
            elif char == "$" and text[position + 1 : position + 2] in ("(", "{"):
                # `$(...)`, `$((...))`, `${...}` stay inside the word.
                closing = _matching_bracket(text, position + 1)
                value.append(text[position:closing])
                position = closing
                continue
            elif char == "\\" and position + 1 < length:
                position += 1
                if text[position] != "\n":
                    value.append(text[position])
            else:
                value.append(char)
            position += 1
        word = "".join(value)
        current.append((word, start, _end_before_line_break(text, start, position)))
        marker = _HEREDOC_WORD.match(word)
        if marker is not None:
            pending_heredocs.append((marker.group(2), marker.group(1) == "-"))
    finish()
    return tuple(commands)


_HEREDOC_WORD = LazyPattern(r"\d*<<(-?)(\S+)\Z")


def _skip_heredoc_bodies(text: str, position: int, heredocs: list[tuple[str, bool]]) -> int:
    """Past the here-document bodies that start at `position`, one per pending `<<WORD`."""
    for delimiter, strip_tabs in heredocs:
        while position < len(text):
            end = text.find("\n", position)
            end = len(text) if end < 0 else end
            line = text[position:end]
            position = end + 1
            if (line.lstrip("\t") if strip_tabs else line) == delimiter:
                break
    return min(position, len(text))


_REDIRECTION = LazyPattern(r"\d*(?:&>>|&>|>>|>&|<&|>\||<<<|<<-?|<>|>|<)")


def _without_redirections(words: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Words with `> file`, `2>&1`, `<<EOF` and the like taken out, as a shell parser would."""
    kept: list[tuple[str, int, int]] = []
    skip_next = False
    for word in words:
        if skip_next:
            skip_next = False
            continue
        redirection = _REDIRECTION.match(word[0])
        if redirection is None:
            kept.append(word)
        elif redirection.end() == len(word[0]):
            skip_next = True  # the operator alone: its target is the next word
    return kept


def _matching_bracket(text: str, open_at: int) -> int:
    """The index just after the bracket closing the one at `open_at` (or the end of the text)."""
    opening = text[open_at]
    closing = ")" if opening == "(" else "}"
    depth = 0
    for index in range(open_at, len(text)):
        if text[index] == opening:
            depth += 1
        elif text[index] == closing:
            depth -= 1
            if depth == 0:
                return index + 1
    return len(text)


def _end_before_line_break(text: str, start: int, end: int) -> int:
    """Where a word's span ends: not after a line break or continuation it ends with (`a\\<newline>`,
    a quote left open to the end of a heredoc), so that the span stays on the lines it covers."""
    while end > start and text[end - 1] == "\n":
        end -= 2 if end - 1 > start and text[end - 2] == "\\" else 1
    return end


def parse_script(text: str, line_map: LineMap) -> ShellScript:
    """Commands of a shell script whose offsets `line_map` maps into the file.

    A plain list of commands (the great majority of RUN lines) goes through the
    tokenizer; bashlex takes scripts with substitutions, subshells and loops,
    whose nested commands only a real parser finds. bashlex builds its parse
    tables on import (about a quarter of a second), so a run that meets no
    such script never imports it.
    """
    parsed = _parse_commands(text) if _NEEDS_PARSER.search(text) else None
    by_bashlex = parsed is not None
    raw_commands = parsed if parsed is not None else _tokenize_commands(text)
    commands = []
    for assignments, words in raw_commands:
        (name, start, end), rest = words[0], words[1:]
        commands.append(
            ShellCommand(
                name=name,
                name_span=line_map.span(start, end),
                words=[ShellWord(value, s, e, line_map) for value, s, e in rest],
                assignments=[ShellWord(value, s, e, line_map) for value, s, e in assignments],
            )
        )
    return ShellScript(text, commands, by_bashlex, line_map)


_PIPE_HEREDOC_MARKER = LazyPattern(r"<<(-?)\s*(['\"]?)([^\s'\"<>|&;()]+)\2")
_COMMENT_FOLLOWS = frozenset(" \t\n;&|(")
_CASE_WORD = LazyPattern(r"(case|esac)(?=[\s;)]|$)")
# After the `|` of a case pattern (`s390x|riscv64)`): more pattern, then `|` or `)`.
_CASE_PATTERN_REST = LazyPattern(r"\|[ \t]*[^\s|;&()]*[ \t]*[|)]")


# What `pipe_offsets` passes over: in double quotes all but `"`, `\\`, `$` and backticks; elsewhere all
# but quotes, `\\`, `$`, parentheses, backticks, `<`, line breaks, `|`, and the `#`, `c` and `e` that
# may begin a comment, `case` or `esac` (those after a character of `_COMMENT_FOLLOWS` or at the start).
_PLAIN_IN_DOUBLE_QUOTES = LazyPattern(r'[^"\\$`]+')
_PLAIN_UNQUOTED = LazyPattern(r"(?:[^'\"\\$()`#<\n|ce]|(?<=[^ \t\n;&|(])[ce#])+")


def pipe_offsets(text: str) -> list[int]:
    """Offsets of the pipe operators (`|`, `|&`) of a script, in command substitutions too
    (`"$(dpkg --print-architecture | awk ...)"`), but not in quotes, comments or here-document
    bodies, and not the `|` of `||` or `>|`."""
    offsets: list[int] = []
    # Open contexts: a quote character, `(` for `$(`, or a backtick.
    stack: list[str] = []
    heredocs: list[tuple[str, bool]] = []
    open_cases = 0  # `case ... esac` being read: `a|b)` there is a pattern, not a pipe
    index, length = 0, len(text)
    while index < length:
        context = stack[-1] if stack else ""
        # Jump over the characters that cannot change anything where they are.
        if context == "'":
            index = text.find("'", index)
            if index < 0:
                break
        else:
            boring = (_PLAIN_IN_DOUBLE_QUOTES if context == '"' else _PLAIN_UNQUOTED).match(text, index)
            if boring is not None:
                index = boring.end()
                if index >= length:
                    break
        char = text[index]
        if context == "'":
            if char == "'":
                stack.pop()
        elif context == '"':
            if char == '"':
                stack.pop()
            elif char == "\\":
                index += 1
            elif char == "$" and text.startswith("$(", index):
                stack.append("(")
                index += 1
            elif char == "`":
                stack.append("`")
        elif char == "\\":
            index += 1
        elif char in "'\"":
            stack.append(char)
        elif char == "$" and text.startswith("$(", index):
            stack.append("(")
            index += 1
        elif char == "(" and context == "(":
            stack.append("(")
        elif char == ")" and context == "(":
            stack.pop()
        elif char == "`":
            if context == "`":
                stack.pop()
            else:
                stack.append("`")
        elif char in "ce" and (index == 0 or text[index - 1] in _COMMENT_FOLLOWS) and _CASE_WORD.match(text, index):
            if char == "c":
                open_cases += 1
            elif open_cases:
                open_cases -= 1
            index += 4
            continue
        elif char == "#" and (index == 0 or text[index - 1] in _COMMENT_FOLLOWS):
            while index < length and text[index] != "\n":
                index += 1
            continue
        elif char == "<" and text.startswith("<<", index) and not text.startswith("<<<", index):
            marker = _PIPE_HEREDOC_MARKER.match(text, index)
            if marker is not None:
                heredocs.append((marker.group(3), marker.group(1) == "-"))
                index = marker.end()
                continue
        elif char == "\n" and heredocs:
            index = _skip_heredoc_bodies(text, index + 1, heredocs)
            heredocs = []
            continue
        elif char == "|":
            if text.startswith("||", index):
                index += 2
                continue
            if (index == 0 or text[index - 1] != ">") and not (open_cases and _CASE_PATTERN_REST.match(text, index)):
                offsets.append(index)
        index += 1
    return offsets


# ------------------------------------------------------------------ per document


def run_scripts(
    document: Document, shell_pragma: dict[int, str], windows_stage_starts: frozenset[int] = frozenset()
) -> list[RunScript]:
    """Every RUN of the document with its script, in order.

    `shell_pragma` maps an instruction's first line to the shell a
    `# hadolint shell=` comment names for it. SHELL instructions apply to
    the rest of their stage and to stages built `FROM` it; any other FROM
    starts over at `/bin/sh -c`, or at `cmd /S /C` when its id is in
    `windows_stage_starts` (see analysis/windows_images.py).
    """
    scripts: list[RunScript] = []
    default_shell = POSIX_DEFAULT_SHELL
    shell = default_shell
    stage_name: str | None = None
    shell_at_end_of_stage: dict[str, str] = {}
    for instruction in document.instructions:
        keyword = instruction.keyword
        if keyword == "FROM":
            if stage_name is not None:
                shell_at_end_of_stage[stage_name] = shell
            words = [word.value for word in instruction.args]
            stage_name = words[2].lower() if len(words) == 3 else None
            default_shell = WINDOWS_DEFAULT_SHELL if id(instruction) in windows_stage_starts else POSIX_DEFAULT_SHELL
            # `FROM <stage>` keeps that stage's SHELL, as the image it builds on does.
            shell = shell_at_end_of_stage.get(words[0].lower(), default_shell) if words else default_shell
        elif keyword == "SHELL" and instruction.json_form and instruction.args:
            shell = " ".join(word.value for word in instruction.args)
        target = instruction.effective
        if target.keyword != "RUN":
            continue
        effective_shell = shell_pragma.get(instruction.line, shell)
        script = None
        if target.json_form:
            # Exec form runs without the shell, whatever SHELL says.
            script = _exec_form_script(target)
        elif is_posix_shell(effective_shell):
            source = _source_of(target)
            if source is not None:
                script = parse_script(source.text, source.line_map)
        scripts.append(RunScript(target, instruction, script, effective_shell))
    return scripts


# ------------------------------------------------------------------ commands that run commands

# Programs that run the command after them, with their options that take a separate value
# (`sudo -u app cmd`, `nice -n 5 cmd`); `gosu`/`su-exec` take a user first, `timeout` a duration,
# `chroot` a directory.
_WRAPPER_OPTIONS_WITH_VALUE: dict[str, frozenset[str]] = {
    "sudo": frozenset({"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-T", "-U", "--user", "--group", "--chdir", "--prompt"}),
    "doas": frozenset({"-u", "-C"}),
    "env": frozenset({"-u", "-C", "-S", "--unset", "--chdir", "--split-string"}),
    "nice": frozenset({"-n", "--adjustment"}),
    "nohup": frozenset(),
    "time": frozenset({"-f", "-o", "--format", "--output"}),
    "exec": frozenset({"-a"}),
    "command": frozenset(),
    "gosu": frozenset(),
    "su-exec": frozenset(),
    "timeout": frozenset({"-s", "-k", "--signal", "--kill-after"}),
    "xargs": frozenset({"-I", "-n", "-P", "-L", "-s", "-d", "-E", "-a", "--max-args", "--max-procs", "--max-lines", "--delimiter", "--arg-file"}),
    "runuser": frozenset({"-u", "-g", "-G", "--user", "--group", "--supp-group", "-s", "--shell"}),
    "chroot": frozenset(),
}
# How many operands come before the command: the user of gosu, the duration of timeout, chroot's directory.
_WRAPPER_OPERANDS = {"gosu": 1, "su-exec": 1, "timeout": 1, "chroot": 1}
_SHELL_SCRIPT_OPTION = LazyPattern(r"-[a-zA-Z]*c[a-zA-Z]*\Z")
_VARIABLE_ASSIGNMENT = LazyPattern(r"[A-Za-z_][A-Za-z0-9_]*=")


def wrapped_command(command: ShellCommand) -> ShellCommand | None:
    """The command a wrapper runs (`sudo -E pip install x` -> `pip install x`), or None.

    `NAME=value` words between `env` or `sudo` and the command become the
    command's assignments. `command -v`/`-V` only looks a name up, so it runs nothing.
    """
    program = command.program
    takes_value = _WRAPPER_OPTIONS_WITH_VALUE.get(program)
    if takes_value is None or (program == "runuser" and _script_word(command) is not None):
        return None
    words = command.words
    index, operands = 0, _WRAPPER_OPERANDS.get(program, 0)
    assignments: list[ShellWord] = []
    while index < len(words):
        value = words[index].value
        if value == "--":
            index += 1
            break
        if value in takes_value:
            index += 2
        elif value.startswith("-") and len(value) > 1:
            if program == "command" and ("v" in value or "V" in value):
                return None
            index += 1
        elif program in ("env", "sudo") and _VARIABLE_ASSIGNMENT.match(value):
            assignments.append(words[index])
            index += 1
        else:
            break
    index += operands
    if index >= len(words):
        return None
    inner = words[index]
    return ShellCommand(inner.value, inner.span, list(words[index + 1 :]), assignments, runner=command)


def _script_word(command: ShellCommand) -> tuple[ShellWord, int] | None:
    """The script that `sh -c SCRIPT`, `su -c SCRIPT` or `runuser -c SCRIPT` runs: the word holding
    it, and how many characters of the word's value come before the script (`--command=`)."""
    program, words = command.program, command.words
    if program in POSIX_SHELLS:
        for index, word in enumerate(words):
            if word.value == "--" or not word.value.startswith("-"):
                return None
            if _SHELL_SCRIPT_OPTION.match(word.value):
                return (words[index + 1], 0) if index + 1 < len(words) else None
        return None
    if program in ("su", "runuser"):
        for index, word in enumerate(words):
            if word.value in ("-c", "--command", "--session-command") and index + 1 < len(words):
                return words[index + 1], 0
            if word.value.startswith("--command="):
                return word, len("--command=")
    return None


def _with_nested(command: ShellCommand, text: str, depth: int = 0) -> list[ShellCommand]:
    """The command, then every command it runs, depth first."""
    out = [command]
    if depth > 8:  # `sh -c "sh -c ..."` nested deeper than any real script
        return out
    inner = wrapped_command(command)
    if inner is not None:
        out.extend(_with_nested(inner, text, depth + 1))
        return out
    found = _script_word(command)
    if found is not None and found[0].end <= len(text):
        word, skipped = found
        value, offsets = shell_word_offsets(text, word.start, word.end)
        value, offsets = value[skipped:], offsets[skipped:]
        script = parse_script(value, mapped_line_map(offsets, word.line_map, word.span))
        for nested in script.commands:
            nested.runner = command
            out.extend(_with_nested(nested, value, depth + 1))
    return out


def shell_word_offsets(text: str, start: int, end: int) -> tuple[str, list[int]]:
    """The word `text[start:end]` with its quotes removed, and where each character of that is in `text`."""
    value: list[str] = []
    offsets: list[int] = []
    quote = ""
    index = start
    while index < end:
        char = text[index]
        if quote == "'":
            if char == "'":
                quote = ""
            else:
                value.append(char)
                offsets.append(index)
        elif char == "\\" and index + 1 < end and (not quote or text[index + 1] in _ESCAPABLE_IN_DOUBLE_QUOTES):
            index += 1
            if text[index] != "\n":
                value.append(text[index])
                offsets.append(index)
        elif char == '"':
            quote = "" if quote else '"'
        elif char == "'" and not quote:
            quote = "'"
        else:
            value.append(char)
            offsets.append(index)
        index += 1
    return "".join(value), offsets


def json_string_offsets(raw: str, start: int) -> tuple[str, list[int]]:
    """The JSON string literal at `raw[start]` decoded, and where each decoded character is in `raw`."""
    value: list[str] = []
    offsets: list[int] = []
    index = start + 1
    while index < len(raw) and raw[index] != '"':
        if raw[index] == "\\" and index + 1 < len(raw):
            escape = raw[index + 1]
            if escape == "u":
                value.append(chr(int(raw[index + 2 : index + 6], 16)))
                offsets.append(index)
                index += 6
                continue
            value.append(_JSON_ESCAPES.get(escape, escape))
            offsets.append(index)
            index += 2
            continue
        value.append(raw[index])
        offsets.append(index)
        index += 1
    return "".join(value), offsets


_JSON_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f"}


def mapped_line_map(offsets: list[int], outer: LineMap, anchor: Span) -> LineMap:
    """A line map for text whose characters stand at `offsets` of the text `outer` maps.

    A new piece starts wherever the characters stop being contiguous (a quote or an
    escape taken out) or a new line of the file begins; empty text maps to `anchor`.
    """
    inner = LineMap()
    if not offsets:
        inner.add(0, anchor.line, anchor.column - 1)
        return inner
    piece_starts = set(outer.starts)
    previous = -2
    for index, offset in enumerate(offsets):
        if offset != previous + 1 or offset in piece_starts:
            position = outer.span(offset, offset)
            inner.add(index, position.line, position.column - 1)
        previous = offset
    return inner
