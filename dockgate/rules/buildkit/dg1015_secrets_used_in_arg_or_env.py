"""
## What it does
Reports an `ARG` or `ENV` inside a stage whose name contains a secret word
(`apikey`, `auth`, `credential(s)`, `key`, `password`, `pword`, `passwd`,
`secret`, `token`) as a whole `_`-separated part, unless the name also has a
part `public`, `file` or `version`. The name is checked, never the value;
ARGs before the first FROM are not checked, as in Docker's
`SecretsUsedInArgOrEnv` build check.

Where dockgate departs from Docker's check: names that plainly hold no
secret are not reported either. A part `path` (`SSH_KEY_PATH`, like `FILE`
it names where a secret is), `KEY` followed by `ID` (`GPG_KEY_ID`, a key
fingerprint) and `GPG` before `KEY` (`GPG_KEY`, `NODE_GPG_KEYS`: the
official images' public signing-key fingerprints) are allowed; so is a name
whose value in the file is a file path (`ENV
GOOGLE_APPLICATION_CREDENTIALS=/run/secrets/gcp.json`): the path says where a
secret is read from, not what it is (DG2006 reports the path when a COPY of
this file puts the credential file there). And one abbreviation BuildKit does
not know is a secret word: `psw` (`ARTIFACTORY_PSW`, the password half of a
Jenkins credentials binding).

DL3064 (hadolint's check) reports many of the same names; where both report
one name, one finding is kept: DL3064's, with `DG1015` and
`SecretsUsedInArgOrEnv` among its aliases. Ignoring either code in the
configuration leaves the other's finding; a suppression comment naming
either silences it.

## Why is this bad?
ARG and ENV values end up in the image: ENV in its configuration, ARG in
the build history. Anyone who can pull the image can read them with
`docker history` or `docker inspect`.

## Example
```dockerfile
FROM alpine
ARG GITHUB_TOKEN
RUN git clone https://$GITHUB_TOKEN@github.com/acme/app.git
```

## Use instead
```dockerfile
FROM alpine
RUN --mount=type=secret,id=github_token \\
    git clone https://$(cat /run/secrets/github_token)@github.com/acme/app.git
```
"""

import re
from typing import Iterator

from dockgate.analysis.semantics import Definition
from dockgate.lazy_pattern import LazyPattern
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DG1015",
    name="secrets-used-in-arg-or-env",
    summary="Do not use ARG or ENV instructions for sensitive data",
    level=Level.WARNING,
    precision="medium",
    security_severity=5.0,
    tags=("security", "CWE-522"),
    aliases=("SecretsUsedInArgOrEnv",),
    same_finding_as="DL3064",
    documentation=__doc__,
)

# dockerfile2llb validations.go getSecretsRegex.
_SECRET = LazyPattern(
    r"(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|psw|secret|token)(?:_|$)", re.IGNORECASE
)  # `psw` is not in BuildKit's list
_ALLOWED = LazyPattern(r"(?:_|^)(?:public|file|version)(?:_|$)", re.IGNORECASE)
# Not in BuildKit: names that say they hold a location or a public key's fingerprint.
_PLAINLY_NOT_SECRET = LazyPattern(r"(?:_|^)(?:path(?:_|$)|key_id(?:_|$)|gpg_key)", re.IGNORECASE)
# A value that is a file path: `/run/secrets/x`, `./app/key.json`, `~/.config/x`, `${HOME}/x` (no spaces).
_PATH_VALUE = LazyPattern(r"(?:/|\./|\.\./|~/|\$\{?\w+\}?/)[^\s:@]*")


def is_secret_name(key: str) -> bool:
    return _SECRET.search(key) is not None and _ALLOWED.search(key) is None and _PLAINLY_NOT_SECRET.search(key) is None


def check(context: LintContext) -> Iterator[Violation]:
    semantics = context.semantics
    for stage in semantics.stages:
        for instruction in stage.instructions:
            if instruction.keyword not in ("ARG", "ENV"):
                continue
            for definition in semantics.definitions(instruction):
                if is_secret_name(definition.key) and not _holds_a_path(definition):
                    yield Violation(
                        "Do not use ARG or ENV instructions for sensitive data "
                        f'({instruction.keyword} "{definition.key}")',
                        definition.word.span,
                        instruction.line,
                    )


def _holds_a_path(definition: Definition) -> bool:
    if definition.value is None:
        return False
    text = definition.value.value if definition.value.value is not None else definition.value.text
    return _PATH_VALUE.fullmatch(text.strip().strip("'\"")) is not None
