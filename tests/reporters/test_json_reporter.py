from __future__ import annotations

import json

from reporter_samples import CASING_RULE, PIN_RULE, SECRET_RULE, finding

from dockgate.dockerfile.model import Span
from dockgate.reporters import Report, render
from dockgate.reporters.json import json_finding
from dockgate.rule_api.findings import (
    Applicability,
    Edit,
    Fix,
    ImageLocation,
    Level,
    RelatedLocation,
)

CONTRACT_KEYS = [
    "file",
    "line",
    "column",
    "end_line",
    "end_column",
    "code",
    "name",
    "aliases",
    "level",
    "message",
    "instruction_line",
    "fingerprint",
    "fix",
    "related",
]


def test_every_object_has_exactly_the_contract_keys_in_order() -> None:
    findings = [finding(PIN_RULE), finding(SECRET_RULE, line=2), finding(CASING_RULE, line=3)]
    rows = json.loads(render("json", findings, Report()))
    assert [list(row) for row in rows] == [CONTRACT_KEYS] * 3


def test_values_of_one_finding() -> None:
    one = finding(
        PIN_RULE,
        "sub dir/Dockerfile",
        4,
        6,
        end_line=5,
        end_column=9,
        level=Level.ERROR,
        message="Pin the version of “curl”.",
        fingerprint="3f2a",
    )
    one.instruction_line = 3
    assert json.loads(render("json", [one], Report())) == [
        {
            "file": "sub dir/Dockerfile",
            "line": 4,
            "column": 6,
            "end_line": 5,
            "end_column": 9,
            "code": "DL3008",
            "name": "apt-get-unpinned",
            "aliases": ["hadolint:DL3008"],
            "level": "error",
            "message": "Pin the version of “curl”.",
            "instruction_line": 3,
            "fingerprint": "3f2a",
            "fix": None,
            "related": [],
        }
    ]


def test_related_locations_are_listed_with_their_messages() -> None:
    one = finding(PIN_RULE, line=4)
    one.related = (RelatedLocation(Span(2, 1, 3, 7), "the COPY before it"),)
    [row] = json.loads(render("json", [one], Report()))
    assert row["related"] == [{"line": 2, "column": 1, "end_line": 3, "end_column": 7, "message": "the COPY before it"}]


def test_sorted_by_file_line_column_code() -> None:
    findings = [
        finding(PIN_RULE, "b/Dockerfile", 1, 1),
        finding(SECRET_RULE, "a/Dockerfile", 2, 3),
        finding(PIN_RULE, "a/Dockerfile", 2, 3),
        finding(CASING_RULE, "a/Dockerfile", 2, 1),
        finding(PIN_RULE, "a/Dockerfile", 1, 9),
    ]
    rows = json.loads(render("json", findings, Report()))
    assert [(row["file"], row["line"], row["column"], row["code"]) for row in rows] == [
        ("a/Dockerfile", 1, 9, "DL3008"),
        ("a/Dockerfile", 2, 1, "DG0101"),
        ("a/Dockerfile", 2, 3, "DG2001"),
        ("a/Dockerfile", 2, 3, "DL3008"),
        ("b/Dockerfile", 1, 1, "DL3008"),
    ]


def test_empty_run_is_an_empty_array() -> None:
    assert render("json", [], Report(files_checked=3)) == "[]"


def test_pretty_printed_ascii_without_trailing_newline() -> None:
    output = render("json", [finding(PIN_RULE, message="naïve")], Report())
    assert output.startswith('[\n  {\n    "file": "Dockerfile",')
    assert output.isascii() and not output.endswith("\n")
    assert json.loads(output)[0]["message"] == "naïve"


def test_the_text_is_what_the_standard_library_writes_with_indent_2() -> None:
    plain = finding(PIN_RULE, message="quote \" backslash \\ tab \t control \x01 non-ASCII “é” 😀 \ud800")
    plain.aliases = ()
    fixed = finding(SECRET_RULE, line=2)
    fixed.fix = Fix("quote it", Applicability.UNSAFE, (Edit(Span(2, 1, 2, 4), "'x'\n"), Edit(Span(3, 1, 3, 1), "")))
    fixed.related = (RelatedLocation(Span(1, 1, 1, 5), "first here"),)
    in_image = finding(CASING_RULE, line=3)
    in_image.image = ImageLocation("app:1", layer=0, layer_digest="sha256:ab", history=None, path="etc/x")
    no_edits = finding(PIN_RULE, line=4)
    no_edits.fix = Fix("nothing to edit", Applicability.SAFE, ())
    no_edits.instruction_line = None
    findings = [plain, fixed, in_image, no_edits]
    rows = [json_finding(each) for each in findings]
    assert render("json", findings, Report()) == json.dumps(rows, indent=2)
    assert render("json", [], Report()) == json.dumps([], indent=2)
    assert "image" not in rows[0] and rows[2]["image"]["name"] == "app:1"
