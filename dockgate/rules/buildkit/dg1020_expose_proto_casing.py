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

## Fix safety
Safe: the protocol is lower-cased where it is written in the `EXPOSE`
itself, which Docker does anyway, so the image is the same. A protocol that
comes from a variable is left alone: the `ARG` or `ENV` may serve other uses.
"""

from typing import Iterator

from dockgate.dockerfile.model import Span
from dockgate.rule_api.findings import Applicability, Edit, Fix, Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.conversion import expose_entries

RULE = RuleMeta(
    code="DG1020",
    name="expose-proto-casing",
    summary="EXPOSE protocol should be lowercase",
    level=Level.WARNING,
    precision="very-high",
    aliases=("ExposeProtoCasing",),
    fix=Applicability.SAFE,
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
                fix=_lower_case_fix(context, word.span, entry, protocol),
            )


def _lower_case_fix(context: LintContext, span: Span, entry: str, protocol: str) -> Fix | None:
    """Lower-case the protocol at the end of the word, when the word is the entry as written."""
    if span.line != span.end_line or context.document.slice(span) != entry:
        return None
    start = span.end_column - len(protocol)
    return Fix.safe(f"Write '{protocol.lower()}'", Edit(Span(span.line, start, span.line, span.end_column), protocol.lower()))
