"""
## What it does
Reports a RUN with a pipe (`a | b`) whose shell does not have the
`pipefail` option: set it with `SHELL ["/bin/bash", "-o", "pipefail",
"-c"]` (or with zsh, ash, ksh, or busybox's sh). `/bin/sh` and dash are
reported even with `-o pipefail`, as `/bin/sh` may be a shell without that
option. A `set -o pipefail` in the RUN itself, before the pipe, is fine
too (hadolint only looks at SHELL). RUNs under PowerShell or cmd, exec
forms that start no shell, and heredocs run by another interpreter
(`python3 <<EOF`, a `#!/usr/bin/env python3` body) are not shell
pipelines and are not checked; hadolint reports some of them. SHELL lasts
until the end of its stage. ONBUILD triggers are checked too, with the
SHELL in force where they are written.

The finding points at the first pipeline of the RUN.

## Why is this bad?
A pipeline's exit status is that of its last command. In `wget -O -
https://example.com/install.sh | sh` a failed download still lets the step
succeed, and the image is built without what it was meant to install. With
`pipefail` the pipeline fails when any of its commands fails, so the build
stops.

## Example
```dockerfile
FROM debian:12
RUN wget -O - https://example.com/setup.sh | bash
```

## Use instead
```dockerfile
FROM debian:12
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN wget -O - https://example.com/setup.sh | bash
```

## Fix safety
Unsafe: the fix writes `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before
the stage's first RUN with a pipe. A pipeline whose first command fails
then fails the build, which is the point but may stop a build that passed;
and every later RUN of the stage, and of stages built on it, runs in bash
instead of `/bin/sh` (dash on Debian and Ubuntu), which reads some scripts
differently. It is offered only under the default shell, for a shell-form
RUN, in a stage whose base image is a well-known image with bash (Debian,
Ubuntu, Fedora, the official language images; not Alpine or busybox).
"""

from __future__ import annotations

from typing import Iterator

from dockgate.analysis.shell import RunScript, ShellScript
from dockgate.dockerfile.model import Span
from dockgate.analysis.semantics import Stage
from dockgate.rule_api.findings import Applicability, Edit, Fix, Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.base_images import Userland, stage_userland
from dockgate.rules.common.run_commands import instruction_line

RULE = RuleMeta(
    code="DL4006",
    name="pipefail",
    summary="a RUN with a pipe runs in a shell without `-o pipefail`",
    level=Level.WARNING,
    fix=Applicability.UNSAFE,
    documentation=__doc__,
)

MESSAGE = (
    "Set the SHELL option -o pipefail before RUN with a pipe in it. If you are using /bin/sh in an alpine "
    "image or if your shell is symlinked to busybox then consider explicitly setting your SHELL to /bin/ash, "
    "or disable this check"
)
# Shells known to have `set -o pipefail`. hadolint accepts bash, zsh and ash; `sh` and dash
# are left out because /bin/sh is dash on Debian and Ubuntu.
PIPEFAIL_SHELLS = frozenset({"bash", "zsh", "ash", "ksh", "mksh", "busybox"})
DEFAULT_SHELL = "/bin/sh -c"
PIPEFAIL_SHELL = '["/bin/bash", "-o", "pipefail", "-c"]'


def check(context: LintContext) -> Iterator[Violation]:
    first_in_stage: dict[int, Fix | None] = {}
    for run in context.run_scripts:
        script = run.script
        if script is None or _shell_has_pipefail(run):
            continue
        pipeline = _first_pipeline(script)
        if pipeline is None or _pipefail_set_before(script, pipeline):
            continue
        stage = context.semantics.stage_of(run.owner)
        # Every finding of a stage gets the same fix: the SHELL before its first piped RUN.
        key = stage.index if stage is not None else -1
        if key not in first_in_stage:
            first_in_stage[key] = _bash_with_pipefail(run, stage)
        yield Violation(MESSAGE, pipeline, instruction_line(run), fix=first_in_stage[key])


def _bash_with_pipefail(run: RunScript, stage: Stage | None) -> Fix | None:
    """`SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before the RUN: only for a shell-form RUN of the
    stage itself under the default shell, in a stage whose base image is known to have bash."""
    instruction = run.instruction
    if run.owner is not instruction or instruction.json_form or run.shell != DEFAULT_SHELL:
        return None
    if stage_userland(stage) is not Userland.GNU:
        return None
    keyword = "shell" if instruction.keyword_as_written.islower() else "SHELL"
    return Fix.unsafe(
        "Run this and later RUNs in bash with pipefail",
        Edit.insert_before(instruction.span, f"{keyword} {PIPEFAIL_SHELL}\n"),
    )


def _shell_has_pipefail(run: RunScript) -> bool:
    if run.instruction.json_form:
        # `["bash", "-c", "a | b"]`: the exec form names its own shell; SHELL does not apply.
        words = [word.value for word in run.instruction.args[:2]]
    else:
        words = run.shell.split()
    if not words:
        return False
    shell = words[0].rsplit("/", 1)[-1]
    return shell in PIPEFAIL_SHELLS and sets_pipefail(words[1:])


def sets_pipefail(words: list[str]) -> bool:
    """Whether shell options include `-o pipefail` (`-o` may be bundled: `-euo pipefail`)."""
    return any(
        words[index + 1] == "pipefail" and words[index].startswith("-") and not words[index].startswith("--")
        and "o" in words[index]
        for index in range(len(words) - 1)
    )


def _pipefail_set_before(script: ShellScript, pipeline: Span) -> bool:
    start = (pipeline.line, pipeline.column)
    return any(
        command.program == "set" and sets_pipefail(command.arguments)
        and (command.name_span.line, command.name_span.column) < start
        for command in script.commands
    )


def _first_pipeline(script: ShellScript) -> Span | None:
    """The span of the first pipeline (`a | b | c`) of the script, None when there is none."""
    offsets = script.pipes
    if not offsets:
        return None
    pipes = [_start(script.line_map.span(offset, offset + 1)) for offset in offsets]
    commands = script.commands
    starts = [_start(command.name_span) for command in commands]
    current = next((index for index, start in enumerate(starts) if start > pipes[0]), None)
    if current is None or current == 0:
        return script.line_map.span(offsets[0], offsets[0] + 1)
    span = commands[current - 1].span.covering(commands[current].span)
    # `a | b | c`: the pipeline goes on while the next pipe sits between a command and the one after it.
    for pipe in pipes[1:]:
        following = current + 1
        if following < len(commands) and starts[current] < pipe < starts[following]:
            span = span.covering(commands[following].span)
            current = following
        else:
            break
    return span


def _start(span: Span) -> tuple[int, int]:
    return span.line, span.column


