"""
## What it does
Reports each label of the label schema (`label-schema`,
`--require-label NAME:TYPE`) that an image built from this file would not
carry. Only result stages are checked: a stage that a later `FROM <stage>`,
`COPY --from=<stage>` or `RUN --mount=from=<stage>` uses is an
intermediate step, and its labels reach the result only through
`FROM <stage>`, which is followed (labels set in a parent stage count for
its children). The finding points at the `FROM` of the stage that lacks
the label. Labels the base image may set are unknown and not counted. Off
unless a label schema is configured.

## Why is this bad?
A label schema is a promise that every image says what it is (version,
source, revision, licence). An image without one of those labels cannot be
traced or audited by the tools that rely on them.

## Example
```dockerfile
# label-schema: {org.opencontainers.image.version: semver}
FROM golang:1.22 AS build
LABEL org.opencontainers.image.version="1.4.2"
RUN go build -o /app .

FROM gcr.io/distroless/static-debian12
COPY --from=build /app /app
```

## Use instead
```dockerfile
FROM golang:1.22 AS build
RUN go build -o /app .

FROM gcr.io/distroless/static-debian12
LABEL org.opencontainers.image.version="1.4.2"
COPY --from=build /app /app
```

## Options
- `label-schema` (table of label name to type: text, url, semver, hash,
  rfc3339, spdx, email; `label-schema` in `.hadolint.yaml`,
  `--require-label NAME:TYPE` on the command line): the labels the images
  must carry.
"""

from __future__ import annotations

from typing import Iterator

from dockgate.analysis.semantics import Stage
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.label_schema import label_pairs, label_schema

RULE = RuleMeta(
    code="DL3049",
    name="missing-required-label",
    summary="a result stage lacks a label the label schema requires",
    level=Level.INFO,
    precision="very-high",
    options=("label-schema",),
    documentation=__doc__,
)


def check(context: LintContext) -> Iterator[Violation]:
    schema = label_schema(context)
    if not schema:
        return
    semantics = context.semantics
    keys_by_stage: dict[int, set[str | None]] = {}
    for pair in label_pairs(context):
        stage = semantics.stage_of(pair.instruction)
        if stage is not None:
            keys_by_stage.setdefault(stage.index, set()).add(pair.key)
    used = context.semantics.consumed_stages()
    for stage in semantics.stages:
        if stage.index in used:
            continue
        keys = _inherited_keys(stage, keys_by_stage)
        if None in keys:
            continue  # a key the file does not fix may be any of the required ones
        for name in schema:
            if name not in keys:
                yield Violation(f"Label `{name}` is missing.", stage.from_instruction.span, stage.from_instruction.line)


def _inherited_keys(stage: Stage, keys_by_stage: dict[int, set[str | None]]) -> set[str | None]:
    keys: set[str | None] = set()
    current: Stage | None = stage
    while current is not None:
        keys |= keys_by_stage.get(current.index, set())
        current = current.base_stage
    return keys
