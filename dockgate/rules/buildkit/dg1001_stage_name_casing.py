"""
## What it does
Reports a stage name after `AS` that is not all lower-case, as Docker's
`StageNameCasing` build check does.

## Why is this bad?
Docker lower-cases stage names before it compares them, so `AS BuilderBase`
is really the stage `builderbase`. Writing it in mixed case suggests that
case matters when it does not, and references to it read inconsistently.

## Example
```dockerfile
FROM golang:1.22 AS BuilderBase
RUN go build -o /app ./...
```

## Use instead
```dockerfile
FROM golang:1.22 AS builder-base
RUN go build -o /app ./...
```
"""

from typing import Iterator

from dockgate.dockerfile.parser import KNOWN_KEYWORDS
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DG1001",
    name="stage-name-casing",
    summary="Stage name should be lowercase",
    level=Level.WARNING,
    precision="very-high",
    aliases=("StageNameCasing",),
    documentation=__doc__,
)


def check(context: LintContext) -> Iterator[Violation]:
    for instruction in context.document.instructions:
        # instructions.Parse stops at the first unknown instruction; warnings before it are still reported.
        if instruction.keyword.lower() not in KNOWN_KEYWORDS:
            return
        # BuildKit looks at exactly three arguments, `<image> AS <name>` (instructions/parse.go isLowerCaseStageName).
        if instruction.keyword != "FROM" or len(instruction.args) != 3:
            continue
        name = instruction.args[2]
        if name.value != name.value.lower():
            yield Violation(f"Stage name '{name.value}' should be lowercase", name.span, instruction.span.line)
