"""
## What it does
Reports every instruction other than `ARG` that comes before the first
`FROM`. Comments and parser directives may come first.

## Why is this bad?
Before the first `FROM` there is no image to work on: Docker accepts only
`ARG` there (to parameterise the `FROM` lines) and stops the build at
anything else. A Dockerfile that starts with `RUN` or `LABEL` usually lost
its `FROM` in an edit or a merge.

## Example
```dockerfile
LABEL org.opencontainers.image.title="api"
FROM python:3.12
```

## Use instead
```dockerfile
FROM python:3.12
LABEL org.opencontainers.image.title="api"
```
"""

from typing import Iterator

from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DL3061",
    name="instruction-before-from",
    summary="an instruction other than ARG comes before the first FROM",
    level=Level.ERROR,
    precision="very-high",
    documentation=__doc__,
)

MESSAGE = "Invalid instruction order. Dockerfile must begin with `FROM`, `ARG` or comment."


def check(context: LintContext) -> Iterator[Violation]:
    for instruction in context.document.instructions:
        if instruction.keyword == "FROM":
            return
        if instruction.keyword != "ARG":
            yield Violation(MESSAGE, instruction.keyword_span, instruction.span.line)
