"""Dockerfile text -> `Document`, the way BuildKit's parser reads it.

The order of work mirrors BuildKit (frontend/dockerfile/parser/parser.go):
parser directives at the top, physical lines, continuation joining (comment
and blank lines inside a continuation are dropped), heredoc bodies, then the
keyword / flags / arguments split of each logical line. What BuildKit's raw
parser rejects raises `DockerfileSyntaxError`; everything else (unknown
keywords, wrong argument counts) parses, and rules report it.

Every word keeps the offsets it had in the logical line; `LineMap` turns
those back into positions in the file, through the continuation joins.
"""

from __future__ import annotations

import json
import re
from typing import Callable

from dockgate.dockerfile.expansion import ExpansionError, ShellLexer, is_space
from dockgate.dockerfile.model import (
    Comment,
    Directive,
    DockerfileSyntaxError,
    Document,
    Flag,
    Heredoc,
    Instruction,
    LineMap,
    Span,
    Word,
)
from dockgate.lazy_pattern import LazyPattern

MAX_LINE_BYTES = 65535
"""BuildKit's scanner limit for one physical line."""

KNOWN_DIRECTIVES = frozenset({"syntax", "escape", "check"})

_DIRECTIVE = LazyPattern(r"#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.+?)[ \t]*\Z")
# BuildKit splits on this set, which is narrower than "any white space".
_SEPARATOR = LazyPattern(r"[\t\v\f\r ]+")
_JSON_STRING = LazyPattern(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_HEREDOC_MARKER = LazyPattern(r"(\d*)<<(-?)\s*([^<]*)\Z", re.DOTALL)
_HEREDOC_PREFIX = LazyPattern(r"\d*<<-?\Z")
_MARKER_TEXT = LazyPattern(r"\d*<<-?[ \t]*[^\s<]*")

HEREDOC_KEYWORDS = frozenset({"run", "copy", "add"})

_ASCII_SPACE = "\t\n\v\f\r \x85\xa0"


def _lstrip_space(text: str) -> str:
    # str.lstrip does the common case in C (every `is_space` character below U+0100 is in
    # _ASCII_SPACE); the loop handles the rare wide white space.
    text = text.lstrip(_ASCII_SPACE)
    if not text or text[0] <= "\xff":
        return text
    index = 0
    while index < len(text) and is_space(text[index]):
        index += 1
    return text[index:] if index else text


def _rstrip_space(text: str) -> str:
    text = text.rstrip(_ASCII_SPACE)
    if not text or text[-1] <= "\xff":
        return text
    index = len(text)
    while index > 0 and is_space(text[index - 1]):
        index -= 1
    return text[:index]


def physical_lines(text: str) -> list[str]:
    """Lines as Go's bufio.ScanLines yields them: split on \\n, one trailing \\r dropped."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


class _DirectiveScanner:
    """Reads `# key=value` directives until the first line that is not one."""

    def __init__(self) -> None:
        self.done = False
        self.found: dict[str, Directive] = {}

    def feed(self, line: str, line_number: int, column: int) -> Directive | None:
        if self.done:
            return None
        match = _DIRECTIVE.match(line)
        if match is None or match.group(1).lower() not in KNOWN_DIRECTIVES:
            self.done = True
            return None
        name = match.group(1).lower()
        span = Span(line_number, column + 1, line_number, column + len(line) + 1)
        if name in self.found:
            raise DockerfileSyntaxError(f"only one {name} parser directive can be used", span)
        directive = Directive(name, match.group(2), span)
        self.found[name] = directive
        return directive


def _continues(line: str, escape: str) -> tuple[str, bool]:
    """Strip a trailing escape character; say whether the next line joins this one.

    An escaped escape character (`C:\\\\`) does not continue the line.
    """
    trimmed = line.rstrip(" \t")
    if trimmed.endswith(escape) and (len(trimmed) == 1 or trimmed[-2] != escape):
        return trimmed[:-1], True
    return line, False


def _is_comment(line: str) -> bool:
    return _lstrip_space(line).startswith("#")


def parse(text: str) -> Document:
    """Parse a whole Dockerfile; raises DockerfileSyntaxError where Docker would fail."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = physical_lines(text)
    escape = "\\"
    directives = _DirectiveScanner()
    instructions: list[Instruction] = []
    comments: list[Comment] = []
    comment_block: list[Comment] = []
    index = 0
    while index < len(lines):
        raw = lines[index]
        index += 1
        _check_length(raw, index)
        stripped = _lstrip_space(raw)
        indent = len(raw) - len(stripped)
        directive = directives.feed(stripped, index, indent)
        if directive is not None:
            if directive.name == "escape":
                escape = _escape_token(directive)
            continue
        if stripped.startswith("#"):
            comment = Comment(stripped[1:].strip(), Span(index, indent + 1, index, len(raw) + 1))
            comments.append(comment)
            # A bare `#` ends the comment block that documents the next instruction.
            comment_block = [] if not comment.text else comment_block + [comment]
            continue
        logical, continued = _continues(stripped, escape)
        if not continued and not logical:
            continue
        start_line = index
        line_map = LineMap()
        line_map.add(0, start_line, indent)
        empty_continuation_lines: list[int] = []
        while continued and index < len(lines):
            raw = lines[index]
            index += 1
            _check_length(raw, index)
            if _is_comment(raw):
                comments.append(Comment(_lstrip_space(raw)[1:].strip(), _whole_line_span(raw, index)))
                continue
            if not _lstrip_space(raw):
                empty_continuation_lines.append(index)
                continue
            piece, continued = _continues(raw, escape)
            line_map.add(len(logical), index, 0)
            logical += piece
        try:
            instruction = _instruction_from_line(logical, 0, line_map, escape)
            if _can_contain_heredoc(instruction) and "<<" in logical:
                index = _read_heredocs(instruction, logical, line_map, lines, index)
        except _ArgumentError as error:
            raise DockerfileSyntaxError(
                error.message, Span(start_line, indent + 1, index, len(lines[index - 1]) + 1)
            ) from None
        last_line = index
        instruction.span = Span(start_line, indent + 1, last_line, len(lines[last_line - 1]) + 1)
        instruction.comments = comment_block
        instruction.empty_continuation_lines = empty_continuation_lines
        if instruction.sub is not None:
            instruction.sub.span = instruction.span
        instructions.append(instruction)
        comment_block = []
    if not instructions:
        last = max(len(lines), 1)
        raise DockerfileSyntaxError("file with no instructions", Span(last, 1, last, 1))
    return Document(text, lines, escape, directives.found, instructions, comments)


def _check_length(line: str, line_number: int) -> None:
    if len(line) * 4 > MAX_LINE_BYTES and len(line.encode("utf-8", "surrogatepass")) > MAX_LINE_BYTES:
        raise DockerfileSyntaxError(
            f"dockerfile line greater than max allowed size of {MAX_LINE_BYTES}",
            Span(line_number, 1, line_number, 1),
        )


def _whole_line_span(raw: str, line_number: int) -> Span:
    indent = len(raw) - len(_lstrip_space(raw))
    return Span(line_number, indent + 1, line_number, len(raw) + 1)


def _escape_token(directive: Directive) -> str:
    if directive.value not in ("`", "\\"):
        raise DockerfileSyntaxError(
            f"invalid escape token '{directive.value}' does not match ` or \\", directive.span
        )
    return directive.value


class _ArgumentError(Exception):
    """An argument error BuildKit's raw parser raises; the caller adds the position."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --------------------------------------------------------------- instructions


def _instruction_from_line(line: str, offset: int, line_map: LineMap, escape: str) -> Instruction:
    """Split one logical line (`line` begins at `offset` of the joined text) into an Instruction."""
    body = _rstrip_space(line)
    lead = len(body) - len(_lstrip_space(body))
    body = body[lead:]
    start = offset + lead
    separator = _SEPARATOR.search(body)
    keyword_text = body if separator is None else body[: separator.start()]
    keyword_span = line_map.span(start, start + len(keyword_text))
    flags: list[Flag] = []
    rest, rest_offset = "", start + len(body)
    if separator is not None:
        rest, rest_offset, flags = _extract_flags(
            body[separator.end() :], start + separator.end(), line_map, escape
        )
    keyword = keyword_text.lower()
    instruction = Instruction(
        keyword=keyword_text.upper(),
        keyword_as_written=keyword_text,
        keyword_span=keyword_span,
        span=keyword_span,
        original=line,
        flags=flags,
        arguments=Word(rest, line_map.span(rest_offset, rest_offset + len(rest))) if rest else None,
        arguments_offset=rest_offset,
        line_map=line_map,
    )
    if keyword == "onbuild":
        if rest:
            instruction.sub = _instruction_from_line(rest, rest_offset, line_map, escape)
        return instruction
    split = _ARGUMENT_SPLITTERS.get(keyword)
    if split is not None:
        instruction.args, instruction.json_form = split(rest, rest_offset, line_map, escape, keyword)
    return instruction


def _extract_flags(
    text: str, offset: int, line_map: LineMap, escape: str
) -> tuple[str, int, list[Flag]]:
    """Leading `--name[=value]` words; returns the remaining text, its offset and the flags.

    Quotes are removed and the escape character escapes the next character; a
    lone `--` ends the flags (BuildKit's extractBuilderFlags).
    """
    flags: list[Flag] = []
    position = 0
    length = len(text)
    while True:
        while position < length and is_space(text[position]):
            position += 1
        if position >= length - 1 or text[position] != "-" or text[position + 1] != "-":
            break
        word_start = position
        word: list[str] = []
        quote = ""
        while position < length:
            char = text[position]
            if quote:
                if char == quote:
                    quote = ""
                    position += 1
                    continue
            elif is_space(char):
                break
            elif char in "'\"":
                quote = char
                position += 1
                continue
            if char == escape:
                position += 1
                if position == length:
                    break
                char = text[position]
            word.append(char)
            position += 1
        value = "".join(word)
        if value == "--":
            break
        name, equals, flag_value = value[2:].partition("=")
        flags.append(Flag(name, flag_value if equals else None, line_map.span(offset + word_start, offset + position)))
    while position < length and is_space(text[position]):
        position += 1
    return text[position:], offset + position, flags


ArgumentSplitter = Callable[[str, int, LineMap, str, str], tuple[list[Word], bool]]


def _parse_json_array(text: str, offset: int, line_map: LineMap) -> list[Word] | None:
    """A JSON array of strings, or None when the text is not valid JSON (shell form then)."""
    stripped = _lstrip_space(text)
    if not stripped.startswith("["):
        return None
    try:
        values = json.loads(stripped, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return None
    if not isinstance(values, list):
        return None
    if not all(isinstance(value, str) for value in values):
        raise _ArgumentError("when using JSON array syntax, arrays must be comprised of strings only")
    base = offset + len(text) - len(stripped)
    literals = _JSON_STRING.finditer(stripped)
    words = []
    for value, literal in zip(values, literals):
        words.append(Word(_replace_lone_surrogates(value), line_map.span(base + literal.start(), base + literal.end())))
    return words


def _reject_constant(name: str) -> None:
    # Go's JSON decoder has no NaN or Infinity: such text is not JSON to BuildKit.
    raise ValueError(name)


def _replace_lone_surrogates(value: str) -> str:
    # Go decodes an unpaired \\ud800 escape to U+FFFD; Python keeps the surrogate.
    if any("\ud800" <= char <= "\udfff" for char in value):
        return "".join("\ufffd" if "\ud800" <= char <= "\udfff" else char for char in value)
    return value


def _split_json_or_string(
    text: str, offset: int, line_map: LineMap, escape: str, keyword: str
) -> tuple[list[Word], bool]:
    """RUN, CMD, ENTRYPOINT, SHELL: a JSON array, otherwise the whole text as one word."""
    if not text:
        return [], False
    words = _parse_json_array(text, offset, line_map)
    if words is not None:
        return words, True
    return [Word(text, line_map.span(offset, offset + len(text)))], False


def _split_json_or_whitespace(
    text: str, offset: int, line_map: LineMap, escape: str, keyword: str
) -> tuple[list[Word], bool]:
    """ADD, COPY, VOLUME: a JSON array, otherwise words split on white space (quotes kept)."""
    words = _parse_json_array(text, offset, line_map)
    if words is not None:
        return words, True
    return _split_whitespace(text, offset, line_map, escape, keyword)


def _split_whitespace(
    text: str, offset: int, line_map: LineMap, escape: str, keyword: str
) -> tuple[list[Word], bool]:
    """FROM, EXPOSE: words split on white space, as Go's regexp.Split does (empty pieces kept)."""
    if not text:
        return [], False
    words = []
    start = 0
    for separator in _SEPARATOR.finditer(text):
        words.append(Word(text[start : separator.start()], line_map.span(offset + start, offset + separator.start())))
        start = separator.end()
    words.append(Word(text[start:], line_map.span(offset + start, offset + len(text))))
    return words, False


def _split_whole(text: str, offset: int, line_map: LineMap, escape: str, keyword: str) -> tuple[list[Word], bool]:
    """MAINTAINER, USER, WORKDIR, STOPSIGNAL: the whole text is one word."""
    if not text:
        return [], False
    return [Word(text, line_map.span(offset, offset + len(text)))], False


def shell_words(text: str, escape: str) -> list[tuple[str, int, int]]:
    """Words as BuildKit's parseWords splits ARG/ENV/LABEL text: (word, start, end).

    Quotes are kept, an escape character is kept with the character after it;
    only white space outside quotes separates words.
    """
    if text.isascii() and escape not in text and "'" not in text and '"' not in text:
        # Nothing quoted or escaped (most ARG, ENV and LABEL lines): the words are what lies between blanks.
        return [(found.group(), found.start(), found.end()) for found in _ASCII_WORD.finditer(text)]
    words: list[tuple[str, int, int]] = []
    length = len(text)
    position = 0
    while position < length:
        while position < length and is_space(text[position]):
            position += 1
        if position >= length:
            break
        start = position
        word: list[str] = []
        quote = ""
        while position < length:
            char = text[position]
            if not quote and is_space(char):
                break
            if quote:
                if char == quote:
                    quote = ""
                elif char == escape and quote != "'":
                    if position + 1 == length:
                        position += 1
                        break
                    word.append(char)
                    position += 1
                    char = text[position]
            elif char in "'\"":
                quote = char
            elif char == escape:
                if position + 1 == length:
                    position += 1
                    break
                word.append(char)
                position += 1
                char = text[position]
            word.append(char)
            position += 1
        if word:
            words.append(("".join(word), start, position))
    return words


_ASCII_WORD = LazyPattern(r"[^\t\n\v\f\r ]+")
"""A word of ASCII text between `is_space` characters."""


def _split_words(text: str, offset: int, line_map: LineMap, escape: str, keyword: str) -> tuple[list[Word], bool]:
    """ARG: shell-like words, quotes kept."""
    return [
        Word(word, line_map.span(offset + start, offset + end)) for word, start, end in shell_words(text, escape)
    ], False


def _split_key_values(
    text: str, offset: int, line_map: LineMap, escape: str, keyword: str
) -> tuple[list[Word], bool]:
    """ENV, LABEL: (key, value, separator) triples; separator "" marks the legacy `KEY value` form."""
    words = shell_words(text, escape)
    if not words:
        return [], False
    if "=" not in words[0][0]:
        separator = _SEPARATOR.search(text)
        if separator is None:
            raise _ArgumentError(f"{keyword.upper()} must have two arguments")
        return [
            Word(text[: separator.start()], line_map.span(offset, offset + separator.start())),
            Word(text[separator.end() :], line_map.span(offset + separator.end(), offset + len(text))),
            Word("", line_map.span(offset + separator.end(), offset + separator.end())),
        ], False
    triples: list[Word] = []
    for word, start, end in words:
        key, equals, value = word.partition("=")
        if not equals:
            raise _ArgumentError(
                f"Syntax error - can't find = in {go_quote(word)}. Must be of the form: name=value"
            )
        equals_at = offset + start + len(key)
        triples.append(Word(key, line_map.span(offset + start, equals_at)))
        triples.append(Word(value, line_map.span(equals_at + 1, offset + end)))
        triples.append(Word("=", line_map.span(equals_at, equals_at + 1)))
    return triples, False


def _split_healthcheck(
    text: str, offset: int, line_map: LineMap, escape: str, keyword: str
) -> tuple[list[Word], bool]:
    """HEALTHCHECK: the type word (CMD, NONE), then the command as for CMD."""
    end_of_type = 0
    while end_of_type < len(text) and not is_space(text[end_of_type]):
        end_of_type += 1
    if end_of_type == 0:
        return [], False
    command_start = end_of_type
    while command_start < len(text) and is_space(text[command_start]):
        command_start += 1
    type_word = Word(text[:end_of_type], line_map.span(offset, offset + end_of_type))
    command, json_form = _split_json_or_string(text[command_start:], offset + command_start, line_map, escape, keyword)
    return [type_word, *command], json_form


_ARGUMENT_SPLITTERS: dict[str, ArgumentSplitter] = {
    "add": _split_json_or_whitespace,
    "arg": _split_words,
    "cmd": _split_json_or_string,
    "copy": _split_json_or_whitespace,
    "entrypoint": _split_json_or_string,
    "env": _split_key_values,
    "expose": _split_whitespace,
    "from": _split_whitespace,
    "healthcheck": _split_healthcheck,
    "label": _split_key_values,
    "maintainer": _split_whole,
    "run": _split_json_or_string,
    "shell": _split_json_or_string,
    "stopsignal": _split_whole,
    "user": _split_whole,
    "volume": _split_json_or_whitespace,
    "workdir": _split_whole,
}

KNOWN_KEYWORDS = frozenset(_ARGUMENT_SPLITTERS) | {"onbuild"}


# ------------------------------------------------------------------- heredocs


def _can_contain_heredoc(instruction: Instruction) -> bool:
    target = instruction.effective
    return target.keyword.lower() in HEREDOC_KEYWORDS and not target.json_form


def heredoc_marker(word: str) -> tuple[str, bool, bool, int] | None:
    """(name, expand, chomp, file descriptor) when `word` is a heredoc marker such as `3<<-'EOF'`.

    The name is the delimiter with its quotes removed; any quoting turns off
    expansion of the body. Unbalanced quotes are a syntax error.
    """
    match = _HEREDOC_MARKER.match(word)
    if match is None or not match.group(3):
        return None
    delimiter = match.group(3)
    try:
        unquoted = ShellLexer(skip_unset=True).process_words(delimiter, {})
        if len(unquoted) != 1:
            return None
        raw = ShellLexer(skip_unset=True, raw_quotes=True).process_words(delimiter, {})
    except ExpansionError as error:
        raise _ArgumentError(str(error)) from None
    name = unquoted[0]
    expand = _quote_count(name) == _quote_count(raw[0])
    return name, expand, match.group(2) == "-", int(match.group(1) or 0)


def _quote_count(text: str) -> int:
    return text.count("'") + text.count('"')


def heredoc_markers_in_line(line: str) -> list[tuple[str, bool, bool, int]]:
    """The heredoc markers of one instruction line, in order."""
    try:
        words = ShellLexer(raw_quotes=True, raw_escapes=True, skip_unset=True).process_words(line, {})
    except ExpansionError:
        return []
    markers = []
    index = 0
    while index < len(words):
        word = words[index]
        # `<<  EOF`: white space after the operator is allowed (dockerfile 1.16).
        if _HEREDOC_PREFIX.match(word) and index + 1 < len(words):
            word += " " + words[index + 1]
            index += 1
        marker = heredoc_marker(word)
        if marker is not None:
            markers.append(marker)
        index += 1
    return markers


def _read_heredocs(
    instruction: Instruction, logical: str, line_map: LineMap, lines: list[str], index: int
) -> int:
    """Read the bodies of the instruction's heredocs from `lines[index:]`; returns the next index."""
    search_from = 0
    for name, expand, chomp, descriptor in heredoc_markers_in_line(logical):
        # The lexer gives words, not offsets: find the k-th marker in the text for its span.
        found = _MARKER_TEXT.search(logical, search_from)
        marker_at, marker_end = (found.start(), found.end()) if found else (0, 0)
        search_from = marker_end
        first_body_line = index + 1
        body: list[str] = []
        while True:
            if index >= len(lines):
                last = max(len(lines), 1)
                raise DockerfileSyntaxError(
                    "unterminated heredoc", Span(line_map.lines[0], 1, last, len(lines[last - 1]) + 1 if lines else 1)
                )
            raw = lines[index]
            index += 1
            candidate = raw.lstrip("\t") if chomp else raw
            if candidate == name:
                break
            body.append(raw + "\n")
        terminator_span = Span(index, 1, index, len(lines[index - 1]) + 1)
        body_span = None
        if body:
            body_span = Span(first_body_line, 1, index - 1, len(lines[index - 2]) + 1)
        heredoc = Heredoc(
            name=name,
            content="".join(body),
            expand=expand,
            chomp=chomp,
            file_descriptor=descriptor,
            marker_span=line_map.span(marker_at, marker_end),
            body_span=body_span,
            terminator_span=terminator_span,
        )
        instruction.heredocs.append(heredoc)
        if instruction.sub is not None:
            instruction.sub.heredocs.append(heredoc)
    return index


# ---------------------------------------------------------------- Go quoting


def go_quote(text: str) -> str:
    """Go's strconv.Quote: printable characters as they are, the rest escaped."""
    out = ['"']
    for char in text:
        if char == '"' or char == "\\":
            out.append("\\" + char)
        elif char == " " or (char.isprintable() and not ("\ud800" <= char <= "\udfff")):
            out.append(char)
        else:
            out.append(_GO_ESCAPES.get(char) or _go_code_point(char))
    out.append('"')
    return "".join(out)


_GO_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}


def _go_code_point(char: str) -> str:
    code = ord(char)
    if code < 0x80:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"
