"""The files the language server watches cover every file the rules read beside a Dockerfile."""

from __future__ import annotations

import re
from pathlib import Path

from dockgate.analysis.published_ports import port_input_files
from dockgate.lsp.server import WATCHED_FILES


def glob_pattern(glob: str) -> re.Pattern[str]:
    """An LSP glob (`**/`, `*`, `?`, `[Mm]`, `{a,b}`) as a regular expression over a `/`-separated path."""
    parts, index = [], 0
    while index < len(glob):
        if glob.startswith("**/", index):
            parts.append("(?:.*/)?")
            index += 3
            continue
        char = glob[index]
        if char == "*":
            parts.append("[^/]*")
        elif char == "?":
            parts.append("[^/]")
        elif char == "[":
            end = glob.index("]", index)
            parts.append(glob[index : end + 1])
            index = end
        elif char == "{":
            end = glob.index("}", index)
            parts.append("(?:" + "|".join(re.escape(choice) for choice in glob[index + 1 : end].split(",")) + ")")
            index = end
        else:
            parts.append(re.escape(char))
        index += 1
    return re.compile("".join(parts))


def watched(path: Path, root: Path) -> bool:
    relative = path.relative_to(root).as_posix()
    return any(glob_pattern(glob).fullmatch(relative) for glob in WATCHED_FILES)


def test_every_port_input_file_is_watched(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    files = {
        "api/Dockerfile": "FROM alpine:3.20\n",
        "compose.yaml": "services: {api: {build: ./api}}\n",
        ".env": "PORT=1\n",
        "api/run.sh": "docker build -t api .\n",
        "api/Makefile": "run:\n\tdocker run -p 1:1 api\n",
        "api/justfile": "run:\n  docker run api\n",
        "api/package.json": "{}\n",
        "api/README.md": "docker run api\n",
        "api/scripts/up.sh": "docker run api\n",
        ".github/workflows/ci.yml": "jobs: {}\n",
        ".gitlab-ci.yml": "stages: []\n",
        "api/deployment.yaml": "kind: Pod\n",
        "k8s/overlays/prod/api.yml": "kind: Deployment\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    inputs = [path for path in port_input_files(tmp_path / "api" / "Dockerfile") if path.is_file()]
    assert {path.relative_to(tmp_path).as_posix() for path in inputs} == set(files) - {"api/Dockerfile"}
    assert [path for path in inputs if not watched(path, tmp_path)] == []
    assert watched(tmp_path / "api" / ".dockerignore", tmp_path) and not watched(tmp_path / "api" / "main.py", tmp_path)
