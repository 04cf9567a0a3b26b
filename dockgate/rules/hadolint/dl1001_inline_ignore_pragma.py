"""
## What it does
Reports inline suppression comments: `# hadolint ignore=...` and
`# dockgate: ignore=...` above an instruction. Off by default; turn it on in
projects that want every exception to be visible in the configuration.

The file-wide forms (`# hadolint global ignore=...`, `# hadolint stage
ignore=...`, `# dockgate: global ignore=...`) are not reported.

## Why is this bad?
An inline pragma silences a rule where a reviewer rarely looks, and it stays
after the reason for it has gone. Teams that want exceptions to be decided
in one place (the configuration file, `per-file-ignores`) can enforce that
with this rule.

## Example
```dockerfile
FROM debian:12
# hadolint ignore=DL3008
RUN apt-get update && apt-get install -y curl
```

## Use instead
```dockerfile
FROM debian:12
RUN apt-get update && apt-get install -y curl=7.88.1-10+deb12u5
```
or list the exception in the configuration (`ignore = ["DL3008"]`).
"""

from typing import Iterator

from dockgate.lazy_pattern import LazyPattern
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DL1001",
    name="inline-ignore-pragma",
    summary="an inline ignore pragma silences a rule for one instruction",
    level=Level.OFF,
    precision="very-high",
    documentation=__doc__,
)

MESSAGE = "Please refrain from using inline ignore pragmas  `# hadolint ignore=DLxxxx`."

# The inline forms the suppression reader honours (global and stage forms put a word before `ignore`).
_INLINE_IGNORE = LazyPattern(r"(?:hadolint[ \t]+|dockgate:[ \t]*)ignore[ \t]*=")


def check(context: LintContext) -> Iterator[Violation]:
    for comment in context.document.comments:
        if _INLINE_IGNORE.match(comment.text):
            yield Violation(MESSAGE, comment.span, comment.span.line)
