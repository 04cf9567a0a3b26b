"""
## What it does
Reports an instruction keyword whose casing differs from the majority of
the file's keywords, as Docker's `ConsistentInstructionCasing` build check
does. Only all-lower and all-upper keywords vote (a tie counts as
upper-case); a mixed-case keyword such as `From` is always reported. ARGs
before the first `FROM` neither vote nor are checked, as in Docker.

## Why is this bad?
Docker accepts keywords in any case, so nothing breaks, but a file that mixes
`RUN` and `run` is harder to read and suggests it was pasted together.

## Example
```dockerfile
FROM alpine:3.20
run apk add --no-cache curl
COPY . /app
```

## Use instead
```dockerfile
FROM alpine:3.20
RUN apk add --no-cache curl
COPY . /app
```

## Fix safety
Safe: the keyword is rewritten in the majority's casing, and Docker reads
keywords in any case, so the image is the same.
"""

from typing import Iterator

from dockgate.rule_api.findings import Applicability, Edit, Fix, Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.conversion import buildkit_converts

RULE = RuleMeta(
    code="DG1004",
    name="consistent-instruction-casing",
    summary="Instruction keyword casing differs from the majority",
    level=Level.WARNING,
    precision="very-high",
    aliases=("ConsistentInstructionCasing",),
    fix=Applicability.SAFE,
    documentation=__doc__,
)


def check(context: LintContext) -> Iterator[Violation]:
    if not buildkit_converts(context.document):
        return
    instructions = context.document.instructions
    first_from = next((index for index, item in enumerate(instructions) if item.keyword == "FROM"), None)
    if first_from is None:
        return
    # BuildKit counts the stages and their commands only; global ARGs are meta args (convert.go validateCommandCasing).
    in_stages = instructions[first_from:]
    lower = upper = 0
    for instruction in in_stages:
        keyword = instruction.keyword_as_written
        if keyword == keyword.lower():
            lower += 1
        elif keyword == keyword.upper():
            upper += 1
    majority_lower = lower > upper
    for instruction in in_stages:
        keyword = instruction.keyword_as_written
        if majority_lower and keyword != keyword.lower():
            casing = "lowercase"
        elif not majority_lower and keyword != keyword.upper():
            casing = "uppercase"
        else:
            continue
        yield Violation(
            f"Command '{keyword}' should match the case of the command majority ({casing})",
            instruction.keyword_span,
            instruction.span.line,
            fix=Fix.safe(
                f"Write the keyword in {casing}",
                Edit(instruction.keyword_span, keyword.lower() if majority_lower else keyword.upper()),
            ),
        )
