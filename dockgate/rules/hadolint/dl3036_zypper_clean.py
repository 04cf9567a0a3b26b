"""
## What it does
Reports a RUN whose `zypper install` is not followed, in the same RUN, by
`zypper clean` (`zypper cc`) or by removing `/var/cache/zypp`. A cache or
tmpfs mount on `/var/cache/zypp` silences the rule. The clean-up must come
after the last install; one before it cleans nothing. Only the image the
build produces is checked: the final stage (or the configured `target`) and
the stages it is built on; a builder stage only copied from may keep its
cache.

## Why is this bad?
zypper keeps repository metadata and downloaded packages in
`/var/cache/zypp`. Left in the layer they make the image larger for no
use; cleaning in a later RUN cannot shrink the earlier layer.

## Example
```dockerfile
FROM opensuse/leap:15.6
RUN zypper --non-interactive install httpd=2.4.58
```

## Use instead
```dockerfile
FROM opensuse/leap:15.6
RUN zypper --non-interactive install httpd=2.4.58 && zypper clean --all
```

## Fix safety
Safe: the fix adds `&& zypper clean --all` after the RUN's last command, so
the caches are gone from the layer; the packages installed are the same, and
a later zypper command refreshes the metadata by itself. It is not offered
when the script ends in a way the command cannot simply follow (a `;`, a
comment, a heredoc body).
"""

from __future__ import annotations

from typing import Iterator

from dockgate.analysis.shell import ShellCommand
from dockgate.rule_api.findings import Applicability, Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.package_managers import (
    ZYPPER_OPTIONS,
    has_cache_mount,
    last_uncleaned,
    package_commands,
    parse_command,
    removes_directory,
)
from dockgate.rules.common.rpm_checks import clean_at_end
from dockgate.rules.common.run_commands import instruction_line

RULE = RuleMeta(
    code="DL3036",
    name="zypper-clean",
    summary="`zypper install` without `zypper clean` after it in the same RUN",
    level=Level.WARNING,
    judges="image",
    fix=Applicability.SAFE,
    documentation=__doc__,
)

MESSAGE = "`zypper clean` missing after zypper use."

ZYPPER_CACHE = "/var/cache/zypp"


def _cleans(command: ShellCommand) -> bool:
    if command.program == "zypper":
        return parse_command(command, ZYPPER_OPTIONS).subcommand in ("clean", "cc")
    return removes_directory(command, (ZYPPER_CACHE,))


def check(context: LintContext) -> Iterator[Violation]:
    for run, commands in package_commands(context, ("zypper",), ZYPPER_OPTIONS):
        installs = [command for command in commands if command.subcommand in ("install", "in")]
        if not installs or has_cache_mount(run.instruction, (ZYPPER_CACHE,)):
            continue
        last = last_uncleaned(run, installs, _cleans)
        if last is not None:
            yield Violation(MESSAGE, last.action_span, instruction_line(run), fix=clean_at_end(context, run, "zypper clean --all"))
