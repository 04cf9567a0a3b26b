"""
## What it does
Reports `FROM --platform=<value>` where the value is a constant platform
(no variables), such as `linux/amd64`, unless the stage name contains the
platform's OS or architecture (`AS build-amd64` passes), as Docker's
`FromPlatformFlagConstDisallowed` build check does.

## Why is this bad?
A fixed platform pins the stage to one architecture: on another machine the
build runs under emulation or produces an image for the wrong platform.
Multi-platform builds want `$BUILDPLATFORM` or `$TARGETPLATFORM`.

## Example
```dockerfile
FROM --platform=linux/amd64 golang:1.22 AS build
```

## Use instead
```dockerfile
FROM --platform=$BUILDPLATFORM golang:1.22 AS build
```
"""

from typing import Iterator

from dockgate.lazy_pattern import LazyPattern
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DG1017",
    name="from-platform-flag-const-disallowed",
    summary="FROM --platform flag should not use a constant value",
    level=Level.WARNING,
    precision="very-high",
    aliases=("FromPlatformFlagConstDisallowed",),
    documentation=__doc__,
)

# containerd/platforms: component syntax, known OS names and architecture aliases (Parse, Normalize).
_COMPONENT = LazyPattern(r"^[A-Za-z0-9_.-]+$")
_KNOWN_OS = frozenset(
    "aix android darwin dragonfly freebsd hurd illumos ios js linux nacl netbsd openbsd plan9 solaris "
    "wasip1 windows zos".split()
)
_KNOWN_ARCH = frozenset(
    "386 amd64 amd64p32 arm armbe arm64 arm64be ppc64 ppc64le loong64 mips mipsle mips64 mips64le mips64p32 "
    "mips64p32le ppc riscv riscv64 s390 s390x sparc sparc64 wasm".split()
)
_ARCH_ALIASES = {"i386": "386", "x86_64": "amd64", "x86-64": "amd64", "aarch64": "arm64", "armhf": "arm", "armel": "arm"}
_DEFAULT_OS, _DEFAULT_ARCH = "linux", "amd64"


def _normalize_arch(arch: str) -> str:
    arch = arch.lower()
    return _ARCH_ALIASES.get(arch, arch)


def parse_platform(text: str) -> tuple[str, str] | None:
    """(OS, architecture) as containerd's platforms.Parse gives them, or None when it fails."""
    parts = text.split("/")
    if not 1 <= len(parts) <= 3 or not all(_COMPONENT.match(part) for part in parts):
        return None
    if len(parts) == 1:
        word = parts[0].lower()
        if word == "macos":
            word = "darwin"
        if word in _KNOWN_OS:
            return word, _DEFAULT_ARCH
        arch = _normalize_arch(word)
        if arch in _KNOWN_ARCH:
            return _DEFAULT_OS, arch
        return None
    os_name = parts[0].lower()
    return ("darwin" if os_name == "macos" else os_name), _normalize_arch(parts[1])


def check(context: LintContext) -> Iterator[Violation]:
    semantics = context.semantics
    for stage in semantics.stages:
        instruction = stage.from_instruction
        flag = instruction.flag("platform")
        if flag is None or not flag.value:
            continue
        evaluation = semantics.expand_in(instruction, flag.value)
        if evaluation.error is not None or evaluation.referenced:
            continue
        platform = parse_platform(evaluation.with_defaults)
        if platform is None:
            continue
        # dockerfile2llb validations.go reportConstPlatformDisallowed: a stage named after the platform is fine.
        stage_name = stage.name or ""
        if platform[0] in stage_name or platform[1] in stage_name:
            continue
        yield Violation(
            f'FROM --platform flag should not use constant value "{evaluation.with_defaults}"',
            flag.span,
            instruction.line,
        )
