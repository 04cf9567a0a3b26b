"""
## What it does
Reports an `EXPOSE` entry whose protocol is not written in lower case
(`80/TCP`), as Docker's `ExposeProtoCasing` build check does.

## Why is this bad?
Docker lower-cases the protocol itself, so `80/TCP` works, but the image
metadata and the Dockerfile then disagree, and tools that read the file
literally may not recognise the protocol.

## Example
```dockerfile
FROM nginx:1.27
EXPOSE 80/TCP 53/UDP
```

## Use instead
```dockerfile
FROM nginx:1.27
EXPOSE 80/tcp 53/udp
```
"""

from typing import Iterator

from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.conversion import expose_entries

RULE = RuleMeta(
    code="DG1020",
    name="expose-proto-casing",
    summary="EXPOSE protocol should be lowercase",
    level=Level.WARNING,
    aliases=("ExposeProtoCasing",),
    documentation=__doc__,
)

_PROTOCOLS = ("tcp", "udp", "sctp")


def check(context: LintContext) -> Iterator[Violation]:
    for instruction, word, entry in expose_entries(context):
        port, _, protocol = entry.rpartition(":")[2].partition("/")
        # An unknown protocol or a missing port is an error, not a warning.
        if port and protocol.lower() in _PROTOCOLS and protocol != protocol.lower():
            yield Violation(
                f"Defined protocol '{entry}' in EXPOSE instruction should be lowercase",
                word.span,
                instruction.span.line,
            )
