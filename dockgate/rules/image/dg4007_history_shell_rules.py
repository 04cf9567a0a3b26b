"""
## What it does
Runs the Dockerfile rules about shell commands over the image history:
every RUN step recorded in `created_by` (and every ADD or COPY whose
sources are named) is written back as a Dockerfile and checked by these
rules, which report under their own codes:

| code | what it finds |
|---|---|
| DG2001 | a downloaded script piped into a shell |
| DG2002 | TLS verification switched off for a download or package manager |
| DG2003 | package signature checks switched off |
| DG2016 | a download over cleartext `http://` |
| DG2017 | privilege granted without a password (NOPASSWD, empty password, root SSH login) |
| DG3002 | a package index update alone, the install in a later step |
| DL3004 | `sudo` in a step |
| DL3009 | apt lists left in the layer |
| DL3019 | `apk add` without `--no-cache` |
| DL3020 | ADD for a plain file instead of COPY |

Rules that need what history does not keep (flags such as `--mount` or
`--checksum`, comments, stage structure, pinned versions' intent) are not in
the list, and credentials are DG4005's. World-writable and setuid modes
(DG2007, DG2008) are left to the layer rules DG5003 and DG5002, which see
the modes the files really have rather than the `chmod` that set them, so
one problem is not reported twice. Each finding points at the history
entry (and its layer) it was found in; the base image's root file system
(`ADD file:<hash> in /`) and steps recorded by content hash only are
skipped. Each code can be ignored or re-levelled on its own
(`ignore = ["DL3009"]`, which applies to Dockerfiles as well); naming
DG4007 in `select` or `ignore` covers them all, a prefix such as `DG4`
does not reach the members.

## Why is this bad?
A built image may come from a Dockerfile you never see (a base image, a
vendor's image), or from a Dockerfile that changed since. Its history still
says what ran, and the same mistakes are mistakes there: dockle's
CIS-DI-0007, DKL-DI-0001, DKL-DI-0004 and DKL-DI-0005 check history the
same way, with word splitting instead of a shell parser.

## Example
History of an image:
```text
/bin/sh -c #(nop) ADD file:9a4f77dfaba7fd2aa78186e4ef0e7486ad55101cefc1fabbc1b385601bb38920 in /
/bin/sh -c apt-get update
/bin/sh -c curl -fsSL https://get.example.com/install.sh | sh
```

## Use instead
```dockerfile
FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://get.example.com/install.sh /tmp/install.sh
RUN sh /tmp/install.sh
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.image.history import synthetic_dockerfile
from dockgate.rule_api.findings import ImageViolation, Level
from dockgate.rule_api.rule import ImageContext, RuleMeta
from dockgate.rules.common.history_entries import history_location

RULE = RuleMeta(
    code="DG4007",
    name="history-shell-rules",
    summary="a step in the image history breaks a Dockerfile shell rule",
    level=Level.WARNING,
    security_severity=5.0,
    tags=("security", "history"),
    aliases=("CIS-DI-0007", "DKL-DI-0001", "DKL-DI-0004", "DKL-DI-0005", "CIS-4.7"),
    target="image",
    documentation=__doc__,
)

HISTORY_RULE_CODES = (
    "DG2001", "DG2002", "DG2003", "DG2016", "DG2017",
    "DG3002", "DL3004", "DL3009", "DL3019", "DL3020",
)  # fmt: skip
"""The Dockerfile rules that judge a step by its command text alone, as history records it."""


def check(context: ImageContext) -> Iterator[ImageViolation]:
    image = context.image
    dockerfile = synthetic_dockerfile(image.config.history)
    if not dockerfile.history_by_line:
        return
    for finding in context.lint_dockerfile(f"{image.name} history", dockerfile.text, HISTORY_RULE_CODES):
        line = finding.instruction_line or (finding.span.line if finding.span is not None else 0)
        history_index = dockerfile.history_index(line)
        if history_index is None:
            continue
        # Linted at its default level: the user's configuration applies to the finding, code by code.
        yield ImageViolation(finding.message, history_location(image, history_index), finding.code, finding.level)
