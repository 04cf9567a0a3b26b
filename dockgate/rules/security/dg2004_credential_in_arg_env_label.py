"""
## What it does
Reports an ARG default, ENV or LABEL whose **value** is a credential: a
known token format (AWS access key ids, GitHub, GitLab, Slack, Stripe, npm,
Google, OpenAI, SendGrid, Mailchimp and Twilio keys, Docker Hub and PyPI
tokens, HashiCorp Vault tokens, Azure storage account keys, Google Cloud
service-account JSON, private key blocks, JSON Web Tokens), a URL with
`user:password@`, or any literal value under a secret-like name
(`DB_PASSWORD=hunter2`, `API_TOKEN=abc123`, `CLIENT_SECRET`): a short
password ships as readably as a long one. A name without a value is
DL3064's and BuildKit's SecretsUsedInArgOrEnv's business; file paths,
numbers, booleans, `$VAR` references and placeholders (`changeme`, `xxx`,
`<token>`) are not findings. The message names the kind of credential,
never the value.

## Why is this bad?
ENV and LABEL values are stored in the image configuration and ARG values in
its history: anyone who can pull the image can read them with
`docker history` or `docker inspect`.

## Example
```dockerfile
FROM alpine
ENV GITHUB_TOKEN=ghp_0123456789abcdefghijABCDEFGHIJ012345
```

## Use instead
```dockerfile
FROM alpine
RUN --mount=type=secret,id=github_token,env=GITHUB_TOKEN ./fetch-deps.sh
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.credentials import secret_setting_kind
from dockgate.rules.common.evidence import variable_settings

RULE = RuleMeta(
    code="DG2004",
    name="credential-in-arg-env-label",
    summary="An ARG default, ENV or LABEL value looks like a credential",
    level=Level.ERROR,
    judges="every-stage",
    security_severity=8.6,
    tags=("security", "CWE-798", "CWE-538"),
    aliases=("DS-0031", "CKV_SECRET_2", "CKV_SECRET_6", "CIS-DI-0010", "CIS-4.10", "Passwords And Secrets"),
    documentation=__doc__,
)


def check(context: LintContext) -> Iterator[Violation]:
    for setting in variable_settings(context, ("ARG", "ENV", "LABEL")):
        kind = secret_setting_kind(setting.name, setting.raw)
        if kind is not None:
            yield Violation(
                f"{setting.instruction.keyword} {setting.name} holds {kind}: it is readable in the image "
                "configuration and history; pass it with RUN --mount=type=secret instead",
                setting.span,
                setting.owner.line,
            )
