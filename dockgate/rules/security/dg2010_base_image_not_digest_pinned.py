"""
## What it does
Reports a `FROM` whose image is not pinned by digest (`@sha256:...`). A tag,
even a precise one, is not enough. `scratch` and references to earlier
stages are exempt, and so is an image whose name the file does not fix (a
build argument without a default), since the digest may come with it.

This is a policy rule and off by default: turn it on with
`--select DG2010` or a level in the configuration, and keep the digests up
to date with a bot (Renovate, Dependabot) that also bumps the tag.

## Why is this bad?
A tag is a mutable pointer: the registry (or whoever controls it) can move
`python:3.12-slim` to different content at any time, so two builds of the
same Dockerfile can get different bases, and a compromised registry
account can serve a malicious one. A digest names exactly one image.

## Example
```dockerfile
FROM python:3.12-slim
```

## Use instead
```dockerfile
FROM python:3.12-slim@sha256:4e6b6a1b0d8a6b6f1d5b1e0e7e1f1e8a4d6a4f0b5c2a3e9f7d8c6b5a4f3e2d1c
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.analysis.semantics import SCRATCH
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DG2010",
    name="base-image-not-digest-pinned",
    summary="FROM image is not pinned by digest",
    level=Level.OFF,
    judges="build",
    precision="very-high",
    security_severity=3.7,
    tags=("security", "CWE-494", "CWE-1357"),
    aliases=("dockerfile-source-not-pinned", "CIS-4.2"),
    documentation=__doc__,
)


def check(context: LintContext) -> Iterator[Violation]:
    semantics = context.semantics
    for stage in semantics.stages:
        instruction = stage.from_instruction
        if stage.builds_on_stage or not instruction.args or not stage.base_name_known:
            continue
        reference = stage.base_name
        if not reference or reference == SCRATCH or "@" in reference:
            continue
        word = instruction.args[0]
        yield Violation(
            f"{reference} is not pinned by digest; the tag can move to different content (append @sha256:...)",
            word.span,
            instruction.line,
        )
