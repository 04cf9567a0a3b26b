"""
## What it does
Reports a Dockerfile whose bytes are not valid UTF-8. dockgate replaces the
bad bytes and lints the rest; the finding points at the first line holding
them.

## Why is this bad?
Docker passes the bytes through unchanged, so a stray Latin-1 character in a
`LABEL` or `ENV` value ends up in the image metadata as mojibake, and editors,
diff tools and code-scanning annotations show it differently from each other.

## Example
A file saved in Latin-1 holding `LABEL author="José"`.

## Use instead
Save the file as UTF-8 (with or without a byte-order mark).
"""

from typing import Iterator

from dockgate.dockerfile.model import Span
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import RuleMeta, SourceContext

RULE = RuleMeta(
    code="DG0004",
    name="invalid-utf8",
    summary="The file is not valid UTF-8",
    level=Level.WARNING,
    precision="very-high",
    reads="source",
    documentation=__doc__,
)


def check(context: SourceContext) -> Iterator[Violation]:
    if context.source.invalid_utf8_line is None:
        return
    line = context.source.invalid_utf8_line
    lines = context.source.text.split("\n")
    width = len(lines[line - 1].rstrip("\r")) if line <= len(lines) else 0
    yield Violation("bytes that are not UTF-8 were found on this line", Span(line, 1, line, width + 1))
