"""
## What it does
Reports a `dnf` or `microdnf` install (`install`/`in`, `localinstall`,
`groupinstall`, `group install`, `module install`) without
`-y`/`--assumeyes`.

## Why is this bad?
A build has no terminal. dnf asks "Is this ok [y/N]", reads end-of-file,
answers no and exits with an error, so the build fails.

## Example
```dockerfile
FROM fedora:40
RUN dnf install httpd-2.4.62 && dnf clean all
```

## Use instead
```dockerfile
FROM fedora:40
RUN dnf install -y httpd-2.4.62 && dnf clean all
```

## Fix safety
Safe: the fix writes `-y` after the install word. Without it dnf answers its
own question with no and the build fails; with it the install goes ahead,
which is what the RUN asked for.
"""

from __future__ import annotations

from typing import Iterator

from dockgate.rule_api.findings import Applicability, Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.package_managers import DNF_PROGRAMS
from dockgate.rules.common.rpm_checks import installs_without_assume_yes

RULE = RuleMeta(
    code="DL3038",
    name="dnf-yes",
    summary="`dnf install` without `-y`",
    level=Level.WARNING,
    fix=Applicability.SAFE,
    documentation=__doc__,
)

MESSAGE = "Use the -y switch to avoid manual input `dnf install -y <package>`"


def check(context: LintContext) -> Iterator[Violation]:
    return installs_without_assume_yes(context, DNF_PROGRAMS, MESSAGE)
