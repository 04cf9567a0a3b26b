"""
## What it does
Reads the account databases of the final filesystem and reports:

* an account whose password field is empty in `/etc/shadow` or
  `/etc/master.passwd`, or in `/etc/passwd` itself (where `x` would send
  the lookup to the shadow file): it logs in without a password;
* an account other than the first with UID 0 in `/etc/passwd`: a second
  root account.

Locked and disabled accounts (`!`, `*`, `!!`, `!*`, or any other hash) are
fine.

## Why is this bad?
An empty password lets any process in the container become that user with
`su` or a login service; for root this was CVE-2019-5021, the Alpine images
whose root account had an empty password for three years. A second UID 0
account is root under another name, easy to miss in a review and a classic
backdoor.

## Example
```dockerfile
FROM alpine:3.20
RUN passwd -d root && echo 'toor:x:0:0:root:/root:/bin/sh' >> /etc/passwd
```

## Use instead
```dockerfile
FROM alpine:3.20
RUN adduser -D -u 10001 app
USER 10001
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.rule_api.findings import ImageViolation, Level
from dockgate.rule_api.rule import ImageContext, RuleMeta
from dockgate.rules.common.layer_reporting import layer_location

RULE = RuleMeta(
    code="DG5006",
    name="weak-account",
    summary="An account without a password, or a second account with UID 0",
    level=Level.ERROR,
    security_severity=7.5,
    tags=("security", "CWE-258", "CWE-521"),
    aliases=("DKL-LI-0001", "DKL-LI-0002"),
    target="image",
    needs_layers=True,
    documentation=__doc__,
)

PASSWORD_DATABASES = ("etc/shadow", "etc/master.passwd", "etc/passwd")


def check(context: ImageContext) -> Iterator[ImageViolation]:
    filesystem = context.filesystem
    for path in PASSWORD_DATABASES:
        found = filesystem.final_content(path)
        if found is None:
            continue
        layer, content = found
        records = _records(content)
        for name, password in ((fields[0], fields[1]) for fields in records if len(fields) > 1):
            if password == "" and not name.startswith(("+", "-")):  # `+::::::` lines are NIS includes
                yield ImageViolation(
                    f"account {name} has an empty password field in /{path}: anyone in the container can become "
                    "it without a password; lock it (passwd -l) or set a password hash",
                    layer_location(context, layer, path),
                )
        if path == "etc/passwd":
            root_accounts = [fields[0] for fields in records if len(fields) > 2 and fields[2].strip() == "0"]
            for name in root_accounts[1:]:
                yield ImageViolation(
                    f"account {name} has UID 0 in /{path}, a second root account beside {root_accounts[0]}: "
                    "remove it or give it its own UID",
                    layer_location(context, layer, path),
                )


def _records(content: bytes) -> list[list[str]]:
    """The colon-separated records of an account database, comments and blank lines left out."""
    lines = content.decode("utf-8", "replace").splitlines()
    return [line.split(":") for line in lines if line.strip() and not line.lstrip().startswith("#")]
