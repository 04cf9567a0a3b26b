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
"""

from typing import Iterator

from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.conversion import buildkit_converts

RULE = RuleMeta(
    code="DG1013",
    name="legacy-key-value-format",
    summary="Legacy ENV/LABEL key value format",
    level=Level.WARNING,
    aliases=("LegacyKeyValueFormat",),
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
            )
