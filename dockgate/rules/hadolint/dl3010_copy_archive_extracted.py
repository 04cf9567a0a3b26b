"""
## What it does
Reports a `COPY` of a local tar archive that a later RUN of the same stage
unpacks (`tar -x`, `tar xf`, or `gunzip`, `bunzip2`, `unxz`, `zcat` of a
compressed tar). The finding is on the COPY, at the archive. An archive is
recognised by its name: `.tar`, optionally compressed with gzip, bzip2, xz
or zstd (`.tar.gz`, `.tgz`, `.tar.bz2`, `.tbz2`, `.tar.xz`, `.txz`,
`.tar.zst`), or a `.gz`, `.bz2`, `.xz` or `.zst` file that `tar` unpacks.
These are the formats `ADD` unpacks by itself; `.zip`, `.Z` and `.lz` are
not, so they are not reported (hadolint reports `.Z`, `.lz` and bare
`.gz` files given to `gunzip` as well).

## Why is this bad?
Copying an archive and unpacking it in a RUN stores it twice: the archive
stays in the COPY layer even if the RUN deletes it afterwards. `ADD` with a
local tar archive unpacks it into the destination in one layer, without
the archive.

## Example
```dockerfile
FROM debian:12
COPY app.tar.gz /tmp/
RUN tar -xzf /tmp/app.tar.gz -C /opt && rm /tmp/app.tar.gz
```

## Use instead
```dockerfile
FROM debian:12
ADD app.tar.gz /opt/
```
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from typing import Iterator

from dockgate.analysis.shell import ShellCommand, ShellScript
from dockgate.dockerfile.model import Instruction, Word
from dockgate.lazy_pattern import LazyPattern
from dockgate.records import Record
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DL3010",
    name="copy-archive-extracted",
    summary="a copied archive is unpacked by a RUN; ADD would unpack it in one layer",
    level=Level.INFO,
    precision="medium",
    documentation=__doc__,
)

MESSAGE = "Use `ADD` for extracting archives into an image"
TAR_ARCHIVES = (
    ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tb2", ".tar.xz", ".txz", ".tar.zst", ".tzst",
)
COMPRESSED_FILES = (".gz", ".bz2", ".xz", ".zst")
DECOMPRESSORS = frozenset({"gunzip", "bunzip2", "unxz", "unzstd", "zcat", "gzcat", "bzcat", "xzcat", "zstdcat"})
_OLD_STYLE_TAR_OPTIONS = LazyPattern(r"[A-Za-z]+")


class _CopiedArchive(Record):
    __slots__ = ("copy", "word", "name")

    copy: Instruction
    word: Word
    name: str
    """The file name in the image (a glob when the source is one)."""

    def __init__(self, copy: Instruction, word: Word, name: str) -> None:
        self.copy = copy
        self.word = word
        self.name = name


def check(context: LintContext) -> Iterator[Violation]:
    scripts = {id(run.instruction): run.script for run in context.run_scripts}
    archives: list[_CopiedArchive] = []
    reported: set[int] = set()
    for instruction in context.document.instructions:
        if instruction.keyword == "FROM":
            archives = []
        elif instruction.keyword == "COPY":
            archives.extend(_copied_archives(instruction))
        elif instruction.keyword == "RUN" and archives:
            script = scripts.get(id(instruction))
            if script is None:
                continue
            for archive in archives:
                if id(archive.copy) not in reported and _unpacks(context, script, archive.name):
                    reported.add(id(archive.copy))
                    yield Violation(MESSAGE, archive.word.span, archive.copy.line)


def _copied_archives(copy: Instruction) -> list[_CopiedArchive]:
    """The archives a COPY from the build context puts into the image, by their name there."""
    if copy.flag("from") is not None or copy.heredocs or len(copy.args) < 2:
        return []
    *sources, destination = copy.args
    if is_archive(destination.value):
        # Copied under a new name: the RUN refers to that name.
        return [_CopiedArchive(copy, destination, base_name(destination.value))]
    return [_CopiedArchive(copy, word, base_name(word.value)) for word in sources if is_archive(word.value)]


def is_archive(path: str) -> bool:
    return _unquoted(path).endswith(TAR_ARCHIVES + COMPRESSED_FILES)


def base_name(path: str) -> str:
    return re.split(r"[/\\]", _unquoted(path))[-1]


def _unquoted(text: str) -> str:
    return text.strip("\"'")


def _unpacks(context: LintContext, script: ShellScript, archive_name: str) -> bool:
    for command in script.commands:
        if command.program == "tar" and _extracts(command):
            tar_archives = True
        elif command.program in DECOMPRESSORS:
            tar_archives = archive_name.endswith(TAR_ARCHIVES)
        else:
            continue
        # The word as written: bashlex drops the backslashes of `"C:\dir\a.tar"` inside double quotes.
        if tar_archives and any(
            fnmatchcase(base_name(context.document.slice(word.span)), archive_name)
            for word in command.words
            if not word.value.startswith("-")
        ):
            return True
    return False


def _extracts(tar: ShellCommand) -> bool:
    """`tar -x`, `tar --extract`/`--get`, or the old style `tar xzf` (options bundled in the first word)."""
    for position, word in enumerate(tar.words):
        value = word.value
        if value in ("--extract", "--get"):
            return True
        if value.startswith("-") and not value.startswith("--") and "x" in value:
            return True
        if position == 0 and _OLD_STYLE_TAR_OPTIONS.fullmatch(value) and "x" in value:
            return True
    return False
