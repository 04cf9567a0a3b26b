"""
## What it does
Reports an `Env` entry of the image config that holds a credential: a
value in a known token format (AWS access key ids, GitHub, GitLab, Slack,
Stripe, npm, Google and OpenAI keys, private key blocks, JSON Web Tokens), a
URL with `user:password@`, or a literal value under a secret-like name
(`DB_PASSWORD=hunter2`, `API_TOKEN=...`). Names are read as words, not
substrings: `GPG_KEY`, `JENKINS_USERNAME` and `TOKEN_FILE` are not secret
names. Placeholders (`changeme`, `<token>`, `${TOKEN}`), paths, numbers and
booleans are not credentials. The message masks the value. The finding
points at the history entry of the last `ENV` that set the name, when there
is one.

## Why is this bad?
The config is part of the image: anyone who can pull it reads every
variable with `docker inspect`, and every container started from it has the
credential in its environment, where `/proc/<pid>/environ`, crash reports
and debug endpoints show it.

## Example
```dockerfile
FROM python:3.12-slim
ENV DATABASE_PASSWORD=s3cr3t-Pa55
CMD ["python", "-m", "app"]
```

## Use instead
```dockerfile
FROM python:3.12-slim
# pass it when the container starts: docker run -e DATABASE_PASSWORD ...
ENV DATABASE_PASSWORD_FILE=/run/secrets/db_password
CMD ["python", "-m", "app"]
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.rule_api.findings import ImageViolation, Level
from dockgate.rule_api.rule import ImageContext, RuleMeta
from dockgate.rules.common.credentials import secret_setting_kind
from dockgate.rules.common.history_entries import (
    MASK,
    config_or_entry,
    last_entry,
)

RULE = RuleMeta(
    code="DG4003",
    name="credential-in-image-env",
    summary="an Env variable of the image config holds a credential",
    level=Level.ERROR,
    security_severity=8.6,
    tags=("security", "CWE-798", "CWE-526"),
    aliases=("CIS-DI-0010", "CIS-4.10"),
    target="image",
    documentation=__doc__,
)


def check(context: ImageContext) -> Iterator[ImageViolation]:
    image = context.image
    for name, value in image.config.config.env_pairs():
        kind = secret_setting_kind(name, value)
        if kind is None:
            continue
        entry = last_entry(image, "ENV", lambda instruction: name in instruction.keys())
        yield ImageViolation(
            f"Env {name}={MASK} holds {kind}: anyone who pulls the image can read it; "
            "pass it when the container starts or mount it as a secret",
            config_or_entry(image, entry),
        )
