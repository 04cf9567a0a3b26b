"""
## What it does
Reports `FROM --platform=$TARGETPLATFORM` (or `${TARGETPLATFORM}`, or any
value that always comes out as the target platform).

## Why is this bad?
A stage is built for the target platform anyway. The flag adds nothing, and
a reader may think it changes something or copy it where `$BUILDPLATFORM`
was meant.

## Example
```dockerfile
FROM --platform=$TARGETPLATFORM alpine:3.20
```

## Use instead
```dockerfile
FROM alpine:3.20
```
"""

from typing import Iterator

from dockgate.dockerfile.expansion import ExpansionError, ShellLexer
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DL3065",
    name="redundant-target-platform",
    summary="FROM --platform=$TARGETPLATFORM is the default",
    level=Level.WARNING,
    precision="very-high",
    aliases=("RedundantTargetPlatform",),
    documentation=__doc__,
)

# hadolint's text reads "... `$TARGETPLATFORM` in is redundant ..."; the stray "in" is dropped.
MESSAGE = "Setting `FROM --platform` to predefined `$TARGETPLATFORM` is redundant as this is the default behavior"

_TARGET_PLATFORM = "TARGETPLATFORM"
_STAND_IN = "\0target-platform\0"


def check(context: LintContext) -> Iterator[Violation]:
    lexer = ShellLexer(context.document.escape)
    for stage in context.semantics.stages:
        platform = stage.from_instruction.flag("platform")
        if platform is None or not platform.value:
            continue
        # BuildKit's test (convert.go reportRedundantTargetPlatform): TARGETPLATFORM is the only
        # variable used and the value comes out as the target platform itself.
        try:
            expansion = lexer.process_word(platform.value, {_TARGET_PLATFORM: _STAND_IN})
        except ExpansionError:
            continue
        if expansion.referenced == [_TARGET_PLATFORM] and expansion.value == _STAND_IN:
            yield Violation(MESSAGE, platform.span, stage.from_instruction.span.line)
