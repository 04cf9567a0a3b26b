"""The script ShellCheck reads for a RUN declares, as set, only the variables the RUN's code names
or nearly names (ShellCheck suggests a declared name for a misspelt one).

Every declared name costs ShellCheck time; one it never reads cannot change its comments.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import dockgate.analysis.shellcheck as shellcheck
from dockgate.api import lint_paths
from dockgate.rule_api.config import Config

DOCKERFILE = """\
FROM debian:12
ARG UNUSED_VERSION=1
ARG build_flavour
ENV APP_HOME=/srv
RUN echo "$build_flavour" && ls "${APP_HOME}" && echo "$HTTPS_PROXY" && \\
    echo $undefined_thing
RUN true
"""


def scripts_and_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dockerfile: str = DOCKERFILE
) -> tuple[list[str], list[tuple[str, int, int]]]:
    path = tmp_path / "Dockerfile"
    path.write_text(dockerfile)
    handed: list[str] = []
    real = shellcheck.run_shellcheck

    def recording(scripts: list[str], time_budget: float = shellcheck.TIME_BUDGET_SECONDS) -> list[list[shellcheck.ShellCheckComment] | None]:
        handed.extend(scripts)
        return real(scripts, time_budget)

    monkeypatch.setattr(shellcheck, "run_shellcheck", recording)
    result = lint_paths([path], Config())
    found = [(f.code, f.span.line, f.span.column) for f in result.findings if f.code.startswith("SC") and f.span]
    return handed, found


def test_only_the_names_a_script_mentions_or_nearly_mentions_are_declared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scripts, _ = scripts_and_findings(tmp_path, monkeypatch)
    first, second = scripts
    header = first.splitlines()[:2]
    # HTTP_PROXY and the lower-case proxy names are one edit from HTTPS_PROXY: kept.
    assert header == ["#!/bin/sh", "export APP_HOME=1 HTTPS_PROXY=1 HTTP_PROXY=1 build_flavour=1 http_proxy=1 https_proxy=1"]
    assert "UNUSED_VERSION" not in first
    assert second.splitlines()[0] == "#!/bin/sh" and "export" not in second


def test_comments_land_on_the_run_lines_after_the_shorter_header(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, found = scripts_and_findings(tmp_path, monkeypatch)
    # `undefined_thing` is neither declared nor quoted; the declared names draw no SC2154.
    assert sorted(found) == [("SC2086", 6, 10), ("SC2154", 6, 10)]


def test_a_near_miss_of_a_declared_name_keeps_it_declared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # ShellCheck asks whether RTTP_PROXY is a misspelling of HTTP_PROXY only when HTTP_PROXY is assigned.
    handed, found = scripts_and_findings(tmp_path, monkeypatch, 'FROM debian:12\nARG UNUSED_VERSION=1\nRUN echo "$RTTP_PROXY"\n')
    assert "HTTP_PROXY=1" in handed[0] and "UNUSED_VERSION" not in handed[0]
    assert [code for code, _, _ in found] == ["SC2153"]
