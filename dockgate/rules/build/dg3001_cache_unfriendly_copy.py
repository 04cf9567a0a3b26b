"""
## What it does
Reports a dependency install that needs only manifest files (`pip install -r
requirements.txt`, `poetry install`, `pipenv install`, `uv sync`, `npm ci`,
`npm install` without packages, `yarn install`, `pnpm install`, `bundle
install`, `go mod download`, `composer install`, `cargo fetch`, `mvn
dependency:go-offline`, `gradle dependencies`) when, earlier in the same
stage, a COPY or ADD brought in the whole build context (`.`, `./`, `*`) or a
directory the install runs in. It is not reported when the manifest files
were copied on their own before that broad COPY. COPY --from is not judged.

## Why is this bad?
A COPY's cache is invalidated whenever any copied file changes. With the
whole source copied before the install, every code edit reinstalls all the
dependencies. Copying the manifests first and installing before the rest of
the source keeps the install layer cached until the dependencies change.

## Example
```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -r requirements.txt
```

## Use instead
```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
```
"""

from __future__ import annotations

import posixpath
from fnmatch import fnmatch
from typing import Iterator

from dockgate.analysis.shell import RunScript, ShellCommand
from dockgate.dockerfile.model import Instruction
from dockgate.records import Record
from dockgate.rule_api.findings import Level, RelatedLocation, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.language_packages import PipInstall, pip_installs
from dockgate.rules.common.package_managers import (
    OptionSyntax,
    parse_command,
)
from dockgate.rules.common.run_commands import instruction_line

RULE = RuleMeta(
    code="DG3001",
    name="cache-unfriendly-copy",
    summary="The whole build context is copied before a dependency install that needs only manifest files",
    level=Level.INFO,
    precision="medium",
    tags=("build", "cache"),
    documentation=__doc__,
)

WHOLE_CONTEXT = frozenset({".", "./", "*", "./*", "./."})
_NO_OPTIONS = OptionSyntax()
_PACKAGE_TOOL_MANIFESTS: dict[tuple[str, str], tuple[str, ...]] = {
    # (program, subcommand) -> the files the install reads
    ("npm", "ci"): ("package.json", "package-lock.json"),
    ("npm", "install"): ("package.json", "package-lock.json"),
    ("npm", "i"): ("package.json", "package-lock.json"),
    ("yarn", "install"): ("package.json", "yarn.lock"),
    ("yarn", ""): ("package.json", "yarn.lock"),
    ("pnpm", "install"): ("package.json", "pnpm-lock.yaml"),
    ("pnpm", "i"): ("package.json", "pnpm-lock.yaml"),
    ("pnpm", "fetch"): ("pnpm-lock.yaml",),
    ("poetry", "install"): ("pyproject.toml", "poetry.lock"),
    ("pipenv", "install"): ("Pipfile", "Pipfile.lock"),
    ("pipenv", "sync"): ("Pipfile", "Pipfile.lock"),
    ("uv", "sync"): ("pyproject.toml", "uv.lock"),
    ("bundle", "install"): ("Gemfile", "Gemfile.lock"),
    ("composer", "install"): ("composer.json", "composer.lock"),
    ("cargo", "fetch"): ("Cargo.toml", "Cargo.lock"),
    ("mvn", "dependency:go-offline"): ("pom.xml",),
    ("mvn", "dependency:resolve"): ("pom.xml",),
    ("gradle", "dependencies"): ("build.gradle", "settings.gradle"),
}
_MANIFEST_GLOBS = {
    "package.json": "package*.json",
    "build.gradle": "build.gradle*",
    "settings.gradle": "settings.gradle*",
}
_MAVEN_GOALS = ("dependency:go-offline", "dependency:resolve")


class DependencyInstall(Record):
    __slots__ = ("command", "manifests", "directory")

    command: ShellCommand
    manifests: tuple[str, ...]
    directory: str
    """Where it runs (WORKDIR and any `cd` before it); empty when unknown."""

    def __init__(self, command: ShellCommand, manifests: tuple[str, ...], directory: str) -> None:
        self.command = command
        self.manifests = manifests
        self.directory = directory


