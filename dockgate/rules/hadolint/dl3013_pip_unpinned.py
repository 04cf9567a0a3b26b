"""
## What it does
Reports a `pip install` (also `python -m pip install`, and `pipx install`)
that names a package without a version: `pip install flask` rather than
`pip install flask==3.0.3`.

These count as pinned: a version specifier (`==`, `~=`, `>=`, `<=`, `>`,
`<`, `!=`, `===`); a version-control URL with `@<ref>` after the
repository path; a local wheel or source archive; a path or URL. A
requirements file (`-r`), a constraints file (`-c`) or the current
project (`.`) exempts the whole command. Packages given as variables are
judged by their values where the file fixes them. `pipenv install` keeps
its own lock file and is not checked. ONBUILD triggers are checked too.

## Why is this bad?
An unpinned package is whatever the index serves on the day of the build.
Two builds of the same Dockerfile can then install different versions, a
new release can break the image without any change to the file, and a
compromised release is picked up automatically.

## Example
```dockerfile
FROM python:3.12-slim
RUN pip install --no-cache-dir flask
```

## Use instead
```dockerfile
FROM python:3.12-slim
RUN pip install --no-cache-dir flask==3.0.3
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.analysis.shell import RunScript, ShellWord
from dockgate.lazy_pattern import LazyPattern
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.language_packages import (
    PipInstall,
    first_unpinned_per_run,
    pip_installs,
)
from dockgate.rules.common.package_managers import package_values

RULE = RuleMeta(
    code="DL3013",
    name="pip-unpinned",
    summary="a pip package is installed without a version",
    level=Level.WARNING,
    documentation=__doc__,
)

MESSAGE = (
    "Pin versions in pip. Instead of `pip install {package}` use `pip install {package}==<version>` "
    "or `pip install --requirement <requirements file>`"
)
VERSION_OPERATORS = ("==", ">=", "<=", ">", "<", "!=", "~=")
LOCAL_ARCHIVES = (".whl", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".zip")
# pip's version-control schemes: git, hg, svn and bzr, alone or with `+transport`.
_VCS_URL = LazyPattern(r"(git|hg|svn|bzr)(\+[a-z-]+)?://")


def check(context: LintContext) -> Iterator[Violation]:
    return first_unpinned_per_run(context, pip_installs, _first_unpinned, MESSAGE)


def _first_unpinned(context: LintContext, run: RunScript, install: PipInstall) -> ShellWord | None:
    if install.tool == "pipenv":
        return None
    if install.parsed.has_option("r", "requirement", "c", "constraint"):
        return None
    packages = install.packages
    if any(word.value == "." for word in packages):
        return None
    for word in packages:
        if not all(is_pinned(value) for value in package_values(context, run, word)):
            return word
    return None


def is_pinned(spec: str) -> bool:
    """Whether one pip requirement fixes what gets installed."""
    if any(operator in spec for operator in VERSION_OPERATORS):
        return True
    vcs = _VCS_URL.match(spec)
    if vcs is not None:
        # `git+https://host/org/repo.git@v1.2#egg=x`: the `@` must come after the host.
        path = spec[vcs.end() :].split("/", 1)[1] if "/" in spec[vcs.end() :] else ""
        return "@" in path
    return spec.endswith(LOCAL_ARCHIVES) or "/" in spec or spec.startswith(".")
