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

## Fix safety
Unsafe: for a RUN that starts with `cd /absolute/dir && ...`, the fix writes
`WORKDIR /absolute/dir` before the RUN and removes the `cd`. The RUN does
the same, but WORKDIR lasts: every later RUN, COPY, CMD and ENTRYPOINT of
the stage now runs in that directory too, and WORKDIR creates it where `cd`
would have failed. Check the instructions that follow. A `cd` elsewhere in
the script, to a relative or computed directory, or in a heredoc gets no fix.
"""

from __future__ import annotations

from typing import Iterator

from dockgate.analysis.shell import RunScript, ShellCommand
from dockgate.dockerfile.model import Span
from dockgate.rule_api.findings import Applicability, Edit, Fix, Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.run_commands import first_calls, instruction_line

RULE = RuleMeta(
    code="DL3003",
    name="cd-instead-of-workdir",
    summary="`cd` in a RUN instead of WORKDIR",
    level=Level.WARNING,
    fix=Applicability.UNSAFE,
    documentation=__doc__,
)

MESSAGE = "Use WORKDIR to switch to a directory"
# A directory WORKDIR takes as it is written: no variables, quotes or escapes.
_PLAIN_PATH = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./@%+,:")


def check(context: LintContext) -> Iterator[Violation]:
    for run, command in first_calls(context, ("cd",)):
        yield Violation(MESSAGE, command.name_span, instruction_line(run), fix=_as_workdir(context, run, command))


def _as_workdir(context: LintContext, run: RunScript, cd: ShellCommand) -> Fix | None:
    """`RUN cd /dir && rest` -> `WORKDIR /dir` and `RUN rest`: only for a leading `cd` to a plain
    absolute directory, followed by `&&` on the same line, in a shell-form RUN of its own stage."""
    script, instruction = run.script, run.instruction
    if script is None or run.owner is not instruction or instruction.heredocs or not script.commands:
        return None
    if script.commands[0] is not cd or len(cd.words) != 1:
        return None
    directory = cd.words[0]
    if not directory.value.startswith("/") or not all(char in _PLAIN_PATH for char in directory.value):
        return None
    text, line_map, line = script.text, script.line_map, cd.name_span.line

    def blanks_from(offset: int) -> int:
        # Only blanks on the cd's line: a continuation after them stays where it is.
        while offset < len(text) and text[offset] in " \t" and line_map.span(offset, offset + 1).line == line:
            offset += 1
        return offset

    after = blanks_from(directory.end)
    if not text.startswith("&&", after):
        return None
    end = blanks_from(after + 2)
    start_span, end_span = cd.name_span, line_map.span(end - 1, end)
    removed = Span(start_span.line, start_span.column, end_span.end_line, end_span.end_column)
    if removed.line != removed.end_line or context.document.slice(removed).split() != ["cd", directory.value, "&&"]:
        return None
    keyword = "workdir" if instruction.keyword_as_written.islower() else "WORKDIR"
    return Fix.unsafe(
        f"Set WORKDIR {directory.value} before the RUN",
        Edit.insert_before(instruction.span, f"{keyword} {directory.value}\n"),
        Edit(removed, ""),
    )
