"""
## What it does
Reports `CMD` and `ENTRYPOINT` in shell form when no `SHELL` instruction is
in effect, as Docker's `JSONArgsRecommended` build check does. A `SHELL`
earlier in the stage, or anywhere in a stage it is built on, counts; `RUN`
is never reported. DL3025 reports the same instructions; where both run,
one finding is kept: DL3025's, with `DG1007` and `JSONArgsRecommended`
among its aliases. Ignoring either code in the configuration leaves the
other's finding; a suppression comment naming either silences it.

## Why is this bad?
In shell form Docker runs the command as `/bin/sh -c "<command>"`, so the
shell is process 1 in the container. It does not forward signals such as
`SIGTERM`: `docker stop` waits for its timeout and then kills the process,
which never gets the chance to shut down cleanly.

## Example
```dockerfile
FROM python:3.12-slim
CMD python -m http.server
```

## Use instead
```dockerfile
FROM python:3.12-slim
CMD ["python", "-m", "http.server"]
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

from dockgate.rule_api.findings import Applicability, Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.conversion import buildkit_converts
from dockgate.rules.common.exec_form import json_form_fix

RULE = RuleMeta(
    code="DG1007",
    name="json-args-recommended",
    summary="JSON arguments recommended for CMD and ENTRYPOINT",
    level=Level.WARNING,
    precision="very-high",
    aliases=("JSONArgsRecommended",),
    same_finding_as="DL3025",
    fix=Applicability.UNSAFE,
    documentation=__doc__,
)


def check(context: LintContext) -> Iterator[Violation]:
    if not buildkit_converts(context.document):
        return
    for stage in context.semantics.stages:
        # The image config's Shell comes from SHELL in this stage so far or in any stage it builds on
        # (convert.go dispatchCmd / dispatchEntrypoint); a base image's own Shell is unknown here.
        shell_set = stage.base_stage is not None and "SHELL" in context.semantics.keywords_in_chain(stage.base_stage)
        for instruction in stage.instructions:
            if instruction.keyword == "SHELL":
                shell_set = True
            elif instruction.keyword in ("CMD", "ENTRYPOINT") and not instruction.json_form and instruction.args:
                if shell_set:
                    continue
                yield Violation(
                    f"JSON arguments recommended for {instruction.keyword_as_written} "
                    "to prevent unintended behavior related to OS signals",
                    instruction.args[0].span.covering(instruction.args[-1].span),
                    instruction.span.line,
                    fix=json_form_fix(context, instruction, instruction, instruction.args[-1]),
                )
