"""
## What it does
Reports a `FROM ... AS name` whose `AS` keyword is not cased like its `FROM`
keyword: `FROM image as name` or `from image AS name`, as Docker's
`FromAsCasing` build check does. A `FROM` keyword in mixed case (`From`)
is left to DG1004 (ConsistentInstructionCasing).

## Why is this bad?
Docker accepts any casing, but mixing cases in one line makes the file look
careless and harder to scan; the keywords of one instruction should agree.

## Example
```dockerfile
FROM node:20 as build
RUN npm ci
```

## Use instead
```dockerfile
FROM node:20 AS build
RUN npm ci
```

## Fix safety
Safe: `AS` is rewritten in the casing of `FROM`; Docker reads it in any
case, so the image is the same.
"""

from typing import Iterator

from dockgate.dockerfile.parser import KNOWN_KEYWORDS
from dockgate.rule_api.findings import Applicability, Edit, Fix, Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DG1002",
    name="from-as-casing",
    summary="The casing of AS does not match the casing of FROM",
    level=Level.WARNING,
    precision="very-high",
    aliases=("FromAsCasing",),
    fix=Applicability.SAFE,
    documentation=__doc__,
)


def check(context: LintContext) -> Iterator[Violation]:
    for instruction in context.document.instructions:
        # instructions.Parse stops at the first unknown instruction; warnings before it are still reported.
        if instruction.keyword.lower() not in KNOWN_KEYWORDS:
            return
        if instruction.keyword != "FROM" or len(instruction.args) < 3:
            continue
        keyword = instruction.keyword_as_written
        as_word = instruction.args[1]
        # A mixed-case FROM is ConsistentInstructionCasing's business (instructions/parse.go doesFromCaseMatchAsCase).
        if keyword == keyword.lower():
            wanted = as_word.value.lower()
        elif keyword == keyword.upper():
            wanted = as_word.value.upper()
        else:
            continue
        if as_word.value != wanted:
            yield Violation(
                f"'{as_word.value}' and '{keyword}' keywords' casing do not match",
                as_word.span,
                instruction.span.line,
                fix=Fix.safe(f"Write '{wanted}'", Edit(as_word.span, wanted)),
            )
