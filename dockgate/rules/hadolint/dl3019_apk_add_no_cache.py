"""
## What it does
Reports an `apk add` without `--no-cache`, unless the RUN mounts a cache or
tmpfs on `/var/cache/apk`.

## Why is this bad?
Without `--no-cache`, apk keeps the package index (and, with `--update`,
a fresh copy of it) in `/var/cache/apk`, which then ships in the layer.
`--no-cache` fetches the index into a temporary place and leaves nothing
behind, so neither `apk update` nor a `rm -rf /var/cache/apk/*` is needed.

## Example
```dockerfile
FROM alpine:3.20
RUN apk update && apk add curl=8.9.1-r1
```

## Use instead
```dockerfile
FROM alpine:3.20
RUN apk add --no-cache curl=8.9.1-r1
```

## Fix safety
Safe: the fix writes `--no-cache` after `add`. apk then fetches the package
index itself and keeps neither it nor the packages in `/var/cache/apk`; the
packages installed are the same, and the image only loses the cache.
"""

from __future__ import annotations

from typing import Iterator

from dockgate.rule_api.findings import Applicability, Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.package_managers import (
    APK_OPTIONS,
    has_cache_mount,
    package_commands,
)
from dockgate.rules.common.run_commands import instruction_line
from dockgate.rules.common.shell_edits import add_option

RULE = RuleMeta(
    code="DL3019",
    name="apk-add-no-cache",
    summary="`apk add` without `--no-cache`",
    level=Level.INFO,
    fix=Applicability.SAFE,
    documentation=__doc__,
)

MESSAGE = (
    "Use the `--no-cache` switch to avoid the need to use `--update` and remove "
    "`/var/cache/apk/*` when done installing packages"
)


def check(context: LintContext) -> Iterator[Violation]:
    for run, commands in package_commands(context, ("apk",), APK_OPTIONS):
        if not commands or has_cache_mount(run.instruction, ("/var/cache/apk",)):
            continue
        for command in commands:
            if command.subcommand == "add" and not command.has_option("no-cache"):
                fix = add_option(context.document, command.subcommand_word, "--no-cache", Applicability.SAFE)
                yield Violation(MESSAGE, command.command.name_span, instruction_line(run), fix=fix)
