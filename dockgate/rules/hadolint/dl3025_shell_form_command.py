"""
## What it does
Reports `CMD`, `ENTRYPOINT` and `HEALTHCHECK CMD` written in shell form
(`CMD node server.js`) rather than JSON form (`CMD ["node", "server.js"]`).
It checks them when registered with `ONBUILD` too.

## Why is this bad?
In shell form Docker runs the command as `/bin/sh -c "..."`. The shell
becomes process 1 and does not pass signals on, so `docker stop` waits for
its timeout and then kills the application without a clean shutdown. An
`ENTRYPOINT` in shell form also ignores the arguments given to `docker run`.

## Example
```dockerfile
FROM node:20
CMD node server.js
```

## Use instead
```dockerfile
FROM node:20
CMD ["node", "server.js"]
```

## Fix safety
Unsafe: the fix writes the command as a JSON array (`CMD ["node", "server.js"]`),
dropping a leading `exec`, when it is only plain words, so the shell would
have done nothing but split it at the blanks. The program then runs without
`/bin/sh -c` in front: it receives signals itself, is not found through a
shell alias or function, and an `ENTRYPOINT` in JSON form is given the CMD
or `docker run` arguments, which the shell form ignored (no fix is offered
for an ENTRYPOINT in a stage that sets a CMD, or under ONBUILD). Check that
the container still starts as meant.
"""

from typing import Iterator

from dockgate.dockerfile.model import Span
from dockgate.rule_api.findings import Applicability, Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.exec_form import json_form_fix

RULE = RuleMeta(
    code="DL3025",
    name="shell-form-command",
    summary="CMD, ENTRYPOINT or HEALTHCHECK CMD in shell form",
    level=Level.WARNING,
    precision="very-high",
    fix=Applicability.UNSAFE,
    documentation=__doc__,
)

MESSAGE = "Use arguments JSON notation for CMD and ENTRYPOINT arguments"


def check(context: LintContext) -> Iterator[Violation]:
    for instruction in context.document.instructions:
        command = instruction.effective
        if command.json_form or not command.args:
            continue
        span: Span | None = None
        if command.keyword in ("CMD", "ENTRYPOINT"):
            span = command.args[0].span.covering(command.args[-1].span)
        elif command.keyword == "HEALTHCHECK" and len(command.args) > 1 and command.args[0].value.upper() == "CMD":
            span = command.args[1].span.covering(command.args[-1].span)
        if span is not None:
            fix = json_form_fix(context, instruction, command, command.args[-1])
            yield Violation(MESSAGE, span, instruction.span.line, fix=fix)
