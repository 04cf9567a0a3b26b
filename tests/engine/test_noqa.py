"""Ignore comments for --add-noqa: where they go, how they merge with comments already there."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockgate.api import add_noqa_text, lint_text
from dockgate.dockerfile.parser import parse
from dockgate.engine.noqa import add_noqa
from dockgate.rule_api.config import Config
from dockgate.rule_api.suppressions import read_ignore_pragma

NO_CONFIG = Config()
PARSER_CASES = sorted((Path(__file__).parents[1] / "data" / "buildkit" / "parser").glob("*/Dockerfile"))


def noqa(text: str) -> str:
    return add_noqa_text(text, config=NO_CONFIG).text


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            "FROM alpine:3.20\nUSER 65534\n# the owner wants this\nMAINTAINER me\n",
            "FROM alpine:3.20\nUSER 65534\n# the owner wants this\n# hadolint ignore=DL4000\nMAINTAINER me\n",
            id="a plain comment stays above the new one",
        ),
        pytest.param(
            "FROM alpine:3.20\nUSER 65534\n# hadolint ignore=DL3020\n# why\nMAINTAINER me\n",
            "FROM alpine:3.20\nUSER 65534\n# hadolint ignore=DL3020\n# why\n# hadolint ignore=DL4000\nMAINTAINER me\n",
            id="a pragma not directly above is not one hadolint reads",
        ),
        pytest.param(
            "FROM alpine:3.20\nUSER 65534\n# dockgate: ignore=DG1004\nMAINTAINER me\n",
            "FROM alpine:3.20\nUSER 65534\n# dockgate: ignore=DG1004\n# hadolint ignore=DL4000\nMAINTAINER me\n",
            id="the hadolint comment goes right above the instruction",
        ),
        pytest.param(
            "FROM alpine:3.20\nUSER 65534\n\t# hadolint ignore=DL3020\n\tmaintainer me\n",
            "FROM alpine:3.20\nUSER 65534\n\t# dockgate: ignore=DG1004\n\t# hadolint ignore=DL3020,DL4000\n\tmaintainer me\n",
            id="a dockgate comment goes above the hadolint one",
        ),
        pytest.param(
            "FROM alpine:3.20\nUSER 65534\n# dockgate: ignore=DG2001 -- why\n# hadolint ignore=DL3020 # why\nmaintainer me\n",
            "FROM alpine:3.20\nUSER 65534\n# dockgate: ignore=DG2001,DG1004 -- why\n# hadolint ignore=DL3020,DL4000 # why\nmaintainer me\n",
            id="both extended, reasons kept",
        ),
        pytest.param(
            "FROM alpine:3.20\nUSER 65534\n# hadolint global ignore=DL3020\nMAINTAINER me\n",
            "FROM alpine:3.20\nUSER 65534\n# hadolint global ignore=DL3020\n# hadolint ignore=DL4000\nMAINTAINER me\n",
            id="a global pragma is not extended",
        ),
        pytest.param(
            "\ufeffFROM alpine\nUSER 65534\n",
            "\ufeff# hadolint ignore=DL3006\nFROM alpine\nUSER 65534\n",
            id="after the byte-order mark",
        ),
        pytest.param(
            "FROM alpine:3.20\nUSER 65534\nRUN <<EOF\nsudo ls\nEOF\n",
            "FROM alpine:3.20\nUSER 65534\n# hadolint ignore=DL3004\nRUN <<EOF\nsudo ls\nEOF\n",
            id="above the instruction, not in its heredoc",
        ),
    ],
)
def test_comment_placement(before: str, after: str) -> None:
    assert noqa(before) == after
    assert noqa(after) == after
    assert lint_text(after, config=NO_CONFIG) == []


def test_counts_and_codes_already_listed() -> None:
    text = "FROM alpine:3.20\nUSER 65534\n# hadolint ignore=DL3020\nmaintainer me\n"
    result = add_noqa(text, lint_text(text, config=NO_CONFIG))
    assert (result.added, result.extended, sorted(finding.code for finding in result.suppressed)) == (1, 1, ["DG1004", "DL4000"])


def test_a_file_that_does_not_parse_is_returned_as_it_is() -> None:
    text = "FROM alpine:3.20\nRUN <<EOF\n"
    result = add_noqa(text, lint_text(text, config=NO_CONFIG))
    assert (result.text, result.suppressed, result.added) == (text, [], 0)


@pytest.mark.parametrize("path", PARSER_CASES, ids=lambda path: path.parent.name)
def test_every_finding_that_a_comment_can_silence_is_silenced_once(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    once = noqa(text)
    assert noqa(once) == once
    left = lint_text(once, config=NO_CONFIG)
    if any(finding.code == "DL1000" for finding in left):
        assert once == text
        return
    instruction_lines = {instruction.line for instruction in parse(once).instructions}
    assert [finding.code for finding in left if finding.instruction_line in instruction_lines] == []
    # Nothing but comment lines was added.
    added = [line for line in once.splitlines() if line not in text.splitlines()]
    assert all(read_ignore_pragma(line.strip().removeprefix("#").strip()) is not None for line in added)
