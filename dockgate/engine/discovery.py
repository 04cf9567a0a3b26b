"""Which files `dockgate check PATH...` lints.

A path named on the command line is linted whatever its name. A directory is
searched recursively for files whose names say they are Dockerfiles:

| pattern | case |
|---|---|
| `Dockerfile`, `Containerfile` | any case (`dockerfile` too: the Docker CLI falls back to it) |
| `Dockerfile.*`, `Containerfile.*`, `Dockerfile-*`, `Containerfile-*` | capitalised only: `dockerfile.go` and `dockerfile.py` are source modules |
| `*.Dockerfile`, `*.Containerfile` | any case (`app.dockerfile`, `build.containerfile`) |

Templates that only become Dockerfiles once rendered (`Dockerfile.j2`,
`Dockerfile.tmpl`, `Dockerfile.in`, `Dockerfile.md`, `*.erb`, `*.mustache`,
`*.template`, and the other suffixes in `TEMPLATE_SUFFIXES`) are skipped:
their placeholders are not Dockerfile syntax. Named on the command line, they
are linted like any file.

`<name>.dockerignore` (e.g. `Dockerfile.dockerignore`) is BuildKit's
per-Dockerfile ignore file, not a Dockerfile, and is skipped.

The search does not enter `.git`, `node_modules`, `.venv`, `venv`, `.tox`,
`__pycache__` or any directory holding a `pyvenv.cfg` (a virtualenv), nor what
git ignores (`.gitignore`, `.git/info/exclude`, `core.excludesFile`) when the
directory is inside a git work tree and `git` is installed. These rules apply
below a directory named on the command line, never to that directory itself:
asking for it by name is asking for it to be searched. Symbolic links are
followed; each real directory and file is visited once, so loops end.

Nothing here raises for user mistakes: a path that does not exist becomes an
`error` (the CLI prints it and exits 2) and a directory without Dockerfiles a
`notice` (printed on stderr; it does not change the exit code, so linting a
tree that simply has no Dockerfiles, as in a template repository's CI, passes).
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path

TEMPLATE_SUFFIXES = (
    ".j2", ".jinja", ".jinja2", ".tmpl", ".tpl", ".template", ".in", ".md", ".erb", ".mustache", ".hbs",
)
"""Name endings of files that are templates or documentation of a Dockerfile, not one."""

SKIPPED_DIRECTORY_NAMES = frozenset({".git", "node_modules", ".venv", "venv", ".tox", "__pycache__"})

# Variables a git hook (pre-commit, for one) may set that would point our git
# call at another repository than the one holding the searched directory.
_REPOSITORY_GIT_VARIABLES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR")


class DiscoveryResult:
    """The files to lint, in sorted order, and what to tell the user (a plain class: made once per run)."""

    def __init__(self) -> None:
        self.files: list[Path] = []
        self.named: set[Path] = set()
        """The files among `files` that were named on the command line, not found by a search."""
        self.errors: list[str] = []
        self.notices: list[str] = []


def is_dockerfile_name(name: str) -> bool:
    """Whether a file met while searching a directory is a Dockerfile by its name."""
    lowered = name.lower()
    if lowered.endswith((".dockerignore", *TEMPLATE_SUFFIXES)):
        return False
    if lowered in ("dockerfile", "containerfile"):
        return True
    if name.startswith(("Dockerfile.", "Containerfile.", "Dockerfile-", "Containerfile-")):
        return True
    stem, dot, extension = lowered.rpartition(".")
    return bool(stem and dot) and extension in ("dockerfile", "containerfile")


def find_dockerfiles(paths: Sequence[Path]) -> DiscoveryResult:
    """Expand command-line paths into the Dockerfiles to lint.

    Files come out sorted by path components and once each, even when named
    twice or reached through several symbolic links.
    """
    result = DiscoveryResult()
    seen_files: set[tuple[int, int]] = set()

    def add(path: Path, identity: tuple[int, int]) -> None:
        if identity not in seen_files:
            seen_files.add(identity)
            result.files.append(path)

    # Named files first, so that their spelling wins over a walked duplicate.
    directories: list[Path] = []
    for path in paths:
        try:
            status = path.stat()
        except OSError as error:
            result.errors.append(_access_error(path, error))
            continue
        if stat.S_ISDIR(status.st_mode):
            directories.append(path)
        else:
            add(path, (status.st_dev, status.st_ino))
            result.named.add(path)

    for directory in directories:
        found_any = False
        try:
            for path, identity in _walk(directory, _git_ignored(directory), result.notices):
                add(path, identity)
                found_any = True
        except OSError as error:
            result.errors.append(_access_error(directory, error))
            continue
        if not found_any:
            result.notices.append(f"{directory}: no Dockerfiles found")

    result.files.sort(key=lambda path: path.parts)
    return result


def _access_error(path: Path, error: OSError) -> str:
    if error.errno == errno.ENOENT:
        problem = "broken symbolic link" if path.is_symlink() else "no such file or directory"
        return f"{path}: {problem}"
    if error.errno == errno.ELOOP:
        return f"{path}: symbolic link loop (the link leads back to itself)"
    return f"{path}: cannot read ({error.strerror})"


def _walk(
    root: Path, ignored: set[str], notices: list[str]
) -> Iterator[tuple[Path, tuple[int, int]]]:
    """Dockerfiles under `root` with their (device, inode), depth first in name order.

    `ignored` holds paths relative to `root` (POSIX form) that git ignores;
    a directory in it is not entered. An unreadable root raises OSError;
    an unreadable subdirectory becomes a notice.
    """
    visited_directories: set[tuple[int, int]] = set()
    # Each stack entry: the directory as shown to the user, and its path relative
    # to root with a trailing slash ("" for root itself).
    stack: list[tuple[Path, str]] = [(root, "")]
    while stack:
        directory, relative = stack.pop()
        try:
            status = directory.stat()
            identity = (status.st_dev, status.st_ino)
            if identity in visited_directories:
                continue  # a symbolic link loop, or a second link to the same directory
            visited_directories.add(identity)
            with os.scandir(directory) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError as error:
            if not relative:
                raise
            notices.append(f"{directory}: skipped, cannot read ({error.strerror})")
            continue
        if relative and any(entry.name == "pyvenv.cfg" for entry in entries):
            continue

        subdirectories: list[tuple[Path, str]] = []
        for entry in entries:
            entry_relative = relative + entry.name
            if entry_relative in ignored:
                continue
            try:
                if entry.is_dir():  # follows symbolic links, as does is_file()
                    if entry.name not in SKIPPED_DIRECTORY_NAMES:
                        subdirectories.append((directory / entry.name, entry_relative + "/"))
                elif entry.is_file() and is_dockerfile_name(entry.name):
                    entry_status = entry.stat()
                    yield directory / entry.name, (entry_status.st_dev, entry_status.st_ino)
            except OSError:
                continue  # vanished meanwhile, or a dangling link: not a file to lint
        # Reversed so that the stack pops them in name order.
        stack.extend(reversed(subdirectories))


def _inside_a_repository(directory: Path) -> bool:
    """Whether git could find a repository from `directory`: a `.git` (folder or file) in it or above.

    The real path, as git walks up from its physical working directory; the repository
    variables are not consulted because `_git_ignored` takes them out of git's environment."""
    real = Path(os.path.realpath(directory))
    return any(os.path.exists(os.path.join(folder, ".git")) for folder in (real, *real.parents))


