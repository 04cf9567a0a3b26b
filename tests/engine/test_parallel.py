"""The process pool gives a run exactly what one process gives: findings in order, notices, the exit status, fixes."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import pytest

from dockgate.api import MIN_POOL_BATCH_SIZE, FixRunResult, LintResult, fix_paths, lint_paths
from dockgate.engine.dockerfile_engine import DockerfileEngine
from dockgate.engine.lint_job import LintJob
from dockgate.rule_api.findings import Finding
from dockgate.rule_api.config import ConfigResolver

VARIANTS = [
    "FROM ubuntu\nRUN apt-get install curl\nMAINTAINER me\n",
    "FROM alpine:3.20\nRUN echo $HOME && cd /tmp\nUSER 65534\n",
    "FROM python:3.12 AS build\nrun pip install requests\nFROM build\nCOPY . /app\n",
    "FROM node:20\nCOPY .env /app/\nRUN npm install\nEXPOSE 99999\n",
    "FROM alpine:3.20\nRUN <<EOF\necho\n",  # an unterminated heredoc: DL1000
    "FROM debian:12\nRUN [ -f x ] && rm -rf / ; wget http://example.com/a | sh\n",
]
# Over ShellCheck's size bound: its batch gives a notice.
HUGE_RUN = "FROM alpine:3.20\nRUN " + " && ".join(f"echo {index}" for index in range(300)) + "\n"


def generated_project(root: Path, files: int) -> list[Path]:
    paths = []
    for index in range(files):
        folder = root / f"service-{index:03d}"
        folder.mkdir()
        text = HUGE_RUN if index == files // 2 else VARIANTS[index % len(VARIANTS)] + f"LABEL n={index}\n"
        (folder / "Dockerfile").write_text(text, encoding="utf-8")
        if index % 7 == 0:
            (folder / ".dockerignore").write_text(".env\n", encoding="utf-8")
        paths.append(folder / "Dockerfile")
    return paths


def summary(result: LintResult) -> tuple[object, ...]:
    return (result.findings, result.notices, result.problems, result.checked, result.failed, [m.code for m in result.rules])


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("many")
    generated_project(root, 130)
    return root


def test_a_pool_run_equals_the_serial_run(project: Path) -> None:
    serial = lint_paths([project], ConfigResolver(), workers=1)
    assert serial.checked == 130
    assert {"DL1000", "DL4000", "SC2086", "DG2006"} <= {finding.code for finding in serial.findings}
    assert any("ShellCheck skipped" in notice for notice in serial.notices)
    assert summary(lint_paths([project], ConfigResolver(), workers=2)) == summary(serial)
    assert summary(lint_paths([project], ConfigResolver(), workers=3)) == summary(serial)
    assert summary(lint_paths([project], ConfigResolver())) == summary(serial)


def test_a_pool_run_fills_the_cache_a_serial_run_reads(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pooled = lint_paths([project], ConfigResolver(), workers=2, cache_dir=tmp_path)
    linted: list[str] = []
    lint_batch = DockerfileEngine.lint_batch

    def recording(engine: DockerfileEngine, jobs: Sequence[LintJob]) -> tuple[list[list[Finding]], list[str]]:
        linted.extend(job.display_path for job in jobs)
        return lint_batch(engine, jobs)

    monkeypatch.setattr(DockerfileEngine, "lint_batch", recording)
    assert summary(lint_paths([project], ConfigResolver(), workers=1, cache_dir=tmp_path)) == summary(pooled)
    # The workers stored their batches; only the batch with the over-long RUN's notice, stored by no one, is linted again.
    assert 0 < len(linted) <= MIN_POOL_BATCH_SIZE
    assert any(path.endswith("service-065/Dockerfile") for path in linted)


def fixed(result: FixRunResult) -> tuple[object, ...]:
    return (
        [(file.display_path, file.text, file.fixed) for file in result.files],
        result.findings,
        result.notices,
        result.unsafe_fixable,
    )


@pytest.mark.parametrize("unsafe", [False, True])
def test_pooled_fixing_equals_serial_fixing(project: Path, unsafe: bool) -> None:
    serial = fix_paths([project], ConfigResolver(), unsafe=unsafe, workers=1)
    assert sum(1 for file in serial.files if file.fixed) > 50
    assert fixed(fix_paths([project], ConfigResolver(), unsafe=unsafe, workers=2)) == fixed(serial)
