"""
## What it does
Reports an `npm install` (or its aliases `npm i`, `npm add`) that names a
package without a version: `npm install express` rather than `npm install
express@4.19.2`. A bare `npm install`, which installs what `package.json`
and the lock file say, is fine.

These count as pinned: `name@version` (or a tag or range), a git URL with
`#<ref>`, a hosted shorthand (`user/repo`, `github:user/repo`) with
`#<ref>`, a tarball, and a local folder (`.`, `./dir`, `/dir`, `~/dir`,
`file:dir`). Options that take a value (`--registry URL`, `--omit dev`,
`--prefix DIR`) do not name packages. Packages given as variables are
judged by their values where the file fixes them. ONBUILD triggers are
checked too.

## Why is this bad?
An unpinned package is whatever the registry serves on the day of the
build: two builds of one Dockerfile can differ, a new major release can
break the image without any change to the file, and a compromised release
is picked up automatically.

## Example
```dockerfile
FROM node:20-slim
RUN npm install --global pm2
```

## Use instead
```dockerfile
FROM node:20-slim
RUN npm install --global pm2@5.4.2
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.analysis.shell import RunScript, ShellWord
from dockgate.lazy_pattern import LazyPattern
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.package_managers import (
    OptionSyntax,
    package_values,
    parse_command,
)
from dockgate.rules.common.run_commands import instruction_line

RULE = RuleMeta(
    code="DL3016",
    name="npm-unpinned",
    summary="an npm package is installed without a version",
    level=Level.WARNING,
    documentation=__doc__,
)

MESSAGE = "Pin versions in npm. Instead of `npm install {package}` use `npm install {package}@<version>`"
NPM_OPTIONS = OptionSyntax(
    frozenset("wC"),
    frozenset({
        "registry", "loglevel", "prefix", "cache", "omit", "include", "tag", "userconfig",
        "globalconfig", "workspace", "location", "install-strategy", "before", "otp", "proxy",
        "https-proxy", "script-shell", "auth-type", "scope", "save-prefix",
    }),
)
INSTALL_SUBCOMMANDS = frozenset({"install", "i", "in", "add", "isntall"})
GIT_PREFIXES = ("git://", "git+ssh://", "git+http://", "git+https://", "git+file://")
HOSTED_PREFIXES = ("github:", "gitlab:", "bitbucket:", "gist:")
TARBALL_SUFFIXES = (".tar", ".tar.gz", ".tgz")
FOLDER_PREFIXES = ("/", "./", "../", "~/", "file:")
_HOSTED_SHORTHAND = LazyPattern(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(#.*)?")


def check(context: LintContext) -> Iterator[Violation]:
    for run in context.run_scripts:
        if run.script is None:
            continue
        for command in run.script.calls("npm"):
            parsed = parse_command(command, NPM_OPTIONS)
            if parsed.subcommand not in INSTALL_SUBCOMMANDS:
                continue
            word = _first_unpinned(context, run, parsed.arguments)
            if word is not None:
                yield Violation(MESSAGE.format(package=context.document.slice(word.span)), word.span, instruction_line(run))
                break


def _first_unpinned(context: LintContext, run: RunScript, packages: list[ShellWord]) -> ShellWord | None:
    for word in packages:
        if not all(is_pinned(value) for value in package_values(context, run, word)):
            return word
    return None


def is_pinned(spec: str) -> bool:
    """Whether one npm package spec fixes what gets installed."""
    if spec.startswith(GIT_PREFIXES) or spec.startswith(HOSTED_PREFIXES):
        return "#" in spec
    if spec.endswith(TARBALL_SUFFIXES) or spec.startswith(FOLDER_PREFIXES) or spec in (".", ".."):
        return True
    if not spec.startswith("@") and _HOSTED_SHORTHAND.fullmatch(spec):
        return "#" in spec  # `user/repo` on GitHub
    # `@scope/name@version`: the first `@` belongs to the scope.
    name = spec.split("/", 1)[1] if spec.startswith("@") and "/" in spec else spec
    return "@" in name
