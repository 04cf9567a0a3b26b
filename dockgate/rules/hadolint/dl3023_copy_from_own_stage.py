"""
## What it does
Reports `COPY --from=<stage>` inside that same stage, by name or by index.

## Why is this bad?
A stage cannot copy from itself: its result does not exist yet while it is
being built. Docker stops with a circular dependency error. The usual cause
is a `COPY` placed in the wrong stage or a stage renamed without updating
the `--from`.

## Example
```dockerfile
FROM golang:1.22 AS build
RUN go build -o /out/app ./cmd/app
COPY --from=build /out/app /usr/local/bin/app
```

## Use instead
```dockerfile
FROM golang:1.22 AS build
RUN go build -o /out/app ./cmd/app

FROM gcr.io/distroless/static-debian12
COPY --from=build /out/app /usr/local/bin/app
```
"""

from typing import Iterator

from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DL3023",
    name="copy-from-own-stage",
    summary="COPY --from names the stage it is in",
    level=Level.ERROR,
    precision="very-high",
    documentation=__doc__,
)

MESSAGE = "`COPY --from` cannot reference its own `FROM` alias"


def check(context: LintContext) -> Iterator[Violation]:
    semantics = context.semantics
    for stage in semantics.stages:
        for instruction in stage.instructions:
            source = instruction.flag("from") if instruction.keyword == "COPY" else None
            if source is None or not source.value:
                continue
            evaluation = semantics.expand_in(instruction, source.value)
            if evaluation.value is None or evaluation.undefined:
                continue
            if semantics.resolve_stage(evaluation.value) is stage:
                yield Violation(MESSAGE, source.span, instruction.span.line)
