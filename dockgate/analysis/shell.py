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
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from dockgate.dockerfile.expansion import is_space
from dockgate.dockerfile.model import Document, Heredoc, Instruction, LineMap, Span

POSIX_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"})
NON_POSIX_SHELL_MARKERS = ("pwsh", "powershell", "cmd")
_SHEBANG = re.compile(r"#!\s*(\S+)(?:\s+(\S+))?")


@dataclass(slots=True)
class ShellWord:
    """One word of a command: `value` with quotes removed; `span` is where it is written."""

    value: str
    start: int
    end: int
    line_map: LineMap

    @property
    def span(self) -> Span:
        # Worked out on demand: most words are never reported.
        return self.line_map.span(self.start, self.end)


@dataclass(slots=True)
class ShellCommand:
    """A simple command: its program name and the words after it."""

    name: str
    name_span: Span
    words: list[ShellWord] = field(default_factory=list)
    program: str = field(init=False)
    """The name without a directory (`/usr/bin/pip3` -> `pip3`); every rule asks, so it is worked out once."""

    def __post_init__(self) -> None:
        self.program = self.name.rsplit("/", 1)[-1]

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

    def word_span(self, value: str) -> Span:
        """The span of the first word equal to `value`, or the command's span."""
        for word in self.words:
            if word.value == value:
                return word.span
        return self.span


@dataclass(slots=True)
class ShellScript:
    """The commands of one RUN, in the order they appear."""

    text: str
    commands: list[ShellCommand]
    parsed_by_bashlex: bool
    line_map: LineMap
    """Offsets in `text` -> positions in the Dockerfile."""

    _pipes: list[int] | None = field(default=None, init=False, repr=False)

    @property
    def pipes(self) -> list[int]:
        """Offsets of the script's pipe operators, worked out once (several rules ask)."""
        if self._pipes is None:
            self._pipes = pipe_offsets(self.text) if "|" in self.text else []
        return self._pipes

    def calls(self, *programs: str) -> list[ShellCommand]:
        return [command for command in self.commands if command.program in programs]


@dataclass(slots=True)
class RunScript:
    """A RUN instruction (an ONBUILD trigger too) and its shell script, if it has one."""

    instruction: Instruction
    """The RUN itself (for an ONBUILD trigger, the trigger)."""
    owner: Instruction
    """The top-level instruction: the RUN, or its ONBUILD."""
    script: ShellScript | None
    shell: str
    """The shell that runs it, as SHELL or a hadolint shell pragma names it (default `/bin/sh -c`)."""


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
    """The script text of a RUN with its position map, or None when it runs no shell code."""
    if instruction.json_form:
        return _exec_form_source(instruction)
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


def _exec_form_source(instruction: Instruction) -> _ScriptSource | None:
    args = instruction.args
    if len(args) >= 3 and args[0].value.rsplit("/", 1)[-1] in POSIX_SHELLS and args[1].value in ("-c", "-ec", "-ex", "-xc", "-exc", "-eux", "-euxc"):
        source = _ScriptSource()
        # The JSON string's span covers its quotes; the script starts one column in (escapes aside).
        source.add_at(args[2].value, args[2].span.line, args[2].span.column)
        return source
    return None


# ------------------------------------------------------------------ parsing


@lru_cache(maxsize=1)
def _bashlex() -> Any:
    """bashlex, imported on first need, made to refuse a `${` that never closes.

    bashlex 0.18 loops forever on a word such as `$(d)'${'`: it looks for the
    `}` with str.find and carries on from position -1. Bash calls that a bad
    substitution; the guard makes bashlex say so, and the tokenizer takes over.
    """
    import bashlex
    import bashlex.errors
    import bashlex.subst

    expand = bashlex.subst._paramexpand

    def guarded_expand(parser: object, string: str, start: int) -> Any:
        if string.startswith("${", start) and string.find("}", start + 2) < 0:
            raise bashlex.errors.ParsingError("bad substitution: no closing '}'", string, start)
        return expand(parser, string, start)

    bashlex.subst._paramexpand = guarded_expand
    return bashlex


@lru_cache(maxsize=4096)
def _parse_commands(text: str) -> tuple[tuple[tuple[str, int, int], ...], ...] | None:
    """Commands as (value, start, end) word tuples via bashlex, or None when bashlex fails.

    Cached on the text: the same RUN lines recur across many Dockerfiles.
    """
    bashlex = _bashlex()
    try:
        trees = bashlex.parse(text)
    except Exception:  # bashlex raises ParsingError, NotImplementedError and assorted others
        return None
    commands: list[tuple[tuple[str, int, int], ...]] = []

    class Visitor(bashlex.ast.nodevisitor):  # type: ignore[misc]
        def visitcommand(self, node: object, parts: list[Any]) -> None:
            words = tuple(
                (part.word, part.pos[0], part.pos[1]) for part in parts if part.kind == "word"
            )
            if words:
                commands.append(words)

    for tree in trees:
        Visitor().visit(tree)
    commands.sort(key=lambda words: words[0][1])
    return tuple(commands)


