"""
## What it does
Reports a label that the label schema types as `semver` (`label-schema`,
`--require-label NAME:semver`) when its value is not a version as Semantic
Versioning 2.0.0 defines it: `MAJOR.MINOR.PATCH` without leading zeros,
then optionally `-` pre-release identifiers and `+` build metadata
(`1.4.2`, `2.0.0-rc.1+build.5`). A `v` prefix, a missing patch number
(`1.4`) or a numeric pre-release identifier with a leading zero (`1.0.0-01`)
is not semantic versioning. Off unless the schema has a `semver` label.

## Why is this bad?
Deployment tools, registries and update bots compare such labels by
semantic-versioning precedence. A value that does not follow the grammar
sorts wrongly or is skipped, so an upgrade or a rollback picks the wrong
image.

## Example
```dockerfile
# label-schema: {org.opencontainers.image.version: semver}
FROM alpine:3.20
LABEL org.opencontainers.image.version="v1.4"
```

## Use instead
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.version="1.4.0"
```

## Options
- `label-schema` (table of label name to type: text, url, semver, hash,
  rfc3339, spdx, email; `label-schema` in `.hadolint.yaml`,
  `--require-label NAME:TYPE` on the command line): the labels the images
  must carry; those of type `semver` are checked by this rule.
"""

from __future__ import annotations

from typing import Iterator

from dockgate.lazy_pattern import LazyPattern
from dockgate.rule_api.config import LabelType
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.label_schema import schema_labels_of_type

RULE = RuleMeta(
    code="DL3056",
    name="label-not-semver",
    summary="a `semver` label of the label schema does not follow Semantic Versioning 2.0.0",
    level=Level.WARNING,
    options=("label-schema",),
    documentation=__doc__,
)

# The grammar of semver.org 2.0.0 (its suggested regular expression, ASCII digits only).
_NUMBER = r"(?:0|[1-9][0-9]*)"
_PRERELEASE_IDENTIFIER = rf"(?:{_NUMBER}|[0-9]*[A-Za-z-][0-9A-Za-z-]*)"
_BUILD_IDENTIFIER = r"[0-9A-Za-z-]+"
_SEMVER = LazyPattern(
    rf"{_NUMBER}\.{_NUMBER}\.{_NUMBER}"
    rf"(?:-{_PRERELEASE_IDENTIFIER}(?:\.{_PRERELEASE_IDENTIFIER})*)?"
    rf"(?:\+{_BUILD_IDENTIFIER}(?:\.{_BUILD_IDENTIFIER})*)?"
)


def is_semver(text: str) -> bool:
    return _SEMVER.fullmatch(text) is not None


def check(context: LintContext) -> Iterator[Violation]:
    for pair in schema_labels_of_type(context, LabelType.SEMVER):
        if not is_semver(pair.value or ""):
            yield Violation(
                f"Label `{pair.key}` does not conform to semantic versioning.",
                pair.value_word.span,
                pair.instruction.line,
            )
