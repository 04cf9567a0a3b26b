"""
## What it does
Reports a variable in a `FROM` image or `--platform` value that is neither
declared by an `ARG` before the first `FROM` nor one of the automatic
platform ARGs (`TARGETPLATFORM`, `BUILDPLATFORM`, ...). Like Docker's
`UndefinedArgInFrom` build check it suggests the closest declared name.

## Why is this bad?
A FROM line only sees the global ARGs. An undeclared (often misspelt)
variable expands to an empty string, so the build pulls another image than
intended or fails with a confusing error.

## Example
```dockerfile
ARG VERSION=3.20
FROM alpine:${VERISON}
```

## Use instead
```dockerfile
ARG VERSION=3.20
FROM alpine:${VERSION}
```
"""

from typing import Iterator

from dockgate.analysis.semantics import AUTOMATIC_PLATFORM_ARGS
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.did_you_mean import closest_name

RULE = RuleMeta(
    code="DG1009",
    name="undefined-arg-in-from",
    summary="FROM argument is not declared",
    level=Level.WARNING,
    aliases=("UndefinedArgInFrom",),
    documentation=__doc__,
)


def check(context: LintContext) -> Iterator[Violation]:
    semantics = context.semantics
    known = list(semantics.global_args) + [name for name in AUTOMATIC_PLATFORM_ARGS if name not in semantics.global_args]
    for stage in semantics.stages:
        instruction = stage.from_instruction
        # dockerfile2llb checks the --platform value first, then the image name (reportUnusedFromArgs).
        pieces = []
        flag = instruction.flag("platform")
        if flag is not None and flag.value:
            pieces.append((flag.value, flag.span))
        if instruction.args:
            pieces.append((instruction.args[0].value, instruction.args[0].span))
        for text, span in pieces:
            for name in semantics.expand_in(instruction, text).undefined:
                suggestion = closest_name(name, known)
                hint = f" (did you mean {suggestion}?)" if suggestion else ""
                yield Violation(f"FROM argument '{name}' is not declared{hint}", span, instruction.line)
