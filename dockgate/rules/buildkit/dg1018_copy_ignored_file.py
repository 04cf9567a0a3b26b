"""
## What it does
Reports a COPY or ADD source from the build context that `.dockerignore`
excludes, so it never reaches the builder. The ignore file is
`<Dockerfile name>.dockerignore` next to the Dockerfile if there is one,
else `.dockerignore` in the Dockerfile's directory (taken as the build
context). As in Docker's `CopyIgnoredFile` build check, the rule stays
silent when the ignore file has any `!` exception, for `--from` sources,
URLs and heredocs, and for stdin input; the context root (`.`) counts only
when a pattern is `*`, `**` or `**/*`.

## Why is this bad?
The build fails with "not found", or, for a directory, silently copies less
than the Dockerfile suggests.

## Example
```dockerfile
# .dockerignore holds: config/
FROM alpine
COPY config/app.toml /etc/app/
```

## Use instead
```dockerfile
# Remove config/ from .dockerignore, or copy something that is sent.
FROM alpine
COPY defaults/app.toml /etc/app/
```
"""

import posixpath
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from dockgate.linter.findings import Level, Violation
from dockgate.linter.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DG1018",
    name="copy-ignored-file",
    summary="Attempting to copy a file that is excluded by .dockerignore",
    level=Level.WARNING,
    aliases=("CopyIgnoredFile",),
    documentation=__doc__,
)

_CONTEXT_ROOT_PATTERNS = frozenset({"*", "**", "**/*"})
_REMOTE_SOURCE = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*://|git@)")


def go_clean(path: str) -> str:
    """Go's path.Clean (posixpath.normpath keeps a leading `//`)."""
    cleaned = posixpath.normpath(path) if path else "."
    return "/" + cleaned.lstrip("/") if cleaned.startswith("//") else cleaned


def read_patterns(text: str) -> list[str]:
    """The patterns of an ignore file as moby/patternmatcher ignorefile.ReadAll returns them."""
    patterns = []
    for number, line in enumerate(text.splitlines()):
        if number == 0:
            line = line.removeprefix("\ufeff")
        if line.startswith("#"):
            continue
        pattern = line.strip()
        if not pattern:
            continue
        invert = pattern.startswith("!")
        if invert:
            pattern = pattern[1:].strip()
        if pattern:
            pattern = go_clean(pattern)
            if len(pattern) > 1 and pattern.startswith("/"):
                pattern = pattern[1:]
        patterns.append("!" + pattern if invert else pattern)
    return patterns


@lru_cache(maxsize=256)
def pattern_regex(pattern: str) -> re.Pattern[str]:
    """A .dockerignore pattern as a regex (moby/patternmatcher Pattern.compile)."""
    parts = ["^"]
    index, length = 0, len(pattern)
    while index < length:
        char = pattern[index]
        index += 1
        if char == "*":
            if index < length and pattern[index] == "*":
                index += 1
                if index < length and pattern[index] == "/":
                    index += 1
                # `**` at the end takes everything; elsewhere any number of directories.
                parts.append(".*" if index >= length else "(.*/)?")
            else:
                parts.append("[^/]*")
        elif char == "?":
            parts.append("[^/]")
        elif char == "\\":
            if index < length:
                parts.append(re.escape(pattern[index]))
                index += 1
            else:
                parts.append(re.escape("\\"))
        elif char == "[":
            closing = pattern.find("]", index + 1)
            if closing < 0:
                parts.append(re.escape(char))
            else:
                body = pattern[index:closing]
                if body.startswith("^"):
                    body = "!" + body[1:]
                parts.append("[" + ("^" + body[1:] if body.startswith("!") else body).replace("\\", "\\\\") + "]")
                index = closing + 1
        else:
            parts.append(re.escape(char))
    parts.append("$")
    return re.compile("".join(parts), re.DOTALL)


def is_excluded(source: str, patterns: list[str]) -> bool:
    """moby/patternmatcher MatchesOrParentMatches, for patterns without exceptions."""
    if source in (".", "/"):
        return any(pattern in _CONTEXT_ROOT_PATTERNS for pattern in patterns)
    path = source.lstrip("/")
    parent = posixpath.dirname(path)
    candidates = [path]
    if parent:
        directories = parent.split("/")
        candidates += ["/".join(directories[: index + 1]) for index in range(len(directories))]
    return any(pattern_regex(pattern).match(candidate) for pattern in patterns for candidate in candidates)


def _ignore_patterns(context: LintContext) -> list[str] | None:
    if context.build_context is None:
        return None
    for name in (Path(context.path).name + ".dockerignore", ".dockerignore"):
        ignore_file = context.build_context / name
        if ignore_file.is_file():
            try:
                return read_patterns(ignore_file.read_text(encoding="utf-8", errors="replace"))
            except OSError:
                return None
    return None


def check(context: LintContext) -> Iterator[Violation]:
    patterns = _ignore_patterns(context)
    # dockerfile2llb validations.go validateCopySourcePath: exceptions are too hard to judge statically.
    if not patterns or any(pattern.startswith("!") for pattern in patterns):
        return
    semantics = context.semantics
    for stage in semantics.stages:
        for instruction in stage.instructions:
            if instruction.keyword not in ("COPY", "ADD") or instruction.flag("from") is not None:
                continue
            heredoc_names = {heredoc.name for heredoc in instruction.heredocs}
            verb = "Copy" if instruction.keyword == "COPY" else "Add"
            for word in instruction.args[:-1]:
                if word.value.startswith("<<") and word.value.lstrip("<-").strip("'\"") in heredoc_names:
                    continue
                evaluation = semantics.expand_in(instruction, word.value)
                # A path that depends on a build argument or the base image is unknown here.
                if evaluation.value is None:
                    continue
                source = evaluation.value
                if instruction.keyword == "ADD" and _REMOTE_SOURCE.match(source):
                    continue
                source = go_clean(source)
                if is_excluded(source, patterns):
                    yield Violation(
                        f'Attempting to {verb} file "{source}" that is excluded by .dockerignore',
                        word.span,
                        instruction.line,
                    )
