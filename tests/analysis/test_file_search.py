"""A shared `FileSearch` gives the searches for port inputs the same answers a fresh one does, asking once."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockgate.analysis.dockerignore import ignore_file_path
from dockgate.analysis.file_search import FileSearch
from dockgate.analysis.published_ports import (
    port_input_files,
    port_input_parts,
    repository_root,
    search_directories,
)


def write(path: Path, text: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    write(root / "compose.yaml", "services: {}\n")
    write(root / ".github" / "workflows" / "ci.yml", "jobs: {}\n")
    write(root / "k8s" / "base" / "deploy.yaml", "kind: Deployment\n")
    write(root / "api" / "Dockerfile", "FROM alpine\n")
    write(root / "api" / "build.sh", "docker build -t api .\n")
    write(root / "api" / "docker-compose.yml", "services: {}\n")
    write(root / "web" / "Dockerfile", "FROM alpine\n")
    write(root / "web" / "Dockerfile.dockerignore", "*\n")
    write(tmp_path / "compose.yaml", "services: {}\n")  # above the repository: not searched
    return root


def test_a_shared_search_lists_what_a_fresh_one_lists(repository: Path) -> None:
    shared = FileSearch()
    for folder in ("api", "web", "api", "."):
        dockerfile = repository / folder / "Dockerfile"
        assert port_input_files(dockerfile, shared) == port_input_files(dockerfile)
        assert repository_root(dockerfile, shared) == repository_root(dockerfile) == repository
        assert search_directories(dockerfile, shared)[-1] == repository


def test_outside_a_repository_the_search_goes_up_to_the_filesystem_root(tmp_path: Path) -> None:
    dockerfile = write(tmp_path / "a" / "b" / "Dockerfile", "FROM alpine\n")
    directories = search_directories(dockerfile, FileSearch())
    assert directories[:3] == [tmp_path / "a" / "b", tmp_path / "a", tmp_path]
    assert directories[-1] == Path(tmp_path.anchor)
    assert repository_root(dockerfile) is None or (repository_root(dockerfile) / ".git").exists()


def test_relative_paths_stop_at_the_working_directory(repository: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repository / "api")
    assert search_directories(Path("Dockerfile"), FileSearch()) == [Path(".")]
    assert port_input_files(Path("Dockerfile"), FileSearch()) == port_input_files(Path("Dockerfile"))


def test_a_shared_search_answers_from_memory_and_a_fresh_one_sees_the_change(repository: Path) -> None:
    dockerfile = repository / "api" / "Dockerfile"
    shared = FileSearch()
    before = port_input_files(dockerfile, shared)
    added = write(repository / "api" / "run.sh", "docker run -p 80:80 api\n")
    assert port_input_files(dockerfile, shared) == before  # one run sees one filesystem
    assert added in port_input_files(dockerfile)


def test_the_ignore_file_is_found_through_the_listing(repository: Path) -> None:
    shared = FileSearch()
    web, api = repository / "web", repository / "api"
    assert ignore_file_path(web, "Dockerfile", shared) == ignore_file_path(web, "Dockerfile") == web / "Dockerfile.dockerignore"
    assert ignore_file_path(api, "Dockerfile", shared) is ignore_file_path(api, "Dockerfile") is None
    (web / "Dockerfile.dockerignore").unlink()
    (web / "Dockerfile.dockerignore").mkdir()  # a folder of that name is no ignore file
    assert ignore_file_path(web, "Dockerfile", FileSearch()) is None


def test_the_parts_are_each_folders_compose_candidates_then_the_rest(repository: Path) -> None:
    dockerfile = repository / "api" / "Dockerfile"
    parts = port_input_parts(dockerfile, FileSearch())
    assert [folder for folder, _ in parts] == [repository / "api", repository, None]
    assert [path for _, paths in parts for path in paths] == port_input_files(dockerfile)
    assert all(path.parent == folder for folder, paths in parts[:-1] for path in paths)
    rest = parts[-1][1]
    assert repository / "api" / ".env" in rest and repository / "api" / "build.sh" in rest  # beside a compose file; a script
