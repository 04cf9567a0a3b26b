"""
## What it does
Reports an image this file produces that has no `HEALTHCHECK`, at the `FROM`
of its stage. A `HEALTHCHECK` (including `HEALTHCHECK NONE`) in a stage this
one builds on (`FROM <stage>`) counts. Off by default.

Only the image the build produces is checked: the final stage (or the
configured `target`) and the stages it is built on. A builder stage is
never run as a container, so it needs no health check.

## Why is this bad?
Without a health check, Docker and orchestrators that read it only know
whether the process is running, not whether it still answers. A hung server
keeps receiving traffic. `HEALTHCHECK NONE` states on purpose that the image
has none (for instance because the orchestrator probes it).

## Example
```dockerfile
FROM nginx:1.27
COPY site/ /usr/share/nginx/html/
```

## Use instead
```dockerfile
FROM nginx:1.27
COPY site/ /usr/share/nginx/html/
HEALTHCHECK CMD curl -fsS http://localhost/ || exit 1
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DL3057",
    name="missing-healthcheck",
    summary="an image this file builds has no HEALTHCHECK",
    level=Level.OFF,
    judges="image",
    precision="very-high",
    documentation=__doc__,
)

MESSAGE = "`HEALTHCHECK` instruction missing."


def check(context: LintContext) -> Iterator[Violation]:
    target = context.what_ships.target
    if target is not None and not _has_healthcheck(context):
        instruction = target.from_instruction
        yield Violation(MESSAGE, instruction.keyword_span, instruction.span.line)


def _has_healthcheck(context: LintContext) -> bool:
    """Whether the target or a stage it is built on sets one (inherited through `FROM <stage>`)."""
    return any(
        instruction.keyword == "HEALTHCHECK" for stage in context.what_ships.image_stages() for instruction in stage.instructions
    )
