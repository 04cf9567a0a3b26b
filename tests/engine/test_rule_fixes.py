"""Rule fixes through the public API: the exact fixed text."""

from __future__ import annotations

from dockgate.api import fix_text
from dockgate.dockerfile.parser import parse
from dockgate.rule_api.config import Config


def test_instruction_casing_follows_the_majority() -> None:
    result = fix_text("FROM alpine\nRUN a\nrun b \\\n  c\nCOPY . /app\n", config=Config().merged_with(select=["DG1004"]))
    assert result.text == "FROM alpine\nRUN a\nRUN b \\\n  c\nCOPY . /app\n"
    assert [finding.code for finding in result.fixed] == ["DG1004"]
    assert result.remaining == []
    parse(result.text)


def test_casing_already_consistent_is_left_alone() -> None:
    text = "from alpine\nrun a\n"
    assert fix_text(text, config=Config().merged_with(select=["DG1004"])).text == text
