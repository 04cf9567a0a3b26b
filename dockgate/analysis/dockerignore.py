"""The build context's .dockerignore: reading it and matching paths as Docker does.

The ignore file is `<Dockerfile name>.dockerignore` beside the Dockerfile's
name in the context if there is one, else `.dockerignore` at the context root
(BuildKit dockerui: the Dockerfile-specific file wins). Patterns and matching
follow moby/patternmatcher (ignorefile.ReadAll, Pattern.compile,
MatchesOrParentMatches).
"""

from __future__ import annotations

import os
import posixpath
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from dockgate.analysis.file_search import FileSearch
    from dockgate.dockerfile.model import Document, Instruction, Word

_CONTEXT_ROOT_PATTERNS = frozenset({"*", "**", "**/*"})


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
                _append_repetition(parts, ".*" if index >= length else "(.*/)?")
            else:
                _append_repetition(parts, "[^/]*")
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
                parts.append(_character_class(pattern[index:closing]))
                index = closing + 1
        else:
            parts.append(re.escape(char))
    parts.append("$")
    try:
        return re.compile("".join(parts), re.DOTALL)
    except re.error:
        # A reversed range (`[z-a]`): Go's regexp refuses the pattern, so it matches nothing.
        return re.compile("(?!)")


def _append_repetition(parts: list[str], repetition: str) -> None:
    """Add `*` (`[^/]*`) or `**` (`(.*/)?`, `.*` at the end) after merging it with a repetition
    just before it that covers it or that it covers: `**/**/` means what `**/` means, and a run of
    them would make the regex backtrack exponentially on a long path."""
    previous = parts[-1]
    if previous == ".*" or previous == repetition:
        return
    if repetition == ".*" and previous in ("[^/]*", "(.*/)?"):
        parts[-1] = ".*"
        return
    parts.append(repetition)


def _character_class(body: str) -> str:
    """A `[...]` class as a regex class: `!` or `^` negates, `a-z` is a range, anything else is literal."""
    negated = body[:1] in ("!", "^")
    if negated:
        body = body[1:]
    members = "".join(char if char == "-" else re.escape(char) for char in body)
    return "[" + ("^" if negated else "") + members + "]"


def _path_and_parents(path: str) -> list[str]:
    parent = posixpath.dirname(path)
    candidates = [path]
    if parent:
        directories = parent.split("/")
        candidates += ["/".join(directories[: index + 1]) for index in range(len(directories))]
    return candidates


class DockerIgnore(NamedTuple):  # a named tuple: a cached run imports this module at every start
    """The patterns of one ignore file, in order (`!` marks an exception)."""

    patterns: tuple[str, ...]
    file: Path | None = None

    @property
    def has_exceptions(self) -> bool:
        return any(pattern.startswith("!") for pattern in self.patterns)

    def excludes(self, path: str) -> bool:
        """Whether the context path (slash-separated, relative to the root) is left out of the
        build context: the last pattern that matches it or one of its parents decides
        (moby/patternmatcher MatchesOrParentMatches)."""
        path = go_clean(path)
        if path in (".", "/"):
            return any(pattern in _CONTEXT_ROOT_PATTERNS for pattern in self.patterns)
        candidates = _path_and_parents(path.lstrip("/"))
        excluded = False
        for pattern in self.patterns:
            exception = pattern.startswith("!")
            if exception != excluded:
                continue  # an exception can only re-include, an exclusion only exclude
            regex = pattern_regex(pattern[1:] if exception else pattern)
            if any(regex.match(candidate) for candidate in candidates):
                excluded = not exception
        return excluded


def ignore_file_path(context_dir: Path, dockerfile_name: str, search: FileSearch | None = None) -> Path | None:
    """The ignore file in force for `dockerfile_name` in the build context, if any.

    With a `search`, a name its listing of the context lacks is not looked up (a run keys many Dockerfiles)."""
    names = search.names(context_dir) if search is not None else None
    for name in (dockerfile_name + ".dockerignore", ".dockerignore"):
        if names is not None and name not in names:
            continue
        candidate = context_dir / name
        if candidate.is_file():
            return candidate
    return None


def read_dockerignore(context_dir: Path, dockerfile_name: str) -> DockerIgnore | None:
    """The ignore file of the build context, or None when there is none (or it cannot be read)."""
    ignore_file = ignore_file_path(context_dir, dockerfile_name)
    if ignore_file is None:
        return None
    try:
        text = ignore_file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return DockerIgnore(tuple(read_patterns(text)), ignore_file)


def whole_context_sources(document: Document) -> list[tuple[Instruction, Word]]:
    """The COPY/ADD sources that send the whole build context (`.`, `./`, `/`, `*`, `./*`).

    `--from` copies and ONBUILD triggers (they run in another build's context) do not count.
    """
    found = []
    for instruction in document.instructions:
        if instruction.keyword not in ("COPY", "ADD") or instruction.flag("from") is not None:
            continue
        for word in instruction.args[:-1]:
            value = word.value.strip("'\"")
            if value and "$" not in value and go_clean(value) in (".", "/", "*", "/*"):
                found.append((instruction, word))
    return found


MAX_CONTEXT_FILES = 20000
"""Files looked at per build context: a huge one (a home directory) is cut short, not walked for minutes."""
# Not walked, for speed: version-control data, and vendored trees whose key-named files are test fixtures.
_NOT_WALKED_DIRECTORIES = frozenset({".git", ".hg", ".svn", "node_modules"})


def context_files(context_dir: Path, ignore: DockerIgnore | None) -> list[str]:
    """Relative paths (slash-separated) of the files the build context sends to the builder,
    as far as the first MAX_CONTEXT_FILES go (.git and node_modules are not walked). Excluded directories are not walked unless the
    ignore file has exceptions (which may re-include something below them)."""
    found: list[str] = []
    prune = ignore is not None and not ignore.has_exceptions
    for directory, subdirectories, files in os.walk(context_dir):
        relative_directory = Path(directory).relative_to(context_dir).as_posix()
        prefix = "" if relative_directory == "." else relative_directory + "/"
        subdirectories[:] = sorted(
            name
            for name in subdirectories
            if name not in _NOT_WALKED_DIRECTORIES
            and not (prune and ignore is not None and ignore.excludes(prefix + name))
        )
        for name in sorted(files):
            path = prefix + name
            if ignore is None or not ignore.excludes(path):
                found.append(path)
                if len(found) >= MAX_CONTEXT_FILES:
                    return found
    return found
