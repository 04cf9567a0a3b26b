"""What must hold after fixing any Dockerfile with every rule and unsafe fixes; shared by the corpus
test and the hypothesis property (test_fix_correctness.py).

The fix passes are replayed here with the engine's own pieces (lint, then
`apply_fixes`), so that each pass's edits can be held against the
instructions before and after it; the result must equal `api.fix_text`.
"""

from __future__ import annotations

from dockgate.api import fix_text
from dockgate.dockerfile.model import Document, Instruction
from dockgate.dockerfile.parser import parse
from dockgate.dockerfile.source import decode
from dockgate.engine.dockerfile_engine import DockerfileEngine
from dockgate.engine.fixing import MAX_PASSES, apply_fixes
from dockgate.engine.registry import dockerfile_rules
from dockgate.rule_api.config import Config
from dockgate.rule_api.findings import Applicability, Edit

# Every Dockerfile rule, the ones off by default too; ShellCheck offers no fixes and is slow.
ALL_FIXABLE = Config().merged_with(select=["DG", "DL"], levels={"DG": "warning", "DL": "warning"})
ENGINE = DockerfileEngine([rule for rule in dockerfile_rules() if rule.meta.code != "SC"])


def check_fixing(text: str) -> tuple[str, set[str]]:
    """Fix `text` in passes and assert the properties; the fixed text and the codes of the fixed findings.

    - no pass refuses a fix (none makes the file unparsable);
    - each pass leaves every instruction that none of its edits touches
      byte-identical, in order;
    - at the end no finding offers a fix any more (each fixed finding is gone);
    - the result parses, equals `api.fix_text`, and fixing it again changes nothing;
    - the same for the safe fixes alone.
    """
    current = text
    codes: set[str] = set()
    for _ in range(MAX_PASSES):
        findings = ENGINE.lint("Dockerfile", decode(current.encode("utf-8", "surrogatepass")), ALL_FIXABLE)
        fixable = [finding for finding in findings if finding.fix is not None]
        if not fixable:
            break
        changed, applied, refused = apply_fixes(current, fixable)
        assert not refused, f"fixes that break the file: {[(f.code, f.fix) for f in refused]}"
        assert applied and changed != current, "fixes offered but none applied"
        edits = [edit for finding in applied if finding.fix is not None for edit in finding.fix.edits]
        _assert_untouched_kept(parse(current), parse(changed), edits)
        codes.update(finding.code for finding in applied)
        current = changed
    else:
        raise AssertionError(f"still fixable after {MAX_PASSES} passes")
    parse(current)
    result = fix_text(text, config=ALL_FIXABLE, unsafe=True)
    assert result.text == current
    assert [finding.code for finding in result.remaining if finding.fix is not None] == []
    again = fix_text(current, config=ALL_FIXABLE, unsafe=True)
    assert again.text == current and again.fixed == [], "a second fix changed the text"
    # Safe fixes alone (what `--fix` applies) are stable too, and leave only unsafe fixes behind.
    safe = fix_text(text, config=ALL_FIXABLE)
    parse(safe.text)
    assert all(finding.fix.applicability is Applicability.UNSAFE for finding in safe.remaining if finding.fix is not None)
    assert fix_text(safe.text, config=ALL_FIXABLE).text == safe.text, "a second safe fix changed the text"
    return current, codes


def _assert_untouched_kept(before: Document, after: Document, edits: list[Edit]) -> None:
    untouched = [before.slice(item.span) for item in before.instructions if not any(_touches(edit, item) for edit in edits)]
    remaining = iter(after.slice(item.span) for item in after.instructions)
    for text in untouched:
        assert any(text == candidate for candidate in remaining), f"an instruction no fix touched changed: {text!r}"


def _touches(edit: Edit, instruction: Instruction) -> bool:
    """Whether the edit lies in the instruction or at one of its ends (an insertion before or after it)."""
    span = instruction.span
    return edit.start <= (span.end_line, span.end_column) and edit.end >= (span.line, span.column)
