"""
## What it does
Reports `ADD` of an `http(s)://` URL without `--checksum`, and `ADD` of a git
repository whose reference is not a full commit id (`#v1.2` or a branch
instead of `#<40-hex commit>`) and that has no `--checksum`.

## Why is this bad?
Without a checksum or a commit id the build takes whatever the server serves
today; a compromised server, a moved tag or a force-pushed branch silently
changes the image (CIS Docker Benchmark 4.9).

## Example
```dockerfile
FROM alpine
ADD https://example.com/tool.tar.gz /tmp/
ADD https://github.com/moby/buildkit.git#v0.13.0 /src
```

## Use instead
```dockerfile
FROM alpine
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/tool.tar.gz /tmp/
ADD https://github.com/moby/buildkit.git#3f1ba4c4b84e8f1a52ed5a4a81c1e1f1e54b7a0a /src
```
"""

from __future__ import annotations

import re
from typing import Iterator

from dockgate.lazy_pattern import LazyPattern
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DG2009",
    name="add-remote-unverified",
    summary="ADD fetches a URL or git repository without a checksum or commit pin",
    level=Level.WARNING,
    judges="build",
    security_severity=5.9,
    tags=("security", "CWE-494", "CWE-353"),
    aliases=("CKV_DOCKER_4", "CIS-DI-0009", "CIS-4.9"),
    documentation=__doc__,
)

_HTTP = LazyPattern(r"https?://", re.IGNORECASE)
# BuildKit's git URL forms (frontend/dockerfile/dockerfile2llb: isGitURL / gitutil.ParseURL).
_GIT = LazyPattern(r"(git://|git@|ssh://|github\.com/)|https?://[^#]*\.git(#|$)", re.IGNORECASE)
_COMMIT = LazyPattern(r"[0-9a-f]{40}|[0-9a-f]{64}")


def check(context: LintContext) -> Iterator[Violation]:
    for owner in context.document.instructions:
        instruction = owner.effective
        if instruction.keyword != "ADD" or instruction.flag("checksum") is not None or len(instruction.args) < 2:
            continue
        for source in instruction.args[:-1]:
            value = source.value.strip("'\"")
            if "$" in value:
                evaluation = context.semantics.expand_in(instruction, value)
                value = evaluation.value if evaluation.value is not None else value
            if _GIT.match(value):
                reference = value.partition("#")[2].split(":", 1)[0]
                # A reference the file does not fix (a build argument) may well be a commit id.
                if "$" not in reference and not _COMMIT.fullmatch(reference.lower()):
                    yield Violation(
                        "ADD of a git repository not pinned to a commit: the branch or tag can move; "
                        "use `#<full commit id>` or --checksum",
                        source.span,
                        owner.line,
                    )
            elif _HTTP.match(value):
                yield Violation(
                    "ADD of a URL without --checksum: the build takes whatever the server sends; "
                    "add --checksum=sha256:<digest>",
                    source.span,
                    owner.line,
                )
