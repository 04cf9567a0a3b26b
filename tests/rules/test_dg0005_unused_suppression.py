"""DG0005 with the rules its comments name running beside it (the case file runs it alone)."""

from __future__ import annotations

from dockgate.api import fix_text, lint_text
from dockgate.rule_api.config import Config

PINNED_AND_UNPINNED = """FROM debian:12
# hadolint ignore=DL3008,DL3015
RUN apt-get install -y --no-install-recommends curl=7.88.1-10
# hadolint ignore=DL3008
RUN apt-get install -y --no-install-recommends wget
"""


def _unused(text: str, *codes: str) -> list[tuple[int, int, int, int, str]]:
    config = Config().merged_with(select=["DG0005", *codes])
    return [
        (finding.span.line, finding.span.column, finding.span.end_line, finding.span.end_column, finding.message)
        for finding in lint_text(text, config=config)
        if finding.code == "DG0005" and finding.span is not None
    ]


def test_codes_that_suppressed_nothing_are_reported_one_by_one() -> None:
    assert _unused(PINNED_AND_UNPINNED, "DL3008", "DL3015") == [
        (2, 19, 2, 25, "'DL3008' suppressed nothing here"),
        (2, 26, 2, 32, "'DL3015' suppressed nothing here"),
    ]


def test_a_code_that_suppressed_a_finding_is_not_reported() -> None:
    text = "FROM debian:12\n# hadolint ignore=DL3008\nRUN apt-get install -y --no-install-recommends wget\n"
    assert _unused(text, "DL3008") == []


def test_a_prefix_counts_as_used_when_any_rule_under_it_was_suppressed() -> None:
    text = "FROM debian:12\n# dockgate: global ignore=DL30\nRUN apt-get install wget\n"
    assert _unused(text, "DL3008", "DL3014", "DL3015") == []


def test_off_by_default() -> None:
    assert [finding.code for finding in lint_text(PINNED_AND_UNPINNED)].count("DG0005") == 0


def test_the_fix_deletes_a_comment_none_of_whose_codes_did_anything() -> None:
    result = fix_text(PINNED_AND_UNPINNED, config=Config().merged_with(select=["DG0005", "DL3008", "DL3015"]))
    assert result.text == PINNED_AND_UNPINNED.replace("# hadolint ignore=DL3008,DL3015\n", "")
    # Both codes' fixes delete the line: one is applied, and the other finding is gone with it.
    assert [finding.code for finding in result.fixed] == ["DG0005"]
    assert result.remaining == []


def test_the_fix_takes_out_one_code_and_keeps_the_others_and_the_reason() -> None:
    run = "RUN apt-get install -y --no-install-recommends wget\n"
    config = Config().merged_with(select=["DG0005", "DL3008", "DL3015"])
    first = fix_text(f"FROM debian:12\n# hadolint ignore=DL3015, DL3008 -- pinned by the base\n{run}", config=config)
    assert first.text == f"FROM debian:12\n# hadolint ignore=DL3008 -- pinned by the base\n{run}"
    last = fix_text(f"FROM debian:12\n# hadolint ignore=DL3008,DL3015\n{run}", config=config)
    assert last.text == f"FROM debian:12\n# hadolint ignore=DL3008\n{run}"


def test_the_fix_on_the_last_line_without_a_newline() -> None:
    text = "FROM debian:12\nRUN true\n# hadolint global ignore=DL3008"
    result = fix_text(text, config=Config().merged_with(select=["DG0005", "DL3008"]))
    assert result.text == "FROM debian:12\nRUN true"
