"""
## What it does
Reports a `FROM` image whose tag is `latest` and that has no digest, such as
`FROM node:latest`. ARG defaults are expanded first, so `ARG TAG=latest`
with `FROM node:$TAG` is reported too.

## Why is this bad?
`latest` is just the tag a maintainer moved most recently. Builds from the
same Dockerfile stop being repeatable, and a new major version can arrive
unannounced. A digest (`node:latest@sha256:...`) pins the content, so it
passes.

## Example
```dockerfile
FROM node:latest
```

## Use instead
```dockerfile
FROM node:20.11-bookworm
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.dockerfile.model import Span, Word
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DL3007",
    name="latest-tag",
    summary="FROM image uses the latest tag",
    level=Level.WARNING,
    precision="very-high",
    documentation=__doc__,
)

MESSAGE = (
    "Using latest is prone to errors if the image will ever update. "
    "Pin the version explicitly to a release tag"
)


def check(context: LintContext) -> Iterator[Violation]:
    semantics = context.semantics
    for stage in semantics.stages:
        instruction = stage.from_instruction
        if stage.builds_on_stage or not instruction.args:
            continue
        word = instruction.args[0]
        evaluation = semantics.expand_in(instruction, word.value)
        if evaluation.value is not None and not evaluation.undefined and evaluation.error is None:
            reference = evaluation.value
        else:
            reference = word.value  # `${REGISTRY}/app:latest` is still latest
        if _tag_without_digest(reference) == "latest":
            written = context.document.slice(word.span)
            yield Violation(MESSAGE, _tag_span(word, written) or word.span, instruction.span.line)


def _tag_without_digest(reference: str) -> str | None:
    name, at, _ = reference.partition("@")
    colon = name.rfind(":")
    if at or colon < name.rfind("/"):
        return None
    return name[colon + 1 :] if colon >= 0 else None


def _tag_span(word: Word, written: str) -> Span | None:
    """The `latest` in the word as written, when it is there literally."""
    if word.span.line != word.span.end_line or _tag_without_digest(written) != "latest":
        return None
    start = word.span.column + written.rfind(":") + 1
    return Span(word.span.line, start, word.span.line, start + len("latest"))
