"""
## What it does
Reports a RUN whose `yum install` is not followed, in the same RUN, by
`yum clean all` or by removing the yum cache (`rm -rf /var/cache/yum`).
A cache or tmpfs mount on `/var/cache/yum` (or `/var/cache/dnf`, where
yum is dnf) silences the rule. The clean-up must come after the last
install; one before it cleans nothing.

## Why is this bad?
yum keeps the repository metadata and downloaded packages in
`/var/cache/yum`. Left in the layer they add tens to hundreds of megabytes
that the image never uses; cleaning in a later RUN cannot shrink the
earlier layer.

## Example
```dockerfile
FROM centos:7
RUN yum install -y httpd-2.4.6
```

## Use instead
```dockerfile
FROM centos:7
RUN yum install -y httpd-2.4.6 && yum clean all
```

## Fix safety
Safe: the fix adds `&& yum clean all` after the RUN's last command, so the
cache is gone from the layer; the packages installed are the same, and a
later yum command fetches the metadata again by itself. It is not offered
when the script ends in a way the command cannot simply follow (a `;`, a
comment, a heredoc body).
"""

from __future__ import annotations

from typing import Iterator

from dockgate.rule_api.findings import Applicability, Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.package_managers import YUM_CACHE_DIRECTORIES, PackageCommand
from dockgate.rules.common.rpm_checks import uncleaned_caches

RULE = RuleMeta(
    code="DL3032",
    name="yum-clean-all",
    summary="`yum install` without `yum clean all` after it in the same RUN",
    level=Level.WARNING,
    fix=Applicability.SAFE,
    documentation=__doc__,
)

MESSAGE = "`yum clean all` missing after yum command."


def check(context: LintContext) -> Iterator[Violation]:
    return uncleaned_caches(context, ("yum",), YUM_CACHE_DIRECTORIES, PackageCommand.installs_rpms, MESSAGE)
