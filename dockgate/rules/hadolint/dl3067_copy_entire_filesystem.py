"""
## What it does
Reports `COPY --from=<stage or image> / /`: a copy of the whole file system
of another stage or image onto the root of this one. A source of `.` or
`./` counts too, since `--from` sources are taken from the root of the
source. It checks `COPY` registered with `ONBUILD` too.

## Why is this bad?
The copy brings along everything: package databases, caches, `/etc/passwd`,
`/proc` placeholders and build tools. It overwrites the files of this stage
wholesale, defeats the point of a small final stage and makes the result
depend on every detail of the other image. Copy the directories the
application needs.

## Example
```dockerfile
FROM golang:1.22 AS build
RUN go build -o /out/app ./cmd/app

FROM gcr.io/distroless/static-debian12
COPY --from=build / /
```

## Use instead
```dockerfile
FROM golang:1.22 AS build
RUN go build -o /out/app ./cmd/app

FROM gcr.io/distroless/static-debian12
COPY --from=build /out/app /app
```
"""

import posixpath
from typing import Iterator

from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DL3067",
    name="copy-entire-filesystem",
    summary="COPY --from copies a whole file system to /",
    level=Level.WARNING,
    precision="very-high",
    documentation=__doc__,
)

MESSAGE = "Do not copy an entire filesystem from another stage"


def check(context: LintContext) -> Iterator[Violation]:
    semantics = context.semantics
    for instruction in context.document.instructions:
        copy = instruction.effective
        if copy.keyword != "COPY" or copy.flag("from") is None or len(copy.args) < 2:
            continue
        destination = semantics.expand_in(copy, copy.args[-1].value).value
        if destination is None or not destination.startswith("/") or not _is_root(destination):
            continue
        for source in copy.args[:-1]:
            value = semantics.expand_in(copy, source.value).value
            # BuildKit joins a --from source to "/" (dockerfile2llb dispatchCopy).
            if value and _is_root("/" + value):
                yield Violation(MESSAGE, source.span, instruction.span.line)
                break


def _is_root(path: str) -> bool:
    # normpath keeps a leading `//` (POSIX leaves its meaning open); for Docker it is `/`.
    return posixpath.normpath(path).strip("/") == ""
