"""Applying fixes: lint, apply the fixes whose edits do not overlap, re-parse, re-lint, repeat.

Each pass applies as many fixes as it can without two of them touching the
same text; the others wait for the next pass, when their rules run again on
the changed file (as ruff does). Passes are bounded, so two rules that undo
each other cannot loop. A fix whose result does not parse is left out, and
the finding stays: a broken Dockerfile is never the result.
"""

from __future__ import annotations

from typing import Sequence

from dockgate.dockerfile.model import DockerfileSyntaxError
from dockgate.dockerfile.parser import parse
from dockgate.engine.dockerfile_engine import DockerfileEngine
from dockgate.engine.lint_job import LintJob
from dockgate.engine.registry import DockerfileRule, LoadedRule, RegisteredRule
from dockgate.records import Record
from dockgate.rule_api.findings import Applicability, Edit, Finding, Fix

MAX_PASSES = 10
"""Enough for fixes that only become possible after others (a casing fix, then a flag inside it)."""

_BYTE_ORDER_MARK = "\ufeff"


class FixOutcome(Record):
    """What fixing one file did."""

    __slots__ = ("text", "fixed", "remaining", "unsafe_fixable")

    text: str
    """The fixed text (the original when nothing was fixed), byte-order mark kept."""
    fixed: list[Finding]
    """The findings whose fixes were applied, over all passes."""
    remaining: list[Finding]
    """The findings of the fixed text."""
    unsafe_fixable: int
    """Remaining findings with an unsafe fix, which `unsafe=True` would apply."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.fixed = []
        self.remaining = []
        self.unsafe_fixable = 0


def applicable(finding: Finding, unsafe: bool) -> bool:
    """Whether the finding's fix is applied in this mode."""
    fix = finding.fix
    return fix is not None and (unsafe or fix.applicability is Applicability.SAFE)


def fix_batch(engine: DockerfileEngine, jobs: Sequence[LintJob], *, unsafe: bool = False) -> tuple[list[FixOutcome], list[str]]:
    """Fix each job's file (in order) in passes; also the notices of the lint runs.

    The first pass lints with every rule, so a file it leaves unchanged is done.
    Later passes leave out the rules that fix nothing and prepare whole batches
    (the ShellCheck pass, most of a lint's cost); one lint with every rule then
    gives the remaining findings of each file that changed, and ShellCheck sees
    again only the scripts a fix changed (it remembers the others).
    """
    outcomes = [FixOutcome(job.source.text) for job in jobs]
    current = list(jobs)
    refused: list[set[tuple[str, Fix]]] = [set() for _ in jobs]
    notices: list[str] = []
    passes_engine = DockerfileEngine(
        [rule for rule in engine.rules if rule.meta.fix is not None or not _prepares_batches(rule)]
    )
    pending = list(range(len(jobs)))
    for number in range(MAX_PASSES):
        found, pass_notices = (engine if number == 0 else passes_engine).lint_batch([current[index] for index in pending])
        notices.extend(notice for notice in pass_notices if notice not in notices)
        still_fixing = []
        for index, findings in zip(pending, found):
            outcome = outcomes[index]
            if number == 0:
                outcome.remaining = findings
            # A file with replaced bytes cannot be written back as it was.
            if current[index].source.invalid_utf8_line is not None:
                continue
            candidates = [
                finding
                for finding in findings
                if applicable(finding, unsafe) and (finding.code, finding.fix) not in refused[index]
            ]
            text, applied, broken = apply_fixes(outcome.text, candidates)
            refused[index].update((finding.code, finding.fix) for finding in broken if finding.fix is not None)
            if applied and text != outcome.text:
                outcome.fixed.extend(applied)
                outcome.text = text
                job = current[index]
                current[index] = job.with_text(text)
                still_fixing.append(index)
        pending = still_fixing
        if not pending:
            break
    changed = [index for index, outcome in enumerate(outcomes) if outcome.fixed]
    found, final_notices = engine.lint_batch([current[index] for index in changed])
    notices.extend(notice for notice in final_notices if notice not in notices)
    for index, findings in zip(changed, found):
        outcomes[index].remaining = findings
    for outcome in outcomes:
        outcome.unsafe_fixable = 0 if unsafe else sum(
            1 for finding in outcome.remaining if finding.fix is not None and finding.fix.applicability is Applicability.UNSAFE
        )
    return outcomes, notices


