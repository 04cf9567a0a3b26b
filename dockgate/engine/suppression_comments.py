"""Writing suppression comments: the edit that makes a code suppressed on one instruction or in the whole file.

The comments use hadolint's syntax (`# hadolint ignore=CODE`, `# hadolint global
ignore=CODE`), which dockgate reads too, so a file stays quiet under both tools.
An ignore comment already in place gets the code added to its list instead of
a second comment.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from dockgate.dockerfile.model import Comment, Document, Instruction


def _pragma(scope: str) -> re.Pattern[str]:
    """hadolint's ignore comment with the scope word `scope` (a regex; empty for one instruction),
    its code list as the group `codes`."""
    return re.compile(r"#[ \t]*hadolint[ \t]+" + scope + r"ignore[ \t]*=[ \t]*(?P<codes>[^#\s-][^#]*?)[ \t]*(?:(?:#|--).*)?$")


_LINE_PRAGMA = _pragma("")
_GLOBAL_PRAGMA = _pragma(r"global[ \t]+")


class LineEdit(NamedTuple):
    """Replace the text from (line, column) up to (end_line, end_column), 1-based, end exclusive, with `text`."""

    line: int
    column: int
    end_line: int
    end_column: int
    text: str


def suppress_on_instruction(source_lines: list[str], document: Document, line: int, code: str) -> LineEdit | None:
    """The edit that suppresses `code` on the instruction holding `line`; None when there is none or it is done."""
    instruction = _instruction_at(document, line)
    if instruction is None:
        return None
    above = _comment_just_above(instruction)
    if above is not None:
        merged = _merged(source_lines[above.span.line - 1], _LINE_PRAGMA, code, above.span.line)
        if merged is not None or _names(source_lines[above.span.line - 1], _LINE_PRAGMA, code):
            return merged
    first_line = source_lines[instruction.line - 1]
    indent = first_line[: len(first_line) - len(first_line.lstrip(" \t"))]
    return LineEdit(instruction.line, 1, instruction.line, 1, f"{indent}# hadolint ignore={code}\n")


def suppress_in_file(source_lines: list[str], document: Document, code: str) -> LineEdit | None:
    """The edit that suppresses `code` in the whole file; None when it already is."""
    for comment in document.comments:
        text = source_lines[comment.span.line - 1]
        if _GLOBAL_PRAGMA.search(text):
            if _names(text, _GLOBAL_PRAGMA, code):
                return None
            return _merged(text, _GLOBAL_PRAGMA, code, comment.span.line)
    # After the parser directives: a comment above them would turn them into plain comments.
    after_directives = max((directive.span.end_line for directive in document.directives.values()), default=0) + 1
    return LineEdit(after_directives, 1, after_directives, 1, f"# hadolint global ignore={code}\n")


def _instruction_at(document: Document, line: int) -> Instruction | None:
    for instruction in document.instructions:
        if instruction.span.line <= line <= instruction.span.end_line:
            return instruction
    return None


def _comment_just_above(instruction: Instruction) -> Comment | None:
    if instruction.comments and instruction.comments[-1].span.line == instruction.line - 1:
        return instruction.comments[-1]
    return None


def _names(text: str, pragma: re.Pattern[str], code: str) -> bool:
    match = pragma.search(text)
    return match is not None and code in [part.strip() for part in match.group("codes").split(",")]


def _merged(text: str, pragma: re.Pattern[str], code: str, line: int) -> LineEdit | None:
    """The edit adding `code` to the pragma comment on `line`; None when it is no such comment or names it."""
    match = pragma.search(text)
    if match is None or _names(text, pragma, code):
        return None
    end = match.end("codes")
    return LineEdit(line, end + 1, line, end + 1, f",{code}")
