"""
## What it does
Reports a RUN where `dnf` or `microdnf` installs, upgrades or reinstalls
packages and the same tool's `clean all` does not follow in the same RUN
(removing the cache directory, `rm -rf /var/cache/dnf` or
`/var/cache/libdnf5`, also counts). A cache or tmpfs mount on the cache
directory silences the rule. The clean-up must come after the last
install; one before it cleans nothing. Every stage is checked, as hadolint
does.

## Why is this bad?
dnf keeps repository metadata and downloaded packages in its cache
directory. Left in the layer they add tens to hundreds of megabytes the
image never uses; cleaning in a later RUN cannot shrink the earlier layer.

## Example
```dockerfile
FROM fedora:40
RUN dnf install -y httpd-2.4.62
```

## Use instead
```dockerfile
FROM fedora:40
RUN dnf install -y httpd-2.4.62 && dnf clean all
```

## Fix safety
Safe: the fix adds `&& dnf clean all` after the RUN's last command, so the
cache is gone from the layer; the packages installed are the same, and a
later dnf command fetches the metadata again by itself. It is not offered
when the script ends in a way the command cannot simply follow (a `;`, a
comment, a heredoc body).
"""

from __future__ import annotations

from typing import Iterator

from dockgate.rule_api.findings import Applicability, Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.package_managers import (
    DNF_CACHE_DIRECTORIES,
    DNF_PROGRAMS,
    PackageCommand,
)
from dockgate.rules.common.rpm_checks import uncleaned_caches

RULE = RuleMeta(
    code="DL3040",
    name="dnf-clean-all",
    summary="dnf install/upgrade without `dnf clean all` after it in the same RUN",
    level=Level.WARNING,
    fix=Applicability.SAFE,
    documentation=__doc__,
)

MESSAGE = "`dnf clean all` missing after dnf command."

_UPGRADES = frozenset({"upgrade", "up", "update", "upgrade-minimal", "up-min", "update-minimal", "reinstall", "rei"})


def _fills_cache(command: PackageCommand) -> bool:
    return command.installs_rpms() or command.subcommand in _UPGRADES


def check(context: LintContext) -> Iterator[Violation]:
    return uncleaned_caches(context, DNF_PROGRAMS, DNF_CACHE_DIRECTORIES, _fills_cache, MESSAGE)
