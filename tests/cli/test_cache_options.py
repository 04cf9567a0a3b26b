"""`check`'s result cache on the command line: where it goes, --no-cache, --cache-dir, standard input."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from dockgate.cli.main import main

BAD = "FROM alpine:3.20\nMAINTAINER someone\nUSER 65534\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "Dockerfile").write_text(BAD, encoding="utf-8")
    monkeypatch.chdir(tmp_path / "svc")
    return tmp_path


def cache_entries(directory: Path) -> list[Path]:
    return list(directory.rglob("*.json"))


def test_the_cache_is_at_the_project_root_and_gives_the_same_report(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--no-config", "Dockerfile"]) == 1
    first = capsys.readouterr()
    assert len(cache_entries(project / ".dockgate_cache")) == 1
    assert (project / ".dockgate_cache" / ".gitignore").is_file()
    assert main(["check", "--no-config", "Dockerfile"]) == 1
    assert capsys.readouterr() == first
    assert "DL4000" in first.out


def test_no_cache_writes_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--no-config", "--no-cache", "Dockerfile"]) == 1
    assert not (project / ".dockgate_cache").exists()
    assert "DL4000" in capsys.readouterr().out


def test_cache_dir_puts_it_elsewhere(project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "cache"
    assert main(["check", "--no-config", "--cache-dir", str(elsewhere), "Dockerfile"]) == 1
    assert len(cache_entries(elsewhere)) == 1
    assert not (project / ".dockgate_cache").exists()


def test_a_cache_dir_that_is_a_file_is_a_usage_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "taken").write_text("", encoding="utf-8")
    assert main(["check", "--no-config", "--cache-dir", str(project / "taken"), "Dockerfile"]) == 2
    assert "--cache-dir" in capsys.readouterr().err


def test_standard_input_is_not_cached(project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(BAD.encode())))
    assert main(["check", "--no-config", "--stdin-filename", "svc/Dockerfile", "-"]) == 1
    assert "DL4000" in capsys.readouterr().out
    assert cache_entries(project / ".dockgate_cache") == []
