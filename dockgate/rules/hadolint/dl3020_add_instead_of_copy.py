"""
## What it does
Reports an `ADD` whose sources are all plain local files or folders: no
`http(s)://` URL, no Git repository (`git@...`, `git://`, `ssh://`) and no
local archive (`.tar`, `.tar.gz`, `.tgz`, `.tar.xz`, `.tar.zst`, ...). It
checks `ADD` registered with `ONBUILD` too. A source whose value the file
does not fix (`ADD $PACKAGE /opt/`) is left alone.

## Why is this bad?
`ADD` does more than copy: it downloads URLs, clones Git repositories and
unpacks archives. Using it for ordinary files hides which of those the
author meant, and a later rename to `something.tar` silently changes the
result. `COPY` does exactly one thing.

## Example
```dockerfile
FROM python:3.12
ADD requirements.txt /app/
```

## Use instead
```dockerfile
FROM python:3.12
COPY requirements.txt /app/
```
"""

from typing import Iterator

from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DL3020",
    name="add-instead-of-copy",
    summary="ADD used for local files; use COPY",
    level=Level.ERROR,
    documentation=__doc__,
)

MESSAGE = "Use COPY instead of ADD for files and folders"

# hadolint's list, plus zstd, which Docker's ADD unpacks as well.
_ARCHIVE_SUFFIXES = (
    ".tar", ".Z", ".bz2", ".gz", ".lz", ".lzma", ".tZ", ".tb2", ".tbz", ".tbz2",
    ".tgz", ".tlz", ".tpz", ".txz", ".xz", ".zst", ".tzst",
)  # fmt: skip
_REMOTE_PREFIXES = ("http://", "https://", "git@", "git://", "ssh://")


def check(context: LintContext) -> Iterator[Violation]:
    semantics = context.semantics
    for instruction in context.document.instructions:
        add = instruction.effective
        if add.keyword != "ADD" or len(add.args) < 2:
            continue
        sources: list[str | None] = []
        for word in add.args[:-1]:
            if add.heredocs and word.value.startswith("<<"):
                sources.append(word.value)  # an inline file: COPY takes it just the same
                continue
            evaluation = semantics.expand_in(add, word.value)
            sources.append(None if evaluation.value is None or evaluation.undefined else evaluation.value)
        if all(source is not None and not _needs_add(source) for source in sources):
            yield Violation(MESSAGE, add.keyword_span, instruction.span.line)


def _needs_add(source: str) -> bool:
    return source.startswith(_REMOTE_PREFIXES) or source.endswith(_ARCHIVE_SUFFIXES)
