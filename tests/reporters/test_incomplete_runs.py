"""After an input error (exit 2) no format reads as a clean run: each says the run is
incomplete, or (json, sonarqube: formats without a place for it) holds nothing that claims
success, and the README says to rely on the exit code there."""

from __future__ import annotations

import json

import pytest

from dockgate.reporters import FORMATS, Report, render

PROBLEM = "missing/Dockerfile: no such file or directory"
SAYS_WHAT_FAILED = {"sarif", "github", "github-summary", "gitlab", "codeclimate", "checkstyle", "junit", "gnu"}
SAYS_INCOMPLETE = {"text"}
"""Its report goes to standard output after the errors on standard error, which name the input."""
NO_PLACE_FOR_IT = {"json", "sonarqube"}


def test_every_format_is_in_one_group() -> None:
    assert SAYS_WHAT_FAILED | SAYS_INCOMPLETE | NO_PLACE_FOR_IT == set(FORMATS)


@pytest.mark.parametrize("format_name", sorted(FORMATS))
@pytest.mark.parametrize("files_checked", [0, 2])
def test_no_format_reads_as_a_clean_run_after_an_error(format_name: str, files_checked: int) -> None:
    output = render(format_name, [], Report(files_checked=files_checked, problems=(PROBLEM,)))
    assert "no findings" not in output.lower()
    if format_name in SAYS_WHAT_FAILED:
        assert "no such file or directory" in output
    elif format_name in SAYS_INCOMPLETE:
        assert output.startswith("run incomplete: 1 input could not be checked")
    else:
        assert json.loads(output) in ([], {"rules": [], "issues": []})


@pytest.mark.parametrize("format_name", ["gitlab", "codeclimate"])
def test_code_quality_reports_carry_a_blocker_for_the_input(format_name: str) -> None:
    output = render(format_name, [], Report(files_checked=1, problems=(PROBLEM,)))
    issues = json.loads(output) if format_name == "gitlab" else [json.loads(part) for part in output.split("\0") if part]
    assert [(issue["check_name"], issue["severity"], issue["location"]["path"], issue["description"]) for issue in issues] == [
        ("dockgate/run-incomplete", "blocker", "missing/Dockerfile", f"Not checked: {PROBLEM}")
    ]


def test_the_job_summary_after_an_error() -> None:
    summary = render("github-summary", [], Report(files_checked=2, problems=(PROBLEM,)))
    assert summary.splitlines() == [
        "## dockgate: run incomplete",
        "",
        "**Run incomplete**: 1 of the inputs could not be checked.",
        "",
        f"- {PROBLEM}",
        "",
        "The 2 files that could be checked gave nothing to report; the result is not a clean run.",
    ]
