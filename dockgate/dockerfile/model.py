"""The parsed Dockerfile: instructions, their words and flags, heredocs, comments.

Every piece carries a `Span` into the document's text (the decoded file with a
leading byte-order mark removed), so a finding can point at exactly the word
it is about. Lines and columns are 1-based, columns count code points and the
end column is exclusive, as in SARIF.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Iterator

from dockgate.dockerfile.span import Span as Span


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


@dataclass(slots=True)
class Word:
    """One argument node, as BuildKit splits the instruction's arguments.

    `value` is what BuildKit keeps (JSON strings decoded; quotes kept where
    BuildKit keeps them); `span` covers the word as written.
    """

    value: str
    span: Span


@dataclass(slots=True)
class Flag:
    """A `--name[=value]` word before the arguments (quotes removed, escapes resolved)."""

    name: str
    value: str | None
    span: Span

    @property
    def text(self) -> str:
        """The flag as BuildKit prints it: `--name=value` or `--name`."""
        return f"--{self.name}" if self.value is None else f"--{self.name}={self.value}"


@dataclass(slots=True)
class Heredoc:
    """An inline document (`<<EOF` ... `EOF`) attached to RUN, COPY or ADD."""

    name: str
    content: str
    expand: bool
    chomp: bool
    file_descriptor: int
    marker_span: Span
    body_span: Span | None
    """Lines of the body, None when the body is empty."""
    terminator_span: Span


@dataclass(slots=True)
class Comment:
    """A whole-line comment; `text` is what follows the `#`, stripped."""

    text: str
    span: Span


@dataclass(slots=True)
class Directive:
    """A parser directive at the top of the file (`# syntax=`, `# escape=`, `# check=`)."""

    name: str
    value: str
    span: Span


@dataclass(slots=True)
class Instruction:
    """One instruction: a logical line (continuations joined) plus its heredoc bodies."""

    keyword: str
    """Upper-case keyword (`RUN`); unknown keywords are kept as written, upper-cased."""
    keyword_as_written: str
    keyword_span: Span
    span: Span
    """From the first line of the instruction to its last, heredoc bodies included."""
    original: str
    """The logical line as BuildKit keeps it: continuation lines joined, no escapes removed."""
    flags: list[Flag] = field(default_factory=list)
    args: list[Word] = field(default_factory=list)
    arguments: Word | None = None
    """All text after the flags as one word (the shell script of a shell-form RUN)."""
    arguments_offset: int = 0
    """Where `arguments` starts in the logical line, for `line_map`."""
    line_map: LineMap | None = None
    """Offsets in the logical line -> file positions (shared with an ONBUILD trigger)."""
    json_form: bool = False
    heredocs: list[Heredoc] = field(default_factory=list)
    sub: Instruction | None = None
    """The instruction an ONBUILD registers."""
    comments: list[Comment] = field(default_factory=list)
    """The block of comment lines directly above (blank lines do not end it)."""
    empty_continuation_lines: list[int] = field(default_factory=list)

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


@dataclass(slots=True)
class Document:
    """A parsed Dockerfile."""

    text: str
    lines: list[str]
    """Physical lines of `text`, line endings removed."""
    escape: str
    directives: dict[str, Directive]
    instructions: list[Instruction]
    comments: list[Comment]
    """Every comment line outside heredoc bodies and outside the directive block."""

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
