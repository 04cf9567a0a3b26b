"""
## What it does
Reports an image that does not say where it was built from: neither its
labels nor its manifest annotations carry
`org.opencontainers.image.source` (the repository) and
`org.opencontainers.image.revision` (the commit). One finding names what
is missing; an empty value counts as missing.

## Why is this bad?
Without them nobody can get from a running image back to the code that
built it: to review a change, to check whether a fix is in, or to rebuild
it. Registries and scanners (GitHub's package page, Renovate, Dependabot,
Trivy) read these keys to link an image to its repository and release notes.

## Example
```dockerfile
FROM alpine:3.20
COPY app /usr/local/bin/app
```

## Use instead
```dockerfile
FROM alpine:3.20
ARG VCS_REF
LABEL org.opencontainers.image.source="https://github.com/example/app" \
      org.opencontainers.image.revision="${VCS_REF}"
COPY app /usr/local/bin/app
```
(`docker buildx build` adds both as annotations with `--annotation`, and
`docker/metadata-action` fills them in CI.)
"""

from __future__ import annotations

from typing import Iterator

from dockgate.rule_api.findings import ImageLocation, ImageViolation, Level
from dockgate.rule_api.rule import ImageContext, RuleMeta

RULE = RuleMeta(
    code="DG4008",
    name="image-without-provenance",
    summary="neither labels nor annotations say which repository and revision the image was built from",
    level=Level.INFO,
    precision="very-high",
    tags=("supply-chain",),
    target="image",
    documentation=__doc__,
)

PROVENANCE_KEYS = ("org.opencontainers.image.source", "org.opencontainers.image.revision")


def check(context: ImageContext) -> Iterator[ImageViolation]:
    image = context.image
    labels = image.config.config.labels or {}
    missing = [key for key in PROVENANCE_KEYS if not (labels.get(key, "").strip() or image.annotations.get(key, "").strip())]
    if missing:
        yield ImageViolation(
            f"The image has no {' or '.join(missing)} label or annotation; "
            "record the repository and commit it was built from",
            ImageLocation(image=image.name),
        )
