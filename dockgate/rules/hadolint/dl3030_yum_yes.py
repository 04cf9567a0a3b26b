"""
## What it does
Reports a `yum install` (also `groupinstall`, `localinstall`, `group
install`, `module install`) without `-y`/`--assumeyes`.

## Why is this bad?
A build has no terminal. yum asks "Is this ok [y/d/N]", reads end-of-file,
answers no and exits with an error, so the build fails.

## Example
```dockerfile
FROM centos:7
RUN yum install httpd-2.4.6 && yum clean all
```

## Use instead
```dockerfile
FROM centos:7
RUN yum install -y httpd-2.4.6 && yum clean all
```

## Fix safety
Safe: the fix writes `-y` after the install word. Without it yum answers its
own question with no and the build fails; with it the install goes ahead,
which is what the RUN asked for.
"""

from __future__ import annotations

from typing import Iterator

from dockgate.rule_api.findings import Applicability, Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.rpm_checks import installs_without_assume_yes

RULE = RuleMeta(
    code="DL3030",
    name="yum-yes",
    summary="`yum install` without `-y`",
    level=Level.WARNING,
    fix=Applicability.SAFE,
    documentation=__doc__,
)

MESSAGE = "Use the -y switch to avoid manual input `yum install -y <package>`"


def check(context: LintContext) -> Iterator[Violation]:
    return installs_without_assume_yes(context, ("yum",), MESSAGE)
