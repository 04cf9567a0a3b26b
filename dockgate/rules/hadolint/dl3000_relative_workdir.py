"""
## What it does
Reports a `WORKDIR` whose path is relative: it does not start with `/` or a
Windows drive (`C:\\`, `C:/`). A path that starts with a variable is checked
after expanding the variable when the file fixes its value (an `ARG` default
or an `ENV`); otherwise it is left alone.

## Why is this bad?
A relative `WORKDIR` is resolved against the previous working directory,
which usually comes from the base image. When the base image changes its
`WORKDIR`, files land somewhere else and later instructions break in ways
that are hard to trace.

## Example
```dockerfile
FROM python:3.12
WORKDIR app
```

## Use instead
```dockerfile
FROM python:3.12
WORKDIR /app
```

## Fix safety
Unsafe: the fix writes the absolute path a relative WORKDIR resolves to,
where this file shows the directory before it (an earlier absolute WORKDIR
of the stage or of a stage it is built on, or `/` in a stage built from
`scratch`). The directory is the same today, but it no longer follows the
earlier WORKDIR when that one is changed. A WORKDIR relative to a base
image's own directory, written with a variable, or registered with ONBUILD
gets no fix: that directory is not known here.
"""

from typing import Iterator

from dockgate.lazy_pattern import LazyPattern
from dockgate.rule_api.findings import Applicability, Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.workdirs import absolute_workdir_fix

RULE = RuleMeta(
    code="DL3000",
    name="relative-workdir",
    summary="WORKDIR should be an absolute path",
    level=Level.ERROR,
    fix=Applicability.UNSAFE,
    documentation=__doc__,
)

MESSAGE = "Use absolute WORKDIR"

_ABSOLUTE = LazyPattern(r"/|[A-Za-z]:[\\/]")


def check(context: LintContext) -> Iterator[Violation]:
    semantics = context.semantics
    for instruction in context.document.instructions:
        workdir = instruction.effective
        if workdir.keyword != "WORKDIR" or len(workdir.args) != 1:
            continue
        word = workdir.args[0]
        path = word.value.strip("'\"")
        if _ABSOLUTE.match(path):
            continue
        if path.startswith("$"):
            evaluation = semantics.expand_in(workdir, word.value)
            # A value the file does not fix may well be absolute.
            if evaluation.value is None or evaluation.undefined or _ABSOLUTE.match(evaluation.value):
                continue
        yield Violation(MESSAGE, word.span, instruction.span.line, fix=absolute_workdir_fix(context, instruction, workdir))
