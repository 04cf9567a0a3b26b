"""`check --include-suppressed`: the findings ignore comments silence, kept for SARIF with an in-source suppression."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from reporter_samples import assert_github_ready

from dockgate.api import lint_paths
from dockgate.cli.main import main
from dockgate.rule_api.config import load_config

DOCKERFILE = "# hadolint ignore=DL3006\nFROM ubuntu\n# dockgate: ignore=DL4000\nMAINTAINER me\nFROM alpine:3.20\n"


def write_dockerfile(directory: Path, text: str = DOCKERFILE) -> Path:
    path = directory / "Dockerfile"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_api_keeps_suppressed_findings_apart_only_when_asked(tmp_path: Path) -> None:
    path = write_dockerfile(tmp_path)
    config = load_config(None, True, {"select": ["DL3006", "DL4000"]})
    plain = lint_paths([path], config)
    assert plain.suppressed_findings == [] and {finding.code for finding in plain.findings} == set()
    kept = lint_paths([path], config, include_suppressed=True)
    assert kept.findings == plain.findings and not kept.failed
    by_code = {finding.code: finding for finding in kept.suppressed_findings}
    assert sorted(by_code) == ["DL3006", "DL4000"]
    comment = by_code["DL3006"].suppression
    assert comment is not None and comment.text == "# hadolint ignore=DL3006"
    assert comment.comment is not None and comment.comment.line == 1
    assert by_code["DL4000"].suppression is not None and by_code["DL4000"].suppression.text == "# dockgate: ignore=DL4000"


def sarif_of(arguments: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict:  # type: ignore[type-arg]
    output = tmp_path / "out.sarif"
    code = main(["check", "--no-config", "--select", "DL3006,DL4000,DG1001", *arguments, "--format", f"sarif={output}", "--format", "json"])
    out = capsys.readouterr().out
    assert json.loads(out) == [], "suppressed findings stay out of the other formats"
    assert code == 0, "suppressed findings do not fail the run"
    log: dict = json.loads(output.read_text(encoding="utf-8"))  # type: ignore[type-arg]
    return log


def test_sarif_writes_suppressed_results_with_the_comment(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_dockerfile(tmp_path)
    assert sarif_of(["Dockerfile"], tmp_path, capsys)["runs"][0]["results"] == []
    log = sarif_of(["--include-suppressed", "Dockerfile"], tmp_path, capsys)
    assert_github_ready(log)
    results = {result["ruleId"]: result for result in log["runs"][0]["results"]}
    assert sorted(results) == ["DL3006", "DL4000"]
    assert [rule["id"] for rule in log["runs"][0]["tool"]["driver"]["rules"]] == ["DL3006", "DL4000"]
    (suppression,) = results["DL3006"]["suppressions"]
    assert suppression == {
        "kind": "inSource",
        "justification": "suppressed by `# hadolint ignore=DL3006`",
        "location": {
            "physicalLocation": {
                "artifactLocation": results["DL3006"]["locations"][0]["physicalLocation"]["artifactLocation"],
                "region": {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 25},
            }
        },
    }


def test_a_buildkit_check_skip_is_a_suppression_without_a_comment_location(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_dockerfile(tmp_path, "# check=skip=StageNameCasing\nFROM alpine:3.20 AS Build\n")
    log = sarif_of(["--include-suppressed", "Dockerfile"], tmp_path, capsys)
    assert_github_ready(log)
    (result,) = log["runs"][0]["results"]
    assert result["ruleId"] == "DG1001"
    assert result["suppressions"] == [{"kind": "inSource", "justification": "suppressed by `# check=skip=...`"}]
