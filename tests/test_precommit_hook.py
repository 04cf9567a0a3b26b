"""The pre-commit hook in `.pre-commit-hooks.yaml`, installed and run for real.

`pre-commit try-repo` builds a fresh environment from the hook repository,
which must have a commit. So the checkout (tracked files plus untracked ones
git does not ignore) is copied into a throwaway repository and committed
there; the test then works in an uncommitted work tree too.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from checkout_copy import CHECKOUT, copy_of_checkout, require_tool

pytestmark = pytest.mark.integration

# `ENV PATH` without a value is a parse error for BuildKit, hence DL1000.
BAD_DOCKERFILE = "FROM alpine:3.20\nENV PATH\n"
CLEAN_DOCKERFILE = 'FROM alpine:3.20\nUSER 65534\nHEALTHCHECK CMD ["true"]\nCMD ["echo", "hello"]\n'


def pre_commit_command() -> list[str]:
    if importlib.util.find_spec("pre_commit") is not None:
        return [sys.executable, "-m", "pre_commit"]
    return [require_tool("pre-commit")]


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    """This process's environment with its own pre-commit cache and a fixed git identity."""
    # A surrounding git hook's variables would point git at another repository.
    variables = {name: value for name, value in os.environ.items() if not name.startswith("GIT_")}
    variables.update(
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
        GIT_AUTHOR_NAME="dockgate tests",
        GIT_AUTHOR_EMAIL="tests@dockgate.invalid",
        GIT_COMMITTER_NAME="dockgate tests",
        GIT_COMMITTER_EMAIL="tests@dockgate.invalid",
    )
    return variables


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


def test_manifest_is_valid(environment: dict[str, str]) -> None:
    completed = run(
        [*pre_commit_command(), "validate-manifest", ".pre-commit-hooks.yaml"],
        CHECKOUT,
        environment,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_hook_fails_on_a_bad_dockerfile_and_passes_a_clean_one(
    tmp_path: Path, environment: dict[str, str]
) -> None:
    require_tool("git")
    hook_repository = committed_copy_of_checkout(tmp_path / "hook-repository", environment)
    project = tmp_path / "project"
    for name, text in (("bad/Dockerfile", BAD_DOCKERFILE), ("clean/Dockerfile", CLEAN_DOCKERFILE)):
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text)
    git(project, environment, "init", "-q")
    git(project, environment, "add", "--all")  # try-repo needs the files staged, not committed

    def try_repo(file: str) -> subprocess.CompletedProcess[str]:
        command = [*pre_commit_command(), "try-repo", str(hook_repository), "dockgate"]
        return run([*command, "--color", "never", "--verbose", "--files", file], project, environment)

    bad = try_repo("bad/Dockerfile")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "DL1000" in bad.stdout, bad.stdout

    clean = try_repo("clean/Dockerfile")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "dockgate" in clean.stdout and "Passed" in clean.stdout, clean.stdout
