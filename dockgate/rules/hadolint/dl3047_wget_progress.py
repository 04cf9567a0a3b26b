"""
## What it does
Reports `wget` without a way to keep its progress output short:
`--progress=...`, `-q`/`--quiet`, `-nv`/`--no-verbose`, or a log file
(`-o`/`--output-file`, `-a`/`--append-output`). ONBUILD triggers are
checked too.

## Why is this bad?
When its output is not a terminal, wget's default progress display prints
a line of dots for every few kilobytes. Downloading a large file fills the
build log with thousands of lines, which slows CI consoles and buries the
messages that matter.

## Example
```dockerfile
FROM debian:12
RUN wget https://example.com/tool.tar.gz
```

## Use instead
```dockerfile
FROM debian:12
RUN wget --progress=dot:giga https://example.com/tool.tar.gz
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.analysis.shell import ShellCommand
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.run_commands import instruction_line

RULE = RuleMeta(
    code="DL3047",
    name="wget-progress",
    summary="`wget` without `--progress`, `-q` or `-nv` fills the build log",
    level=Level.INFO,
    documentation=__doc__,
)

MESSAGE = (
    "Avoid use of wget without progress bar. Use `wget --progress=dot:giga <url>`. "
    "Or consider using `-q` or `-nv` (shorthands for `--quiet` or `--no-verbose`)."
)
QUIETING_FLAGS = ("progress", "q", "quiet", "no-verbose", "o", "output-file", "a", "append-output")


def check(context: LintContext) -> Iterator[Violation]:
    for run in context.run_scripts:
        if run.script is None:
            continue
        for command in run.script.calls("wget"):
            if not _is_quiet(command):
                yield Violation(MESSAGE, command.name_span, instruction_line(run))
                break


def _is_quiet(command: ShellCommand) -> bool:
    # `-nv` is one option although it looks like `-n -v`.
    return command.has_flag(*QUIETING_FLAGS) or command.has_argument("-nv")
