"""
## What it does
Reports a RUN with `yarn install` and no `yarn cache clean` after the last
install in the same RUN. Only the image the build produces is checked:
the final stage (or the configured `target`) and the stages it is built on
(`FROM <stage>`).
A stage whose files are only copied out (`COPY --from`) may keep its
cache. A cache or tmpfs mount on yarn's cache (`.cache/yarn`) also avoids
the problem. ONBUILD triggers are checked in every stage, since any image
may be built on.

## Why is this bad?
yarn keeps a copy of every package it downloads in its global cache. In an
image that cache roughly doubles the size of `node_modules` and is never
used again. Cleaning it in a later RUN does not help: the earlier layer
still holds it.

## Example
```dockerfile
FROM node:20-slim
COPY package.json yarn.lock ./
RUN yarn install --frozen-lockfile
```

## Use instead
```dockerfile
FROM node:20-slim
COPY package.json yarn.lock ./
RUN yarn install --frozen-lockfile && yarn cache clean
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.analysis.shell import ShellCommand
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.language_packages import has_cache_mount_on
from dockgate.rules.common.package_managers import (
    OptionSyntax,
    last_uncleaned,
    parse_command,
)
from dockgate.rules.common.run_commands import instruction_line

RULE = RuleMeta(
    code="DL3060",
    name="yarn-cache",
    summary="`yarn install` without `yarn cache clean` leaves yarn's cache in the image",
    level=Level.INFO,
    judges="image",
    documentation=__doc__,
)

MESSAGE = "`yarn cache clean` missing after `yarn install` was run."
YARN_OPTIONS = OptionSyntax()


def check(context: LintContext) -> Iterator[Violation]:
    for run in context.run_scripts:
        if run.script is None:
            continue
        installs = [
            parse_command(command, YARN_OPTIONS)
            for command in run.script.calls("yarn")
            if command.has_argument("install")
        ]
        if not installs:
            continue
        uncleaned = last_uncleaned(run, installs, _is_yarn_cache_clean)
        if uncleaned is None or has_cache_mount_on(run.instruction, ".cache/yarn"):
            continue
        install = uncleaned.command
        yield Violation(MESSAGE, install.name_span.covering(install.word_span("install")), instruction_line(run))


def _is_yarn_cache_clean(command: ShellCommand) -> bool:
    if command.program != "yarn":
        return False
    operands = [word.value for word in command.positional()]
    return any(operands[index : index + 2] == ["cache", "clean"] for index in range(len(operands)))