def _git_ignored(directory: Path) -> set[str]:
    """Paths under `directory` that git ignores, relative to it; empty without git.

    One `git ls-files` per searched directory. `--directory` collapses a
    wholly ignored directory into one `name/` entry, so the walk prunes it
    instead of git listing, say, a build tree file by file. Asking git what
    is ignored, rather than what is not, leaves alone what git cannot see,
    such as files behind a symbolic link or inside a submodule.
    """
    if not _inside_a_repository(directory):
        return set()  # git would only say "not a git repository", after a process start
    import shutil  # here, as subprocess below: a single-file run never asks for git

    git = shutil.which("git")
    if git is None:
        return set()
    environment = {
        name: value for name, value in os.environ.items() if name not in _REPOSITORY_GIT_VARIABLES
    }
    try:
        import subprocess  # only when a directory is searched: keeps it out of single-file runs

        completed = subprocess.run(
            [git, "ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--directory"],
            cwd=directory,
            env=environment,
            capture_output=True,
            check=False,
        )
    except OSError:
        return set()
    if completed.returncode != 0:
        return set()  # not a work tree, or git refused (e.g. safe.directory)
    entries = {os.fsdecode(entry).rstrip("/") for entry in completed.stdout.split(b"\0") if entry}
    if "." in entries:
        return set()  # the named directory is itself ignored, and was asked for by name
    return entries
