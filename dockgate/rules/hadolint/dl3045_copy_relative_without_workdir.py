"""
## What it does
Reports a `COPY` to a relative destination (`COPY app.py .`) in a stage where
no `WORKDIR` has been set yet. A `WORKDIR` in a stage this one builds on
(`FROM <stage>`) counts. Stages that start from `scratch` pass: their working
directory is `/`.

Destinations that start with `/`, a Windows drive or a variable whose value
the file does not fix pass. For `COPY` registered with `ONBUILD`, any
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

import re
from typing import Iterator

from dockgate.linter.findings import Level, Violation
from dockgate.linter.model import Instruction, Word
from dockgate.linter.rule import LintContext, RuleMeta
from dockgate.linter.semantics import SemanticModel, Stage

RULE = RuleMeta(
    code="DL3045",
    name="copy-relative-without-workdir",
    summary="COPY to a relative destination before any WORKDIR",
    level=Level.WARNING,
    documentation=__doc__,
)

MESSAGE = "`COPY` to a relative destination without `WORKDIR` set."

_ABSOLUTE = re.compile(r"/|[A-Za-z]:[\\/]")


def check(context: LintContext) -> Iterator[Violation]:
    assert context.document is not None
    semantics = context.semantics
    for instruction in context.document.instructions:
        copy = instruction.effective
        if copy.keyword != "COPY" or len(copy.args) < 2:
            continue
        destination = copy.args[-1]
        if not _is_relative(semantics, copy, destination):
            continue
        stage = semantics.stage_of(instruction)
        if stage is None:
            # Before any FROM (Docker refuses that, see DL3061): the instructions so far stand for a stage.
            instructions = [i for i in context.document.instructions if semantics.stage_of(i) is None]
            if _workdir_set(instructions, instruction, None):
                continue
        elif not semantics.is_base_image_unknown(stage) or _workdir_set(stage.instructions, instruction, stage):
            continue
        yield Violation(MESSAGE, destination.span, instruction.span.line)


def _is_relative(semantics: SemanticModel, copy: Instruction, destination: Word) -> bool:
    written = destination.value.strip("'\"")
    if _ABSOLUTE.match(written):
        return False
    if "$" not in written:
        return True
    evaluation = semantics.expand_in(copy, destination.value)
    if evaluation.value is None or evaluation.undefined:
        return False  # the file does not fix it; it may well be absolute
    return not _ABSOLUTE.match(evaluation.value)


def _workdir_set(instructions: list[Instruction], instruction: Instruction, stage: Stage | None) -> bool:
    """Whether a WORKDIR is in force for `instruction` (for an ONBUILD COPY: when its trigger runs).

    `instructions` are those of its stage (`stage`; None before the first FROM).
    """
    trigger = instruction.sub is not None
    position = next(index for index, candidate in enumerate(instructions) if candidate is instruction)
    for earlier in instructions[:position]:
        if earlier.effective.keyword == "WORKDIR" and (trigger or earlier.sub is None):
            return True
    # An ONBUILD trigger runs after every WORKDIR of this image, later ones included.
    if trigger and any(later.keyword == "WORKDIR" for later in instructions[position:]):
        return True
    base = stage.base_stage if stage is not None else None
    while base is not None:
        if any(ancestor.keyword == "WORKDIR" for ancestor in base.instructions):
            return True
        base = base.base_stage
    return False
