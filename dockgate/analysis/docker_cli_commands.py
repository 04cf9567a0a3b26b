"""`docker build` and `docker run` commands written in the files around a Dockerfile.

Read, bounded, from the build context's own files (shell scripts, Makefiles,
justfiles, `package.json` scripts, README code blocks, and shell scripts in
its `scripts/` folder) and from the repository root's CI files
(`.github/workflows/*.yml`, `.gitlab-ci.yml`). A command is found by its
words on one logical line (backslash continuations joined, and in YAML CI
files the lines of a folded `run: >` block, which YAML reads as one line);
commands built from variables are left alone. A literal `run: |` block is a
script whose lines are commands, as in a shell file.
"""

from __future__ import annotations

import fnmatch
import functools
import json
import re
from pathlib import Path
from typing import Iterator

from dockgate.analysis.file_search import FileSearch
from dockgate.lazy_pattern import LazyPattern

MAX_COMMAND_FILES = 64
"""At most this many files are read per Dockerfile, in name order."""

_SCRIPT_PATTERNS = ("*.sh", "*.bash", "Makefile", "makefile", "GNUmakefile", "*.mk", "justfile", "Justfile", ".justfile", "package.json")
_README_PATTERNS = ("README.md", "README.markdown", "readme.md", "Readme.md", "README")
_CI_PATTERNS = (".github/workflows/*.yml", ".github/workflows/*.yaml", ".gitlab-ci.yml")
_FENCE = LazyPattern(r"\s*(```|~~~)")
_ENGINES = {"docker", "podman", "nerdctl"}

# `docker run` flags that take no value; every other long flag without `=` takes the next word.
_RUN_BOOLEAN_LONG = {
    "--rm", "--detach", "--interactive", "--tty", "--publish-all", "--init", "--privileged", "--read-only",
    "--quiet", "--no-healthcheck", "--oom-kill-disable", "--disable-content-trust", "--help",
}  # fmt: skip
_RUN_VALUE_SHORT = set("acehlmpuvw")
_BUILD_BOOLEAN_LONG = {"--no-cache", "--pull", "--quiet", "--load", "--push", "--rm", "--force-rm", "--squash", "--compress", "--help"}
_BUILD_VALUE_SHORT = set("fmto")


class DockerCommand:
    """One `docker build` or `docker run`, its options by name (`-p` and `--publish` alike) and positional words.

    A plain class: the result cache imports this module at every start, and only a lint makes one."""

    def __init__(self, kind: str, line: int) -> None:
        self.kind = kind
        """`build` or `run`."""
        self.line = line
        self.options: dict[str, list[str]] = {}
        self.positionals: list[str] = []

    def __repr__(self) -> str:
        return f"DockerCommand({self.kind!r}, {self.line}, options={self.options!r}, positionals={self.positionals!r})"


def command_files(dockerfile: Path, repository_root: Path | None, search: FileSearch | None = None) -> list[Path]:
    """The files whose `docker` commands may build or run the image of `dockerfile`.

    `search` answers what it was asked before from memory (the root's CI files are the same for every folder)."""
    search = search or FileSearch()
    context = dockerfile.parent
    root = repository_root or context
    # One listing per folder (not a glob per pattern): a warm cached run asks this for every folder it lints.
    context_names, root_names = search.names(context), search.names(root)
    found = [*_matching(context, _CONTEXT_NAMES, search), *_matching(root, _ROOT_CI_NAMES, search)]
    # A folder its parent's listing lacks is not listed (without a listing, it is tried).
    if context_names is None or "scripts" in context_names:
        found += _matching(search.child(context, "scripts"), _SHELL_SCRIPT_NAMES, search)
    if root_names is None or ".github" in root_names:
        found += _matching(search.child(search.child(root, ".github"), "workflows"), _WORKFLOW_NAMES, search)
    return sorted(path for path in set(found) if search.is_file(path))[:MAX_COMMAND_FILES]


_CONTEXT_NAMES = (*_SCRIPT_PATTERNS, *_README_PATTERNS)
_SHELL_SCRIPT_NAMES = ("*.sh",)
_WORKFLOW_NAMES = tuple(pattern.rsplit("/", 1)[1] for pattern in _CI_PATTERNS if pattern.startswith(".github/workflows/"))
_ROOT_CI_NAMES = tuple(pattern for pattern in _CI_PATTERNS if "/" not in pattern)


@functools.cache
def _names_pattern(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(fnmatch.translate(pattern) for pattern in patterns))


