from __future__ import annotations

import re

from reporter_samples import CASING_RULE, PIN_RULE, SECRET_RULE, finding

from dockgate.reporters import Report, render
from dockgate.rule_api.findings import Level

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_one_line_per_finding_sorted_then_summary() -> None:
    findings = [
        finding(PIN_RULE, "web/Dockerfile", 7, 5, message="Pin the version of curl."),
        finding(SECRET_RULE, "Dockerfile", 3, 12, message="ENV sets AWS_SECRET_ACCESS_KEY."),
        finding(PIN_RULE, "Dockerfile", 3, 1, message="Pin the version of git."),
    ]
    output = render("text", findings, Report(files_checked=2))
    assert output.splitlines() == [
        "Dockerfile:3:1: DL3008 [warning] Pin the version of git.",
        "Dockerfile:3:12: DG2001 [error] ENV sets AWS_SECRET_ACCESS_KEY.",
        "web/Dockerfile:7:5: DL3008 [warning] Pin the version of curl.",
        "3 findings (1 error, 2 warnings) in 2 files",
    ]
    assert not output.endswith("\n")


def test_no_findings() -> None:
    assert render("text", [], Report(files_checked=2)) == "no findings in 2 files"


def test_after_an_error_nothing_reads_as_a_clean_run() -> None:
    problem = ("missing/Dockerfile: no such file or directory",)
    assert render("text", [], Report(files_checked=0, problems=problem)) == (
        "run incomplete: 1 input could not be checked (errors above)"
    )
    assert render("text", [], Report(files_checked=2, problems=problem * 2)) == (
        "run incomplete: 2 inputs could not be checked (errors above); 2 files checked without findings"
    )
    found = render("text", [finding(PIN_RULE, "Dockerfile", 3, 1, message="Pin it.")], Report(files_checked=1, problems=problem))
    assert found.splitlines()[1:] == [
        "1 finding (1 warning) in 1 file",
        "run incomplete: 1 input could not be checked (errors above)",
    ]
    assert render("text", [], Report(files_checked=1)) == "no findings in 1 file"


def test_summary_singular_and_every_level_in_fixed_order() -> None:
    one = render("text", [finding(SECRET_RULE)], Report(files_checked=1))
    assert one.splitlines()[-1] == "1 finding (1 error) in 1 file"
    mixed = [
        finding(CASING_RULE, line=1),
        finding(PIN_RULE, line=2, level=Level.INFO),
        finding(CASING_RULE, line=3),
        finding(SECRET_RULE, line=4),
    ]
    summary = render("text", mixed, Report(files_checked=1)).splitlines()[-1]
    assert summary == "4 findings (1 error, 1 info, 2 style) in 1 file"


def test_colour_wraps_only_the_level() -> None:
    findings = [finding(SECRET_RULE, line=2), finding(PIN_RULE, line=5)]
    plain = render("text", findings, Report(files_checked=1))
    coloured = render("text", findings, Report(files_checked=1, color=True))
    assert ANSI.sub("", coloured) == plain
    first, second, summary = coloured.splitlines()
    assert first == "Dockerfile:2:1: DG2001 [\x1b[1;31merror\x1b[0m] Do not put secrets in ENV or ARG here."
    assert second == "Dockerfile:5:1: DL3008 [\x1b[33mwarning\x1b[0m] Pin versions in apt-get install here."
    assert ANSI.search(summary) is None


def test_no_escape_codes_without_colour() -> None:
    output = render("text", [finding(SECRET_RULE), finding(CASING_RULE, line=2)], Report())
    assert "\x1b" not in output
