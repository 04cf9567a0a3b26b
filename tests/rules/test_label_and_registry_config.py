"""DL3026 and the label rules switched on from the command line and from configuration files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dockgate.cli.main import main

DOCKERFILE = """\
FROM quay.io/example/tools:1.0 AS tools
FROM ubuntu:24.04
LABEL version="v1" vendor="Example"
COPY --from=tools /bin/tool /usr/local/bin/tool
USER 1000
"""
LABEL_AND_REGISTRY_CODES = {"DL3026", "DL3048", "DL3049", "DL3050", "DL3051", "DL3052", "DL3053", "DL3054"}
LABEL_AND_REGISTRY_CODES |= {"DL3055", "DL3056", "DL3058"}


def findings(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[tuple[int, int, str, str]]]:
    """Exit code and (line, column, code, message) of the label and registry findings."""
    code = main(["check", "--format", "json", *argv])
    reported = json.loads(capsys.readouterr().out)
    return code, [
        (finding["line"], finding["column"], finding["code"], finding["message"])
        for finding in reported
        if finding["code"] in LABEL_AND_REGISTRY_CODES
    ]


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def test_nothing_without_registries_or_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "Dockerfile", DOCKERFILE)
    assert findings(["--no-config", str(path)], capsys)[1] == []


def test_command_line_flags(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "Dockerfile", DOCKERFILE)
    argv = ["--no-config", "--trusted-registry", "docker.io", "--require-label", "version:semver", "--strict-labels"]
    code, found = findings([*argv, str(path)], capsys)
    assert code == 1
    assert found == [
        (1, 6, "DL3026", "Use only an allowed registry in the FROM image"),
        (3, 15, "DL3056", "Label `version` does not conform to semantic versioning."),
        (3, 20, "DL3050", "Superfluous label(s) present."),
    ]


def test_require_label_without_type_is_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "Dockerfile", "FROM ubuntu:24.04\nLABEL vendor=\"\"\n")
    _, found = findings(["--no-config", "--require-label", "vendor", "--require-label", "owner:", str(path)], capsys)
    assert found == [
        (1, 1, "DL3049", "Label `owner` is missing."),
        (2, 7, "DL3051", "label `vendor` is empty."),
    ]


def test_hadolint_yaml_is_discovered(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        tmp_path,
        ".hadolint.yaml",
        "trustedRegistries:\n  - docker.io\n"
        "label-schema:\n  version: semver\n  maintainer: email\n"
        "strict-labels: true\n",
    )
    path = write(tmp_path, "Dockerfile", DOCKERFILE)
    code, found = findings([str(path)], capsys)
    assert code == 1
    assert found == [
        (1, 6, "DL3026", "Use only an allowed registry in the FROM image"),
        (2, 1, "DL3049", "Label `maintainer` is missing."),
        (3, 15, "DL3056", "Label `version` does not conform to semantic versioning."),
        (3, 20, "DL3050", "Superfluous label(s) present."),
    ]


def test_hadolint_yaml_as_explicit_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write(tmp_path, "lint.yaml", "trustedRegistries: [quay.io]\nlabel-schema:\n  vendor: text\n")
    path = write(tmp_path, "Dockerfile", DOCKERFILE)
    _, found = findings(["--config", str(config), str(path)], capsys)
    assert found == [(2, 6, "DL3026", "Use only an allowed registry in the FROM image")]


def test_command_line_adds_to_the_configured_registries(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, ".hadolint.yaml", "trustedRegistries: [quay.io]\n")
    path = write(tmp_path, "Dockerfile", DOCKERFILE)
    assert findings(["--trusted-registry", "docker.io", str(path)], capsys) == (0, [])


def test_dockgate_toml_keys(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        tmp_path,
        ".dockgate.toml",
        'trusted-registries = ["*.example.com", "docker.io"]\n'
        "strict-labels = true\n"
        '[label-schema]\nversion = "semver"\nvendor = "text"\n',
    )
    path = write(tmp_path, "Dockerfile", DOCKERFILE)
    _, found = findings([str(path)], capsys)
    assert found == [
        (1, 6, "DL3026", "Use only an allowed registry in the FROM image"),
        (3, 15, "DL3056", "Label `version` does not conform to semantic versioning."),
    ]


def test_bad_label_type_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "Dockerfile", DOCKERFILE)
    assert main(["check", "--no-config", "--require-label", "version:number", str(path)]) == 2
    assert "version" in capsys.readouterr().err
