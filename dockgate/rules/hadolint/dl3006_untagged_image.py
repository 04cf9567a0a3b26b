"""
## What it does
Reports a `FROM` image without a tag or digest, such as `FROM debian`.
`scratch` and earlier stages (`FROM builder`) are not images and pass.

ARG defaults are expanded first: with `ARG BASE=debian`, `FROM $BASE` is
reported, while `FROM $BASE` with an `ARG BASE` that has no default is left
alone, since the value comes from the build command.

## Why is this bad?
An image without a tag means `:latest`, which moves whenever its maintainers
publish. The same Dockerfile then builds a different image tomorrow, and a
build that worked may break without any change in your repository.

## Example
```dockerfile
FROM debian
```

## Use instead
```dockerfile
FROM debian:12.5
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DL3006",
    name="untagged-image",
    summary="FROM image has no tag",
    level=Level.WARNING,
    precision="very-high",
    documentation=__doc__,
)

MESSAGE = "Always tag the version of an image explicitly"


def check(context: LintContext) -> Iterator[Violation]:
    semantics = context.semantics
    for stage in semantics.stages:
        instruction = stage.from_instruction
        # `stage.builds_on_stage` would also leave alone `FROM base-$TARGETARCH` naming stages
        # base-amd64 and base-arm64 (docs/hadolint-differences.md); kept off for the recall floor.
        if stage.base_stage is not None or not instruction.args:
            continue
        word = instruction.args[0]
        evaluation = semantics.expand_in(instruction, word.value)
        if evaluation.value is not None and not evaluation.undefined and evaluation.error is None:
            reference = evaluation.value
        elif word.value.startswith("$"):
            continue  # the whole name comes from the build command
        else:
            reference = word.value
        if reference and reference != "scratch" and not _has_tag_or_digest(reference):
            yield Violation(MESSAGE, word.span, instruction.span.line)


def _has_tag_or_digest(reference: str) -> bool:
    name, at, _ = reference.partition("@")
    # A colon before the last slash belongs to a registry port (`localhost:5000/app`).
    return bool(at) or name.rfind(":") > name.rfind("/")
