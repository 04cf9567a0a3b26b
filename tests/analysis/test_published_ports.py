"""Where an image's ports are published: compose files up the repository, interpolation, port syntax."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockgate.analysis.docker_cli_commands import command_files
from dockgate.analysis.published_ports import (
    PortSource,
    describe_ports,
    port_range,
    port_sources,
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    write(tmp_path / "api" / "Dockerfile", "FROM python:3.12-slim\n")
    write(tmp_path / "api" / "Dockerfile.worker", "FROM python:3.12-slim\n")
    return tmp_path


def test_a_root_compose_file_builds_a_subfolder_dockerfile(repository: Path) -> None:
    write(
        repository / "compose.yaml",
        "services:\n"
        "  api: {build: ./api, ports: ['8080:8000']}\n"
        "  worker: {build: {context: api, dockerfile: Dockerfile.worker}, expose: [9000]}\n"
        "  web: {build: ./web, ports: ['80:80']}\n",
    )
    assert list(port_sources(repository / "api" / "Dockerfile")) == [
        PortSource("service 'api' in ../compose.yaml", "publishes", frozenset({(8000, "tcp")}))
    ]
    assert list(port_sources(repository / "api" / "Dockerfile.worker")) == [
        PortSource("service 'worker' in ../compose.yaml", "exposes", frozenset({(9000, "tcp")}))
    ]


def test_the_search_stops_at_the_repository_root(tmp_path: Path) -> None:
    write(tmp_path / "compose.yaml", "services:\n  api: {build: ./repo/api, ports: ['8000']}\n")
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    dockerfile = write(tmp_path / "repo" / "api" / "Dockerfile", "FROM alpine\n")
    assert list(port_sources(dockerfile)) == []
    (tmp_path / "repo" / ".git").rmdir()
    assert [source.description for source in port_sources(dockerfile)] == ["service 'api' in ../../compose.yaml"]


def test_the_environment_wins_over_the_env_file(repository: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(repository / ".env", "export DOCKGATE_TEST_PORT='5000'\nDOCKGATE_TEST_DIR=api # where the app lives\n")
    write(repository / "compose.yaml", "services:\n  api:\n    build: ./${DOCKGATE_TEST_DIR}\n    ports: ['${DOCKGATE_TEST_PORT}']\n")
    monkeypatch.delenv("DOCKGATE_TEST_PORT", raising=False)
    monkeypatch.delenv("DOCKGATE_TEST_DIR", raising=False)
    assert [source.ports for source in port_sources(repository / "api" / "Dockerfile")] == [frozenset({(5000, "tcp")})]
    monkeypatch.setenv("DOCKGATE_TEST_PORT", "6000")
    assert [source.ports for source in port_sources(repository / "api" / "Dockerfile")] == [frozenset({(6000, "tcp")})]


@pytest.mark.parametrize(
    "entry,ports",
    [
        ("3000", {(3000, "tcp")}),
        ("127.0.0.1:8001:8001/udp", {(8001, "udp")}),
        ("[::1]:6001:6001", {(6001, "tcp")}),
        ("9090-9091:8080-8081", {(8080, "tcp"), (8081, "tcp")}),
        ("$${literal}", set()),
        ("1-65535", set()),
    ],
)
def test_short_port_syntax(repository: Path, entry: str, ports: set[tuple[int, str]]) -> None:
    write(repository / "api" / "compose.yaml", f"services:\n  api:\n    build: .\n    ports: ['{entry}']\n")
    found = [source.ports for source in port_sources(repository / "api" / "Dockerfile")]
    assert found == ([frozenset(ports)] if ports else [])


def test_port_ranges_and_their_description() -> None:
    assert port_range("8000-8002/UDP") == {(8000, "udp"), (8001, "udp"), (8002, "udp")}
    assert port_range("80/tcp") == {(80, "tcp")}
    assert port_range("http") is None
    assert port_range("9-1") is None
    assert describe_ports({(53, "udp"), (80, "tcp"), (8000, "tcp"), (8001, "tcp"), (8002, "tcp")}) == "80/tcp, 8000-8002/tcp, 53/udp"


def test_the_files_read_for_docker_commands_are_the_context_scripts_and_the_repository_ci_files(repository: Path) -> None:
    api = repository / "api"
    for name in ("run.sh", ".hidden.sh", "build.bash", "Makefile", "rules.mk", "justfile", "package.json", "README.md", "scripts/start.sh"):
        write(api / name, "docker run -p 80:80 app\n")
    write(api / "scripts" / "notes.txt", "docker run app\n")
    write(api / "makefile.txt", "docker run app\n")
    write(api / "Readme.MD", "docker run app\n")
    (api / "folder.sh").mkdir()
    for name in (".github/workflows/ci.yml", ".github/workflows/release.yaml", ".gitlab-ci.yml"):
        write(repository / name, "run: docker run app\n")
    write(repository / ".github" / "workflows" / "README.md", "docker run app\n")
    write(repository / "run.sh", "docker run app\n")  # the repository root's scripts are another context's
    found = [path.relative_to(repository).as_posix() for path in command_files(api / "Dockerfile", repository)]
    assert found == [
        ".github/workflows/ci.yml",
        ".github/workflows/release.yaml",
        ".gitlab-ci.yml",
        "api/.hidden.sh",
        "api/Makefile",
        "api/README.md",
        "api/build.bash",
        "api/justfile",
        "api/package.json",
        "api/rules.mk",
        "api/run.sh",
        "api/scripts/start.sh",
    ]
    assert command_files(api / "Dockerfile", None) == [path for path in map(repository.joinpath, found) if path.parent != repository and "/.github/" not in path.as_posix()]