def _prepares_batches(rule: DockerfileRule) -> bool:
    if isinstance(rule, RegisteredRule):
        return rule.prepares_batch
    return isinstance(rule, LoadedRule) and rule.prepare_batch is not None


def apply_fixes(text: str, findings: Sequence[Finding]) -> tuple[str, list[Finding], list[Finding]]:
    """One pass: the text with the non-overlapping fixes applied, those applied, and those refused
    because the file would not parse (or the edits do not fit the text). Overlapping ones are
    neither: they wait for the next pass."""
    chosen: list[Finding] = []
    for finding in sorted(findings, key=lambda finding: _first_edit(finding.fix)):
        fix = finding.fix
        if fix is not None and not any(fix.overlaps(other.fix) for other in chosen if other.fix is not None):
            chosen.append(finding)
    if not chosen:
        return text, [], []
    whole = _applied(text, chosen)
    if whole is not None:
        return whole, chosen, []
    # Some fix breaks the file: keep the ones that do not, one at a time.
    accepted: list[Finding] = []
    broken: list[Finding] = []
    for finding in chosen:
        (accepted if _applied(text, [*accepted, finding]) is not None else broken).append(finding)
    return _applied(text, accepted) or text, accepted, broken


def _first_edit(fix: Fix | None) -> tuple[int, int]:
    return min((edit.start for edit in fix.edits), default=(0, 0)) if fix is not None else (0, 0)


def _applied(text: str, findings: Sequence[Finding]) -> str | None:
    """The text with these findings' edits made, or None when that fails or does not parse."""
    edits = [edit for finding in findings if finding.fix is not None for edit in finding.fix.edits]
    try:
        changed = apply_edits(text, edits)
        parse(changed)
    except (ValueError, DockerfileSyntaxError):
        return None
    return changed


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """`text` with the edits made; ValueError when two overlap or one lies outside the text.

    Spans count from the text without a byte-order mark, as the parser's do;
    a newline in an edit becomes the file's line ending.
    """
    bom = _BYTE_ORDER_MARK if text.startswith(_BYTE_ORDER_MARK) else ""
    body = text[len(bom) :]
    line_starts = [0] + [index + 1 for index, char in enumerate(body) if char == "\n"]
    newline = line_ending(body)

    def offset(line: int, column: int) -> int:
        if not 1 <= line <= len(line_starts) or column < 1:
            raise ValueError(f"edit position {line}:{column} is outside the text")
        start = line_starts[line - 1]
        line_end = line_starts[line] - 1 if line < len(line_starts) else len(body)
        if body[start:line_end].endswith("\r"):
            line_end -= 1
        if start + column - 1 > line_end:
            raise ValueError(f"edit position {line}:{column} is past the end of its line")
        return start + column - 1

    placed = sorted(
        ((offset(edit.span.line, edit.span.column), offset(edit.span.end_line, edit.span.end_column), order, edit.content)
         for order, edit in enumerate(edits)),
    )
    pieces = [bom]
    cursor = 0
    for start, end, _, content in placed:
        if start < cursor or end < start:
            raise ValueError("overlapping edits")
        pieces.append(body[cursor:start])
        pieces.append(in_line_ending(content, newline))
        cursor = end
    pieces.append(body[cursor:])
    return "".join(pieces)


def line_ending(text: str) -> str:
    """The text's own line ending: CRLF when most of its lines end so, else LF."""
    return "\r\n" if text.count("\r\n") * 2 > text.count("\n") else "\n"


def in_line_ending(content: str, newline: str) -> str:
    """An edit's content with its newlines written as `newline`."""
    return content.replace("\r\n", "\n").replace("\n", newline)
