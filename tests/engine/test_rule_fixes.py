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


def test_a_stage_index_becomes_the_stage_name() -> None:
    config = Config().merged_with(select=["DG3005"])
    text = "FROM golang:1.22 AS Build\nFROM scratch\nCOPY --from=0 /app /app\n"
    assert fix_text(text, config=config).text == "FROM golang:1.22 AS Build\nFROM scratch\nCOPY --from=Build /app /app\n"


def test_no_name_fix_when_a_later_stage_takes_the_name() -> None:
    config = Config().merged_with(select=["DG3005"])
    text = "FROM alpine AS tools\nFROM debian AS tools\nFROM scratch\nCOPY --from=0 /a /a\n"
    result = fix_text(text, config=config)
    assert result.text == text
    assert [finding.code for finding in result.remaining] == ["DG3005"]
