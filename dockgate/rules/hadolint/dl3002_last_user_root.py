"""
## What it does
Reports a `USER root` (or `USER 0`, `root:<group>`, `0:<group>`) that is the
last `USER` of an image this file produces. The user is followed through
`FROM <stage>`: a stage without `USER` runs as the last `USER` of the stage
it builds on.

Only the image the build produces is checked: the final stage (or the
configured `target`) and the stages it is built on. A builder stage whose
output is only copied may run as root, and a stage nothing uses is not
built; neither user reaches the image that runs. An explicit `USER root` in
a `scratch` stage without CMD or ENTRYPOINT is still reported: images built
on it inherit the user.

## Why is this bad?
A container whose process runs as root turns any escape from the
application into root access in the container, and with some runtime
settings on the host. Install as root if you must, then switch to an
unprivileged user for the process that runs.

## Example
```dockerfile
FROM node:20
USER root
RUN npm ci
```

## Use instead
```dockerfile
FROM node:20
USER root
RUN npm ci
USER node
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.analysis.semantics import SemanticModel, Stage
from dockgate.dockerfile.model import Instruction
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DL3002",
    name="last-user-root",
    summary="the image's last USER is root",
    level=Level.WARNING,
    judges="image",
    precision="very-high",
    security_severity=7.0,
    tags=("security", "CWE-250"),
    documentation=__doc__,
)

MESSAGE = "Last USER should not be root"


def check(context: LintContext) -> Iterator[Violation]:
    target = context.what_ships.target
    user = _last_user(target) if target is not None else None
    if user is not None and _is_root(context.semantics, user):
        yield Violation(MESSAGE, user.args[0].span, user.span.line)


def _last_user(stage: Stage) -> Instruction | None:
    """The USER in force at the end of the stage: its own last one, else the one it inherits."""
    current: Stage | None = stage
    while current is not None:
        users = [instruction for instruction in current.instructions if instruction.keyword == "USER"]
        if users:
            return users[-1]
        current = current.base_stage or next(iter(current.base_candidates), None)
    return None


def _is_root(semantics: SemanticModel, user: Instruction) -> bool:
    if len(user.args) != 1:
        return False
    evaluation = semantics.expand_in(user, user.args[0].value)
    if evaluation.value is None or evaluation.undefined:
        return False  # a user the file does not fix
    name = evaluation.value.partition(":")[0]
    return name in ("root", "0")
