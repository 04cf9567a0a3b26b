"""
## What it does
Reports a final stage that never switches to a non-root `USER`: neither the
stage nor any stage it is built on (`FROM <stage>`, followed) has a `USER`
instruction, so the container runs as root unless the base image's config
says otherwise. The finding points at the final stage's base image.

Only the final stage is checked, the image a build without `--target`
produces: a builder stage that stays root is fine, because its user never
reaches the image that runs. A final `USER root` is DL3002's finding, not a
second one here. Not reported either: base images known to run
unprivileged (the table below); a final stage from `scratch` with no `CMD`
or `ENTRYPOINT`, which only exports files and runs nothing; a base image
named by a build
argument without a default, which the file does not fix; Windows
images (by the base image's name, `--platform=windows`, a `powershell` or
`cmd` SHELL, or a backtick `# escape=`: see the README); images whose entrypoint starts as root on purpose and drops
privileges itself (the final stage or a stage it builds on mentions `gosu`,
`su-exec`, `setpriv`, `runuser` or `s6-setuidgid`, as the official database
images do); and development containers (a Dockerfile under
`.devcontainer`), whose user is chosen by `devcontainer.json`.

The message says only what the file shows: the container runs as its base
image's user, which is root unless that image sets another.

| base images | why they are not root |
|---|---|
| a tag or name with `nonroot`, `non-root`, `rootless` or `unprivileged` (distroless `:nonroot`, `nginxinc/nginx-unprivileged`) | the convention of those tags |
| `jupyter/*`, `quay.io/jupyter/*` (Jupyter docker-stacks) | they run as `jovyan` |
| `cgr.dev/chainguard/*`, except `-dev` tags | Chainguard images run as `nonroot` (65532) |
| `bitnami/*`, except `bitnami/minideb` | Bitnami's non-root containers run as 1001 |
| `mcr.microsoft.com/dotnet/*` with a `chiseled` tag | Ubuntu chiseled .NET images run as `app` |

## Why is this bad?
A process running as root in a container turns any escape from the
application (a path traversal, a deserialisation bug) into root inside the
container, and with some runtime settings into root on the host. Peers flag
this too, but most of them look at the last `USER` of the whole file and
miss or invent findings in multi-stage builds.

## Example
```dockerfile
FROM golang:1.22 AS build
RUN go build -o /out/app .
FROM debian:12-slim
COPY --from=build /out/app /usr/local/bin/app
CMD ["app"]
```

## Use instead
```dockerfile
FROM golang:1.22 AS build
RUN go build -o /out/app .
FROM debian:12-slim
COPY --from=build /out/app /usr/local/bin/app
USER 65532:65532
CMD ["app"]
```
"""

from __future__ import annotations

import re
from typing import Iterator

from dockgate.analysis.semantics import Stage
from dockgate.analysis.windows_images import is_windows_stage
from dockgate.lazy_pattern import LazyPattern
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DG2011",
    name="final-stage-runs-as-root",
    summary="the final stage never switches to a non-root USER",
    level=Level.WARNING,
    judges="image",
    security_severity=7.0,
    tags=("security", "CWE-250", "CWE-269"),
    aliases=("DS-0002", "CKV_DOCKER_3", "CIS-DI-0001", "Missing User Instruction", "CIS-4.1"),
    documentation=__doc__,
)

MESSAGE = (
    "The final stage never sets USER, so the container runs as the user of its base image `{base}`, "
    "which is root unless that image sets another; add a USER"
)

# Base images that already run unprivileged: the table in the documentation.
_UNPRIVILEGED_BASE = LazyPattern(
    r"non-?root|rootless|unprivileged"
    r"|^(?:docker\.io/|quay\.io/)?jupyter/"
    r"|^cgr\.dev/chainguard/(?!.*-dev\b)"
    r"|^(?:docker\.io/)?bitnami/(?!minideb\b)"
    r"|^mcr\.microsoft\.com/dotnet/.*chiseled",
    re.IGNORECASE,
)
# Entrypoints that start as root to fix permissions, then run the service as another user.
_PRIVILEGE_DROP = LazyPattern(r"(?<![\w-])(?:gosu|su-exec|setpriv|runuser|s6-setuidgid)(?![\w-])")


def check(context: LintContext) -> Iterator[Violation]:
    final = context.what_ships.target
    if final is None or not final.from_instruction.args or ".devcontainer" in context.path:
        return
    instructions = [instruction for stage in _chain(final) for instruction in stage.instructions]
    if any(instruction.keyword == "USER" for instruction in instructions):
        return  # a USER decides; a root one is DL3002's
    if any(_PRIVILEGE_DROP.search(instruction.original) for instruction in instructions):
        return
    root = _chain(final)[-1]
    if not root.base_name_known or not root.base_name:
        return  # an image named by a build argument (or by nothing): its config may well set a user
    if _UNPRIVILEGED_BASE.search(root.base_name) or is_windows_stage(context.semantics, final):
        return
    if root.base_name.lower() == "scratch" and not any(i.keyword in ("CMD", "ENTRYPOINT") for i in instructions):
        return  # an artifact export: nothing runs
    from_instruction = final.from_instruction
    yield Violation(MESSAGE.format(base=root.base_name), from_instruction.args[0].span, from_instruction.line)


def _chain(stage: Stage) -> list[Stage]:
    """The stage and the stages it is built on, nearest first."""
    chain = [stage]
    while chain[-1].base_stage is not None:
        chain.append(chain[-1].base_stage)
    return chain
