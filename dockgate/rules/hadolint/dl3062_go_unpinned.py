"""
## What it does
Reports `go install`, `go get` and `go run` of a module without a version:
`go install golang.org/x/tools/gopls` or `...@latest` rather than
`...@v0.16.1`. `@latest`, `@upgrade`, `@patch` and `@none` do not fix a
version. Local packages (`.`, `./cmd/app`, `/src/app`, `main.go`) are
fine, and so are `std`, `cmd`, `all` and `tool`, which the toolchain or
`go.mod` fix. For `go run` only the package counts, not the program's arguments
after it. Options that take a value (`-ldflags "-s -w"`, `-tags x`, `-o
out`) do not name packages. Packages given as variables are judged by their
values where the file fixes them. ONBUILD triggers are checked too.

## Why is this bad?
Without a version, Go resolves the newest release at build time: two builds
of one Dockerfile can install different code, a new release can break the
image without any change to the file, and a compromised release is picked
up automatically.

## Example
```dockerfile
FROM golang:1.22
RUN go install golang.org/x/tools/gopls@latest
```

## Use instead
```dockerfile
FROM golang:1.22
RUN go install golang.org/x/tools/gopls@v0.16.1
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.analysis.shell import RunScript, ShellCommand, ShellWord
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.language_packages import calls_of, first_unpinned_per_run
from dockgate.rules.common.package_managers import package_values

RULE = RuleMeta(
    code="DL3062",
    name="go-unpinned",
    summary="a Go module is installed or run without a version",
    level=Level.WARNING,
    documentation=__doc__,
)

MESSAGE = "Pin versions in go. Instead of `go install {package}` use `go install {module}@<version>`"
# Build flags of `go install/get/run` that take a value (`go help build`); Go flags
# have one or two dashes and take the value as `-name=value` or `-name value`.
GO_FLAGS_WITH_VALUE = frozenset({
    "C", "o", "p", "asmflags", "buildmode", "compiler", "gccgoflags", "gcflags", "installsuffix",
    "ldflags", "mod", "modfile", "overlay", "pgo", "pkgdir", "tags", "toolexec", "exec",
    "covermode", "coverpkg",
})
SUBCOMMANDS = ("install", "get", "run")
FLOATING_VERSIONS = frozenset({"latest", "upgrade", "patch", "none"})
# Package patterns fixed by the toolchain or by go.mod: the standard library, the main
# module's packages, and the tools go.mod lists (Go 1.24).
META_PACKAGES = frozenset({"std", "cmd", "all", "tool"})


def check(context: LintContext) -> Iterator[Violation]:
    return first_unpinned_per_run(context, calls_of("go"), _first_unpinned, _message)


def _message(package: str) -> str:
    # `example.com/pkg@latest` is pinned by replacing the query after `@`, not by adding another.
    return MESSAGE.format(package=package, module=package.split("@", 1)[0])


def _first_unpinned(context: LintContext, run: RunScript, command: ShellCommand) -> ShellWord | None:
    operands = go_operands(command.words)
    if not operands or operands[0].value not in SUBCOMMANDS:
        return None
    packages = operands[1:2] if operands[0].value == "run" else operands[1:]
    for word in packages:
        if not all(is_pinned(value) for value in package_values(context, run, word)):
            return word
    return None


def go_operands(words: list[ShellWord]) -> list[ShellWord]:
    """The words that are not flags or flag values; after `go run <package>` everything is the program's."""
    operands: list[ShellWord] = []
    index = 0
    while index < len(words):
        value = words[index].value
        if len(operands) >= 2 and operands[0].value == "run":
            operands.extend(words[index:])
            break
        if value == "--":
            operands.extend(words[index + 1 :])
            break
        if value.startswith("-") and value != "-":
            name, equals, _ = value.lstrip("-").partition("=")
            if not equals and name in GO_FLAGS_WITH_VALUE:
                index += 1
        else:
            operands.append(words[index])
        index += 1
    return operands


def is_pinned(spec: str) -> bool:
    """A module path with `@<version>`, or a local package or file."""
    if spec.startswith((".", "/")) or spec.endswith(".go") or spec in META_PACKAGES:
        return True
    _, at, version = spec.rpartition("@")
    return bool(at) and version not in FLOATING_VERSIONS
