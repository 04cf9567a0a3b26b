"""
## What it does
Reports an `EXPOSE` port, or a bound of a port range, above 65535. Ports
given through a variable are checked when the file fixes the variable's
value.

## Why is this bad?
TCP and UDP port numbers are 16-bit: 65535 is the largest there is. A larger
number is a typo, and the documentation the `EXPOSE` line is meant to give
is wrong.

## Example
```dockerfile
FROM nginx:1.27
EXPOSE 80800
```

## Use instead
```dockerfile
FROM nginx:1.27
EXPOSE 8080
```
"""

from typing import Iterator

from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DL3011",
    name="invalid-port",
    summary="EXPOSE port is above 65535",
    level=Level.ERROR,
    precision="very-high",
    documentation=__doc__,
)

MESSAGE = "Valid UNIX ports range from 0 to 65535"

_HIGHEST_PORT = 65535


def check(context: LintContext) -> Iterator[Violation]:
    semantics = context.semantics
    for instruction in context.document.instructions:
        expose = instruction.effective
        if expose.keyword != "EXPOSE":
            continue
        for word in expose.args:
            text = word.value
            if "$" in text or "'" in text or '"' in text:
                evaluation = semantics.expand_in(expose, text)
                if evaluation.value is None or evaluation.undefined:
                    continue
                text = evaluation.value
            if any(port > _HIGHEST_PORT for port in _port_numbers(text)):
                yield Violation(MESSAGE, word.span, instruction.span.line)


def _port_numbers(entry: str) -> list[int]:
    """The container port (or both ends of a range) of `[ip:][host:]port[-port][/proto]`."""
    ports = entry.partition("/")[0].rpartition(":")[2]
    return [int(bound) for bound in ports.split("-", 1) if bound.isascii() and bound.isdigit()]
