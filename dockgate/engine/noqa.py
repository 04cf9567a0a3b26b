"""`--add-noqa`: the ignore comments that silence a file's current findings, as a new text.

Each instruction with findings gets its codes in the comment directly above
it. hadolint reads `# hadolint ignore=` only on the line right before an
instruction, and voids the whole comment when a code holds a character
other than D, L, S, C or a digit, so hadolint's and ShellCheck's codes go
into a `# hadolint ignore=` line there (both tools read it) and dockgate's
own codes (DG...) into a `# dockgate: ignore=` line above that. An ignore
comment already in place is extended rather than doubled; indentation and
line endings are the file's own.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Sequence

from dockgate.lazy_pattern import LazyPattern
from dockgate.records import Record
from dockgate.rule_api.findings import Edit, Finding

if TYPE_CHECKING:
    from dockgate.dockerfile.model import Comment, Document, Instruction
    from dockgate.rule_api.suppressions import IgnorePragma

# The parser, the fixer and the suppression comments are imported when comments are added:
# `dockgate.api` imports this module on every start.

_HADOLINT_CODE = LazyPattern(r"[DLSC0-9]+")
"""The codes hadolint can read in a pragma (hadolint.md §7)."""


class NoqaResult(Record):
    """What adding ignore comments to one text did."""

    __slots__ = ("text", "suppressed", "added", "extended")

    text: str
    """The text with the comments; the original when nothing was added."""
    suppressed: list[Finding]
    """The findings the comments silence."""
    added: int
    """New comment lines."""
    extended: int
    """Ignore comments already there that got more codes."""

    def __init__(self, text: str, suppressed: list[Finding] | None = None, added: int = 0, extended: int = 0) -> None:
        self.text = text
        self.suppressed = [] if suppressed is None else suppressed
        self.added = added
        self.extended = extended


def add_noqa(text: str, findings: Sequence[Finding]) -> NoqaResult:
    """`text` with an ignore comment above every instruction that has findings among `findings`.

    Findings no instruction comment can silence are left out: a parse error
    (DL1000) and findings outside an instruction. A text that does not parse
    is returned as it is.
    """
    from dockgate.dockerfile.model import DockerfileSyntaxError
    from dockgate.dockerfile.parser import parse
    from dockgate.engine.fixing import apply_edits
    from dockgate.rule_api.suppressions import UNSUPPRESSIBLE_CODES

    try:
        document = parse(text)
    except DockerfileSyntaxError:
        return NoqaResult(text)
    instructions = {instruction.line: instruction for instruction in document.instructions}
    result = NoqaResult(text)
    codes_by_line: dict[int, dict[str, None]] = {}
    for finding in findings:
        line = finding.instruction_line
        if finding.code in UNSUPPRESSIBLE_CODES or line is None or line not in instructions:
            continue
        result.suppressed.append(finding)
        codes_by_line.setdefault(line, {})[finding.code] = None
    edits: list[Edit] = []
    for line, codes in sorted(codes_by_line.items()):
        edits.extend(_comment_edits(document, instructions[line], list(codes), result))
    if edits:
        result.text = apply_edits(text, edits)
    return result


def _comment_edits(document: Document, instruction: Instruction, codes: list[str], result: NoqaResult) -> list[Edit]:
    """The edits that put `codes` into the ignore comments above `instruction`; counts them in `result`."""
    hadolint_codes = [code for code in codes if _HADOLINT_CODE.fullmatch(code)]
    dockgate_codes = [code for code in codes if code not in hadolint_codes]
    pragmas_above = _pragmas_directly_above(instruction)
    edits: list[Edit] = []
    new_lines: list[str] = []
    line_above = pragmas_above[0] if pragmas_above and pragmas_above[0][0].span.line == instruction.line - 1 else None
    hadolint_above = line_above if line_above is not None and line_above[1].tool == "hadolint" else None
    if hadolint_codes:
        if hadolint_above is not None:
            edits.extend(_extended(document, *hadolint_above, hadolint_codes, result))
        else:
            new_lines.append(f"# hadolint ignore={','.join(hadolint_codes)}")
    if dockgate_codes:
        dockgate_above = next(((comment, pragma) for comment, pragma in pragmas_above if pragma.tool == "dockgate"), None)
        if dockgate_above is not None:
            edits.extend(_extended(document, *dockgate_above, dockgate_codes, result))
        elif hadolint_above is not None:
            # Above the hadolint comment, which must stay right before the instruction.
            comment_line = hadolint_above[0].span.line
            edits.append(Edit.insert(comment_line, 1, _indented(document, comment_line, f"# dockgate: ignore={','.join(dockgate_codes)}")))
            result.added += 1
        else:
            new_lines.insert(0, f"# dockgate: ignore={','.join(dockgate_codes)}")
    if new_lines:
        edits.append(Edit.insert(instruction.line, 1, "".join(_indented(document, instruction.line, line) for line in new_lines)))
        result.added += len(new_lines)
    return edits


def _pragmas_directly_above(instruction: Instruction) -> list[tuple[Comment, IgnorePragma]]:
    """The instruction-scoped ignore comments on the lines right above it, nearest first."""
    from dockgate.rule_api.suppressions import read_ignore_pragma

    found: list[tuple[Comment, IgnorePragma]] = []
    expected_line = instruction.line - 1
    for comment in reversed(instruction.comments):
        pragma = read_ignore_pragma(comment.text)
        if comment.span.line != expected_line or pragma is None or pragma.scope is not None:
            break
        found.append((comment, pragma))
        expected_line -= 1
    return found


def _extended(document: Document, comment: Comment, pragma: IgnorePragma, codes: list[str], result: NoqaResult) -> list[Edit]:
    """The edit that appends the codes `pragma` does not list yet, after its last selector."""
    missing = [code for code in codes if code not in pragma.selectors]
    if not missing:
        return []
    line_text = document.lines[comment.span.line - 1]
    text_start = line_text.index(comment.text, comment.span.column - 1)
    result.extended += 1
    return [Edit.insert(comment.span.line, text_start + pragma.listing_end + 1, "," + ",".join(missing))]


def _indented(document: Document, line: int, comment: str) -> str:
    """`comment` as a line of its own, indented like line `line`."""
    indentation = re.match(r"[ \t]*", document.lines[line - 1])
    return f"{indentation.group() if indentation else ''}{comment}\n"
