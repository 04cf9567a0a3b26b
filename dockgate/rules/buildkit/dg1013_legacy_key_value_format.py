"""
## What it does
Reports `ENV` and `LABEL` in the legacy `KEY value` form, where white space
instead of `=` separates the key from the value, as Docker's
`LegacyKeyValueFormat` build check does. `ARG a b` is not reported: it
declares two ARGs.

## Why is this bad?
The legacy form sets only one variable and takes the whole rest of the line
as its value, so `ENV A 1 B 2` sets `A` to `1 B 2`. Docker keeps it for old
files only; the `KEY=value` form says what it means and can set several
keys at once.

## Example
```dockerfile
FROM alpine:3.20
ENV APP_HOME /app
LABEL maintainer team@example.com
```

## Use instead
```dockerfile
FROM alpine:3.20
ENV APP_HOME=/app
LABEL maintainer=team@example.com
```

## Fix safety
Safe: the fix writes `key=value` in place of `key value`, keeping the value's
quotes as written; a value with white space outside quotes is wrapped in
double quotes, or has that white space escaped when it holds quotes itself.
The new text is checked to read back as the same value, so the variable or
label is the same. A key and value split over lines are left alone.
"""

from typing import Iterator

from dockgate.dockerfile.model import Instruction, Span
from dockgate.rule_api.findings import Applicability, Edit, Fix, Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.conversion import buildkit_converts
from dockgate.rules.common.key_values import pair_text

RULE = RuleMeta(
    code="DG1013",
    name="legacy-key-value-format",
    summary="Legacy ENV/LABEL key value format",
    level=Level.WARNING,
    precision="very-high",
    aliases=("LegacyKeyValueFormat",),
    fix=Applicability.SAFE,
    documentation=__doc__,
)


def check(context: LintContext) -> Iterator[Violation]:
    if not buildkit_converts(context.document):
        return
    for stage in context.semantics.stages:
        for instruction in stage.instructions:
            if instruction.keyword not in ("ENV", "LABEL"):
                continue
            # The parser stores (key, value, separator) triples; an empty separator marks `KEY value`.
            args = instruction.args
            if len(args) != 3 or args[2].value != "":
                continue
            keyword = instruction.keyword_as_written
            yield Violation(
                f'"{keyword} key=value" should be used instead of legacy "{keyword} key value" format',
                args[0].span.covering(args[1].span),
                instruction.span.line,
                fix=_pair_fix(context, instruction),
            )


def _pair_fix(context: LintContext, instruction: Instruction) -> Fix | None:
    """`key=value` in place of `key value`, when key and value are on one line as written."""
    document = context.document
    key, value = instruction.args[0], instruction.args[1]
    span = Span(key.span.line, key.span.column, value.span.end_line, value.span.end_column)
    if span.line != span.end_line or document.slice(value.span) != value.value or document.slice(key.span) != key.value:
        return None
    pair = pair_text(instruction.keyword, key.value, value.value, document.escape)
    return Fix.safe("Write key=value", Edit(span, pair)) if pair is not None else None
