"""The check that DL4003 (CMD) and DL4004 (ENTRYPOINT) share: every instruction of
one keyword after the first in its stage (instructions before the first FROM count
as a stage of their own, as hadolint counts them)."""

from __future__ import annotations

from collections.abc import Iterator

from dockgate.rule_api.findings import Violation
from dockgate.rule_api.rule import LintContext


def repeated_in_stage(context: LintContext, keyword: str, message: str) -> Iterator[Violation]:
    """A finding at the keyword of each `keyword` instruction that follows another in its stage."""
    semantics = context.semantics
    before_first_from = [i for i in context.document.instructions if semantics.stage_of(i) is None]
    for instructions in (before_first_from, *(stage.instructions for stage in semantics.stages)):
        repeats = [instruction for instruction in instructions if instruction.keyword == keyword]
        for later in repeats[1:]:
            yield Violation(message, later.keyword_span, later.span.line)
