"""
## What it does
Reports a `LABEL` key that does not follow Docker's key format: lower-case
letters, digits, `.`, `-`, `_` and `/`, starting with a letter and ending
with a letter or digit, without `..` or `--`, and outside the namespaces
Docker keeps for itself (`com.docker.`, `io.docker.`, `org.dockerproject.`).
Keys are checked after variables are expanded; a key that depends on a
build argument without default is left alone, and a key using a variable
that nothing defines is checked as written (Docker would drop the reference
silently). Keys set by `ONBUILD LABEL`
are checked too.

## Why is this bad?
Tools that read labels (registries, scanners, orchestrators) expect the
reverse-DNS convention. Upper-case letters, spaces or `$` in a key make the
label hard to query and easy to misspell, and keys in Docker's reserved
namespaces may clash with what Docker itself sets.

## Example
```dockerfile
FROM alpine:3.20
LABEL Version="1.0" com.docker.extension.title="demo"
```

## Use instead
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.version="1.0" org.example.title="demo"
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.lazy_pattern import LazyPattern
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.label_schema import LabelPair, label_pairs

RULE = RuleMeta(
    code="DL3048",
    name="invalid-label-key",
    summary="LABEL key is not a valid label key",
    level=Level.STYLE,
    precision="very-high",
    documentation=__doc__,
)

_KEY_SHAPE = LazyPattern(r"[a-z](?:[a-z0-9./_-]*[a-z0-9])?")
_RESERVED_NAMESPACES = ("com.docker.", "io.docker.", "org.dockerproject.")


def is_valid_label_key(key: str) -> bool:
    return (
        _KEY_SHAPE.fullmatch(key) is not None
        and ".." not in key
        and "--" not in key
        and not key.startswith(_RESERVED_NAMESPACES)
    )


def check(context: LintContext) -> Iterator[Violation]:
    for pair in label_pairs(context, include_onbuild=True):
        if pair.key is not None and not is_valid_label_key(pair.key):
            yield Violation("Invalid label key.", pair.key_word.span, pair.instruction.line)
        elif _uses_undefined_variable(context, pair) and not is_valid_label_key(pair.key_word.value):
            # `invalid$character` expands to `invalid`: the key Docker sets is not the one written.
            yield Violation("Invalid label key.", pair.key_word.span, pair.instruction.line)


def _uses_undefined_variable(context: LintContext, pair: LabelPair) -> bool:
    return "$" in pair.key_word.value and bool(
        context.semantics.expand_in(pair.instruction, pair.key_word.value).undefined
    )
