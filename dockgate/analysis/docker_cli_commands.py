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
import os
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

MAX_COMMAND_FILES = 64
"""At most this many files are read per Dockerfile, in name order."""

_SCRIPT_PATTERNS = ("*.sh", "*.bash", "Makefile", "makefile", "GNUmakefile", "*.mk", "justfile", "Justfile", ".justfile", "package.json")
_README_PATTERNS = ("README.md", "README.markdown", "readme.md", "Readme.md", "README")
_CI_PATTERNS = (".github/workflows/*.yml", ".github/workflows/*.yaml", ".gitlab-ci.yml")
_FENCE = re.compile(r"\s*(```|~~~)")
_ENGINES = {"docker", "podman", "nerdctl"}

# `docker run` flags that take no value; every other long flag without `=` takes the next word.
_RUN_BOOLEAN_LONG = {
    "--rm", "--detach", "--interactive", "--tty", "--publish-all", "--init", "--privileged", "--read-only",
    "--quiet", "--no-healthcheck", "--oom-kill-disable", "--disable-content-trust", "--help",
}  # fmt: skip
_RUN_VALUE_SHORT = set("acehlmpuvw")
_BUILD_BOOLEAN_LONG = {"--no-cache", "--pull", "--quiet", "--load", "--push", "--rm", "--force-rm", "--squash", "--compress", "--help"}
_BUILD_VALUE_SHORT = set("fmto")


@dataclass
class DockerCommand:
    """One `docker build` or `docker run`, its options by name (`-p` and `--publish` alike) and positional words."""

    kind: str
    """`build` or `run`."""
    line: int
    options: dict[str, list[str]] = field(default_factory=dict)
    positionals: list[str] = field(default_factory=list)


def command_files(dockerfile: Path, repository_root: Path | None) -> list[Path]:
    """The files whose `docker` commands may build or run the image of `dockerfile`."""
    context = dockerfile.parent
    root = repository_root or context
    # One listing per folder (not a glob per pattern): a warm cached run asks this for every folder it lints.
    # The context is often the root too (outside a repository, or a Dockerfile at its top): listed once.
    context_entries = _entries(context)
    found = [
        *_matching(context, context_entries, _CONTEXT_NAMES),
        *_matching(context / "scripts", None, _SHELL_SCRIPT_NAMES),
        *_matching(root / ".github" / "workflows", None, _WORKFLOW_NAMES),
        *_matching(root, context_entries if root == context else None, _ROOT_CI_NAMES),
    ]
    return sorted(path for path in set(found) if path.is_file())[:MAX_COMMAND_FILES]


_CONTEXT_NAMES = (*_SCRIPT_PATTERNS, *_README_PATTERNS)
_SHELL_SCRIPT_NAMES = ("*.sh",)
_WORKFLOW_NAMES = tuple(pattern.rsplit("/", 1)[1] for pattern in _CI_PATTERNS if pattern.startswith(".github/workflows/"))
_ROOT_CI_NAMES = tuple(pattern for pattern in _CI_PATTERNS if "/" not in pattern)


@functools.cache
def _names_pattern(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(fnmatch.translate(pattern) for pattern in patterns))


def _entries(folder: Path) -> list[str]:
    """The names in `folder`; none when it cannot be listed."""
    try:
        return os.listdir(folder)
    except OSError:
        return []


def _matching(folder: Path, entries: list[str] | None, patterns: tuple[str, ...]) -> list[Path]:
    """The entries of `folder` (listed here when `entries` is None) whose names match one of
    `patterns` (case-sensitively, as a glob on POSIX does)."""
    names = _names_pattern(patterns)
    return [folder / name for name in (_entries(folder) if entries is None else entries) if names.match(name)]


def docker_commands(path: Path, text: str) -> Iterator[DockerCommand]:
    """Every `docker build` and `docker run` in the text of `path` (a file named by `command_files`)."""
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


_FOLDED_BLOCK = re.compile(r"(?:^|[:-])\s*>[-+0-9]*\s*(?:#.*)?$")


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
