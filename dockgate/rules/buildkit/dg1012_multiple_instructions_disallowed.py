"""
## What it does
Reports a `CMD`, `ENTRYPOINT` or `HEALTHCHECK` that a later instruction of
the same kind in the same stage overrides, as Docker's
`MultipleInstructionsDisallowed` build check does. The finding is on the
earlier, ignored instruction; a `# check=skip=MultipleInstructionsDisallowed`
comment goes above the later one. Each stage starts afresh: a stage built on
another may set all three again.

## Why is this bad?
Only the last of these instructions in a stage takes effect. The earlier one
does nothing, yet a reader takes it for the command the image runs.

## Example
```dockerfile
FROM nginx:1.27
CMD ["nginx"]
CMD ["nginx", "-g", "daemon off;"]
```

## Use instead
```dockerfile
FROM nginx:1.27
CMD ["nginx", "-g", "daemon off;"]
```
"""

from typing import Iterator

from dockgate.dockerfile.model import Instruction
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.conversion import buildkit_converts

RULE = RuleMeta(
    code="DG1012",
    name="multiple-instructions-disallowed",
    summary="CMD, ENTRYPOINT or HEALTHCHECK overridden later in the stage",
    level=Level.WARNING,
    precision="very-high",
    aliases=("MultipleInstructionsDisallowed",),
    documentation=__doc__,
)

_USED_ONCE = ("CMD", "ENTRYPOINT", "HEALTHCHECK")


def check(context: LintContext) -> Iterator[Violation]:
    if not buildkit_converts(context.document):
        return
    for stage in context.semantics.stages:
        previous: dict[str, Instruction] = {}
        for instruction in stage.instructions:
            if instruction.keyword not in _USED_ONCE:
                continue
            earlier = previous.get(instruction.keyword)
            if earlier is not None:
                # The message names the later instruction as written; the location is the earlier one
                # (convert.go validateUsedOnce).
                yield Violation(
                    f"Multiple {instruction.keyword_as_written} instructions should not be used "
                    "in the same stage because only the last one will be used",
                    earlier.keyword_span,
                    earlier.span.line,
                )
            previous[instruction.keyword] = instruction
