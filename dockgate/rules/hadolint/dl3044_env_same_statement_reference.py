"""
## What it does
Reports an `ENV` pair whose value uses a variable that an earlier pair of the
same `ENV` instruction sets, such as `ENV DIR=/opt/app BIN=$DIR/bin`. A
variable that refers to its own old value (`ENV PATH=/opt/bin:$PATH`) is
fine, and so is a later use of a pair that keeps the value the variable
already had (`ENV VERSION=$VERSION URL=.../$VERSION` after `ARG VERSION`). It
checks `ENV` registered with `ONBUILD` too.

## Why is this bad?
Docker expands every value of an `ENV` instruction before it sets any of
them. `$DIR` in the example is therefore the value from *before* the
instruction (usually empty), not `/opt/app`, and `BIN` becomes `/bin`.

## Example
```dockerfile
FROM alpine:3.20
ENV DIR=/opt/app BIN=$DIR/bin
```

## Use instead
```dockerfile
FROM alpine:3.20
ENV DIR=/opt/app
ENV BIN=$DIR/bin
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.analysis.semantics import Evaluation
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DL3044",
    name="env-same-statement-reference",
    summary="ENV uses a variable set earlier in the same ENV",
    level=Level.ERROR,
    precision="very-high",
    documentation=__doc__,
)

MESSAGE = "Do not refer to an environment variable within the same `ENV` statement where it is defined."


def check(context: LintContext) -> Iterator[Violation]:
    semantics = context.semantics
    for instruction in context.document.instructions:
        env = instruction.effective
        if env.keyword != "ENV":
            continue
        before = semantics.variables_before(env)
        changed: set[str] = set()
        # The definitions follow the [key, value, separator] triples of the arguments.
        for index, definition in enumerate(semantics.definitions(env)):
            value = definition.value
            if value is not None and any(name in changed for name in value.referenced):
                yield Violation(MESSAGE, env.args[3 * index + 1].span, instruction.span.line)
            if not _keeps_value(definition.key, value, before):
                changed.add(definition.key)


def _keeps_value(key: str, value: Evaluation | None, before: dict[str, str | None]) -> bool:
    """Whether the pair sets `key` to the value it already had (`ENV VERSION=$VERSION` after an ARG)."""
    if value is None:
        return False
    if value.text.strip('"') in (f"${key}", f"${{{key}}}"):
        return True
    return value.value is not None and before.get(key) == value.value
