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


DEPLOYMENT = """\
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  ports: [{port: 80, targetPort: 8000}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      initContainers:
        - {name: migrate, image: ghcr.io/acme/api:1.4}
      containers:
        - name: api
          image: ghcr.io/acme/api:1.4
          ports: [{containerPort: 8000}, {containerPort: 9090, protocol: UDP, name: metrics}]
        - {name: proxy, image: envoyproxy/envoy:v1.31, ports: [{containerPort: 9901}]}
"""


def test_kubernetes_manifests_up_the_repository_declare_the_ports_of_our_image(repository: Path) -> None:
    write(repository / "api" / "build.sh", "docker build -t api .\n")
    write(repository / "k8s" / "overlays" / "prod" / "api.yaml", DEPLOYMENT)
    write(
        repository / "api" / "cron.yml",
        "kind: List\nitems:\n  - kind: CronJob\n    metadata: {name: nightly}\n    spec:\n      jobTemplate:\n"
        "        spec:\n          template:\n            spec:\n              containers:\n"
        "                - {name: job, image: 'docker.io/library/api', ports: [{containerPort: 7000}]}\n",
    )
    write(repository / "deploy" / "chart" / "templates" / "api.yaml", "kind: Pod\nspec: {{ .Values.spec }}\ncontainerPort\n")
    assert list(port_sources(repository / "api" / "Dockerfile")) == [
        PortSource("container 'job' of CronJob 'nightly' in cron.yml", "declares", frozenset({(7000, "tcp")})),
        PortSource(
            "container 'api' of Deployment 'api' in ../k8s/overlays/prod/api.yaml",
            "declares",
            frozenset({(8000, "tcp"), (9090, "udp")}),
        ),
    ]


def test_manifests_of_other_images_or_without_our_image_name_count_for_nothing(repository: Path) -> None:
    write(repository / "k8s" / "api.yaml", DEPLOYMENT)
    assert list(port_sources(repository / "api" / "Dockerfile")) == []  # nothing says which image this Dockerfile builds
    write(repository / "api" / "build.sh", "docker build -t ghcr.io/acme/worker:dev .\n")
    assert list(port_sources(repository / "api" / "Dockerfile")) == []


def test_manifest_search_is_bounded(repository: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    from dockgate.analysis.published_ports import MAX_MANIFEST_FILES, manifest_files

    write(repository / "compose.yaml", "services: {}\n")
    write(repository / "docs" / "k8s.yaml", "kind: Pod\n")  # not a manifest folder, nor the Dockerfile's
    write(repository / "k8s" / "a" / "b" / "c" / "d.yaml", "kind: Pod\n")  # deeper than three levels
    write(repository / "k8s" / "a" / "b" / "c.yaml", "kind: Pod\n")
    assert manifest_files(repository / "api" / "Dockerfile") == [repository / "k8s" / "a" / "b" / "c.yaml"]
    for index in range(MAX_MANIFEST_FILES + 5):
        write(repository / "api" / "manifests" / f"{index:03}.yaml", "kind: Pod\n")
    found = manifest_files(repository / "api" / "Dockerfile")
    assert len(found) == MAX_MANIFEST_FILES
    assert found[0] == repository / "api" / "manifests" / "000.yaml"
    # Outside a repository only the Dockerfile's own folder is searched.
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    outside = write(elsewhere / "svc" / "Dockerfile", "FROM alpine\n")
    write(elsewhere / "pod.yaml", "kind: Pod\n")
    write(outside.parent / "pod.yaml", "kind: Pod\n")
    assert manifest_files(outside) == [outside.parent / "pod.yaml"]


def test_malformed_manifests_give_what_they_can_and_no_error(repository: Path) -> None:
    write(repository / "api" / "build.sh", "docker build -t api .\n")
    write(
        repository / "api" / "pod.yaml",
        "kind: Pod\nmetadata: 5\nspec:\n  containers:\n    - {name: [1], image: api, ports: 5}\n"
        "    - {image: api, ports: [{containerPort: '80'}, {containerPort: 70000}, {containerPort: true}, 3,"
        " {containerPort: 8080, protocol: [x]}]}\n    - {image: api, ports: [{containerPort: 81}]}\n"
        "---\n- a\n---\nkind: [List]\n---\nkind: List\nitems: 3\n---\nkind: Deployment\nspec: {template: 4}\n"
        "---\nkind: Job\nspec: {template: {spec: {containers: [{image: $IMAGE, ports: [{containerPort: 82}]}]}}}\n",
    )
    write(repository / "api" / "broken.yml", "kind: Pod\ncontainerPort: [\n")
    assert list(port_sources(repository / "api" / "Dockerfile")) == [
        PortSource("a container of a Pod in pod.yaml", "declares", frozenset({(81, "tcp")}))
    ]
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
