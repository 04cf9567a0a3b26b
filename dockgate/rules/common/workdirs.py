"""Making a relative WORKDIR absolute, where this file shows which directory it is relative to;
for the fixes of DL3000 and DG1010, not a rule itself."""

from __future__ import annotations

import posixpath

from dockgate.analysis.semantics import SCRATCH, Stage
from dockgate.dockerfile.model import Instruction
from dockgate.rule_api.findings import Edit, Fix
from dockgate.rule_api.rule import LintContext

# A path written as it is meant: no variables, quotes, escapes, blanks or drive letters.
_PLAIN_PATH = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./@+,%")


def absolute_workdir_fix(context: LintContext, owner: Instruction, workdir: Instruction) -> Fix | None:
    """The unsafe fix writing the absolute path a relative `WORKDIR` (written plainly) resolves to,
    when the working directory before it is known; `owner` is `workdir` or its ONBUILD."""
    if owner is not workdir or len(workdir.args) != 1:
        return None  # an ONBUILD trigger runs in a child image, whose directory is not known here
    word = workdir.args[0]
    path = word.value
    if path.startswith("/") or not path or not all(char in _PLAIN_PATH for char in path):
        return None
    if context.document.slice(word.span) != path:
        return None
    base = working_directory_before(context, workdir)
    if base is None:
        return None
    absolute = _clean(posixpath.join(base, path))
    return Fix.unsafe(f"Write the absolute path {absolute}", Edit(word.span, absolute))


def working_directory_before(context: LintContext, instruction: Instruction) -> str | None:
    """The working directory in force just before `instruction`, None when the file does not fix it.

    It starts at `/` for a stage chain built from scratch (an image's own
    directory is not known), and follows every WORKDIR of the chain, as
    BuildKit joins a relative one to the directory before it.
    """
    semantics = context.semantics
    stage = semantics.stage_of(instruction)
    chain: list[Stage] = []
    while stage is not None:
        chain.insert(0, stage)
        stage = stage.base_stage
    if not chain:
        return None
    root = chain[0]
    current: str | None = "/" if root.base_name_known and root.base_name == SCRATCH else None
    for member in chain:
        for item in member.instructions:
            if item is instruction:
                return current
            if item.keyword != "WORKDIR" or len(item.args) != 1:
                continue
            value = semantics.expand_in(item, item.args[0].value).value
            if value is None or "\\" in value:
                current = None
            elif value.startswith("/"):
                current = _clean(value)
            elif current is not None:
                current = _clean(posixpath.join(current, value))
    return current


def _clean(path: str) -> str:
    """Go's path.Clean for an absolute path (posixpath keeps a leading `//`)."""
    cleaned = posixpath.normpath(path)
    return "/" + cleaned.lstrip("/")
