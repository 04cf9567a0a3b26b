"""
## What it does
Reports instruction arguments that Docker rejects when it reads the
instructions (after the file itself parsed): `FROM` with two words, a stage
name with symbols, `COPY` without a destination, `WORKDIR` with nothing after
it, `SHELL` not in JSON form, `HEALTHCHECK` with an unknown type. ONBUILD
triggers are checked the same way; `ONBUILD ONBUILD`, `ONBUILD FROM` and
`ONBUILD MAINTAINER` are DL3043's.

## Why is this bad?
Docker stops the build at this instruction. dockgate reports it as one
finding on the instruction and keeps checking the rest of the file, where
Docker (and hadolint) would stop at the first problem.

## Example
```dockerfile
FROM golang:1.22 builder
COPY main.go
```

## Use instead
```dockerfile
FROM golang:1.22 AS builder
COPY main.go /src/
```
"""

from typing import Iterator

from dockgate.dockerfile.model import Instruction
from dockgate.lazy_pattern import LazyPattern
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DG0002",
    name="invalid-arguments",
    summary="Docker rejects this instruction's arguments",
    level=Level.ERROR,
    precision="very-high",
    documentation=__doc__,
)

_STAGE_NAME = LazyPattern(r"[a-z][a-z0-9\-_.]*\Z")
_AT_LEAST_ONE = frozenset({"ARG", "ENV", "EXPOSE", "LABEL", "VOLUME"})
_EXACTLY_ONE = frozenset({"WORKDIR", "USER", "STOPSIGNAL", "MAINTAINER"})
# Triggers Docker refuses outright; DL3043 reports them, so their arguments are not checked here.
_FORBIDDEN_TRIGGERS = frozenset({"ONBUILD", "FROM", "MAINTAINER"})


def check(context: LintContext) -> Iterator[Violation]:
    for instruction in context.document.instructions:
        for message in _problems(instruction):
            yield Violation(message, instruction.arguments.span if instruction.arguments else instruction.keyword_span, instruction.span.line)
        if instruction.sub is not None and instruction.sub.keyword not in _FORBIDDEN_TRIGGERS:
            for message in _problems(instruction.sub):
                yield Violation(message, instruction.sub.keyword_span, instruction.span.line)


def _problems(instruction: Instruction) -> Iterator[str]:
    keyword = instruction.keyword
    args = [word.value for word in instruction.args]
    if keyword == "ONBUILD" and instruction.sub is None:
        yield "ONBUILD requires at least one argument"
    elif keyword == "FROM":
        yield from _from_problems(args)
    elif keyword in ("COPY", "ADD") and len(args) < 2:
        yield (
            f"{keyword} requires at least two arguments, but only one was provided. "
            "Destination could not be determined"
        )
    elif keyword in ("COPY", "ADD") and instruction.heredocs and args[-1].startswith("<<"):
        yield f"{keyword} cannot accept a heredoc as a destination"
    elif keyword in _EXACTLY_ONE and len(args) != 1:
        yield f"{keyword} requires exactly one argument"
    elif keyword in _AT_LEAST_ONE and not args:
        yield f"{keyword} requires at least one argument"
    elif keyword == "VOLUME" and any(not value.strip() for value in args):
        yield "VOLUME specified can not be an empty string"
    elif keyword == "SHELL":
        if not instruction.json_form:
            yield "SHELL requires the arguments to be in JSON form"
        elif not args:
            yield "SHELL requires at least one argument"
    elif keyword == "ARG" and any(value.startswith("=") for value in args):
        yield "ARG names can not be blank"
    elif keyword == "HEALTHCHECK":
        yield from _healthcheck_problems(args)


def _from_problems(args: list[str]) -> Iterator[str]:
    if len(args) not in (1, 3) or (len(args) == 3 and args[1].lower() != "as"):
        yield "FROM requires either one or three arguments"
    elif len(args) == 3 and "$" not in args[2] and not _STAGE_NAME.match(args[2].lower()):
        yield (
            f'invalid name for build stage: "{args[2]}", '
            "name can't start with a number or contain symbols"
        )


def _healthcheck_problems(args: list[str]) -> Iterator[str]:
    if not args:
        yield "HEALTHCHECK requires at least one argument"
        return
    kind = args[0].upper()
    if kind == "NONE" and len(args) > 1:
        yield "HEALTHCHECK NONE takes no arguments"
    elif kind == "CMD" and len(args) == 1:
        yield "Missing command after HEALTHCHECK CMD"
    elif kind not in ("NONE", "CMD"):
        yield f'Unknown type "{args[0]}" in HEALTHCHECK (try CMD)'
