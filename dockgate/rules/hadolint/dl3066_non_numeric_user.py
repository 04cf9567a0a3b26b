"""
## What it does
Reports a `USER` whose user part is a name rather than a numeric id, such as
`USER app` or `USER app:app`. A variable is expanded first; a user the file
does not fix (an `ARG` without default, a variable from the base image) is
left alone. It checks `USER` registered with `ONBUILD` too. A stage that
builds a Windows image (`mcr.microsoft.com/windows/servercore`, a backtick
`# escape=`, a `powershell` SHELL: see the README) passes: Windows users are
names (`ContainerUser`, `ContainerAdministrator`) and have no numeric id.

## Why is this bad?
A name is resolved through the image's `/etc/passwd` at run time. Tools
outside the container cannot do that: Kubernetes `runAsNonRoot` refuses a
named user because it cannot prove it is not root, and files written to
volumes get an owner the host does not know. A numeric id means the same
everywhere.

## Example
```dockerfile
FROM node:20
USER node
```

## Use instead
```dockerfile
FROM node:20
USER 1000:1000
```
"""

from typing import Iterator

from dockgate.analysis.windows_images import is_windows_stage
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DL3066",
    name="non-numeric-user",
    summary="USER names a user instead of a numeric id",
    level=Level.INFO,
    precision="very-high",
    documentation=__doc__,
)

MESSAGE = "Non-numeric user-id may not be resolvable by host system"


def check(context: LintContext) -> Iterator[Violation]:
    semantics = context.semantics
    for instruction in context.document.instructions:
        user = instruction.effective
        if user.keyword != "USER" or len(user.args) != 1:
            continue
        stage = semantics.stage_of(instruction)
        if stage is not None and is_windows_stage(semantics, stage):
            continue  # Windows has user names, no numeric ids
        word = user.args[0]
        evaluation = semantics.expand_in(user, word.value)
        if evaluation.value is None or evaluation.undefined:
            continue
        uid = evaluation.value.partition(":")[0]
        if uid and not (uid.isascii() and uid.isdigit()):
            yield Violation(MESSAGE, word.span, instruction.span.line)
