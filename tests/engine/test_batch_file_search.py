"""The files of one batch share what the filesystem around them said (one listing per folder per
batch); the next batch asks again, so a long-lived process (the language server) sees changes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dockgate.dockerfile.source import decode
from dockgate.engine.dockerfile_engine import DockerfileEngine
from dockgate.engine.lint_job import LintJob
from dockgate.engine.registry import dockerfile_rules
from dockgate.rule_api.config import Config

DOCKERFILE = "FROM python:3.12-slim\nEXPOSE 5000\nCMD [\"python\", \"-m\", \"app\"]\n"


def jobs_in(folder: Path, names: list[str]) -> list[LintJob]:
    jobs = []
    for name in names:
        path = folder / name
        path.write_text(DOCKERFILE, encoding="utf-8")
        jobs.append(LintJob(str(path), decode(path.read_bytes()), Config(), path))
    return jobs


def test_a_batch_lists_each_folder_once_and_the_next_batch_lists_it_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    listed: list[str] = []
    real_listdir = os.listdir

    def counting_listdir(folder: str | os.PathLike[str]) -> list[str]:
        listed.append(os.fspath(folder))
        return real_listdir(folder)

    monkeypatch.setattr("dockgate.analysis.file_search.os.listdir", counting_listdir)
    (tmp_path / ".git").mkdir()  # the repository root: the search stops here
    jobs = jobs_in(tmp_path, ["api.Dockerfile", "web.Dockerfile", "worker.Dockerfile"])
    engine = DockerfileEngine(dockerfile_rules())
    engine.lint_batch(jobs)
    assert listed.count(str(tmp_path)) == 1
    (tmp_path / "compose.yaml").write_text('services:\n  api:\n    build: {context: ., dockerfile: api.Dockerfile}\n    ports: ["8000:8000"]\n', encoding="utf-8")
    found, _ = engine.lint_batch(jobs[:1])
    assert listed.count(str(tmp_path)) == 2
    assert [finding.code for finding in found[0] if finding.code == "DG3004"] == ["DG3004"]
