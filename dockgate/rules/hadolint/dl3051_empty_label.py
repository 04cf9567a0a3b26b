"""
## What it does
Reports a label named in the label schema (`label-schema`,
`--require-label`) whose value is empty or only white space. Off unless a
label schema is configured. The type checks (DL3052-DL3058) leave empty
values to this rule, so an empty label is reported once.

## Why is this bad?
An empty value satisfies "the label is present" while carrying nothing:
the pipeline that should have filled it in (a version, a commit, a build
date) did not, and the image goes out looking complete.

## Example
```dockerfile
# label-schema: {org.opencontainers.image.revision: hash}
FROM alpine:3.20
ARG GIT_COMMIT=""
LABEL org.opencontainers.image.revision="$GIT_COMMIT"
```

## Use instead
```dockerfile
FROM alpine:3.20
# docker build --build-arg GIT_COMMIT="$(git rev-parse HEAD)" .
ARG GIT_COMMIT
LABEL org.opencontainers.image.revision="$GIT_COMMIT"
```

## Options
- `label-schema` (table of label name to type: text, url, semver, hash,
  rfc3339, spdx, email; `label-schema` in `.hadolint.yaml`,
  `--require-label NAME:TYPE` on the command line): the labels the images
  must carry; only those are checked for empty values.
"""

from __future__ import annotations

from typing import Iterator

from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.label_schema import label_pairs, label_schema

RULE = RuleMeta(
    code="DL3051",
    name="empty-label",
    summary="a label of the label schema has an empty value",
    level=Level.WARNING,
    precision="very-high",
    options=("label-schema",),
    documentation=__doc__,
)


def check(context: LintContext) -> Iterator[Violation]:
    schema = label_schema(context)
    if not schema:
        return
    for pair in label_pairs(context):
        if pair.key in schema and pair.value is not None and not pair.value.strip():
            yield Violation(f"label `{pair.key}` is empty.", pair.pair_span, pair.instruction.line)
