"""
## What it does
With `strict-labels` on (`--strict-labels`), reports each `LABEL` key that
the label schema does not name. Off unless a label schema is configured
(`label-schema`, `--require-label`) and strict labels are switched on.
`ONBUILD LABEL` is left alone: it labels a later image.

## Why is this bad?
A team that fixes the set of labels its images carry wants to hear about a
label outside that set: a misspelt key (`org.opencontainers.image.licence`)
or a label that nobody agreed to maintain.

## Example
```dockerfile
# label-schema: {version: semver}, strict-labels: true
FROM alpine:3.20
LABEL version="1.4.2" build-host="ci-runner-7"
```

## Use instead
```dockerfile
FROM alpine:3.20
LABEL version="1.4.2"
```

## Options
- `label-schema` (table of label name to type: text, url, semver, hash,
  rfc3339, spdx, email; `label-schema` in `.hadolint.yaml`,
  `--require-label NAME:TYPE` on the command line): the labels the images
  must carry; any other label key is a finding.
- `strict-labels` (boolean, default false; `strict-labels` in
  `.hadolint.yaml`, `--strict-labels`): switches the rule on.
"""

from __future__ import annotations

from typing import Iterator

from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.label_schema import label_pairs, label_schema

RULE = RuleMeta(
    code="DL3050",
    name="superfluous-label",
    summary="LABEL sets a label the strict label schema does not name",
    level=Level.INFO,
    precision="very-high",
    options=("label-schema", "strict-labels"),
    documentation=__doc__,
)


def check(context: LintContext) -> Iterator[Violation]:
    schema = label_schema(context)
    # hadolint reports every label when strict-labels is on without a schema; that is a configuration slip.
    if not schema or not context.config.strict_labels:
        return
    for pair in label_pairs(context):
        if pair.key is not None and pair.key not in schema:
            yield Violation("Superfluous label(s) present.", pair.key_word.span, pair.instruction.line)
