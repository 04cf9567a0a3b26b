"""
## What it does
Reports every `HEALTHCHECK` after the first in the same stage.

## Why is this bad?
Only the last `HEALTHCHECK` of a stage takes effect; the earlier ones are
dead code that a reader may take for the real check.

## Example
```dockerfile
FROM nginx:1.27
HEALTHCHECK CMD curl -f http://localhost/ || exit 1
HEALTHCHECK CMD curl -f http://localhost/health || exit 1
```

## Use instead
```dockerfile
FROM nginx:1.27
HEALTHCHECK CMD curl -f http://localhost/health || exit 1
```
"""

from typing import Iterator

from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DL3012",
    name="multiple-healthchecks",
    summary="more than one HEALTHCHECK in a stage",
    level=Level.ERROR,
    precision="very-high",
    documentation=__doc__,
)

MESSAGE = "Multiple `HEALTHCHECK` instructions"


def check(context: LintContext) -> Iterator[Violation]:
    semantics = context.semantics
    before_first_from = [i for i in context.document.instructions if semantics.stage_of(i) is None]
    for instructions in (before_first_from, *(stage.instructions for stage in semantics.stages)):
        healthchecks = [instruction for instruction in instructions if instruction.keyword == "HEALTHCHECK"]
        for later in healthchecks[1:]:
            yield Violation(MESSAGE, later.keyword_span, later.span.line)
