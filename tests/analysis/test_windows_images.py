"""Which stages build Windows images, and what follows: cmd as the default shell, user names."""

from __future__ import annotations

import pytest

from dockgate.analysis.semantics import SemanticModel
from dockgate.analysis.shell import run_scripts
from dockgate.analysis.windows_images import (
    is_windows_image,
    is_windows_stage,
    windows_stage_starts,
)
from dockgate.api import lint_text
from dockgate.dockerfile.parser import parse
from dockgate.rule_api.config import Config


@pytest.mark.parametrize(
    "reference",
    [
        "mcr.microsoft.com/windows/servercore:ltsc2022",
        "mcr.microsoft.com/windows/nanoserver:1809",
        "mcr.microsoft.com/windows:20H2",
        "mcr.microsoft.com/dotnet/framework/sdk:4.8",
        "microsoft/windowsservercore",
        "python:3.12-windowsservercore-ltsc2022",
        "node:20-nanoserver",
        "mcr.microsoft.com/powershell:lts-windowsserver-ltsc2022",
        "nanoserverapiscan",
    ],
)
def test_windows_image_names(reference: str) -> None:
    assert is_windows_image(reference)


@pytest.mark.parametrize(
    "reference",
    ["alpine:3.20", "mcr.microsoft.com/dotnet/sdk:8.0", "mcr.microsoft.com/powershell:7.4-ubuntu-22.04", "windowsapp:1"],
)
def test_linux_image_names(reference: str) -> None:
    assert not is_windows_image(reference)


def stages_windows(text: str) -> list[bool]:
    semantics = SemanticModel(parse(text))
    return [is_windows_stage(semantics, stage) for stage in semantics.stages]


def test_each_hint_and_the_chain() -> None:
    text = (
        "ARG VERSION\n"
        "FROM mcr.microsoft.com/windows/servercore:${VERSION} AS base\n"
        "FROM base\n"
        "FROM debian:12\n"
        'FROM example.com/tools:1\nSHELL ["cmd", "/S", "/C"]\n'
        "FROM --platform=windows/amd64 example.com/tools:1\n"
        'FROM example.com/tools:1\nSHELL ["pwsh", "-Command"]\n'
    )
    assert stages_windows(text) == [True, True, False, True, True, False]
    assert stages_windows("# escape=`\nFROM example.com/tools:1\n") == [True]


def test_a_windows_stage_runs_cmd_so_its_run_has_no_posix_script() -> None:
    text = (
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS win\nRUN dir C:\\\n"
        'FROM win\nRUN echo carried\nSHELL ["bash", "-c"]\nRUN echo posix\n'
        "FROM debian:12\nRUN echo linux\n"
    )
    document = parse(text)
    runs = run_scripts(document, {}, windows_stage_starts(SemanticModel(document)))
    assert [run.shell for run in runs] == ["cmd /S /C", "cmd /S /C", "bash -c", "/bin/sh -c"]
    assert [run.script is not None for run in runs] == [False, False, True, True]


def test_no_shellcheck_and_no_posix_shell_rules_in_a_windows_image() -> None:
    script = "RUN cd C:\\app && type a.txt | findstr x\n"
    codes = {f.code for f in lint_text("FROM mcr.microsoft.com/windows/servercore:ltsc2022\n" + script, config=Config())}
    assert not {code for code in codes if code.startswith("SC")} and not {"DL3003", "DL4006"} & codes
    linux = {f.code for f in lint_text("FROM debian:12\n" + script, config=Config())}
    assert {"DL3003", "DL4006"} <= linux
