"""Rule fixes through the public API: the exact fixed text."""

from __future__ import annotations

import re
from pathlib import Path

from dockgate.api import fix_text
from dockgate.dockerfile.parser import parse
from dockgate.engine.registry import all_rule_metas
from dockgate.rule_api.config import Config
from dockgate.rule_api.findings import Applicability


def test_instruction_casing_follows_the_majority() -> None:
    result = fix_text("FROM alpine\nRUN a\nrun b \\\n  c\nCOPY . /app\n", config=Config().merged_with(select=["DG1004"]))
    assert result.text == "FROM alpine\nRUN a\nRUN b \\\n  c\nCOPY . /app\n"
    assert [finding.code for finding in result.fixed] == ["DG1004"]
    assert result.remaining == []
    parse(result.text)


def test_casing_already_consistent_is_left_alone() -> None:
    text = "from alpine\nrun a\n"
    assert fix_text(text, config=Config().merged_with(select=["DG1004"])).text == text


def test_fixes_in_continuation_lines_and_heredocs_edit_only_their_lines() -> None:
    text = (
        "FROM debian:12\n"
        "RUN apt-get update \\\n"
        " && apt-get install \\\n"
        "      curl=7.88.1-10+deb12u8 \\\n"
        " && pip install \\\n"
        "      flask==3.0.3\n"
        "RUN <<EOF\n"
        "set -e\n"
        "wget https://example.com/a\n"
        "apk add git\n"
        "EOF\n"
    )
    config = Config().merged_with(select=["DL3014", "DL3042", "DL3047", "DL3019"])
    fixed = fix_text(text, config=config).text
    before, after = text.split("\n"), fixed.split("\n")
    assert len(after) == len(before)
    assert [number for number, (old, new) in enumerate(zip(before, after), 1) if old != new] == [3, 5, 9, 10]
    assert after[2] == " && apt-get install -y \\"
    assert after[8] == "wget --progress=dot:giga https://example.com/a"


def test_readme_names_the_fixable_rules() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    paragraph = " ".join(readme[readme.index("Rules with a safe fix:") :].split("\n\n", 1)[0].split())
    safe_text, unsafe_text = paragraph.split("with an unsafe fix:")
    named = {
        Applicability.SAFE: set(re.findall(r"\b(?:DG|DL)\d{4}\b", safe_text)),
        Applicability.UNSAFE: set(re.findall(r"\b(?:DG|DL)\d{4}\b", unsafe_text.split(".")[0])),
    }
    for applicability, codes in named.items():
        assert codes == {meta.code for meta in all_rule_metas() if meta.fix is applicability}


def test_a_stage_index_becomes_the_stage_name() -> None:
    config = Config().merged_with(select=["DG3005"])
    text = "FROM golang:1.22 AS Build\nFROM scratch\nCOPY --from=0 /app /app\n"
    assert fix_text(text, config=config).text == "FROM golang:1.22 AS Build\nFROM scratch\nCOPY --from=Build /app /app\n"


def test_no_name_fix_when_a_later_stage_takes_the_name() -> None:
    config = Config().merged_with(select=["DG3005"])
    text = "FROM alpine AS tools\nFROM debian AS tools\nFROM scratch\nCOPY --from=0 /a /a\n"
    result = fix_text(text, config=config)
    assert result.text == text
    assert [finding.code for finding in result.remaining] == ["DG3005"]
