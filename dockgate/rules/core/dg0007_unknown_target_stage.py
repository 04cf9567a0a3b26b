"""
## What it does
Reports a configured target stage (`--target STAGE`, or `target = "STAGE"` in
the configuration) that names no stage of the file. dockgate then judges the
final stage instead, as it does when no target is set, and says so here. The
finding points at the final stage's `FROM`.

## Why is this bad?
`docker build --target STAGE` stops at once when no stage has that name, so
the lint describes a build that cannot happen: a typo in the target (or a
stage renamed since) would otherwise go unnoticed, and the image and build
rules would quietly judge another stage than the one asked for.

## Example
```dockerfile
FROM golang:1.22 AS build
RUN go build -o /out/app .
FROM gcr.io/distroless/static:nonroot AS runtime
COPY --from=build /out/app /app
```
linted with `dockgate check --target runtme`.

## Use instead
`dockgate check --target runtime`, a stage the file names.
"""

from typing import Iterator

from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DG0007",
    name="unknown-target-stage",
    summary="the configured target names no stage of this file",
    level=Level.ERROR,
    precision="very-high",
    documentation=__doc__,
)


def check(context: LintContext) -> Iterator[Violation]:
    what_ships = context.what_ships
    target = what_ships.missing_target
    final = what_ships.semantics.final_stage
    if target is None or final is None:
        return
    names = [stage.name for stage in what_ships.semantics.stages if stage.name]
    known = ", ".join(f"`{name}`" for name in names) if names else "none"
    instruction = final.from_instruction
    yield Violation(
        f"`docker build --target {target}` fails: no stage is named `{target}` (named stages: {known}); "
        "the final stage is judged instead",
        instruction.keyword_span,
        instruction.line,
    )
