"""
## What it does
Reports a code in a `# hadolint ignore=...` or `# dockgate: ignore=...`
comment (instruction, `stage` and `global` forms) that suppressed nothing in
this run: the rule it names ran on the file and found nothing there, or no
rule has that code at all. A code for a rule that is switched off is left
alone: the comment may be there for another configuration, or for hadolint.

Off by default, as ruff's RUF100; switch it on with `--select DG0005` or
`levels = { DG0005 = "warning" }`.

## Why is this bad?
Suppressions outlive the problems they hid. A stale one hides the next real
finding of that rule on the same instruction, and a misspelt code
(`DL3080` for `DL3008`) suppresses nothing while looking as if it did.

## Example
```dockerfile
FROM debian:12
# hadolint ignore=DL3008,DL3015
RUN apt-get install -y --no-install-recommends curl=7.88.1-10
```

## Use instead
```dockerfile
FROM debian:12
RUN apt-get install -y --no-install-recommends curl=7.88.1-10
```

## Fix safety
Safe: the code is taken out of the comment, or the whole comment line is
deleted when none of its codes suppressed anything. Nothing that was
suppressed in this run becomes visible. If you also run hadolint with rules
dockgate runs differently, a code may matter to hadolint alone; keep those
with `--ignore DG0005` or a per-file ignore.
"""

from typing import Iterator

from dockgate.dockerfile.model import Document, Span
from dockgate.rule_api.config import is_known
from dockgate.rule_api.findings import Applicability, Edit, Fix, Level, Violation
from dockgate.rule_api.rule import RuleMeta, SuppressionContext
from dockgate.rule_api.suppressions import UnusedSelector

RULE = RuleMeta(
    code="DG0005",
    name="unused-suppression",
    summary="A suppression comment names a code that suppressed nothing",
    level=Level.OFF,
    precision="very-high",
    reads="suppressions",
    fix=Applicability.SAFE,
    documentation=__doc__,
)


def check(context: SuppressionContext) -> Iterator[Violation]:
    reported: list[tuple[UnusedSelector, str]] = []
    for unused in context.suppressions.unused():
        if is_known(unused.selector, context.rules_run):
            message = f"'{unused.selector}' suppressed nothing here"
        elif not is_known(unused.selector, context.known_rules):
            message = f"'{unused.selector}' is not a rule code, so it suppresses nothing"
        else:
            continue  # the rule is off in this run: the comment may be for another configuration
        reported.append((unused, message))
    reported_spans = {unused.span for unused, _ in reported}
    for unused, message in reported:
        # The whole comment goes only when every code in it is reported; a code of a rule that is off stays.
        whole = unused.all_unused and all(sibling in reported_spans for sibling in unused.siblings)
        yield Violation(message, unused.span, unused.comment.line, fix=_removal(unused, whole, context.document))


def _removal(unused: UnusedSelector, whole: bool, document: Document) -> Fix:
    if whole:
        return Fix.safe("Delete the suppression comment", Edit(_whole_line(unused.comment, document), ""))
    index = unused.siblings.index(unused.span)
    if index > 0:
        # Take the separator before it with it: `A, B` becomes `A`.
        before = unused.siblings[index - 1]
        removed = Span(before.end_line, before.end_column, unused.span.end_line, unused.span.end_column)
    else:
        after = unused.siblings[1]
        removed = Span(unused.span.line, unused.span.column, after.line, after.column)
    return Fix.safe(f"Remove '{unused.selector}' from the comment", Edit(removed, ""))


def _whole_line(comment: Span, document: Document) -> Span:
    """The comment's line with its line ending; the last line of a file takes the ending before it."""
    if comment.line < len(document.lines):
        return Span(comment.line, 1, comment.line + 1, 1)
    if comment.line > 1:
        previous = document.lines[comment.line - 2]
        return Span(comment.line - 1, len(previous) + 1, comment.line, comment.end_column)
    return Span(comment.line, 1, comment.line, comment.end_column)