_ESCAPABLE_IN_DOUBLE_QUOTES = ("$", "`", '"', "\\", "\n")
_PLAIN_RUN = re.compile(r"[^\s'\"\\$<>&|;(){}`#]+")
_NEEDS_PARSER = re.compile(r"\$\(|`|[<>]\(|\(\(|(?:^|[\s;&|(])(?:for|case|select|while|until|function)\s")
_WORD_ENDING_OPERATOR = re.compile(r"&&|\|\||;;|[;&|()\n]|`")
# `{` and `}` group commands only as words of their own.
_OPERATOR = re.compile(r"&&|\|\||;;|[;&|()\n]|`|[{}](?=[\s;]|\Z)")
_RESERVED = frozenset({"if", "then", "else", "elif", "fi", "do", "done", "while", "until", "for", "in", "case", "esac", "!", "time", "function"})
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=")


def _tokenize_commands(text: str) -> list[tuple[tuple[str, int, int], ...]]:
    """A forgiving split into commands for scripts bashlex cannot parse."""
    commands: list[tuple[tuple[str, int, int], ...]] = []
    current: list[tuple[str, int, int]] = []
    position, length = 0, len(text)

    def finish() -> None:
        words = _without_redirections(current)
        while words and (words[0][0] in _RESERVED or _ASSIGNMENT.match(words[0][0])):
            words.pop(0)
        if words:
            commands.append(tuple(words))
        current.clear()

    pending_heredocs: list[tuple[str, bool]] = []
    while position < length:
        char = text[position]
        if is_space(char) and char != "\n":
            position += 1
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
        current.append((word, start, position))
        marker = _HEREDOC_WORD.match(word)
        if marker is not None:
            pending_heredocs.append((marker.group(2), marker.group(1) == "-"))
    finish()
    return commands


_HEREDOC_WORD = re.compile(r"\d*<<(-?)(\S+)\Z")


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


_REDIRECTION = re.compile(r"\d*(?:&>>|&>|>>|>&|<&|>\||<<<|<<-?|<>|>|<)")


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
    raw_commands = list(parsed) if parsed is not None else _tokenize_commands(text)
    commands = []
    for words in raw_commands:
        (name, start, end), rest = words[0], words[1:]
        commands.append(
            ShellCommand(
                name=name,
                name_span=line_map.span(start, end),
                words=[ShellWord(value, s, e, line_map) for value, s, e in rest],
            )
        )
    return ShellScript(text, commands, by_bashlex, line_map)


_PIPE_HEREDOC_MARKER = re.compile(r"<<(-?)\s*(['\"]?)([^\s'\"<>|&;()]+)\2")
_COMMENT_FOLLOWS = frozenset(" \t\n;&|(")
_CASE_WORD = re.compile(r"(case|esac)(?=[\s;)]|$)")
# After the `|` of a case pattern (`s390x|riscv64)`): more pattern, then `|` or `)`.
_CASE_PATTERN_REST = re.compile(r"\|[ \t]*[^\s|;&()]*[ \t]*[|)]")


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
        char = text[index]
        context = stack[-1] if stack else ""
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


def run_scripts(document: Document, shell_pragma: dict[int, str]) -> list[RunScript]:
    """Every RUN of the document with its script, in order.

    `shell_pragma` maps an instruction's first line to the shell a
    `# hadolint shell=` comment names for it. SHELL instructions apply to
    the rest of their stage and to stages built `FROM` it; any other FROM
    starts over at `/bin/sh -c`.
    """
    scripts: list[RunScript] = []
    default_shell = "/bin/sh -c"
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
            # `FROM <stage>` keeps that stage's SHELL, as the image it builds on does.
            shell = shell_at_end_of_stage.get(words[0].lower(), default_shell) if words else default_shell
        elif keyword == "SHELL" and instruction.json_form and instruction.args:
            shell = " ".join(word.value for word in instruction.args)
        target = instruction.effective
        if target.keyword != "RUN":
            continue
        effective_shell = shell_pragma.get(instruction.line, shell)
        script = None
        if is_posix_shell(effective_shell):
            source = _source_of(target)
            if source is not None:
                script = parse_script(source.text, source.line_map)
        scripts.append(RunScript(target, instruction, script, effective_shell))
    return scripts
