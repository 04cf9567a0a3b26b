"""
## What it does
Reports a stage named `scratch` or `context` (in any case, since Docker
lower-cases stage names).

## Why is this bad?
Both words already mean something to Docker: `scratch` is the empty base
image and `context` names the build context in `--from` and `--mount`
references. A stage with either name makes `FROM scratch` or
`COPY --from=context` ambiguous to the reader, and which one Docker picks
depends on the builder.

## Example
```dockerfile
FROM alpine:3.20 AS scratch
```

## Use instead
```dockerfile
FROM alpine:3.20 AS base
```
"""

from typing import Iterator

from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DL3063",
    name="reserved-stage-name",
    summary="a stage is named scratch or context",
    level=Level.WARNING,
    precision="very-high",
    aliases=("ReservedStageName",),
    documentation=__doc__,
)

MESSAGE = "stage name should not be a reserved word"

RESERVED_STAGE_NAMES = frozenset({"scratch", "context"})


def check(context: LintContext) -> Iterator[Violation]:
    for stage in context.semantics.stages:
        if stage.name in RESERVED_STAGE_NAMES and stage.name_word is not None:
            yield Violation(MESSAGE, stage.name_word.span, stage.from_instruction.span.line)
