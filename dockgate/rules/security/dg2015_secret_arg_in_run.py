"""
## What it does
Reports a RUN that reads a build argument whose name marks it as a secret
(`ARG NPM_TOKEN` ... `RUN echo "//registry.npmjs.org/:_authToken=$NPM_TOKEN"
> .npmrc`). A name counts as secret when one of its parts (split at `_`
and at case changes) is `password`, `passwd`, `pwd`, `pass`, `psw`,
`secret`, `token`, `apikey` or `credential(s)`, or is `key` after `api`,
`access`, `private`, `secret`, `client`, `auth`, `encryption`, `signing` or
`master`; and none of its parts names something public about a secret
(`public`, `file`, `path`, `dir`, `version`, `gpg`, `pgp`, `fingerprint`,
`name`, `user`, `url`, `host`, `id`, ...): `GPG_KEY`, `NPM_TOKEN_FILE` and
`SECRET_NAME` are not secrets (the names DG2004 and DG2005 go by).
Public-key fingerprints are not secrets either: an ARG whose default is a
hexadecimal key id or fingerprint (`ARG GHC_RELEASE_KEY=88B57FCF...`), and
a use as an argument of `gpg`, `gpg2` or `apt-key`, are left alone. The
finding points at the variable in the RUN; the ARG itself is DL3064's and
SecretsUsedInArgOrEnv's concern. Stages built `FROM` a stage see its ARGs.

## Why is this bad?
A build argument is not a secret store: BuildKit records the values a RUN
used in the image's build history (`docker history`, the provenance
attestation) and in the build cache key, so anyone with the image or the
cache can read it. A secret mount gives the step the value as a file that
is never stored.

## Example
```dockerfile
FROM node:20
ARG NPM_TOKEN
RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc
```

## Use instead
```dockerfile
FROM node:20
RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN \
    echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc
```
"""

from __future__ import annotations

import re
from typing import Iterator

from dockgate.analysis.semantics import Definition
from dockgate.analysis.shell import RunScript
from dockgate.lazy_pattern import LazyPattern
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.credentials import is_secret_name

RULE = RuleMeta(
    code="DG2015",
    name="secret-arg-in-run",
    summary="a RUN reads a secret-named build argument instead of a secret mount",
    level=Level.WARNING,
    judges="build",
    precision="medium",
    security_severity=7.5,
    tags=("security", "CWE-214", "CWE-538"),
    aliases=("DS-0031", "CIS-DI-0010", "CIS-4.10"),
    documentation=__doc__,
)

_FINGERPRINTS = LazyPattern(r"(?:(?:0x)?[0-9A-Fa-f]{8,40}(?:\s+|$))+")
_KEY_TOOLS = frozenset({"gpg", "gpg2", "gpgv", "apt-key"})


def check(context: LintContext) -> Iterator[Violation]:
    semantics = context.semantics
    runs = {id(run.instruction): run for run in context.run_scripts if run.owner is run.instruction}
    secret_args_at_end: dict[int, dict[str, Definition]] = {}
    for stage in semantics.stages:
        secret_args = dict(secret_args_at_end.get(stage.base_stage.index, {})) if stage.base_stage else {}
        for instruction in stage.instructions:
            if instruction.keyword in ("ARG", "ENV"):
                for definition in semantics.definitions(instruction):
                    if instruction.keyword == "ARG" and is_secret_name(definition.key) and not _is_fingerprint(definition):
                        secret_args[definition.key] = definition
                    else:
                        secret_args.pop(definition.key, None)  # an ENV of the same name replaces it
            elif instruction.keyword == "RUN" and secret_args and id(instruction) in runs:
                yield from _uses(runs[id(instruction)], secret_args)
        secret_args_at_end[stage.index] = secret_args


def _uses(run: RunScript, secret_args: dict[str, Definition]) -> Iterator[Violation]:
    script = run.script
    if script is None:
        return
    # Words of gpg/apt-key calls: a key id given to them is public.
    key_tool_words = [
        (word.start, word.end) for command in script.commands if command.program in _KEY_TOOLS for word in command.words
    ]
    secret_mount_env = {
        found.group(1)
        for flag in run.instruction.flags_named("mount")
        if flag.value is not None and "type=secret" in flag.value
        for found in re.finditer(r"(?:^|,)env=([^,]+)", flag.value)
    }
    for name in secret_args:
        if name in secret_mount_env:
            continue  # the secret mount sets it for this step
        escaped = re.escape(name)
        reference = re.compile(r"\$(?:\{" + escaped + r"(?:[:#%/^,@+-][^}]*)?\}|" + escaped + r"(?![A-Za-z0-9_]))")
        match = next(
            (found for found in reference.finditer(script.text) if not any(s <= found.start() < e for s, e in key_tool_words)),
            None,
        )
        if match is None:
            continue
        yield Violation(
            f"RUN reads the build argument {name}, whose value ends up in the image history and build cache; "
            f"pass it with RUN --mount=type=secret,id={name.lower()} instead",
            script.line_map.span(match.start(), match.end()),
            run.owner.line,
        )


def _is_fingerprint(definition: Definition) -> bool:
    """An ARG whose default is one or more public-key ids or fingerprints."""
    return definition.value is not None and _FINGERPRINTS.fullmatch(definition.value.with_defaults.strip()) is not None
