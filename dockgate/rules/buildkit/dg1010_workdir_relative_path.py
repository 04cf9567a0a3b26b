"""
## What it does
Reports the first `WORKDIR` of a stage chain when it is a relative path and
no absolute `WORKDIR` came before it in this Dockerfile, as Docker's
`WorkdirRelativePath` build check does. Stages a stage is built on count;
the base image's working directory does not.

## Why is this bad?
A relative `WORKDIR` is resolved against the working directory of the base
image. If a new version of the base image changes it, files land somewhere
else and the build or the container breaks without any change to this file.

## Example
```dockerfile
FROM node:20
WORKDIR app
COPY . .
```

## Use instead
```dockerfile
FROM node:20
WORKDIR /app
COPY . .
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

from dockgate.dockerfile.parser import go_quote
from dockgate.lazy_pattern import LazyPattern
from dockgate.rule_api.findings import Applicability, Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.conversion import buildkit_converts
from dockgate.rules.common.workdirs import absolute_workdir_fix

RULE = RuleMeta(
    code="DG1010",
    name="workdir-relative-path",
    summary="Relative WORKDIR without an absolute one before it",
    level=Level.WARNING,
    aliases=("WorkdirRelativePath",),
    fix=Applicability.UNSAFE,
    documentation=__doc__,
)

# BuildKit judges the path for the stage's OS (system.IsAbs); a drive-letter path only occurs in Windows builds.
_WINDOWS_ABSOLUTE = LazyPattern(r"[A-Za-z]:[\\/]|[\\]")


def check(context: LintContext) -> Iterator[Violation]:
    if not buildkit_converts(context.document):
        return
    semantics = context.semantics
    for stage in semantics.stages:
        # Only the first WORKDIR of the chain is checked (convert.go dispatchWorkdir, d.workdirSet).
        if stage.base_stage is not None and "WORKDIR" in semantics.keywords_in_chain(stage.base_stage):
            continue
        workdir = next((item for item in stage.instructions if item.keyword == "WORKDIR"), None)
        if workdir is None or len(workdir.args) != 1:
            continue
        word = workdir.args[0]
        # BuildKit expands the path before the check and prints the result.
        path = semantics.expand_in(workdir, word.value).value
        if path is None or path.startswith("/") or _WINDOWS_ABSOLUTE.match(path):
            continue
        yield Violation(
            f"Relative workdir {go_quote(path)} can have unexpected results if the base image changes",
            word.span,
            workdir.span.line,
            fix=absolute_workdir_fix(context, workdir, workdir),
        )

