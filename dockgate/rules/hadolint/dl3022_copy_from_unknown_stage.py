"""
## What it does
Reports `COPY --from=<name>` where `<name>` is not a stage defined earlier
in the file: neither the name after `AS` of an earlier `FROM` (compared
without regard to case, as Docker does) nor the index of an earlier stage.

A value that looks like an image reference (it contains `:`, `/` or `@`,
as in `--from=nginx:1.27` or `--from=ghcr.io/org/tool`) is taken as an
image and passes. Copying from the stage the `COPY` is in is DL3023's
business.

## Why is this bad?
Docker treats a `--from` value that names no stage as an image and tries to
pull it. A misspelt stage name therefore fails with a confusing registry
error, or worse, pulls an unrelated public image of that name. A reference
to a later stage works with BuildKit but reads as a mistake.

## Example
```dockerfile
FROM golang:1.22 AS build
RUN go build -o /out/app ./cmd/app

FROM gcr.io/distroless/static-debian12
COPY --from=biuld /out/app /app
```

## Use instead
```dockerfile
FROM golang:1.22 AS build
RUN go build -o /out/app ./cmd/app

FROM gcr.io/distroless/static-debian12
COPY --from=build /out/app /app
```
"""

from typing import Iterator

from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DL3022",
    name="copy-from-unknown-stage",
    summary="COPY --from names no earlier stage",
    level=Level.WARNING,
    documentation=__doc__,
)

MESSAGE = "`COPY --from` should reference a previously defined `FROM` alias"


def check(context: LintContext) -> Iterator[Violation]:
    semantics = context.semantics
    for instruction in context.document.instructions:
        source = instruction.flag("from") if instruction.keyword == "COPY" else None
        if source is None or not source.value:
            continue
        evaluation = semantics.expand_in(instruction, source.value)
        if evaluation.value is None or evaluation.undefined:
            continue  # the build command decides
        reference = evaluation.value
        if any(mark in reference for mark in ":/@"):
            continue  # an image, not a stage
        current = semantics.stage_of(instruction)
        stage = semantics.resolve_stage(reference)
        if stage is None or current is None or stage.index > current.index:
            yield Violation(MESSAGE, source.span, instruction.span.line)
