"""
## What it does
Reports a blank line inside a line continuation: an instruction whose lines
end with `\\` and that has an empty line in the middle. As Docker does, it
reports once per instruction, on the instruction's last line, and names the
blank lines in the message.

## Why is this bad?
Docker skips the blank line and keeps joining, but warns that empty
continuation lines will become errors. The blank line also hides where the
instruction really ends: readers (and older parsers, hadolint among them)
take it as the end of the instruction.

## Example
```dockerfile
FROM alpine
RUN apk add --no-cache \\

    curl
```

## Use instead
```dockerfile
FROM alpine
RUN apk add --no-cache \\
    curl
```

## Fix safety
Safe: the fix deletes the blank lines inside the instruction. Docker skips
them when it joins the continuation lines, so the instruction is the same.
"""

from typing import Iterator

from dockgate.dockerfile.model import Span
from dockgate.rule_api.findings import Applicability, Edit, Fix, Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DG1003",
    name="no-empty-continuation",
    summary="Empty continuation line",
    level=Level.WARNING,
    precision="very-high",
    aliases=("NoEmptyContinuation",),
    fix=Applicability.SAFE,
    documentation=__doc__,
)


def check(context: LintContext) -> Iterator[Violation]:
    for instruction in context.document.instructions:
        blank_lines = instruction.empty_continuation_lines
        if not blank_lines:
            continue
        # Docker reports one warning per instruction, on its last line; the message names the blank lines.
        last = instruction.span.end_line
        numbers = ", ".join(str(line) for line in blank_lines)
        plural = "s" if len(blank_lines) > 1 else ""
        yield Violation(
            f"Empty continuation line (blank line{plural} {numbers})",
            Span(last, 1, last, instruction.span.end_column),
            instruction.span.line,
            fix=Fix.safe(
                f"Delete the blank line{plural}",
                *(Edit(Span(line, 1, line + 1, 1), "") for line in blank_lines),
            ),
        )
