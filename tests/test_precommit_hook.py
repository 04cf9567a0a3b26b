"""The pre-commit hooks in `.pre-commit-hooks.yaml`, installed and run for real.

`pre-commit try-repo` builds a fresh environment from the hook repository,
which must have a commit. So the checkout (tracked files plus untracked ones
git does not ignore) is copied into a throwaway repository and committed
there; the test then works in an uncommitted work tree too. The hooks run
with a PATH that holds git (and, for `dockgate-system`, dockgate) and nothing
else, so the ShellCheck they use is the one the hook environment brought.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from checkout_copy import CHECKOUT, copy_of_checkout, require_tool

from dockgate.engine.discovery import TEMPLATE_SUFFIXES

pytestmark = pytest.mark.integration

# `ENV PATH` without a value is a parse error for BuildKit, hence DL1000.
BAD_DOCKERFILE = "FROM alpine:3.20\nENV PATH\n"
# Backticks: ShellCheck's SC2006, which only a working ShellCheck reports.
SHELLCHECK_DOCKERFILE = "FROM alpine:3.20\nRUN ls `pwd`\n"
CLEAN_DOCKERFILE = 'FROM alpine:3.20\nUSER 65534\nHEALTHCHECK CMD ["true"]\nCMD ["echo", "hello"]\n'


def pre_commit_command() -> list[str]:
    if importlib.util.find_spec("pre_commit") is not None:
        return [sys.executable, "-m", "pre_commit"]
    return [require_tool("pre-commit")]


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """This process's environment with a PATH without shellcheck or dockgate, its own pre-commit cache and a fixed git identity.

    The cache is shared by the module's tests, so the hook environment is built once.
    """
    # A surrounding git hook's variables would point git at another repository.
    variables = {name: value for name, value in os.environ.items() if not name.startswith("GIT_")}
    variables.update(
        PATH=str(bin_directory(tmp_path_factory.mktemp("bin"), **commands_without("shellcheck", "dockgate"))),
        PRE_COMMIT_HOME=str(tmp_path_factory.mktemp("pre-commit-home")),
        GIT_AUTHOR_NAME="dockgate tests",
        GIT_AUTHOR_EMAIL="tests@dockgate.invalid",
        GIT_COMMITTER_NAME="dockgate tests",
        GIT_COMMITTER_EMAIL="tests@dockgate.invalid",
    )
    assert shutil.which("shellcheck", path=variables["PATH"]) is None
    return variables


def commands_without(*left_out: str) -> dict[str, str]:
    """Every command on this PATH (name -> executable) but `left_out`, and none of this virtualenv's."""
    own_bin = Path(sys.executable).parent
    commands: dict[str, str] = {}
    for directory in map(Path, os.environ.get("PATH", "").split(os.pathsep)):
        if not directory.is_dir() or directory == own_bin:
            continue
        for entry in directory.iterdir():
            if entry.name not in left_out and entry.name not in commands and os.access(entry, os.X_OK):
                commands[entry.name] = str(entry)
    return commands


def bin_directory(directory: Path, **commands: str) -> Path:
    """`directory` holding a link to each command (name -> executable), for use as the whole PATH."""
    for name, executable in commands.items():
        (directory / name).symlink_to(executable)
    return directory


@pytest.fixture(scope="module")
def hook_repository(tmp_path_factory: pytest.TempPathFactory, environment: dict[str, str]) -> Path:
    return committed_copy_of_checkout(tmp_path_factory.mktemp("hook-repository"), environment)


def run(
    command: list[str], cwd: Path, environment: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, env=environment, capture_output=True, text=True, timeout=600, check=False
    )


def git(repository: Path, environment: dict[str, str], *arguments: str) -> str:
    completed = run(["git", *arguments], repository, environment)
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


def committed_copy_of_checkout(destination: Path, environment: dict[str, str]) -> Path:
    copy_of_checkout(destination)
    git(destination, environment, "init", "-q")
    git(destination, environment, "add", "--all")
    # The user's git configuration may ask for signing or hooks; neither belongs here.
    git(destination, environment, "commit", "-q", "--no-gpg-sign", "--no-verify", "-m", "snapshot")
    return destination


def project_with(directory: Path, environment: dict[str, str], files: dict[str, str]) -> Path:
    for name, text in files.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_text(text, encoding="utf-8")
    git(directory, environment, "init", "-q")
    git(directory, environment, "add", "--all")  # try-repo needs the files staged, not committed
    return directory


