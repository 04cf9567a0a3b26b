"""The parsed Dockerfile: instructions, their words and flags, heredocs, comments.

Every piece carries a `Span` into the document's text (the decoded file with a
leading byte-order mark removed), so a finding can point at exactly the word
it is about. Lines and columns are 1-based, columns count code points and the
end column is exclusive, as in SARIF.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Iterator

from dockgate.dockerfile.span import Span as Span
from dockgate.records import Record


class LineMap:
    """Maps offsets in a logical line (continuation lines joined) back to file positions.

    Each joined piece records where it starts in the logical line and where
    that is in the file; pieces may be empty (a line holding only the escape).
    """

    __slots__ = ("starts", "lines", "columns")

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.lines: list[int] = []
        self.columns: list[int] = []
        """0-based column in the physical line where each joined piece begins."""

    def add(self, logical_start: int, line: int, column: int) -> None:
        self.starts.append(logical_start)
        self.lines.append(line)
        self.columns.append(column)

    def span(self, start: int, end: int) -> Span:
        if len(self.starts) == 1:
            # One piece (most instructions fit on a line): no search.
            line, shift = self.lines[0], self.columns[0] - self.starts[0] + 1
            return Span(line, shift + start, line, shift + (end if end > start else start))
        first = max(bisect_right(self.starts, start) - 1, 0)
        line, column = self.lines[first], self.columns[first] + start - self.starts[first] + 1
        if end <= start:
            return Span(line, column, line, column)
        last = max(bisect_left(self.starts, end) - 1, 0)
        return Span(line, column, self.lines[last], self.columns[last] + end - self.starts[last] + 1)


class Word(Record):
    """One argument node, as BuildKit splits the instruction's arguments.

    `value` is what BuildKit keeps (JSON strings decoded; quotes kept where
    BuildKit keeps them); `span` covers the word as written.
    """

    __slots__ = ("value", "span")

    value: str
    span: Span

    def __init__(self, value: str, span: Span) -> None:
        self.value = value
        self.span = span


class Flag(Record):
    """A `--name[=value]` word before the arguments (quotes removed, escapes resolved)."""

    __slots__ = ("name", "value", "span")

    name: str
    value: str | None
    span: Span

    def __init__(self, name: str, value: str | None, span: Span) -> None:
        self.name = name
        self.value = value
        self.span = span

    @property
    def text(self) -> str:
        """The flag as BuildKit prints it: `--name=value` or `--name`."""
        return f"--{self.name}" if self.value is None else f"--{self.name}={self.value}"

    def csv_fields(self) -> list[str]:
        """The value as one CSV record, as BuildKit reads `--mount` options (instructions/commands_runmount.go)."""
        import csv  # here: only a file with such a flag needs it

        return next(csv.reader([self.value or ""]), [])


class Heredoc(Record):
    """An inline document (`<<EOF` ... `EOF`) attached to RUN, COPY or ADD."""

    __slots__ = ("name", "content", "expand", "chomp", "file_descriptor", "marker_span", "body_span", "terminator_span")

    name: str
    content: str
    expand: bool
    chomp: bool
    file_descriptor: int
    marker_span: Span
    body_span: Span | None
    """Lines of the body, None when the body is empty."""
    terminator_span: Span

    def __init__(
        self,
        name: str,
        content: str,
        expand: bool,
        chomp: bool,
        file_descriptor: int,
        marker_span: Span,
        body_span: Span | None,
        terminator_span: Span,
    ) -> None:
        self.name = name
        self.content = content
        self.expand = expand
        self.chomp = chomp
        self.file_descriptor = file_descriptor
        self.marker_span = marker_span
        self.body_span = body_span
        self.terminator_span = terminator_span


class Comment(Record):
    """A whole-line comment; `text` is what follows the `#`, stripped."""

    __slots__ = ("text", "span")

    text: str
    span: Span

    def __init__(self, text: str, span: Span) -> None:
        self.text = text
        self.span = span


class Directive(Record):
    """A parser directive at the top of the file (`# syntax=`, `# escape=`, `# check=`)."""

    __slots__ = ("name", "value", "span")

    name: str
    value: str
    span: Span

    def __init__(self, name: str, value: str, span: Span) -> None:
        self.name = name
        self.value = value
        self.span = span


class Instruction(Record):
    """One instruction: a logical line (continuations joined) plus its heredoc bodies."""

    __slots__ = (
        "keyword",
        "keyword_as_written",
        "keyword_span",
        "span",
        "original",
        "flags",
        "args",
        "arguments",
        "arguments_offset",
        "line_map",
        "json_form",
        "heredocs",
        "sub",
        "comments",
        "empty_continuation_lines",
    )

    keyword: str
    """Upper-case keyword (`RUN`); unknown keywords are kept as written, upper-cased."""
    keyword_as_written: str
    keyword_span: Span
    span: Span
    """From the first line of the instruction to its last, heredoc bodies included."""
    original: str
    """The logical line as BuildKit keeps it: continuation lines joined, no escapes removed."""
    flags: list[Flag]
    args: list[Word]
    arguments: Word | None
    """All text after the flags as one word (the shell script of a shell-form RUN)."""
    arguments_offset: int
    """Where `arguments` starts in the logical line, for `line_map`."""
    line_map: LineMap | None
    """Offsets in the logical line -> file positions (shared with an ONBUILD trigger)."""
    json_form: bool
    heredocs: list[Heredoc]
    sub: Instruction | None
    """The instruction an ONBUILD registers."""
    comments: list[Comment]
    """The block of comment lines directly above (blank lines do not end it)."""
    empty_continuation_lines: list[int]

    def __init__(
        self,
        keyword: str,
        keyword_as_written: str,
        keyword_span: Span,
        span: Span,
        original: str,
        flags: list[Flag] | None = None,
        args: list[Word] | None = None,
        arguments: Word | None = None,
        arguments_offset: int = 0,
        line_map: LineMap | None = None,
        json_form: bool = False,
        heredocs: list[Heredoc] | None = None,
        sub: Instruction | None = None,
        comments: list[Comment] | None = None,
        empty_continuation_lines: list[int] | None = None,
    ) -> None:
        self.keyword = keyword
        self.keyword_as_written = keyword_as_written
        self.keyword_span = keyword_span
        self.span = span
        self.original = original
        self.flags = [] if flags is None else flags
        self.args = [] if args is None else args
        self.arguments = arguments
        self.arguments_offset = arguments_offset
        self.line_map = line_map
        self.json_form = json_form
        self.heredocs = [] if heredocs is None else heredocs
        self.sub = sub
        self.comments = [] if comments is None else comments
        self.empty_continuation_lines = [] if empty_continuation_lines is None else empty_continuation_lines

    @property
    def line(self) -> int:
        return self.span.line

    def flag(self, name: str) -> Flag | None:
        """The last flag called `name` (later flags win, as in BuildKit)."""
        found = None
        for candidate in self.flags:
            if candidate.name == name:
                found = candidate
        return found

    def flags_named(self, name: str) -> list[Flag]:
        return [candidate for candidate in self.flags if candidate.name == name]

    @property
    def effective(self) -> Instruction:
        """The instruction that does the work: the ONBUILD trigger, or this one."""
        return self.sub if self.sub is not None else self


class Document(Record):
    """A parsed Dockerfile."""

    __slots__ = ("text", "lines", "escape", "directives", "instructions", "comments")

    text: str
    lines: list[str]
    """Physical lines of `text`, line endings removed."""
    escape: str
    directives: dict[str, Directive]
    instructions: list[Instruction]
    comments: list[Comment]
    """Every comment line outside heredoc bodies and outside the directive block."""

    def __init__(
        self,
        text: str,
        lines: list[str],
        escape: str,
        directives: dict[str, Directive],
        instructions: list[Instruction],
        comments: list[Comment],
    ) -> None:
        self.text = text
        self.lines = lines
        self.escape = escape
        self.directives = directives
        self.instructions = instructions
        self.comments = comments

    def walk(self) -> Iterator[Instruction]:
        """Every instruction, each ONBUILD followed by the instruction it registers."""
        for instruction in self.instructions:
            yield instruction
            if instruction.sub is not None:
                yield instruction.sub

    def slice(self, span: Span) -> str:
        """The document text that `span` covers."""
        if span.line == span.end_line:
            return self.lines[span.line - 1][span.column - 1 : span.end_column - 1]
        parts = [self.lines[span.line - 1][span.column - 1 :]]
        parts.extend(self.lines[span.line : span.end_line - 1])
        parts.append(self.lines[span.end_line - 1][: span.end_column - 1])
        return "\n".join(parts)


class DockerfileSyntaxError(Exception):
    """The file cannot be parsed the way Docker's parser would (it rejects it too)."""

    def __init__(self, message: str, span: Span) -> None:
        super().__init__(message)
        self.message = message
        self.span = span
