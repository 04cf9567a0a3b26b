"""
## What it does
Reports `cd` in a RUN, ONBUILD triggers included (hadolint does not look
into ONBUILD for this rule).

## Why is this bad?
A `cd` lasts only until the end of its RUN, so the next instruction is back
in the old directory, which is easy to forget. Chains such as `cd /app &&
make` also hide the directory in the middle of a command line. `WORKDIR`
sets the directory for every later RUN, COPY, CMD and ENTRYPOINT, creates
it when missing, and shows up in the image's configuration.

## Example
```dockerfile
FROM golang:1.22
COPY . /src
RUN cd /src && go build -o /bin/app .
```

## Use instead
```dockerfile
FROM golang:1.22
WORKDIR /src
COPY . .
RUN go build -o /bin/app .
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.run_commands import first_calls, instruction_line

RULE = RuleMeta(
    code="DL3003",
    name="cd-instead-of-workdir",
    summary="`cd` in a RUN instead of WORKDIR",
    level=Level.WARNING,
    documentation=__doc__,
)

MESSAGE = "Use WORKDIR to switch to a directory"


def check(context: LintContext) -> Iterator[Violation]:
    for run, command in first_calls(context, ("cd",)):
        yield Violation(MESSAGE, command.name_span, instruction_line(run))
