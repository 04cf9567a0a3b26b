"""
## What it does
Reports a file that Docker's own parser rejects: an unterminated heredoc, a
JSON array holding something other than strings, `ENV` with a key and no
value, a second `# escape=` directive, a file with no instructions.

## Why is this bad?
Docker cannot build the file at all. No other rule runs on it, because there
is no reliable instruction list to check. The code is hadolint's, so existing
configs and dashboards keep working; unlike hadolint, dockgate only raises it
where Docker itself fails.

## Example
```dockerfile
FROM alpine
ENV PATH
```

## Use instead
```dockerfile
FROM alpine
ENV PATH=/usr/local/bin:/usr/bin:/bin
```
"""

from typing import Iterator

from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import RuleMeta, SourceContext

RULE = RuleMeta(
    code="DL1000",
    name="parse-error",
    summary="Docker's parser rejects this file",
    level=Level.ERROR,
    precision="very-high",
    reads="source",
    documentation=__doc__,
)


def check(context: SourceContext) -> Iterator[Violation]:
    if context.syntax_error is not None:
        yield Violation(context.syntax_error.message, context.syntax_error.span)
