"""
## What it does
Reports an `EXPOSE` entry that names an IP address or a host port
(`127.0.0.1:80:80`, `8080:80`), as Docker's `ExposeInvalidFormat` build
check does. Docker has announced that these forms will become errors.

## Why is this bad?
`EXPOSE` only documents which container ports the image listens on. Which
host address and port they are published on is decided by `docker run -p`,
not by the image, so Docker ignores the extra parts: the line promises a
mapping that never happens.

## Example
```dockerfile
FROM nginx:1.27
EXPOSE 0.0.0.0:8080:80
```

## Use instead
```dockerfile
FROM nginx:1.27
EXPOSE 80
```
"""

from typing import Iterator

from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.conversion import expose_entries

RULE = RuleMeta(
    code="DG1021",
    name="expose-invalid-format",
    summary="EXPOSE with an IP address or host-port mapping",
    level=Level.WARNING,
    precision="very-high",
    aliases=("ExposeInvalidFormat",),
    documentation=__doc__,
)

_PROTOCOLS = ("", "tcp", "udp", "sctp")


def check(context: LintContext) -> Iterator[Violation]:
    for instruction, word, entry in expose_entries(context):
        if _maps_address_or_host_port(entry):
            yield Violation(
                f"EXPOSE instruction should not define an IP address or host-port mapping, found '{entry}'",
                word.span,
                instruction.span.line,
            )


def _maps_address_or_host_port(entry: str) -> bool:
    """Whether `[ip:][host_port:]port[/proto]` has an IP or host part, as convert_expose.go splitParts reads it."""
    parts = entry.split(":")
    container = parts[-1]
    ip_and_host = parts[:-1]
    port, _, protocol = container.partition("/")
    # An unknown protocol or a missing port is an error, not a warning.
    if not port or protocol.lower() not in _PROTOCOLS:
        return False
    if len(parts) == 2:
        return ip_and_host[0] != ""
    if len(parts) >= 3:
        return ":".join(parts[:-2]) != "" or parts[-2] != ""
    return False