def _matching(folder: Path, patterns: tuple[str, ...], search: FileSearch) -> list[Path]:
    """The entries of `folder` whose names match one of `patterns` (case-sensitively, as a glob on POSIX does)."""
    known = search.matching_names.get((folder, patterns))
    if known is None:
        entries = search.names(folder) or ()
        names = _names_pattern(patterns)
        known = search.matching_names[folder, patterns] = [search.child(folder, name) for name in entries if names.match(name)]
    return known


def docker_commands(path: Path, text: str) -> Iterator[DockerCommand]:
    """Every `docker build` and `docker run` in the text of `path` (a file named by `command_files`)."""
    import shlex  # here: the result cache imports this module for `command_files` alone

    for line_number, line in _command_lines(path, text):
        try:
            lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
            lexer.whitespace_split = True
            words = list(lexer)
        except ValueError:
            continue  # unbalanced quotes: not a command we can read
        for start, word in enumerate(words):
            if word.rsplit("/", 1)[-1] in _ENGINES:
                command = _command(words[start + 1 :], line_number)
                if command is not None:
                    yield command


def _command(words: list[str], line: int) -> DockerCommand | None:
    words = words[: next((index for index, word in enumerate(words) if word in {"&&", "||", ";", "|", "&", ")"}), len(words))]
    if words[:2] in (["buildx", "build"], ["image", "build"], ["container", "run"]):
        words = words[1:]
    if not words or words[0] not in ("build", "run"):
        return None
    kind = words[0]
    boolean_long, value_short = (_RUN_BOOLEAN_LONG, _RUN_VALUE_SHORT) if kind == "run" else (_BUILD_BOOLEAN_LONG, _BUILD_VALUE_SHORT)
    command = DockerCommand(kind, line)
    rest = iter(words[1:])
    for word in rest:
        if kind == "run" and command.positionals:
            break  # the container's own command follows the image
        if word.startswith("--") and len(word) > 2:
            name, equals, value = word.partition("=")
            if not equals and name not in boolean_long:
                value = next(rest, "")
            command.options.setdefault(_long_name(name), []).append(value)
        elif word.startswith("-") and len(word) > 1:
            for index, letter in enumerate(word[1:], start=2):
                if letter in value_short:
                    command.options.setdefault(f"-{letter}", []).append(word[index:] or next(rest, ""))
                    break
        else:
            command.positionals.append(word)
    return command


def _long_name(name: str) -> str:
    return {"--publish": "-p", "--tag": "-t", "--file": "-f"}.get(name, name)


def _command_lines(path: Path, text: str) -> Iterator[tuple[int, str]]:
    """The logical lines of `text` that may hold commands, with the line each starts on."""
    if path.name == "package.json":
        yield from _package_scripts(text)
        return
    readme = path.name.lower().startswith("readme")
    in_code = not readme  # a README's commands are in its fenced code blocks
    pending: list[str] = []
    start = 0
    lines = text.splitlines()
    if path.suffix in (".yml", ".yaml"):
        lines = _unfolded(lines)
    for number, line in enumerate(lines, start=1):
        if readme and _FENCE.match(line):
            in_code, pending = not in_code, []
            continue
        if not in_code:
            continue
        if not pending:
            start = number
        stripped = re.sub(r"^\s*[$>]\s+", "", line)  # a shell prompt in a README
        if stripped.endswith("\\"):
            pending.append(stripped[:-1])
            continue
        pending.append(stripped)
        yield start, " ".join(pending)
        pending = []


_FOLDED_BLOCK = LazyPattern(r"(?:^|[:-])\s*>[-+0-9]*\s*(?:#.*)?$")


def _unfolded(lines: list[str]) -> list[str]:
    """A CI file's lines with each folded block (`run: >`, `- >-`) joined into its first line, as YAML
    reads it: one command can span the block's lines without backslashes. The lines a block
    takes are left blank, so line numbers still hold."""
    result = list(lines)
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not _FOLDED_BLOCK.search(line) or line.lstrip().startswith("#"):
            continue
        parent_indent = len(line) - len(line.lstrip())
        first = None
        while index < len(lines):
            body = lines[index]
            if body.strip() and len(body) - len(body.lstrip()) <= parent_indent:
                break
            if body.strip():
                if first is None:
                    first = index
                else:
                    # Folding joins lines with a space; a blank line would keep a newline, which ends the command.
                    result[first] += " " + body.strip()
                    result[index] = ""
            elif first is not None:
                first = None
            index += 1
    return result


def _package_scripts(text: str) -> Iterator[tuple[int, str]]:
    try:
        scripts = json.loads(text).get("scripts")
    except (ValueError, AttributeError):
        return
    if not isinstance(scripts, dict):
        return
    lines = text.splitlines()
    for name, script in scripts.items():
        if isinstance(script, str):
            line = next((number for number, line in enumerate(lines, start=1) if f'"{name}"' in line), 1)
            yield line, script
