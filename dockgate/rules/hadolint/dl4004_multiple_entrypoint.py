"""
## What it does
Reports every `ENTRYPOINT` after the first in the same stage.

## Why is this bad?
Only the last `ENTRYPOINT` of a stage takes effect. The earlier ones are
dead code, and a reader may believe they still wrap the command.

## Example
```dockerfile
FROM alpine:3.20
ENTRYPOINT ["/sbin/tini", "--"]
ENTRYPOINT ["/usr/local/bin/server"]
```

## Use instead
```dockerfile
FROM alpine:3.20
ENTRYPOINT ["/sbin/tini", "--", "/usr/local/bin/server"]
```
"""

from typing import Iterator

from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.repeated_instructions import repeated_in_stage

RULE = RuleMeta(
    code="DL4004",
    name="multiple-entrypoint",
    summary="more than one ENTRYPOINT in a stage",
    level=Level.ERROR,
    judges="every-stage",
    precision="very-high",
    documentation=__doc__,
)

MESSAGE = (
    "Multiple `ENTRYPOINT` instructions found. "
    "If you list more than one `ENTRYPOINT` then only the last `ENTRYPOINT` will take effect"
)


def check(context: LintContext) -> Iterator[Violation]:
    return repeated_in_stage(context, "ENTRYPOINT", MESSAGE)