def check(context: LintContext) -> Iterator[Violation]:
    semantics = context.semantics
    runs = {id(run.instruction): run for run in context.run_scripts if run.owner is run.instruction}
    for stage in semantics.stages:
        workdir = "/"
        broad_copy: tuple[Instruction, str, str] | None = None  # (COPY, source text, destination)
        copied_alone: list[str] = []  # sources of COPY/ADD (and bind mounts) before the broad one
        installed_before: set[tuple[str, ...]] = set()  # manifests already installed from before the broad COPY
        for instruction in stage.instructions:
            keyword = instruction.keyword
            if keyword == "WORKDIR" and instruction.args:
                workdir = posixpath.normpath(posixpath.join(workdir, instruction.args[0].value.strip("'\"")))
            elif keyword in ("COPY", "ADD") and len(instruction.args) >= 2 and instruction.flag("from") is None and not instruction.heredocs:
                sources = [word.value.strip("'\"") for word in instruction.args[:-1]]
                destination = posixpath.normpath(posixpath.join(workdir, instruction.args[-1].value.strip("'\"")))
                if broad_copy is None:
                    broad = next((source for source in sources if source in WHOLE_CONTEXT), None)
                    if broad is None and len(sources) == 1 and _is_directory(sources[0]):
                        broad = sources[0]  # with other sources beside it, it is a list of chosen files
                    if broad is not None:
                        broad_copy = (instruction, broad, destination)
                    else:
                        copied_alone.extend(sources)
            elif keyword == "RUN" and broad_copy is None and id(instruction) in runs:
                copied_alone.extend(mount.source for mount in _bind_mounts(instruction))
                installed_before.update(install.manifests for install in _dependency_installs(runs[id(instruction)], workdir))
            elif keyword == "RUN" and broad_copy is not None and id(instruction) in runs:
                run = runs[id(instruction)]
                for install in _dependency_installs(run, workdir):
                    copy, source, destination = broad_copy
                    if not _covers(source, destination, install):
                        continue
                    if install.manifests in installed_before or _already_copied(install.manifests, copied_alone):
                        # The dependencies were installed from the manifests alone; this
                        # install adds the project itself (`uv sync --no-install-project`, then `uv sync`).
                        continue
                    files = " and ".join(dict.fromkeys(manifest.rsplit("/", 1)[-1] for manifest in install.manifests))
                    copy_text = f"{copy.keyword} {' '.join(word.value for word in copy.args)}"
                    yield Violation(
                        f"`{copy_text}` (line {copy.line}) comes before this install, so any source change reruns it: "
                        f"copy {files} first and install before `{copy_text}`",
                        install.command.span,
                        instruction_line(run),
                        related=(RelatedLocation(copy.span, f"`{copy_text}` copies the sources before the install"),),
                    )


_SOURCE_FETCHERS = frozenset({"git", "curl", "wget", "tar", "unzip", "svn", "hg"})


class _BindMount(Record):
    __slots__ = ("source",)

    source: str

    def __init__(self, source: str) -> None:
        self.source = source


def _bind_mounts(instruction: Instruction) -> list[_BindMount]:
    """`RUN --mount=type=bind,source=uv.lock,...` without `from=`: files of the context, read alone."""
    mounts = []
    for flag in instruction.flags_named("mount"):
        fields = dict(item.partition("=")[::2] for item in (flag.value or "").split(","))
        if fields.get("type", "bind") == "bind" and "from" not in fields:
            source = fields.get("source") or fields.get("src")
            if source:
                mounts.append(_BindMount(source.strip("'\"")))
    return mounts


def _is_directory(source: str) -> bool:
    """A name that looks like a directory: no extension, no glob, not an upper-case file name
    (`LICENSE`, `Gemfile`) or a known file."""
    if "://" in source or "$" in source or any(char in source for char in "*?["):
        return False
    base = source.rstrip("/").rsplit("/", 1)[-1]
    if source.endswith("/") and base:
        return True
    return bool(base) and "." not in base and base not in _KNOWN_FILES and not base[:1].isupper()


_KNOWN_FILES = frozenset({"Gemfile", "Pipfile", "Makefile", "Dockerfile", "LICENSE", "Procfile", "gradlew", "mvnw", "VERSION"})


