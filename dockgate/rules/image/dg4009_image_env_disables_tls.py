"""
## What it does
Reports an `Env` entry of the image config that turns TLS certificate
verification off, with the variables and values DG2002 knows:
`NODE_TLS_REJECT_UNAUTHORIZED=0`, `PYTHONHTTPSVERIFY=0`,
`GIT_SSL_NO_VERIFY` (any value: git only checks that it is set),
`PIP_TRUSTED_HOST` with a host, and `NPM_CONFIG_STRICT_SSL` or
`YARN_STRICT_SSL` set to `false`, `0`, `no` or `off`. Values that keep
verification on (`NODE_TLS_REJECT_UNAUTHORIZED=1`, an empty
`PIP_TRUSTED_HOST`) are fine. The finding points at the history entry of
the last `ENV` that set the name, when there is one.

DG2002 finds the same settings in a Dockerfile; this rule finds them in an
image whose Dockerfile you do not have, or whose base image set them.

## Why is this bad?
A variable in the config is in the environment of every container started
from the image, so every connection those programs make at run time
accepts any certificate: anyone on the network path can read and change
the traffic, credentials included.

## Example
```dockerfile
FROM node:20-slim
ENV NODE_TLS_REJECT_UNAUTHORIZED=0
CMD ["node", "server.js"]
```

## Use instead
```dockerfile
FROM node:20-slim
# a private CA: trust it instead of turning verification off
COPY corp-ca.crt /usr/local/share/ca-certificates/corp-ca.crt
ENV NODE_EXTRA_CA_CERTS=/usr/local/share/ca-certificates/corp-ca.crt
CMD ["node", "server.js"]
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.rule_api.findings import ImageViolation, Level
from dockgate.rule_api.rule import ImageContext, RuleMeta
from dockgate.rules.common.evidence import disables_tls_verification
from dockgate.rules.common.history_entries import config_or_entry, last_entry

RULE = RuleMeta(
    code="DG4009",
    name="image-env-disables-tls",
    summary="an Env variable of the image config turns TLS certificate verification off",
    level=Level.WARNING,
    security_severity=7.4,
    tags=("security", "CWE-295"),
    target="image",
    documentation=__doc__,
)


def check(context: ImageContext) -> Iterator[ImageViolation]:
    image = context.image
    for name, value in image.config.config.env_pairs():
        if not disables_tls_verification(name, value):
            continue
        entry = last_entry(image, "ENV", lambda instruction: name in instruction.keys())
        yield ImageViolation(
            f"Env {name}={value} turns certificate verification off in every container started from the image; "
            "install the CA certificate the servers need instead",
            config_or_entry(image, entry),
        )
