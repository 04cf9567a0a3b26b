"""
## What it does
Reports `ONBUILD ONBUILD`, `ONBUILD FROM` and `ONBUILD MAINTAINER`.

## Why is this bad?
Docker does not accept these instructions as triggers: the build stops at
this line. `ONBUILD` registers work for images built on top of this one; a
trigger cannot start a new stage, register further triggers, or set the
deprecated maintainer field.

## Example
```dockerfile
FROM node:20
ONBUILD FROM node:20-slim
```

## Use instead
```dockerfile
FROM node:20
ONBUILD COPY package.json /app/
```
"""

from typing import Iterator

from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DL3043",
    name="onbuild-forbidden-trigger",
    summary="ONBUILD registers ONBUILD, FROM or MAINTAINER",
    level=Level.ERROR,
    precision="very-high",
    documentation=__doc__,
)

MESSAGE = "`ONBUILD`, `FROM` or `MAINTAINER` triggered from within `ONBUILD` instruction."

FORBIDDEN_TRIGGERS = frozenset({"ONBUILD", "FROM", "MAINTAINER"})


def check(context: LintContext) -> Iterator[Violation]:
    for instruction in context.document.instructions:
        trigger = instruction.sub
        if trigger is not None and trigger.keyword in FORBIDDEN_TRIGGERS:
            yield Violation(MESSAGE, trigger.keyword_span, instruction.span.line)