def _covers(source: str, destination: str, install: DependencyInstall) -> bool:
    """Whether the broad COPY brings in what the install reads."""
    if source in WHOLE_CONTEXT:
        return True
    # A directory: its contents land in `destination`; the install must run there or below.
    return bool(install.directory) and (install.directory == destination or install.directory.startswith(destination.rstrip("/") + "/"))


def _already_copied(manifests: tuple[str, ...], sources: list[str]) -> bool:
    """A manifest was copied on its own (by name or a glob such as `package*.json`)."""
    for source in sources:
        base = source.rstrip("/").rsplit("/", 1)[-1]
        for manifest in manifests:
            manifest_base = manifest.rsplit("/", 1)[-1]
            if fnmatch(manifest_base, base) or fnmatch(base, _MANIFEST_GLOBS.get(manifest_base, manifest_base)):
                return True
            if "/" in manifest and manifest.startswith(source.rstrip("/") + "/"):
                return True  # `COPY requirements/ requirements/` for `-r requirements/base.txt`
    return False


def _dependency_installs(run: RunScript, workdir: str) -> Iterator[DependencyInstall]:
    if run.script is None:
        return
    pip_by_command = {id(install.command): install for install in pip_installs(run)}
    directory = workdir
    for command in run.script.commands:
        program = command.program
        if program in _SOURCE_FETCHERS:
            return  # the install reads what this RUN fetched (`git clone … && cd … && npm ci`)
        if program == "cd":
            targets = command.positional()
            target = targets[0].value if targets else "~"
            known = directory and "$" not in target and "~" not in target
            directory = posixpath.normpath(posixpath.join(directory, target)) if known else ""
            continue
        manifests = _manifests_read(command, pip_by_command)
        if manifests:
            yield DependencyInstall(command, manifests, directory)


def _manifests_read(command: ShellCommand, pip_by_command: dict[int, PipInstall]) -> tuple[str, ...]:
    """The manifest files an install needs, or () when it is not a manifest-only install."""
    pip = pip_by_command.get(id(command))
    if pip is not None:
        if pip.tool == "pipenv":
            return () if pip.packages else ("Pipfile", "Pipfile.lock")
        if pip.tool != "pip" or pip.parsed.option_values("e", "editable"):
            return ()
        if any(_is_local_path(word.value) for word in pip.packages):
            return ()
        requirements = pip.parsed.option_values("r", "requirement")
        if any("$" in value for value in requirements):
            return ()
        return tuple(dict.fromkeys(value.removeprefix("./") for value in requirements))
    program = command.program
    if program == "uv":
        parsed = parse_command(command, _NO_OPTIONS)
        if parsed.subcommand == "sync":
            return ("pyproject.toml", "uv.lock")
        if parsed.subcommand == "pip" and parsed.arguments and parsed.arguments[0].value == "install":
            values = [word.value for word in command.words]
            requirements = [values[i + 1] for i, value in enumerate(values[:-1]) if value in ("-r", "--requirement")]
            return tuple(value.removeprefix("./") for value in requirements if "$" not in value)
        return ()
    if program == "go":
        values = [word.value for word in command.positional()]
        return ("go.mod", "go.sum") if values[:2] == ["mod", "download"] else ()
    if program in ("mvn", "mvnw"):
        return ("pom.xml",) if any(word.value in _MAVEN_GOALS for word in command.words) else ()
    if program == "gradlew":
        program = "gradle"
    parsed = parse_command(command, _NO_OPTIONS)
    subcommand = parsed.subcommand or ""
    manifests = _PACKAGE_TOOL_MANIFESTS.get((program, subcommand))
    if manifests is None:
        return ()
    if program in ("npm", "yarn", "pnpm", "pipenv") and parsed.arguments:
        return ()  # installing named packages, not the manifest's
    if program in ("npm", "pnpm") and parsed.has_option("g", "global"):
        return ()  # `npm install -g`: installs the project itself
    return manifests


def _is_local_path(value: str) -> bool:
    """`pip install .`, `./pkg`, `.[dev]`: the install needs the source itself."""
    return value in (".", "..") or value.startswith(("./", "../", "/", ".["))
