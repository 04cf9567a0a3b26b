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

## Fix safety
Safe: the fix writes `COPY` for `ADD`. For local files and folders that are
not archives the two copy the same thing. ADD recognises an archive by its
contents, so when the build context is at hand a source that is an archive
under another name (gzip, bzip2, xz, zstd or tar data) gets no fix; nor does
an ADD with a flag COPY does not take (`--checksum`, `--keep-git-dir`,
`--unpack`).
"""

from pathlib import Path
from typing import Iterator

from dockgate.dockerfile.model import Instruction
from dockgate.rule_api.findings import Applicability, Edit, Fix, Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DL3020",
    name="add-instead-of-copy",
    summary="ADD used for local files; use COPY",
    level=Level.ERROR,
    precision="very-high",
    fix=Applicability.SAFE,
    documentation=__doc__,
)

MESSAGE = "Use COPY instead of ADD for files and folders"

# hadolint's list, plus zstd, which Docker's ADD unpacks as well.
_ARCHIVE_SUFFIXES = (
    ".tar", ".Z", ".bz2", ".gz", ".lz", ".lzma", ".tZ", ".tb2", ".tbz", ".tbz2",
    ".tgz", ".tlz", ".tpz", ".txz", ".xz", ".zst", ".tzst",
)  # fmt: skip
_REMOTE_PREFIXES = ("http://", "https://", "git@", "git://", "ssh://")
_FLAGS_COPY_TAKES = frozenset({"chown", "chmod", "link", "exclude"})
# gzip, bzip2, xz and zstd, which ADD decompresses, and the tar header it unpacks.
_COMPRESSION_MAGIC = (b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00", b"\x28\xb5\x2f\xfd")
_TAR_MAGIC = b"ustar"
_TAR_MAGIC_AT = 257


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
            yield Violation(MESSAGE, add.keyword_span, instruction.span.line, fix=_as_copy(context, add, sources))


def _as_copy(context: LintContext, add: Instruction, sources: list[str | None]) -> Fix | None:
    """The keyword COPY in ADD's casing, unless a flag is ADD's own or a source in the build context
    is an archive under a name that does not say so (ADD unpacks it by its contents)."""
    if any(flag.name not in _FLAGS_COPY_TAKES for flag in add.flags):
        return None
    if context.build_context is not None and any(
        source is not None and not source.startswith("<<") and _holds_archive(context.build_context, source) for source in sources
    ):
        return None
    keyword = "copy" if add.keyword_as_written.islower() else "COPY"
    return Fix.safe("Use COPY", Edit(add.keyword_span, keyword))


def _holds_archive(build_context: Path, source: str) -> bool:
    relative = source.lstrip("/")
    try:
        paths = list(build_context.glob(relative)) if any(char in relative for char in "*?[") else [build_context / relative]
        for path in paths:
            if path.is_file():
                with path.open("rb") as file:
                    head = file.read(_TAR_MAGIC_AT + len(_TAR_MAGIC))
                if head.startswith(_COMPRESSION_MAGIC) or head[_TAR_MAGIC_AT:].startswith(_TAR_MAGIC):
                    return True
    except (OSError, ValueError):
        return True  # unreadable: it might be anything
    return False


def _needs_add(source: str) -> bool:
    return source.startswith(_REMOTE_PREFIXES) or source.endswith(_ARCHIVE_SUFFIXES)
