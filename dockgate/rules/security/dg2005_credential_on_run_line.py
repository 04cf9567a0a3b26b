"""
## What it does
Reports a literal credential on a RUN command line: a URL with
`user:token@`, `--password=…`/`--token …` options and `docker login -p …`,
`mysql -p…`, a token written into `.npmrc`/`.pypirc`/`.netrc`
(`_authToken=…`, `password …`), `aws configure set aws_secret_access_key …`,
`echo user:password | chpasswd`, and known token formats anywhere on the
line, in the RUN itself or in a `sh -c` script or behind `sudo`. A `$VAR`
reference is a finding when an ARG default or ENV of the file gives it the
password (`echo "root:${ROOT_PW}" | chpasswd`, `https://ci:${PASS}@host`):
BuildKit records the build arguments a RUN uses, with their values, in the
image history. Other references and placeholders are not findings.

## Why is this bad?
The command line of every RUN is stored in the image history
(`docker history --no-trunc`), and whatever the command writes stays in a
layer: the credential ships with the image.

## Example
```dockerfile
FROM node:20
RUN echo "//registry.npmjs.org/:_authToken=npm_0123456789abcdefghijABCDEFGHIJ0123" > ~/.npmrc && npm ci
```

## Use instead
```dockerfile
FROM node:20
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
```
"""

from __future__ import annotations

import re
from typing import Iterator, Mapping

from dockgate.analysis.shell import ShellCommand
from dockgate.dockerfile.model import Span
from dockgate.lazy_pattern import LazyPattern
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.credentials import (
    is_placeholder,
    known_token_kind,
    url_with_password,
)
from dockgate.rules.common.run_commands import instruction_line, run_commands

RULE = RuleMeta(
    code="DG2005",
    name="credential-on-run-line",
    summary="A RUN command line holds a literal credential",
    level=Level.ERROR,
    judges="every-stage",
    security_severity=8.1,
    tags=("security", "CWE-798", "CWE-214"),
    aliases=("DS-0031", "CKV2_DOCKER_17", "CIS-DI-0010", "CIS-4.10", "Passwords And Secrets In URL"),
    documentation=__doc__,
)

_VALUE_OPTIONS = frozenset({"--password", "--passwd", "--token", "--api-key", "--apikey", "--secret", "--access-token", "--auth-token", "--client-secret"})
_SHORT_PASSWORD_PROGRAMS = frozenset({"docker", "podman", "buildah", "skopeo", "helm", "oras"})
_MYSQL = frozenset({"mysql", "mysqladmin", "mariadb", "mysqldump"})
_WRITTEN_TOKEN = LazyPattern(r"(?:_authToken|_auth|_password)\s*=\s*(\S+)|\bmachine\s+\S+\s+login\s+\S+\s+password\s+(\S+)", re.IGNORECASE)
_CHPASSWD_LINE = LazyPattern(r"^[\w.-]+:([^\s:]+)$")
_AWS_SECRET_KEYS = frozenset({"aws_secret_access_key", "aws_session_token", "aws_access_key_id"})
_ADVICE = "it is stored in the image history; use RUN --mount=type=secret instead"


def _literal(value: str) -> bool:
    return not is_placeholder(value) and not value.startswith(("/", "./", "~", "-"))


def _option_values(command: ShellCommand) -> Iterator[tuple[str, Span]]:
    words = command.words
    for index, word in enumerate(words):
        value = word.value
        name, equals, option_value = value.partition("=")
        if name in _VALUE_OPTIONS:
            if equals:
                if _literal(option_value):
                    yield f"a literal {name} value", word.span
            elif index + 1 < len(words) and _literal(words[index + 1].value):
                yield f"a literal {name} value", words[index + 1].span
        elif value == "-p" and command.program in _SHORT_PASSWORD_PROGRAMS and "login" in command.arguments:
            if index + 1 < len(words) and _literal(words[index + 1].value):
                yield f"a literal `{command.program} login -p` password", words[index + 1].span
        elif command.program in _MYSQL and value.startswith("-p") and len(value) > 2 and _literal(value[2:]):
            yield f"a literal `{command.program} -p` password", word.span
        elif value.lower() in _AWS_SECRET_KEYS and "configure" in command.arguments:
            if index + 1 < len(words) and _literal(words[index + 1].value):
                yield f"a literal {value.lower()}", words[index + 1].span


_REFERENCE = LazyPattern(r"\$\{(\w+)\}|\$(\w+)")


def _with_dockerfile_values(value: str, variables: Mapping[str, str | None]) -> str | None:
    """`value` with the `$NAME` references that an ARG default or ENV of the file sets replaced by
    those values, or None when it references none."""
    replaced = False

    def replace(match: re.Match[str]) -> str:
        nonlocal replaced
        found = variables.get(match.group(1) or match.group(2))
        if found is None:
            return match.group()
        replaced = True
        return found

    expanded = _REFERENCE.sub(replace, value)
    return expanded if replaced else None


def _findings(
    command: ShellCommand, pipes_to_chpasswd: bool, variables: Mapping[str, str | None]
) -> Iterator[tuple[str, Span]]:
    yield from _option_values(command)
    for word in command.words:
        value = word.value
        if "$" in value and (expanded := _with_dockerfile_values(value, variables)) is not None:
            # `https://ci:${REPO_PASS}@host`, `echo "root:$ROOT_PW" | chpasswd` with the value set in the file.
            if url_with_password(expanded):
                yield "a URL with a password that an ARG or ENV of this file sets", word.span
                continue
            if pipes_to_chpasswd and command.program in ("echo", "printf") and (match := _CHPASSWD_LINE.match(expanded)):
                if _literal(match.group(1)):
                    yield "a password for chpasswd that an ARG or ENV of this file sets", word.span
                    continue
        kind = known_token_kind(value)
        if kind is not None:
            yield kind, word.span
        elif url_with_password(value):
            yield "a URL with a password", word.span
        elif command.program in ("echo", "printf", "tee", "npm", "yarn", "pnpm") and (match := _WRITTEN_TOKEN.search(value)):
            token = next(group for group in match.groups() if group)
            if _literal(token.strip("'\"")):
                yield "a literal token written to a credentials file", word.span
        elif pipes_to_chpasswd and command.program in ("echo", "printf") and (match := _CHPASSWD_LINE.match(value)):
            if _literal(match.group(1)):
                yield "a literal password for chpasswd", word.span


def check(context: LintContext) -> Iterator[Violation]:
    commands = list(run_commands(context, unwrap=True))
    runs_with_chpasswd = {id(run) for run, command in commands if command.program == "chpasswd"}
    # `sudo tool --password=x`, `sh -c '...'`: the words are read in the commands these run.
    runners = {id(command.runner) for _run, command in commands if command.runner is not None}
    variables_by_run: dict[int, Mapping[str, str | None]] = {}
    for run, command in commands:
        if id(command) in runners:
            continue
        if id(run) not in variables_by_run:
            # An ONBUILD trigger runs in another build, with that build's arguments.
            own = run.owner is run.instruction
            variables_by_run[id(run)] = context.semantics.variables_before(run.owner) if own else {}
        seen: set[Span] = set()
        for kind, span in _findings(command, id(run) in runs_with_chpasswd, variables_by_run[id(run)]):
            if span in seen:
                continue
            seen.add(span)
            yield Violation(f"RUN holds {kind}: {_ADVICE}", span, instruction_line(run))
