"""
## What it does
Reports version-control metadata in the final filesystem: a `.git`, `.svn`
or `.hg` directory, one finding per repository root. Metadata below
`node_modules/` or `vendor/` (dependencies installed from Git) is left out,
and so is a repository inside another of the same kind (the `.svn` of every
folder of an old Subversion checkout, Git submodules). A `.git` file, as a
worktree or submodule has, only points to the metadata and is not reported,
nor is an empty metadata directory. The message counts the files and bytes.

## Why is this bad?
The metadata holds the project's whole history, including files deleted
long ago (credentials among them), the remotes' URLs (sometimes with a
token in them), and it adds size. It usually gets in by `COPY . .` without
`.git` in `.dockerignore`.

## Example
```dockerfile
FROM node:20
WORKDIR /app
COPY . .
```

## Use instead
```dockerfile
# .dockerignore holds a line `.git`
FROM node:20
WORKDIR /app
COPY . .
```
"""

from __future__ import annotations

from collections import Counter
from typing import Iterator

from dockgate.image.filesystem import Provider
from dockgate.rule_api.findings import ImageViolation, Level
from dockgate.rule_api.rule import ImageContext, RuleMeta
from dockgate.rules.common.layer_reporting import human_size, layer_location

RULE = RuleMeta(
    code="DG5005",
    name="vcs-metadata-in-image",
    summary="Version-control metadata (.git, .svn, .hg) is in the image",
    level=Level.WARNING,
    precision="very-high",
    security_severity=5.3,
    tags=("security", "CWE-527"),
    aliases=("DKL-LI-0003", "CIS-4.3"),
    target="image",
    needs_layers=True,
    documentation=__doc__,
)

VCS_DIRECTORIES = {".git": "Git", ".svn": "Subversion", ".hg": "Mercurial"}
DEPENDENCY_DIRECTORIES = frozenset({"node_modules", "vendor"})


def check(context: ImageContext) -> Iterator[ImageViolation]:
    final = context.filesystem.final
    roots = [path for path in sorted(final) if _repository_metadata(final, path)]
    files, sizes = _contents(final, set(roots))
    for path in roots:
        if not files[path]:
            continue  # an empty `.git` made by `mkdir` holds no history
        name = path.rpartition("/")[2]
        root = path.rpartition("/")[0]
        yield ImageViolation(
            f"{VCS_DIRECTORIES[name]} metadata /{path} ({files[path]} file{'s' if files[path] != 1 else ''}, "
            f"{human_size(sizes[path])}) ships the "
            f"history of the repository at /{root}: leave {name} out of the build context with .dockerignore",
            layer_location(context, final[path].layer, path),
        )


def _repository_metadata(final: dict[str, Provider], path: str) -> bool:
    """Whether `path` is the metadata directory of a repository that is reported on its own."""
    parts = path.split("/")
    name = parts[-1]
    if name not in VCS_DIRECTORIES or final[path].entry.kind != "dir":
        return False
    return not (DEPENDENCY_DIRECTORIES.intersection(parts) or name in parts[:-1] or _inside_same_vcs(final, parts))


def _inside_same_vcs(final: dict[str, Provider], parts: list[str]) -> bool:
    """Whether a folder above the repository root has the same metadata (a submodule, old svn)."""
    name = parts[-1]
    return any("/".join([*parts[:depth], name]) in final for depth in range(len(parts) - 2, -1, -1))


def _contents(final: dict[str, Provider], roots: set[str]) -> tuple[Counter[str], Counter[str]]:
    """The number of regular files and their bytes below each metadata directory in `roots`."""
    files: Counter[str] = Counter()
    sizes: Counter[str] = Counter()
    for path, (_, entry) in final.items():
        if entry.kind != "file" or not any(f"{name}/" in path for name in VCS_DIRECTORIES):
            continue
        parent = path.rpartition("/")[0]
        while parent and parent not in roots:
            parent = parent.rpartition("/")[0]
        if parent:
            files[parent] += 1
            sizes[parent] += entry.size
    return files, sizes
