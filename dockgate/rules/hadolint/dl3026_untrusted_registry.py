"""
## What it does
Reports an image pulled from a registry that is not in the trusted list
(`trustedRegistries` in `.hadolint.yaml`, `trusted-registries` in
`.dockgate.toml`, `--trusted-registry` on the command line). It looks at
`FROM <image>`, `COPY --from=<image>` and the `from=` of bind and cache
`RUN --mount`s. Stages of the same file and `scratch` are not images and
always pass. Off while no trusted registry is configured.

The registry of a reference is found as Docker finds it: the part before
the first `/` when it contains `.` or `:`, is `localhost`, or has an
upper-case letter (`gcr.io/distroless/static`, `localhost:5000/app`).
Otherwise the image is on Docker Hub (`ubuntu`, `bitnami/redis`), which is
trusted when the list has `docker.io` or `hub.docker.com`. A list entry
is a host name (with port, if the reference has one), `*` (any),
`*.example.com` (ends with) or `registry.example.*` (starts with); host
names are compared without regard to case. References are expanded with
the ARG defaults of the file; a reference whose registry part depends on
an ARG without default is left alone (`quay.io/app:${VERSION}` is still
checked, `${REGISTRY}/app` is not).

## Why is this bad?
Every image a build pulls runs code in the build or ends up in the
result. An image from an unvetted registry bypasses the mirroring,
scanning and signing policies that a trusted registry enforces, and a
typo in a registry host is an easy supply-chain attack.

## Example
```dockerfile
# trustedRegistries: [registry.example.com]
FROM ghcr.io/some-user/toolbox:1.0 AS tools
FROM registry.example.com/base/python:3.12
COPY --from=quay.io/other/binaries:2.1 /bin/tool /usr/local/bin/
```

## Use instead
```dockerfile
FROM registry.example.com/mirror/toolbox:1.0 AS tools
FROM registry.example.com/base/python:3.12
COPY --from=tools /bin/tool /usr/local/bin/
```

## Options
- `trusted-registries` (list of registry patterns; `trustedRegistries` in
  `.hadolint.yaml`, `--trusted-registry` on the command line, repeatable):
  the registries images may come from. Empty, the default, switches the
  rule off.
"""

from __future__ import annotations

from typing import Iterator

from dockgate.analysis.semantics import SCRATCH
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DL3026",
    name="untrusted-registry",
    summary="an image comes from a registry that is not trusted",
    level=Level.ERROR,
    precision="very-high",
    security_severity=6.0,
    tags=("security", "CWE-829"),
    options=("trusted-registries",),
    documentation=__doc__,
)

MESSAGE = "Use only an allowed registry in the FROM image"
DOCKER_HUB_NAMES = ("docker.io", "hub.docker.com", "index.docker.io")
"""How a trusted-registry list may name Docker Hub."""


def registry_of(reference: str) -> str | None:
    """The registry host of an image reference; None for Docker Hub.

    As Docker splits a name (distribution/reference normalize.go
    splitDockerDomain): the first path component is a registry when it has a
    `.` or `:`, is `localhost`, or is not all lower case.
    """
    name = reference.partition("@")[0]
    first, slash, _ = name.partition("/")
    if not slash:
        return None
    if "." in first or ":" in first or first == "localhost" or first.lower() != first:
        registry = first.lower()
        return None if registry in ("docker.io", "index.docker.io") else registry
    return None


def fixed_registry_part(text: str) -> str | None:
    """The start of a reference that no variable changes, when it holds the whole first path component.

    `registry.example.com/app:${TAG}` keeps its registry whatever TAG is;
    `${REGISTRY}/app` and `app:${TAG}` do not say where they come from
    (a bare name could still be followed by `/` in the value).
    """
    before_variable = text.partition("$")[0]
    return before_variable if "/" in before_variable else None


def pattern_matches(pattern: str, host: str) -> bool:
    """Whether a trusted-registry entry (`*`, `*.suffix`, `prefix*` or a host) allows `host`."""
    pattern = pattern.strip().lower()
    if pattern == "*":
        return True
    if pattern.startswith("*"):
        return host.endswith(pattern[1:])
    if pattern.endswith("*"):
        return host.startswith(pattern[:-1])
    return host == pattern


def is_trusted(reference: str | None, text: str, patterns: list[str]) -> bool:
    """Whether the image `reference` (None: unknown, then judged by what `text` fixes) is allowed."""
    if reference is None:
        reference = fixed_registry_part(text)
        if reference is None:
            return True
    registry = registry_of(reference)
    hosts = DOCKER_HUB_NAMES if registry is None else (registry,)
    return any(pattern_matches(pattern, host) for pattern in patterns for host in hosts)


def check(context: LintContext) -> Iterator[Violation]:
    patterns = context.config.trusted_registries
    if not patterns:
        return
    semantics = context.semantics
    for stage in semantics.stages:
        image_word = stage.from_instruction.args[0] if stage.from_instruction.args else None
        image = stage.base_name if stage.base_name_known else None
        if (
            image_word is not None
            and not stage.builds_on_stage
            and image != SCRATCH
            and not is_trusted(image, image_word.value, patterns)
        ):
            yield Violation(MESSAGE, image_word.span, stage.from_instruction.line)
    for instruction in context.document.instructions:
        for reference in context.semantics.from_references(instruction):
            image = reference.value
            # BuildKit makes a stage of a --from image as of a FROM, so `scratch` is the empty image here too.
            if image == SCRATCH or (image is not None and semantics.is_stage_reference(image)):
                continue
            if not is_trusted(image, reference.text, patterns):
                yield Violation(MESSAGE, reference.span, instruction.line)
