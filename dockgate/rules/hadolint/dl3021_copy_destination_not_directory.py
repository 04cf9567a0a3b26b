"""
## What it does
Reports a `COPY` with more than one source whose destination does not end in
`/`. It checks `COPY` registered with `ONBUILD` too.

## Why is this bad?
Several sources can only go into a directory. BuildKit guesses that a
destination such as `/app` or `.` is meant as one, but Docker's classic
builder, Podman/Buildah and other builders stop with "When using COPY with
more than one source file, the destination must be a directory and end with
a /". The trailing slash also tells the reader what is meant.

## Example
```dockerfile
FROM node:20
COPY package.json package-lock.json /app
```

## Use instead
```dockerfile
FROM node:20
COPY package.json package-lock.json /app/
```
"""

from typing import Iterator

from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DL3021",
    name="copy-destination-not-directory",
    summary="COPY of several sources to a destination without a trailing /",
    level=Level.ERROR,
    precision="very-high",
    documentation=__doc__,
)

MESSAGE = "COPY with more than 2 arguments requires the last argument to end with /"


def check(context: LintContext) -> Iterator[Violation]:
    semantics = context.semantics
    for instruction in context.document.instructions:
        copy = instruction.effective
        if copy.keyword != "COPY" or len(copy.args) < 3:
            continue
        destination = copy.args[-1]
        evaluation = semantics.expand_in(copy, destination.value)
        if evaluation.value is None or evaluation.undefined:
            continue  # the file does not fix where it goes
        # With the backtick escape (Windows), a trailing backslash marks a directory too.
        separators = ("/", "\\") if context.document.escape == "`" else ("/",)
        if not evaluation.value.endswith(separators):
            yield Violation(MESSAGE, destination.span, instruction.span.line)
