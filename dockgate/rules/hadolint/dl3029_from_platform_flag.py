"""
## What it does
Reports `FROM --platform=<value>` unless the value refers to one of the
platform arguments Docker defines for every build (`$BUILDPLATFORM`,
`$TARGETPLATFORM`, `$TARGETARCH`, `$BUILDOS`, ...).

## Why is this bad?
A fixed platform such as `--platform=linux/amd64` makes the stage ignore the
platform the build was asked for: a multi-platform build produces the same
architecture under every label, and on other machines the image runs under
emulation or not at all. Referring to the build or target platform keeps
cross-compilation patterns working.

## Example
```dockerfile
FROM --platform=linux/amd64 golang:1.22 AS build
```

## Use instead
```dockerfile
FROM --platform=$BUILDPLATFORM golang:1.22 AS build
```
"""

from typing import Iterator

from dockgate.analysis.semantics import AUTOMATIC_PLATFORM_ARGS
from dockgate.lazy_pattern import LazyPattern
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DL3029",
    name="from-platform-flag",
    summary="FROM --platform with a fixed platform",
    level=Level.WARNING,
    precision="very-high",
    documentation=__doc__,
)

MESSAGE = "Do not use --platform flag with FROM"

_PLATFORM_REFERENCE = LazyPattern("|".join(AUTOMATIC_PLATFORM_ARGS))


def check(context: LintContext) -> Iterator[Violation]:
    semantics = context.semantics
    for stage in semantics.stages:
        instruction = stage.from_instruction
        platform = instruction.flag("platform")
        if platform is None or not platform.value:
            continue
        evaluation = semantics.expand_in(instruction, platform.value)
        if evaluation.error is not None:
            refers_to_platform = bool(_PLATFORM_REFERENCE.search(platform.value))
        else:
            refers_to_platform = any(name in AUTOMATIC_PLATFORM_ARGS for name in evaluation.referenced)
        if not refers_to_platform:
            yield Violation(MESSAGE, platform.span, instruction.span.line)
