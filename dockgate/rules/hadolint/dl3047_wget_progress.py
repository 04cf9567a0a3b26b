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

## Fix safety
Safe: the fix writes a quieting option after `wget` in each of the RUN's
wget calls that lacks one: `--progress=dot:giga` when the stage's base image
is a well-known image with GNU wget (Debian, Ubuntu, Fedora, the official
language images), `-q` otherwise, since busybox's wget (Alpine) knows no
`--progress`. Only what wget prints to the build log changes; it still
downloads the same files to the same places.
"""

from __future__ import annotations

from typing import Iterator

from dockgate.analysis.shell import RunScript, ShellCommand
from dockgate.rule_api.findings import Applicability, Fix, Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.base_images import Userland, stage_userland
from dockgate.rules.common.run_commands import instruction_line
from dockgate.rules.common.shell_edits import insert_after_program

RULE = RuleMeta(
    code="DL3047",
    name="wget-progress",
    summary="`wget` without `--progress`, `-q` or `-nv` fills the build log",
    level=Level.INFO,
    fix=Applicability.SAFE,
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
        loud = [command for command in run.script.calls("wget") if not _is_quiet(command)]
        if loud:
            yield Violation(MESSAGE, loud[0].name_span, instruction_line(run), fix=_quieting_fix(context, run, loud))


def _quieting_fix(context: LintContext, run: RunScript, commands: list[ShellCommand]) -> Fix | None:
    """A quieting option after every loud wget of the RUN; none when one cannot be edited.

    GNU wget takes `--progress=dot:giga`; busybox's wget, and a wget of a base
    image not known, get `-q`, which both understand.
    """
    gnu = stage_userland(context.semantics.stage_of(run.owner)) is Userland.GNU
    option = "--progress=dot:giga" if gnu else "-q"
    edits = []
    for command in commands:
        edit = insert_after_program(context.document, command, f" {option}")
        if edit is None:
            return None
        edits.append(edit)
    return Fix.safe(f"Add `{option}`", *edits)


def _is_quiet(command: ShellCommand) -> bool:
    # `-nv` is one option although it looks like `-n -v`.
    return command.has_flag(*QUIETING_FLAGS) or command.has_argument("-nv")
