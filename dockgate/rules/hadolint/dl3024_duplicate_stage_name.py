"""
## What it does
Reports a stage name (`FROM ... AS <name>`) that an earlier stage already
uses. Names are compared without regard to case, as Docker compares them.

## Why is this bad?
`COPY --from=<name>` and `FROM <name>` can only mean one stage. Docker does
not stop: it silently picks the later stage, so a reference meant for the
first one gets the wrong files.

## Example
```dockerfile
FROM node:20 AS build
RUN npm ci && npm run build

FROM golang:1.22 AS build
RUN go build ./...
```

## Use instead
```dockerfile
FROM node:20 AS web-build
RUN npm ci && npm run build

FROM golang:1.22 AS api-build
RUN go build ./...
```
"""

from typing import Iterator

from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DL3024",
    name="duplicate-stage-name",
    summary="two stages share a name",
    level=Level.ERROR,
    precision="very-high",
    aliases=("DuplicateStageName",),
    documentation=__doc__,
)

MESSAGE = "FROM aliases (stage names) must be unique"


def check(context: LintContext) -> Iterator[Violation]:
    seen: set[str] = set()
    for stage in context.semantics.stages:
        if stage.name is None or stage.name_word is None:
            continue
        if stage.name in seen:
            yield Violation(MESSAGE, stage.name_word.span, stage.from_instruction.span.line)
        seen.add(stage.name)
