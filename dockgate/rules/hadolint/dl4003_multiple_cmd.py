"""
## What it does
Reports every `CMD` after the first in the same stage.

## Why is this bad?
An image has one default command: only the last `CMD` of a stage counts.
The earlier ones do nothing, yet a reader may think they run too, for
instance as a list of commands to start one after the other.

## Example
```dockerfile
FROM python:3.12
CMD ["python", "migrate.py"]
CMD ["python", "app.py"]
```

## Use instead
```dockerfile
FROM python:3.12
CMD ["sh", "-c", "python migrate.py && exec python app.py"]
```
"""

from typing import Iterator

from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.repeated_instructions import repeated_in_stage

RULE = RuleMeta(
    code="DL4003",
    name="multiple-cmd",
    summary="more than one CMD in a stage",
    level=Level.WARNING,
    judges="every-stage",
    precision="very-high",
    documentation=__doc__,
)

MESSAGE = (
    "Multiple `CMD` instructions found. "
    "If you list more than one `CMD` then only the last `CMD` will take effect"
)


def check(context: LintContext) -> Iterator[Violation]:
    return repeated_in_stage(context, "CMD", MESSAGE)
