"""
## What it does
Reports the `MAINTAINER` instruction.

## Why is this bad?
`MAINTAINER` has been deprecated since Docker 1.13: it sets a field of the
image config that tools no longer read. A label says the same thing in a
form that registries, scanners and `docker inspect` all show.

## Example
```dockerfile
FROM alpine
MAINTAINER Jane Doe <jane@example.com>
```

## Use instead
```dockerfile
FROM alpine
LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
```
"""

from typing import Iterator

from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DL4000",
    name="maintainer-deprecated",
    summary="MAINTAINER is deprecated; use a LABEL",
    level=Level.ERROR,
    aliases=("MaintainerDeprecated",),
    documentation=__doc__,
)


def check(context: LintContext) -> Iterator[Violation]:
    for instruction in context.document.walk():
        if instruction.keyword == "MAINTAINER":
            yield Violation("MAINTAINER is deprecated", instruction.keyword_span, instruction.span.line)
