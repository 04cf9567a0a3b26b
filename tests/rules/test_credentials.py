"""The credential formats of `rules.common.credentials`: the length below which no format can match."""

from __future__ import annotations

import sys

import pytest

from dockgate.rules.common.credentials import KNOWN_TOKEN_FORMATS, SHORTEST_TOKEN, known_token_kind


def test_no_format_matches_fewer_characters_than_the_shortest_token() -> None:
    if sys.version_info >= (3, 11):
        import re._parser as regex_parser
    else:  # the same parser, under its old name
        import sre_parse as regex_parser
    shortest = min(regex_parser.parse(pattern).getwidth()[0] for _kind, pattern in KNOWN_TOKEN_FORMATS)
    assert shortest == SHORTEST_TOKEN


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("xoxb-1234567890", "a Slack token"),  # exactly the shortest token
        ("xoxb-123456789", None),  # one character shorter
        ("AKIA" + "Z" * 16, "an AWS access key id"),
        ("plain words only", None),
    ],
)
def test_tokens_at_the_edge_of_the_length_are_told(text: str, kind: str | None) -> None:
    assert known_token_kind(text) == kind
