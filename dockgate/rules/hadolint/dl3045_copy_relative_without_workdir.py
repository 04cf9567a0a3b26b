"""
## What it does
Reports a `COPY` to a relative destination (`COPY app.py .`) in a stage where
no `WORKDIR` has been set yet. A `WORKDIR` in a stage this one builds on
(`FROM <stage>`) counts. Stages that start from `scratch` pass: their working
directory is `/`.

Destinations that start with `/`, a Windows drive or a variable whose value
the file does not fix (`$APP_HOME/`) pass. For `COPY` registered with `ONBUILD`, any
`WORKDIR` of the image, or an `ONBUILD WORKDIR` before it, counts: the
trigger runs in the child build, after all of them.

## Why is this bad?
A relative destination is resolved against the working directory, which
then comes from the base image. When the base image changes its `WORKDIR`,
the files land somewhere else and the commands that use them break.

## Example
```dockerfile
FROM python:3.12
COPY app.py .
```

## Use instead
```dockerfile
FROM python:3.12
WORKDIR /app
COPY app.py .
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.analysis.semantics import SemanticModel, Stage
from dockgate.dockerfile.model import Instruction, Word
from dockgate.lazy_pattern import LazyPattern
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DL3045",
    name="copy-relative-without-workdir",
    summary="COPY to a relative destination before any WORKDIR",
    level=Level.WARNING,
    documentation=__doc__,
)

MESSAGE = "`COPY` to a relative destination without `WORKDIR` set."

_ABSOLUTE = LazyPattern(r"/|[A-Za-z]:[\\/]")


def check(context: LintContext) -> Iterator[Violation]:
    semantics = context.semantics
    # Before any FROM (Docker refuses that, see DL3061) the instructions so far stand for a stage.
    before_first_from = [i for i in context.document.instructions if semantics.stage_of(i) is None]
    yield from _check_stage(semantics, before_first_from, None)
    for stage in semantics.stages:
        # The working directory of a stage built from scratch is `/`, whatever the base.
        if semantics.is_base_image_unknown(stage):
            yield from _check_stage(semantics, stage.instructions, stage)


def _check_stage(
    semantics: SemanticModel, instructions: list[Instruction], stage: Stage | None
) -> Iterator[Violation]:
    inherited = stage is not None and stage.base_stage is not None and "WORKDIR" in semantics.keywords_in_chain(stage.base_stage)
    workdir_set = inherited
    # An ONBUILD trigger runs in the child build, after every WORKDIR of this image, later ones included.
    trigger_workdir_set = inherited or any(instruction.keyword == "WORKDIR" for instruction in instructions)
    for instruction in instructions:
        work = instruction.effective
        is_trigger = work is not instruction
        if work.keyword == "WORKDIR":
            if is_trigger:
                trigger_workdir_set = True
            else:
                workdir_set = True
        elif work.keyword == "COPY" and len(work.args) >= 2:
            has_workdir = trigger_workdir_set if is_trigger else workdir_set
            if has_workdir:
                continue
            destination = work.args[-1]
            if _is_relative(semantics, work, destination):
                yield Violation(MESSAGE, destination.span, instruction.span.line)


def _is_relative(semantics: SemanticModel, copy: Instruction, destination: Word) -> bool:
    written = destination.value.strip("'\"")
    if _ABSOLUTE.match(written):
        return False
    if not written.startswith("$"):
        return True  # `app-$VERSION/` is relative whatever the value
    evaluation = semantics.expand_in(copy, destination.value)
    if evaluation.value is None or evaluation.undefined:
        return False  # the file does not fix it; it may well be absolute
    return not _ABSOLUTE.match(evaluation.value)
