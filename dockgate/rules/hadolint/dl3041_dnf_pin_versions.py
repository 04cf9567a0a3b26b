"""
## What it does
Reports each package of a `dnf` or `microdnf` install without a version
(`name-version[-release]`: the part after the last `-` starts with a
digit). `.rpm` files and `@groups` pass, `group install` is left alone,
and `module install` needs `name:stream`. In `pkg-${VERSION}` a variable
the file sets (an ARG, or an ENV of the stage) counts as a version; a
variable such as `$PACKAGES` is judged by the value the file gives it.

## Why is this bad?
Without a version, every build installs whatever the repositories hold
that day, so two builds of one Dockerfile can differ and a rebuild can pick
up a breaking update without any change to the file.

## Example
```dockerfile
FROM fedora:40
RUN dnf install -y httpd && dnf clean all
```

## Use instead
```dockerfile
FROM fedora:40
RUN dnf install -y httpd-2.4.62 && dnf clean all
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.package_managers import DNF_PROGRAMS
from dockgate.rules.common.rpm_checks import unpinned_installs

RULE = RuleMeta(
    code="DL3041",
    name="dnf-pin-versions",
    summary="a package of `dnf install` has no pinned version",
    level=Level.WARNING,
    documentation=__doc__,
)

MESSAGE = "Specify version with `dnf install -y {package}-<version>`."


def check(context: LintContext) -> Iterator[Violation]:
    return unpinned_installs(context, DNF_PROGRAMS, MESSAGE)
