"""Which files `find_dockerfiles` picks from command-line paths."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from dockgate.engine import discovery
from dockgate.engine.discovery import find_dockerfiles, is_dockerfile_name

requires_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def make_tree(root: Path, *relative_paths: str) -> None:
    for relative in relative_paths:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("FROM scratch\n")


def found(root: Path, *paths: Path) -> list[str]:
    """The files found under `paths` (default: root), relative to root, as POSIX strings."""
    result = find_dockerfiles(list(paths) or [root])
    return [path.relative_to(root).as_posix() for path in result.files]


def git(repository: Path, *arguments: str) -> None:
    subprocess.run(["git", *arguments], cwd=repository, check=True, capture_output=True)


@pytest.mark.parametrize(
    "name",
    [
        "Dockerfile",
        "Containerfile",
        "dockerfile",
        "CONTAINERFILE",
        "Dockerfile.dev",
        "Dockerfile.prod.arm64",
        "Containerfile.fedora",
        "prod.Dockerfile",
        "app.dockerfile",
        "build.Containerfile",
        "build.containerfile",
        "Dockerfile-dev",
        "Containerfile-alpine",
    ],
)
def test_dockerfile_names(name: str) -> None:
    assert is_dockerfile_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "Dockerfile.dockerignore",  # BuildKit's per-Dockerfile ignore file
        "prod.Dockerfile.dockerignore",
        ".dockerignore",
        "dockerfile.go",  # source modules, hence capitalised-only `Dockerfile.*`
        "dockerfile.py",
        "dockerfile-dev",  # capitalised only, as Dockerfile.*
        "Dockerfile_dev",
        "Dockerfile.j2",  # templates: their placeholders are not Dockerfile syntax
        "Dockerfile.tmpl",
        "Dockerfile.in",
        "Dockerfile.md",
        "app.Dockerfile.erb",
        "Dockerfile.mustache",
        "Containerfile.template",
        "MyDockerfile",
        ".dockerfile",
        "docker-compose.yml",
        "README.md",
    ],
)
def test_names_that_are_not_dockerfiles(name: str) -> None:
    assert not is_dockerfile_name(name)


def test_directory_is_searched_recursively_in_sorted_order(tmp_path: Path) -> None:
    make_tree(
        tmp_path,
        "services/web/Dockerfile",
        "services/api/Dockerfile.dev",
        "services/api/Dockerfile",
        "services-old/Containerfile",
        "ci.dockerfile",
        "Dockerfile",
        ".devcontainer/Dockerfile",
        "services/api/Dockerfile.dockerignore",
        "services/api/main.py",
        "docs/README.md",
    )
    assert found(tmp_path) == [
        ".devcontainer/Dockerfile",
        "Dockerfile",
        "ci.dockerfile",
        "services/api/Dockerfile",
        "services/api/Dockerfile.dev",
        "services/web/Dockerfile",
        "services-old/Containerfile",
    ]


def test_explicit_files_are_linted_whatever_their_name(tmp_path: Path) -> None:
    make_tree(tmp_path, "build/image.txt", "Dockerfile.dockerignore", "Dockerfile")
    result = find_dockerfiles([tmp_path / "build/image.txt", tmp_path / "Dockerfile.dockerignore"])
    assert result.files == [tmp_path / "Dockerfile.dockerignore", tmp_path / "build/image.txt"]
    assert result.errors == result.notices == []


def test_each_file_once_even_when_named_twice(tmp_path: Path) -> None:
    make_tree(tmp_path, "Dockerfile", "sub/Dockerfile")
    result = find_dockerfiles([tmp_path / "Dockerfile", tmp_path, tmp_path / "sub"])
    assert result.files == [tmp_path / "Dockerfile", tmp_path / "sub/Dockerfile"]
    assert result.notices == []


def test_relative_paths_stay_relative(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_tree(tmp_path, "app/Dockerfile")
    monkeypatch.chdir(tmp_path)
    assert find_dockerfiles([Path(".")]).files == [Path("app/Dockerfile")]


@pytest.mark.parametrize(
    "skipped", ["node_modules", ".git", ".venv", "venv", ".tox", "__pycache__"]
)
def test_tool_directories_are_skipped(tmp_path: Path, skipped: str) -> None:
    make_tree(tmp_path, f"{skipped}/pkg/Dockerfile", "Dockerfile")
    assert found(tmp_path) == ["Dockerfile"]


def test_virtualenv_is_recognised_by_pyvenv_cfg(tmp_path: Path) -> None:
    make_tree(tmp_path, "env-3.11/lib/pkg/Dockerfile", "app/Dockerfile")
    (tmp_path / "env-3.11/pyvenv.cfg").write_text("home = /usr/bin\n")
    assert found(tmp_path) == ["app/Dockerfile"]


def test_a_skipped_directory_named_explicitly_is_searched(tmp_path: Path) -> None:
    make_tree(tmp_path, "node_modules/pkg/Dockerfile")
    assert found(tmp_path, tmp_path / "node_modules") == ["node_modules/pkg/Dockerfile"]


def test_nonexistent_path_is_an_error(tmp_path: Path) -> None:
    make_tree(tmp_path, "Dockerfile")
    missing = tmp_path / "nope" / "Dockerfile"
    result = find_dockerfiles([missing, tmp_path / "Dockerfile"])
    assert result.errors == [f"{missing}: no such file or directory"]
    assert result.files == [tmp_path / "Dockerfile"]


def test_broken_symlink_named_explicitly_is_an_error(tmp_path: Path) -> None:
    link = tmp_path / "Dockerfile"
    link.symlink_to(tmp_path / "gone")
    assert find_dockerfiles([link]).errors == [f"{link}: broken symbolic link"]


def test_broken_symlink_met_while_searching_is_ignored(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").symlink_to(tmp_path / "gone")
    result = find_dockerfiles([tmp_path])
    assert result.files == [] and result.errors == []


def test_directory_without_dockerfiles_is_a_notice(tmp_path: Path) -> None:
    make_tree(tmp_path, "src/main.py")
    result = find_dockerfiles([tmp_path])
    assert result.files == [] and result.errors == []
    assert result.notices == [f"{tmp_path}: no Dockerfiles found"]


def test_symlink_loops_end(tmp_path: Path) -> None:
    make_tree(tmp_path, "a/b/Dockerfile")
    (tmp_path / "a/b/up").symlink_to(tmp_path / "a")  # a/b/up/b/up/... forever
    (tmp_path / "self").symlink_to(tmp_path)
    (tmp_path / "ping").symlink_to(tmp_path / "pong")  # two links pointing at each other
    (tmp_path / "pong").symlink_to(tmp_path / "ping")
    result = find_dockerfiles([tmp_path])
    assert [path.relative_to(tmp_path).as_posix() for path in result.files] == ["a/b/Dockerfile"]
    assert result.errors == []


def test_symlinked_directory_is_followed_once(tmp_path: Path) -> None:
    make_tree(tmp_path, "shared/images/Dockerfile", "app/Dockerfile")
    (tmp_path / "app/images").symlink_to(tmp_path / "shared/images")
    assert found(tmp_path) == ["app/Dockerfile", "app/images/Dockerfile"]


def refuse_to_read(monkeypatch: pytest.MonkeyPatch, locked: Path) -> None:
    """Make `locked` unreadable for discovery; chmod would not stop root, who runs CI."""
    real_scandir = os.scandir

    def scandir(path: Path) -> Any:
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(discovery.os, "scandir", scandir)


def test_unreadable_subdirectory_is_a_notice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_tree(tmp_path, "locked/Dockerfile", "Dockerfile")
    refuse_to_read(monkeypatch, tmp_path / "locked")
    result = find_dockerfiles([tmp_path])
    assert result.files == [tmp_path / "Dockerfile"]
    assert result.errors == []
    assert result.notices == [f"{tmp_path / 'locked'}: skipped, cannot read (Permission denied)"]


def test_unreadable_directory_named_explicitly_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_tree(tmp_path, "locked/Dockerfile")
    refuse_to_read(monkeypatch, tmp_path / "locked")
    result = find_dockerfiles([tmp_path / "locked"])
    assert result.files == [] and result.notices == []
    assert result.errors == [f"{tmp_path / 'locked'}: cannot read (Permission denied)"]


@requires_git
def test_git_ignored_files_are_skipped(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / ".gitignore").write_text("build/\n*.generated.Dockerfile\n/vendor/Dockerfile\n")
    (tmp_path / ".git/info/exclude").write_text("scratch/\n")
    make_tree(
        tmp_path,
        "Dockerfile",
        "build/Dockerfile",
        "build/deep/Dockerfile",
        "app.generated.Dockerfile",
        "vendor/Dockerfile",
        "vendor/Dockerfile.dev",
        "scratch/Dockerfile",
        "docs/Dockerfile",
    )
    assert found(tmp_path) == ["Dockerfile", "docs/Dockerfile", "vendor/Dockerfile.dev"]


@requires_git
def test_tracked_file_matching_gitignore_is_kept(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / ".gitignore").write_text("build/\n")
    make_tree(tmp_path, "build/Dockerfile", "build/Dockerfile.local")
    git(tmp_path, "add", "--force", "build/Dockerfile")
    assert found(tmp_path) == ["build/Dockerfile"]


@requires_git
def test_gitignore_applies_below_a_subdirectory_root(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / ".gitignore").write_text("out/\n")
    make_tree(tmp_path, "services/api/Dockerfile", "services/api/out/Dockerfile")
    assert found(tmp_path, tmp_path / "services") == ["services/api/Dockerfile"]


@requires_git
def test_ignored_directory_named_explicitly_is_searched(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / ".gitignore").write_text("build/\n")
    make_tree(tmp_path, "build/Dockerfile")
    assert found(tmp_path, tmp_path / "build") == ["build/Dockerfile"]
    assert found(tmp_path, tmp_path / "build/Dockerfile") == ["build/Dockerfile"]


@requires_git
def test_gitignore_is_read_once_per_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    git(tmp_path, "init", "-q")
    make_tree(tmp_path, *(f"service{number}/Dockerfile" for number in range(20)))
    calls: list[list[str]] = []
    real_run = subprocess.run

    def counting_run(command: list[str], **options: Any) -> Any:
        calls.append(command)
        return real_run(command, **options)

    monkeypatch.setattr(subprocess, "run", counting_run)
    assert len(find_dockerfiles([tmp_path]).files) == 20
    assert len(calls) == 1


def test_without_git_gitignore_is_not_applied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".gitignore").write_text("build/\n")
    make_tree(tmp_path, "build/Dockerfile")
    (tmp_path / ".git").mkdir()  # looks like a repository, but there is no git to ask
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    assert found(tmp_path) == ["build/Dockerfile"]


def test_outside_a_repository_nothing_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".gitignore").write_text("build/\n")
    make_tree(tmp_path, "build/Dockerfile")
    # Keeps git from finding a repository above tmp_path.
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert found(tmp_path) == ["build/Dockerfile"]


def test_a_repository_is_found_by_a_dot_git_in_the_folder_or_above_its_real_path(tmp_path: Path) -> None:
    from dockgate.engine.discovery import _inside_a_repository

    make_tree(tmp_path, "repository/services/api/Dockerfile", "elsewhere/Dockerfile")
    (tmp_path / "repository" / ".git").write_text("gitdir: /somewhere/else\n")  # a worktree's .git is a file
    (tmp_path / "elsewhere" / "link").symlink_to(tmp_path / "repository" / "services")
    assert _inside_a_repository(tmp_path / "repository" / "services" / "api")
    assert _inside_a_repository(tmp_path / "elsewhere" / "link")  # git starts from the physical path
    if not any((folder / ".git").exists() for folder in tmp_path.resolve().parents):
        assert not _inside_a_repository(tmp_path / "elsewhere")


def test_outside_a_repository_no_git_process_starts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import dockgate.engine.discovery as discovery

    make_tree(tmp_path, "build/Dockerfile")
    started: list[list[str]] = []
    monkeypatch.setattr(subprocess, "run", lambda command, **options: started.append(command))
    monkeypatch.setattr(discovery, "_inside_a_repository", lambda directory: False)
    assert found(tmp_path) == ["build/Dockerfile"]
    assert started == []


@requires_git
def test_git_variables_of_a_running_hook_do_not_redirect_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Inside a git hook GIT_DIR and GIT_INDEX_FILE name the hook's repository.
    other = tmp_path / "other"
    project = tmp_path / "project"
    for repository in (other, project):
        repository.mkdir()
        git(repository, "init", "-q")
    (project / ".gitignore").write_text("build/\n")
    make_tree(project, "services/build/Dockerfile", "services/Dockerfile")
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    monkeypatch.setenv("GIT_INDEX_FILE", str(other / ".git/index"))
    # With them git would take services/ for the top of a work tree and miss project/.gitignore.
    assert found(project, project / "services") == ["services/Dockerfile"]


def test_a_template_named_on_the_command_line_is_linted(tmp_path: Path) -> None:
    template = tmp_path / "Dockerfile.j2"
    template.write_text("FROM {{ base }}\n", encoding="utf-8")
    assert find_dockerfiles([tmp_path]).files == []
    found = find_dockerfiles([template])
    assert found.files == [template] and found.named == {template}
