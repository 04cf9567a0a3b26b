"""
## What it does
Reports `COPY --from=<number>`: a stage named by its position in the file
rather than by its name.

## Why is this bad?
Positions change when a stage is added or moved, and `--from=1` then copies
from a different stage without any error: the build goes on with the wrong
files. A name says what is copied and keeps meaning the same stage.

## Example
```dockerfile
FROM golang:1.22 AS build
RUN go build -o /out/app .

FROM gcr.io/distroless/static-debian12
COPY --from=0 /out/app /app
```

## Use instead
```dockerfile
FROM golang:1.22 AS build
RUN go build -o /out/app .

FROM gcr.io/distroless/static-debian12
COPY --from=build /out/app /app
```

## Fix safety
Safe, and offered only when the stage has a name that Docker resolves back
to the same stage (a later stage with the same name would win): the build
copies the same files.
"""

from typing import Iterator

from dockgate.dockerfile.model import Flag, Span
from dockgate.rule_api.findings import Applicability, Edit, Fix, Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DG3005",
    name="numeric-stage-reference",
    summary="COPY --from names a stage by its position",
    level=Level.INFO,
    precision="very-high",
    fix=Applicability.SAFE,
    documentation=__doc__,
)


def check(context: LintContext) -> Iterator[Violation]:
    semantics = context.semantics
    for instruction in context.document.instructions:
        source = instruction.flag("from") if instruction.keyword == "COPY" else None
        if source is None or source.value is None or not source.value.isdigit():
            continue
        stage = semantics.resolve_stage(source.value)
        current = semantics.stage_of(instruction)
        if stage is None or current is None or stage.index >= current.index:
            continue  # no such earlier stage: DL3022 and DL3023 say so
        value_span = _value_span(context, source)
        name = stage.name_word.value if stage.name_word is not None else None
        if name is None:
            yield Violation(
                f"`--from={source.value}` names stage {stage.index} by its position; "
                f"give it a name (`FROM ... AS <name>`) and copy from that",
                value_span or source.span,
                instruction.span.line,
            )
            continue
        fix = None
        if value_span is not None and semantics.resolve_stage(name) is stage:
            fix = Fix.safe(f"Copy from `{name}`", Edit(value_span, name))
        yield Violation(
            f"`--from={source.value}` names stage `{name}` by its position; use `--from={name}`",
            value_span or source.span,
            instruction.span.line,
            fix=fix,
        )


def _value_span(context: LintContext, flag: Flag) -> Span | None:
    """Where the number is, when the flag is written plainly (`--from=0`, no quotes or escapes)."""
    value = flag.value or ""
    if context.document.slice(flag.span) != f"--from={value}":
        return None
    span = flag.span
    return Span(span.end_line, span.end_column - len(value), span.end_line, span.end_column)
