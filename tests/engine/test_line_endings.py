"""Positions with CRLF, mixed and lone-CR line endings.

Lines are Docker's: split on `\\n`, a `\\r` before it dropped. So a file whose
lines end in CRLF, LF or a mix of both gets the same findings at the same
positions as its LF-only copy (the `\\r` is never inside a span), and a lone
`\\r` is an ordinary character of its line, as Docker reads it, not a break.
"""

from __future__ import annotations

import random

from dockgate.api import lint_text
from dockgate.dockerfile.parser import physical_lines
from dockgate.rule_api.config import Config

SAMPLE = (
    "FROM ubuntu:24.04 AS base\n"
    "MAINTAINER someone\n"
    "RUN apt-get update && apt-get install -y curl \\\n"
    "    && rm -rf /var/lib/apt/lists/*\n"
    "COPY <<EOF /etc/motd\n"
    "hello\n"
    "EOF\n"
    "WORKDIR app\n"
    "CMD echo hi\n"
)


def positions(text: str) -> list[tuple[str, int, int, int, int]]:
    return [
        (f.code, f.span.line, f.span.column, f.span.end_line, f.span.end_column)
        for f in lint_text(text, config=Config(), rule_filter=lambda meta: meta.code != "SC")
        if f.span is not None
    ]


def test_crlf_and_mixed_endings_give_the_positions_of_the_lf_file() -> None:
    expected = positions(SAMPLE)
    assert expected
    assert positions(SAMPLE.replace("\n", "\r\n")) == expected
    chooser = random.Random(15)
    for _ in range(5):
        mixed = "".join(line + chooser.choice(["\n", "\r\n"]) for line in SAMPLE.splitlines())
        assert positions(mixed) == expected


def test_spans_on_crlf_lines_end_before_the_carriage_return() -> None:
    text = SAMPLE.replace("\n", "\r\n")
    lines = physical_lines(text)
    for _, line, column, end_line, end_column in positions(text):
        assert column <= len(lines[line - 1]) + 1 and end_column <= len(lines[end_line - 1]) + 1
        assert not lines[end_line - 1].endswith("\r")


def test_a_lone_carriage_return_does_not_break_the_line() -> None:
    # Docker sees one line: `MAINTAINER` is an argument of FROM, and nothing is reported on a line 2.
    found = positions("FROM ubuntu:24.04\rMAINTAINER someone\n")
    assert found and all(line == end_line == 1 for _, line, _, end_line, _ in found)
    assert "DL4000" not in {code for code, *_ in found}
    assert "DL4000" in {code for code, *_ in positions("FROM ubuntu:24.04\nMAINTAINER someone\n")}
