"""The fix engine: edits applied by position, passes, overlaps deferred, unparsable results refused."""

from __future__ import annotations

from typing import Iterator

import pytest

from dockgate.dockerfile.model import Span
from dockgate.dockerfile.source import decode
from dockgate.engine.dockerfile_engine import DockerfileEngine
from dockgate.engine.fixing import MAX_PASSES, apply_edits, fix_batch
from dockgate.engine.lint_job import LintJob
from dockgate.engine.registry import LoadedRule
from dockgate.rule_api.config import Config
from dockgate.rule_api.findings import Edit, Fix, Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

DOC = "## What it does\nx\n## Why is this bad?\nx\n## Example\nx\n## Use instead\nx\n"


def _rule(code: str, check: object) -> LoadedRule:
    meta = RuleMeta(code=code, name=f"test-{code.lower()}", summary="test", level=Level.WARNING, documentation=DOC)
    return LoadedRule(meta, check)  # type: ignore[arg-type]


def _upper_keywords(context: LintContext) -> Iterator[Violation]:
    for instruction in context.document.instructions:
        if instruction.keyword_as_written != instruction.keyword:
            span = instruction.keyword_span
            yield Violation("lower", span, fix=Fix.safe("upper-case it", Edit(span, instruction.keyword)))


def _stage_name(context: LintContext) -> Iterator[Violation]:
    """Wants the first stage named; its edit covers the keyword the casing fix edits."""
    first = context.document.instructions[0]
    if len(first.args) == 1:
        fix = Fix.unsafe("name it", Edit(first.span, f"{first.keyword_as_written} {first.args[0].value} AS base"))
        yield Violation("unnamed", first.span, fix=fix)


def _breaks_file(context: LintContext) -> Iterator[Violation]:
    first = context.document.instructions[0]
    if first.keyword == "FROM":
        yield Violation("break", first.span, fix=Fix.safe("empty the file", Edit(first.span, "# gone")))


def _engine(*checks: object) -> DockerfileEngine:
    return DockerfileEngine([_rule(f"XX{index:04d}", check) for index, check in enumerate(checks)])


def _fix(engine: DockerfileEngine, text: str, *, unsafe: bool = False) -> tuple[str, int, list[str], int]:
    config = Config().merged_with(select=["XX"])
    outcomes, _ = fix_batch(engine, [LintJob("Dockerfile", decode(text.encode()), config)], unsafe=unsafe)
    outcome = outcomes[0]
    return outcome.text, len(outcome.fixed), [finding.code for finding in outcome.remaining], outcome.unsafe_fixable


def test_edits_are_placed_by_line_and_column() -> None:
    text = "FROM a\nrun b \\\n  c\n"
    edits = [Edit(Span(2, 1, 2, 4), "RUN"), Edit.insert(3, 4, " d"), Edit.insert(1, 7, " AS x")]
    assert apply_edits(text, edits) == "FROM a AS x\nRUN b \\\n  c d\n"


def test_inserted_newlines_follow_the_file_and_the_bom_stays() -> None:
    text = "\ufeffFROM a\r\nRUN b\r\n"
    assert apply_edits(text, [Edit.insert(2, 1, "USER x\n")]) == "\ufeffFROM a\r\nUSER x\r\nRUN b\r\n"


@pytest.mark.parametrize("edit", [Edit.insert(9, 1, "x"), Edit.insert(1, 99, "x")])
def test_edits_outside_the_text_are_refused(edit: Edit) -> None:
    with pytest.raises(ValueError):
        apply_edits("FROM a\n", [edit])


def test_overlapping_edits_of_one_fix_are_refused() -> None:
    with pytest.raises(ValueError):
        apply_edits("FROM a\n", [Edit(Span(1, 1, 1, 5), "X"), Edit(Span(1, 3, 1, 7), "Y")])


def test_safe_fixes_apply_and_the_file_is_linted_again() -> None:
    text, fixed, remaining, unsafe = _fix(_engine(_upper_keywords), "from a\nrun b\n")
    assert (text, fixed, remaining, unsafe) == ("FROM a\nRUN b\n", 2, [], 0)


def test_unsafe_fixes_wait_for_the_flag_and_are_counted() -> None:
    engine = _engine(_upper_keywords, _stage_name)
    assert _fix(engine, "from a\n") == ("FROM a\n", 1, ["XX0001"], 1)


def test_an_overlapping_fix_waits_for_the_next_pass() -> None:
    engine = _engine(_upper_keywords, _stage_name)
    # Both fixes start at 1:1: the casing fix (first in order) goes in pass one, the other in pass two.
    assert _fix(engine, "from a\n", unsafe=True) == ("FROM a AS base\n", 2, [], 0)


def test_a_fix_that_breaks_the_file_is_not_applied() -> None:
    assert _fix(_engine(_breaks_file), "FROM a\n") == ("FROM a\n", 0, ["XX0000"], 0)


def test_passes_are_bounded() -> None:
    def grows(context: LintContext) -> Iterator[Violation]:
        last = context.document.instructions[-1]
        yield Violation("more", last.span, fix=Fix.safe("add one", Edit.insert_after(last.span, "\nRUN x")))

    text, fixed, remaining, _ = _fix(_engine(grows), "FROM a\n")
    assert fixed == MAX_PASSES
    assert text.count("RUN x") == MAX_PASSES
    assert remaining == ["XX0000"]