def try_repo(
    hook_repository: Path, hook: str, project: Path, environment: dict[str, str], *selection: str
) -> subprocess.CompletedProcess[str]:
    command = [*pre_commit_command(), "try-repo", str(hook_repository), hook, "--color", "never", "--verbose"]
    return run([*command, *selection], project, environment)


def hooks() -> dict[str, dict[str, object]]:
    manifest = yaml.safe_load((CHECKOUT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return {hook["id"]: hook for hook in manifest}


def test_manifest_is_valid(environment: dict[str, str]) -> None:
    completed = run(
        [*pre_commit_command(), "validate-manifest", ".pre-commit-hooks.yaml"],
        CHECKOUT,
        environment,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


LINTED_NAMES = [
    "Dockerfile", "docker/Dockerfile", "Dockerfile.dev", "services/api/Dockerfile-prod", "dockerfile",
    "Containerfile", "Containerfile.arm64", "build/Containerfile-test", "app.dockerfile", "web.Dockerfile", "base.containerfile",
]
OTHER_NAMES = ["README.md", "Dockerfiles/README", "Dockerfilex", "notes/mydockerfile", "docker-compose.yml", "Makefile"]
TEMPLATE_NAMES = [f"Dockerfile{suffix}" for suffix in TEMPLATE_SUFFIXES] + ["deploy/Containerfile.j2"]


def test_both_hooks_lint_the_same_names_and_only_those() -> None:
    selections = {(str(hook["files"]), str(hook["exclude"])) for hook in hooks().values()}
    assert set(hooks()) == {"dockgate", "dockgate-system"} and len(selections) == 1
    files, exclude = (re.compile(pattern) for pattern in selections.pop())

    def selected(name: str) -> bool:
        return bool(files.search(name)) and not exclude.search(name)

    assert [name for name in LINTED_NAMES if not selected(name)] == []
    assert [name for name in OTHER_NAMES + TEMPLATE_NAMES if selected(name)] == []


def test_hook_brings_shellcheck_and_lints_every_dockerfile_name(
    tmp_path: Path, environment: dict[str, str], hook_repository: Path
) -> None:
    files = {"README.md": "# not a Dockerfile\n", "Dockerfile-dev": SHELLCHECK_DOCKERFILE}
    files.update({name: BAD_DOCKERFILE for name in ("bad/Dockerfile", "app.dockerfile", "Containerfile.arm64")})
    project = project_with(tmp_path, environment, files)

    completed = try_repo(hook_repository, "dockgate", project, environment, "--all-files")

    output = completed.stdout + completed.stderr
    assert completed.returncode == 1, output
    assert "Dockerfile-dev:2:" in output and "SC2006" in output
    assert "ShellCheck is not installed" not in output
    for name in ("bad/Dockerfile", "app.dockerfile", "Containerfile.arm64"):
        assert f"{name}:2:" in output and "DL1000" in output, output
    assert "in 4 files" in output  # README.md was not passed


def test_hook_passes_a_clean_dockerfile(tmp_path: Path, environment: dict[str, str], hook_repository: Path) -> None:
    project = project_with(tmp_path, environment, {"clean/Dockerfile": CLEAN_DOCKERFILE})

    completed = try_repo(hook_repository, "dockgate", project, environment, "--files", "clean/Dockerfile")

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "Passed" in completed.stdout, completed.stdout


def test_system_hook_runs_the_installed_dockgate(tmp_path: Path, environment: dict[str, str], hook_repository: Path) -> None:
    project = project_with(tmp_path / "project", environment, {"Containerfile": BAD_DOCKERFILE})
    without_dockgate = try_repo(hook_repository, "dockgate-system", project, environment, "--all-files")
    assert without_dockgate.returncode == 1 and "dockgate" in without_dockgate.stdout
    assert "DL1000" not in without_dockgate.stdout

    installed = shutil.which("dockgate", path=str(Path(sys.executable).parent)) or require_tool("dockgate")
    (tmp_path / "bin").mkdir()
    path = bin_directory(tmp_path / "bin", **commands_without("shellcheck", "dockgate"), dockgate=installed)
    completed = try_repo(hook_repository, "dockgate-system", project, dict(environment, PATH=str(path)), "--all-files")

    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert "Containerfile:2:" in completed.stdout and "DL1000" in completed.stdout
