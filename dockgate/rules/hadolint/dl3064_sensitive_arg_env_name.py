"""
## What it does
Reports an `ARG` or `ENV` whose name suggests a secret: one of about fifty
well-known names (`AWS_SECRET_ACCESS_KEY`, `GITHUB_TOKEN`,
`POSTGRES_PASSWORD`, ...), or a name containing `api_key`, `client_key`,
`password`, `private`, `secret`, `token` or `username` in any case. Only the
name is looked at, never the value. Global `ARG`s and instructions
registered with `ONBUILD` are checked as well.

## Why is this bad?
`ARG` and `ENV` values end up in the image: `ENV` values in its
configuration, `ARG` values in the build history of every `RUN` that follows.
Anyone who can pull the image can read them with `docker history` or
`docker inspect`. Secrets belong in build secrets
(`RUN --mount=type=secret`) and, at run time, in the orchestrator's secret
store.

## Example
```dockerfile
FROM node:20
ARG NPM_TOKEN
RUN echo "//registry.npmjs.org/:_authToken=$NPM_TOKEN" > ~/.npmrc && npm ci
```

## Use instead
```dockerfile
FROM node:20
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
```
"""

from typing import Iterator

from dockgate.dockerfile.model import Span, Word
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DL3064",
    name="sensitive-arg-env-name",
    summary="ARG or ENV name suggests a secret",
    level=Level.WARNING,
    precision="medium",
    security_severity=5.0,
    tags=("security", "CWE-522"),
    documentation=__doc__,
)

MESSAGE = "Potentially sensitive data should not be used in the `ARG` or `ENV` commands"

# hadolint 2.15's lists (src/Hadolint/Rule/DL3064.hs): exact names, compared upper-cased ...
KNOWN_SENSITIVE_NAMES = frozenset(
    {
        "ACCESS_TOKEN", "APPLICATION_KEY", "APP_SECRET", "AUTH_TOKEN", "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY", "BITTREX_API_KEY", "BITTREX_API_SECRET", "CF_PASSWORD", "CF_USERNAME",
        "CIRCLE_TOKEN", "CI_DEPLOY_PASSWORD", "CI_DEPLOY_USER", "DOCKERHUB_PASSWORD", "DOCKER_EMAIL",
        "DOCKER_PASSWORD", "DOCKER_USERNAME", "FACEBOOK_ACCESS_TOKEN", "FACEBOOK_APP_ID",
        "FACEBOOK_APP_SECRET", "FIREBASE_API_TOKEN", "FIREBASE_TOKEN", "FOSSA_API_KEY",
        "GH_ENTERPRISE_TOKEN", "GH_TOKEN", "GITHUB_ENTERPRISE_TOKEN", "GITHUB_TOKEN", "HEROKU_API_KEY",
        "HEROKU_API_USER", "NPM_AUTH_TOKEN", "NPM_TOKEN", "OKTA_AUTHN_GROUPID", "OKTA_CLIENT_ORGURL",
        "OKTA_CLIENT_TOKEN", "OKTA_OAUTH2_CLIENTID", "OKTA_OAUTH2_CLIENTSECRET", "OPENAI_API_KEY",
        "OS_PASSWORD", "OS_USERNAME", "POSTGRES_PASSWORD", "SLACK_TOKEN", "STRIPE_API_KEY",
        "STRIPE_DEVICE_NAME", "TRAVIS_OS_NAME", "TRAVIS_SECURE_ENV_VARS", "TRAVIS_SUDO",
        "VAULT_CLIENT_KEY", "VAULT_TOKEN",
    }
)  # fmt: skip
# ... and parts of a name, compared lower-cased.
SUSPICIOUS_PARTS = ("api_key", "client_key", "password", "private", "secret", "token", "username")


def check(context: LintContext) -> Iterator[Violation]:
    semantics = context.semantics
    for instruction in context.document.instructions:
        definer = instruction.effective
        if definer.keyword not in ("ARG", "ENV"):
            continue
        for definition in semantics.definitions(definer):
            if _is_sensitive(definition.key):
                span = _name_span(definition.word, definition.key) if definer.keyword == "ARG" else None
                yield Violation(MESSAGE, span or definition.word.span, instruction.span.line)


def _is_sensitive(name: str) -> bool:
    lowered = name.lower()
    return name.upper() in KNOWN_SENSITIVE_NAMES or any(part in lowered for part in SUSPICIOUS_PARTS)


def _name_span(word: Word, name: str) -> Span | None:
    """The NAME of an `ARG NAME=default` word, when the word is on one line."""
    if word.span.line != word.span.end_line or not word.value.startswith(name):
        return None
    return Span(word.span.line, word.span.column, word.span.line, word.span.column + len(name))
