"""
## What it does
Reports an instruction keyword Docker does not know, such as `RUNN` or a
stray line that a missing line-continuation escape turned into an
instruction of its own.

## Why is this bad?
Docker stops the build with `unknown instruction`. The most common cause is a
multi-line `RUN` where one line lacks its trailing `\\`, so the next line is
read as a new instruction.

## Example
```dockerfile
FROM alpine
RUN apk add --no-cache curl &&
    curl -fsSL https://example.com
```

## Use instead
```dockerfile
FROM alpine
RUN apk add --no-cache curl && \\
    curl -fsSL https://example.com
```
"""

from typing import Iterator

from dockgate.dockerfile.parser import KNOWN_KEYWORDS
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DG0001",
    name="unknown-instruction",
    summary="Docker does not know this instruction",
    level=Level.ERROR,
    precision="very-high",
    documentation=__doc__,
)


def check(context: LintContext) -> Iterator[Violation]:
    for instruction in context.document.walk():
        if instruction.keyword.lower() not in KNOWN_KEYWORDS:
            yield Violation(
                f"unknown instruction: {instruction.keyword_as_written}",
                instruction.keyword_span,
                instruction.span.line,
            )
