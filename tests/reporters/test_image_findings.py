"""Image findings in every format: unattributed ones name the image, attributed ones a Dockerfile line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from reporter_samples import SECRET_RULE, schema_errors

from dockgate.dockerfile.model import Span
from dockgate.reporters import Report, render
from dockgate.rule_api.findings import Finding, ImageLocation, Level

LAYER_FILE = ImageLocation("app.tar", layer=1, layer_digest="sha256:" + "ab" * 32, history=3, path="root/.ssh/id_rsa")


def image_finding(location: ImageLocation, span: Span | None = None, file: str = "app.tar") -> Finding:
    return Finding(
        code="DG5001",
        name="credential-file-in-layer",
        level=Level.ERROR,
        message="private key added here",
        file=file,
        span=span,
        instruction_line=span.line if span else None,
        aliases=(),
        fingerprint="f1",
        image=location,
    )


UNATTRIBUTED = image_finding(LAYER_FILE)
ATTRIBUTED = image_finding(LAYER_FILE, Span(4, 1, 4, 30), file="Dockerfile")
CONFIG = image_finding(ImageLocation("app.tar"))


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_text_names_the_image_location_or_the_dockerfile_line() -> None:
    report = Report(files_checked=1, checked_noun=("image", "images"))
    lines = render("text", [UNATTRIBUTED, ATTRIBUTED, CONFIG], report).splitlines()
    assert lines == [
        "Dockerfile:4:1: DG5001 [error] private key added here (app.tar: layer 1 (sha256:abababababab) /root/.ssh/id_rsa)",
        "app.tar: config: DG5001 [error] private key added here",
        "app.tar: layer 1 (sha256:abababababab) /root/.ssh/id_rsa: DG5001 [error] private key added here",
        "3 findings (3 errors) in 1 image",
    ]


def test_json_has_null_positions_and_an_image_object_only_for_image_findings() -> None:
    rows = json.loads(render("json", [UNATTRIBUTED, ATTRIBUTED], Report()))
    attributed, unattributed = rows
    assert (attributed["file"], attributed["line"], attributed["end_column"]) == ("Dockerfile", 4, 30)
    assert unattributed["line"] is None and unattributed["instruction_line"] is None
    assert unattributed["image"] == {
        "name": "app.tar",
        "layer": 1,
        "layer_digest": "sha256:" + "ab" * 32,
        "history": 3,
        "path": "root/.ssh/id_rsa",
    }


def test_sarif_is_valid_with_image_locations(root: Path) -> None:
    (root / "Dockerfile").write_text("FROM alpine\n")
    report = Report(rules=[SECRET_RULE], sarif_category="dockgate/images/", root=root)
    log = json.loads(render("sarif", [UNATTRIBUTED, ATTRIBUTED, CONFIG], report))
    assert schema_errors(log) == []
    run = log["runs"][0]
    assert run["automationDetails"]["id"] == "dockgate/images/"
    results = {result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: result for result in run["results"]}
    attributed = results["Dockerfile"]
    assert attributed["locations"][0]["physicalLocation"]["region"]["startLine"] == 4
    assert attributed["properties"]["image"]["path"] == "root/.ssh/id_rsa"
    unattributed = [result for result in run["results"] if result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "app.tar"]
    assert len(unattributed) == 2
    # The whole archive: GitHub drops a result without a start line (multitool GH1003).
    assert all(result["locations"][0]["physicalLocation"]["region"] == {"startLine": 1} for result in unattributed)
    assert {result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] for result in unattributed} == {
        "app.tar config",
        "app.tar layer 1 (sha256:abababababab) /root/.ssh/id_rsa",
    }
