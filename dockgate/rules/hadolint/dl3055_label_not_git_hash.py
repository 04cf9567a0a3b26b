"""
## What it does
Reports a label that the label schema types as `hash` (`label-schema`,
`--require-label NAME:hash`) when its value is not a git commit id: 7 to 40
lower-case hexadecimal digits (an abbreviated or full SHA-1 id, as
`git rev-parse [--short] HEAD` prints it) or 64 (a SHA-256 repository).
Off unless the schema has a `hash` label.

## Why is this bad?
`org.opencontainers.image.revision` ties an image to the commit it was
built from. A branch name, a tag or a placeholder cannot be resolved to
one commit, so the image cannot be traced back to its source.

## Example
```dockerfile
# label-schema: {org.opencontainers.image.revision: hash}
FROM alpine:3.20
LABEL org.opencontainers.image.revision="main"
```

## Use instead
```dockerfile
FROM alpine:3.20
# filled in by CI: docker build --build-arg REVISION="$(git rev-parse HEAD)" .
ARG REVISION=0000000000000000000000000000000000000000
LABEL org.opencontainers.image.revision="${REVISION}"
```

## Options
- `label-schema` (table of label name to type: text, url, semver, hash,
  rfc3339, spdx, email; `label-schema` in `.hadolint.yaml`,
  `--require-label NAME:TYPE` on the command line): the labels the images
  must carry; those of type `hash` are checked by this rule.
"""

from __future__ import annotations

from typing import Iterator

from dockgate.lazy_pattern import LazyPattern
from dockgate.rule_api.config import LabelType
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.label_schema import schema_labels_of_type

RULE = RuleMeta(
    code="DL3055",
    name="label-not-git-hash",
    summary="a `hash` label of the label schema is not a git commit id",
    level=Level.WARNING,
    options=("label-schema",),
    documentation=__doc__,
)

# git abbreviates to 7 digits at least by default, more in large repositories (core.abbrev=auto).
_GIT_HASH = LazyPattern(r"[0-9a-f]{7,40}|[0-9a-f]{64}")


def is_git_hash(text: str) -> bool:
    return _GIT_HASH.fullmatch(text) is not None


def check(context: LintContext) -> Iterator[Violation]:
    for pair in schema_labels_of_type(context, LabelType.HASH):
        if not is_git_hash(pair.value or ""):
            yield Violation(f"Label `{pair.key}` is not a valid git hash.", pair.value_word.span, pair.instruction.line)
