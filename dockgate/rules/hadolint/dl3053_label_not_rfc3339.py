"""
## What it does
Reports a label that the label schema types as `rfc3339` (`label-schema`,
`--require-label NAME:rfc3339`) when its value is not an RFC 3339
date-time: `YYYY-MM-DDTHH:MM:SS`, optional fractional seconds, then `Z` or
an offset `+HH:MM`/`-HH:MM`. The date must exist (no 30 February) and the
time must be in range (a leap second `:60` is allowed). Off unless the
schema has an `rfc3339` label.

## Why is this bad?
`org.opencontainers.image.created` and similar labels are compared and
sorted by tools that parse them as RFC 3339. A date without a time, a
time without an offset (`2024-05-01T12:00:00`, local to whom?) or an
offset without a colon (`+0100`, ISO 8601 but not RFC 3339) breaks or
silently skews that.

## Example
```dockerfile
# label-schema: {org.opencontainers.image.created: rfc3339}
FROM alpine:3.20
LABEL org.opencontainers.image.created="2024-05-01 12:00"
```

## Use instead
```dockerfile
FROM alpine:3.20
# docker build --build-arg BUILD_DATE="$(date -u +%Y-%m-%dT%H:%M:%SZ)" .
ARG BUILD_DATE
LABEL org.opencontainers.image.created="$BUILD_DATE"
```

## Options
- `label-schema` (table of label name to type: text, url, semver, hash,
  rfc3339, spdx, email; `label-schema` in `.hadolint.yaml`,
  `--require-label NAME:TYPE` on the command line): the labels the images
  must carry; those of type `rfc3339` are checked by this rule.
"""

from __future__ import annotations

from typing import Iterator

from dockgate.lazy_pattern import LazyPattern
from dockgate.rule_api.config import LabelType
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.label_schema import schema_labels_of_type

RULE = RuleMeta(
    code="DL3053",
    name="label-not-rfc3339",
    summary="an `rfc3339` label of the label schema is not an RFC 3339 date-time",
    level=Level.WARNING,
    options=("label-schema",),
    documentation=__doc__,
)

# RFC 3339 §5.6 date-time; "T" and "Z" may be lower case (§5.6 note).
_DATE_TIME = LazyPattern(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})[Tt]"
    r"(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})(?:\.[0-9]+)?"
    r"(?:[Zz]|[+-](?P<offset_hour>[0-9]{2}):(?P<offset_minute>[0-9]{2}))"
)


def is_rfc3339(text: str) -> bool:
    match = _DATE_TIME.fullmatch(text)
    if match is None:
        return False
    part = {name: int(value) for name, value in match.groupdict(default="0").items()}
    if not 1 <= part["month"] <= 12:
        return False
    import calendar  # with datetime, a few ms of every start: only for a label that looks like a date

    if not 1 <= part["day"] <= calendar.monthrange(part["year"], part["month"])[1]:
        return False
    return (
        part["hour"] <= 23
        and part["minute"] <= 59
        and part["second"] <= 60
        and part["offset_hour"] <= 23
        and part["offset_minute"] <= 59
    )


def check(context: LintContext) -> Iterator[Violation]:
    for pair in schema_labels_of_type(context, LabelType.RFC3339):
        if not is_rfc3339(pair.value or ""):
            yield Violation(
                f"Label `{pair.key}` is not a valid time format - must conform to RFC3339.",
                pair.value_word.span,
                pair.instruction.line,
            )
