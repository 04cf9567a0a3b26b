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

RULE = RuleMeta(
    code="DL4003",
    name="multiple-cmd",
    summary="more than one CMD in a stage",
    level=Level.WARNING,
    documentation=__doc__,
)

MESSAGE = (
    "Multiple `CMD` instructions found. "
    "If you list more than one `CMD` then only the last `CMD` will take effect"
)


def check(context: LintContext) -> Iterator[Violation]:
    semantics = context.semantics
    before_first_from = [i for i in context.document.instructions if semantics.stage_of(i) is None]
    for instructions in (before_first_from, *(stage.instructions for stage in semantics.stages)):
        commands = [instruction for instruction in instructions if instruction.keyword == "CMD"]
        for later in commands[1:]:
            yield Violation(MESSAGE, later.keyword_span, later.span.line)
