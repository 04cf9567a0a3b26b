"""
## What it does
Reports a credential recorded in the image history (`created_by`, what
`docker history --no-trunc` shows):

* build arguments in force during a RUN, which the classic builder,
  buildah and BuildKit all record in front of the command
  (`|1 DB_PASSWORD=hunter2 /bin/sh -c ...`), when the name is secret-like
  and the value literal, or the value is credential-shaped (reported on the
  first step that records it, not on every later RUN);
* `NAME=value` words of a step (`ARG` defaults, variables set on a RUN
  command line) judged the same way;
* values in a known token format or URLs with `user:password@` anywhere in
  a step.

Names are read as words (`GPG_KEY`, `JENKINS_USERNAME` are not secret
names); placeholders, `$VAR` references, paths, numbers and booleans are
not credentials. An `ENV` value that is still in the config's `Env` is
DG4003's finding, not a second one here. Messages mask the value.

## Why is this bad?
History travels with the image: anyone who can pull it reads every step,
build arguments included, even when no layer holds the secret. `ARG` is
not a way to pass secrets.

## Example
```dockerfile
FROM alpine:3.20
ARG NPM_TOKEN
RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc
```

## Use instead
```dockerfile
FROM alpine:3.20
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.image.history import parse_created_by
from dockgate.lazy_pattern import LazyPattern
from dockgate.rule_api.findings import ImageViolation, Level
from dockgate.rule_api.rule import ImageContext, RuleMeta
from dockgate.rules.common.credentials import (
    known_token_kind,
    secret_setting_kind,
    url_with_password,
)
from dockgate.rules.common.history_entries import (
    MASK,
    history_location,
)

RULE = RuleMeta(
    code="DG4005",
    name="credential-in-image-history",
    summary="the image history records a credential",
    level=Level.ERROR,
    security_severity=8.6,
    tags=("security", "CWE-798", "CWE-214"),
    aliases=("CIS-DI-0010", "CIS-4.10"),
    target="image",
    documentation=__doc__,
)

# `NAME=value` words of a step; the value ends at white space or a shell operator unless quoted.
_ASSIGNMENT = LazyPattern(r"(?<![\w$.-])([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|'[^']*'|[^\s;&|)]+)")


def check(context: ImageContext) -> Iterator[ImageViolation]:
    image = context.image
    config_env = set(image.config.config.env_pairs())
    reported_build_args: set[tuple[str, str]] = set()
    for index, entry in enumerate(image.config.history):
        instruction = parse_created_by(entry.created_by)
        what = f"the {instruction.keyword} step" if instruction is not None else "the history entry"
        messages: list[str] = []
        for name, value in instruction.build_args if instruction is not None else ():
            kind = secret_setting_kind(name, value)
            # Every RUN after the ARG records it again: the first one is the finding.
            if kind is not None and (name, value) not in reported_build_args:
                reported_build_args.add((name, value))
                messages.append(f"The build argument {name}={MASK} ({kind}) is recorded in the image history")
        text = instruction.arguments if instruction is not None else entry.created_by or ""
        settings = []
        for match in _ASSIGNMENT.finditer(text):
            name, value = match.group(1), match.group(2).strip("\"'")
            if instruction is not None and instruction.keyword == "ENV" and (name, value) in config_env:
                continue  # still in the config: DG4003 reports it
            kind = secret_setting_kind(name, value)
            if kind is not None:
                settings.append(f"{name}={MASK} in {what} holds {kind}")
        if not settings:
            # A credential not assigned to a name: a token on a command line, a URL with a password.
            kind = known_token_kind(text) or ("a URL with a password" if url_with_password(text) else None)
            if kind is not None:
                settings.append(f"{what[0].upper()}{what[1:]} holds {kind}")
        for message in dict.fromkeys(messages + settings):
            yield ImageViolation(
                f"{message}: anyone who pulls the image can read it; use RUN --mount=type=secret instead",
                history_location(image, index),
            )
