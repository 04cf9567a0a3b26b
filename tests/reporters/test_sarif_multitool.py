"""dockgate's SARIF through Microsoft's SARIF Multitool with every GitHub rule switched on.

The multitool (`@microsoft/sarif-multitool`, installed by .ci/run) checks a
log against the SARIF rules and GitHub's ingestion rules (GH1001-GH2012);
tests/data/sarif/multitool-github-rules.xml turns each GitHub rule on at
level Error. The logs come from real `check` and `image` runs: from a
subdirectory of a repository, with a failed input, from standard input, and
an image with and without its Dockerfile. No result may be an error or a
warning.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from archive_builders import docker25_members, tar_bytes
from image_builders import layer_tar

from dockgate.cli.main import main

pytestmark = pytest.mark.integration

CONFIGURATION = Path(__file__).parents[1] / "data" / "sarif" / "multitool-github-rules.xml"
NPM_TOOLS = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "dockgate-ci" / "npm" / "node_modules" / ".bin"
"""Where .ci/run installs npm tools (outside the clone, so the next run reuses them)."""

# The install after `COPY . /app` gives a result with a related location (DG3001).
DOCKERFILE = (
    "FROM ubuntu\nRUN apt-get install -y curl wget\nRUN cd /tmp && echo $x\nRUN cd /tmp && echo $x\nCOPY . /app\n"
    "RUN cd /app && pip install -r requirements.txt\n"
)
SECRET_KEY = b"-----BEGIN OPENSSH PRIVATE KEY-----\nZmFrZS1rZXktZm9yLXRlc3RzLW9ubHk=\n-----END OPENSSH PRIVATE KEY-----\n"


def multitool() -> str:
    for candidate in (NPM_TOOLS / "sarif-multitool", shutil.which("sarif-multitool")):
        if candidate is not None and Path(candidate).is_file():
            return str(candidate)
    if os.environ.get("CI") == "true":
        pytest.fail("sarif-multitool is not installed (.ci/run installs it with npm)")
    pytest.skip("sarif-multitool is not installed (npm install @microsoft/sarif-multitool)")


def validation_problems(log: Path, tmp_path: Path) -> list[str]:
    """The multitool's errors and warnings about `log`, one line each."""
    output = tmp_path / f"{log.stem}.validation.sarif"
    completed = subprocess.run(
        [multitool(), "validate", "--config", str(CONFIGURATION), "--output", str(output), str(log)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert output.is_file(), completed.stdout + completed.stderr
    validation: dict[str, Any] = json.loads(output.read_text(encoding="utf-8-sig"))
    problems = []
    for run in validation["runs"]:
        for notification in run.get("invocations", [{}])[0].get("toolExecutionNotifications", []):
            problems.append(f"tool {notification.get('level')}: {notification['message'].get('text')}")
        for result in run.get("results", []):
            if result.get("level", "warning") in ("error", "warning"):
                problems.append(f"{result['ruleId']} {result.get('level', 'warning')}: {result['message']}")
    return problems


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git work tree with a Dockerfile in a subdirectory, which is the working directory."""
    root = tmp_path / "repository"
    (root / ".git").mkdir(parents=True)
    (root / "services" / "web").mkdir(parents=True)
    (root / "services" / "web" / "Dockerfile").write_text(DOCKERFILE, encoding="utf-8")
    monkeypatch.chdir(root / "services")
    return root


def sarif_of(arguments: list[str], output: Path, capsys: pytest.CaptureFixture[str], stdin: str | None = None) -> dict[str, Any]:
    if stdin is not None:
        pytest.MonkeyPatch().setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
    main([*arguments, "--format", f"sarif={output}"])
    capsys.readouterr()
    log: dict[str, Any] = json.loads(output.read_text(encoding="utf-8"))
    return log


def test_negative_control_the_github_rules_are_on(tmp_path: Path) -> None:
    # GH1005 is off by default; the configuration must switch it on.
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "probe", "rules": [{"id": "P1", "shortDescription": {"text": "p"}, "fullDescription": {"text": "p."}, "help": {"text": "p"}}]}},
            "results": [{"ruleId": "P1", "message": {"text": "m"}, "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": "docker-archive:app.tar"}, "region": {"startLine": 1}}}]}],
        }],
    }
    path = tmp_path / "probe.sarif"
    path.write_text(json.dumps(log), encoding="utf-8")
    problems = validation_problems(path, tmp_path)
    assert any(problem.startswith("GH1005 error") for problem in problems), problems


def test_check_sarif_from_a_subdirectory_with_a_failed_input(repository: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = sarif_of(["check", "web/Dockerfile", "missing/Dockerfile"], tmp_path / "check.sarif", capsys)

    run = log["runs"][0]
    assert run["invocations"][0]["executionSuccessful"] is False
    assert {result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for result in run["results"]} == {"services/web/Dockerfile"}
    assert run["invocations"][0]["workingDirectory"]["uri"] == (repository / "services").resolve().as_uri() + "/"
    assert [result["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] for result in run["results"] if result["ruleId"] == "DG3001"] == [5]
    assert validation_problems(tmp_path / "check.sarif", tmp_path) == []


def test_check_sarif_from_standard_input(repository: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    arguments = ["check", "-", "--stdin-filename", "services/web/Dockerfile"]
    sarif_of(arguments, tmp_path / "stdin.sarif", capsys, stdin=DOCKERFILE)
    assert validation_problems(tmp_path / "stdin.sarif", tmp_path) == []


def test_check_sarif_with_suppressed_findings_and_every_rule(repository: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repository / "services" / "web" / "Dockerfile").write_text(
        "# hadolint ignore=DL3006\n" + DOCKERFILE.replace("RUN apt-get", "# dockgate: ignore=DL3008\nRUN apt-get", 1), encoding="utf-8"
    )
    arguments = ["check", "web/Dockerfile", "--include-suppressed", "--sarif-rules", "all"]
    log = sarif_of(arguments, tmp_path / "suppressed.sarif", capsys)

    suppressed = [result["ruleId"] for result in log["runs"][0]["results"] if result.get("suppressions")]
    assert sorted(set(suppressed)) == ["DL3006", "DL3008"]
    assert validation_problems(tmp_path / "suppressed.sarif", tmp_path) == []


@pytest.fixture
def image_archive(repository: Path) -> Path:
    config = json.dumps({
        "architecture": "amd64",
        "os": "linux",
        "config": {"Cmd": ["/bin/sh"]},
        "rootfs": {"type": "layers", "diff_ids": []},
        "history": [{"created_by": "COPY . /app"}],
    }).encode()
    layer = layer_tar([{"path": "root/.ssh/id_rsa", "content": SECRET_KEY.decode(), "mode": 0o600}], None)
    archive = repository / "services" / "web image.tar"
    archive.write_bytes(tar_bytes(docker25_members(config, [layer], "web:1.0")))
    return archive


@pytest.mark.parametrize("with_dockerfile", [False, True], ids=["image-alone", "with-dockerfile"])
def test_image_sarif(with_dockerfile: bool, image_archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    arguments = ["image", f"docker-archive:{image_archive.name}"] + (["--dockerfile", "web/Dockerfile"] if with_dockerfile else [])
    log = sarif_of(arguments, tmp_path / "image.sarif", capsys)

    results = log["runs"][0]["results"]
    assert results, "the image has findings (root user, a private key)"
    for result in results:
        assert not result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("docker-archive")
    assert validation_problems(tmp_path / "image.sarif", tmp_path) == []
