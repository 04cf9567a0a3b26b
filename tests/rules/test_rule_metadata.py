"""Every rule's metadata for code scanning: family, tags, security severity and precision (docs/rule-precision.md)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from dockgate.engine.registry import all_rule_metas
from dockgate.rule_api.findings import Level
from dockgate.rule_api.rule import PRECISIONS, RuleMeta, RuleMetaError, checked_rule_meta
from dockgate.rules import RULE_MODULES

PRECISION_DOC = Path(__file__).resolve().parents[2] / "docs" / "rule-precision.md"
DOC = "## What it does\nx\n## Why is this bad?\nx\n## Example\nx\n## Use instead\nx\n"


def test_every_rule_has_its_folder_as_family_and_tags() -> None:
    for module_name in RULE_MODULES:
        meta: RuleMeta = importlib.import_module(module_name).RULE
        folder = module_name.split(".")[2]
        # ShellCheck's codes run from the hadolint folder but are a family of their own.
        assert meta.family == ("shellcheck" if meta.code == "SC" else folder), meta.code
        assert meta.all_tags and meta.all_tags[0] == meta.family


def test_security_rules_and_security_severities_go_together() -> None:
    for meta in all_rule_metas():
        assert ("security" in meta.all_tags) == (meta.security_severity is not None), meta.code


def test_a_security_tag_without_a_severity_is_refused() -> None:
    with pytest.raises(RuleMetaError, match="security_severity"):
        checked_rule_meta(RuleMeta(code="DG2999", name="x", summary="x", level=Level.WARNING, documentation=DOC, tags=("security",)))


@pytest.mark.parametrize("tags", [("cwe-79",), ("CWE79",), ("CWE-7a",)])
def test_cwe_tags_must_be_spelt_cwe_number(tags: tuple[str, ...]) -> None:
    with pytest.raises(RuleMetaError, match="CWE-NNN"):
        checked_rule_meta(RuleMeta(code="DG2999", name="x", summary="x", level=Level.WARNING, documentation=DOC, tags=tags))


def test_an_unknown_precision_is_refused() -> None:
    with pytest.raises(RuleMetaError, match="precision"):
        checked_rule_meta(RuleMeta(code="DG2999", name="x", summary="x", level=Level.WARNING, documentation=DOC, precision="certain"))  # type: ignore[arg-type]


def test_the_precision_table_lists_every_rule_with_its_precision() -> None:
    rows = re.findall(r"^\| (\w+) \| ([\w-]+) \| ([\w-]+) \| (.+) \|$", PRECISION_DOC.read_text(encoding="utf-8"), re.MULTILINE)
    table = {code: (name, precision) for code, name, precision, _ in rows if code != "code"}
    assert table == {meta.code: (meta.name, meta.precision) for meta in all_rule_metas()}
    assert {precision for _, precision in table.values()} <= set(PRECISIONS)
    # Deliberate choices, not one value for all.
    assert {"very-high", "high", "medium"} <= {precision for _, precision in table.values()}


def test_name_based_secret_guesses_are_medium_and_token_patterns_high() -> None:
    precisions = {meta.code: meta.precision for meta in all_rule_metas()}
    assert [precisions[code] for code in ("DL3064", "DG1015", "DG2015")] == ["medium"] * 3
    assert [precisions[code] for code in ("DG2004", "DG2005", "DG4003")] == ["high"] * 3
    assert precisions["DL1000"] == "very-high"


README = Path(__file__).resolve().parents[2] / "README.md"
_JUDGES_ROWS = {"the image": "image", "the build": "build"}


def _codes_in(text: str) -> set[str]:
    """The codes a README cell names, `DG2006–DG2008` ranges spelt out."""
    codes: set[str] = set()
    for first, last in re.findall(r"\b([A-Z]{2}\d{4})(?:–([A-Z]{2}\d{4}))?", text):
        if not last:
            codes.add(first)
            continue
        prefix = first[:2]
        codes.update(f"{prefix}{number:04d}" for number in range(int(first[2:]), int(last[2:]) + 1))
    return codes


def test_the_readme_lists_exactly_the_rules_that_judge_the_image_and_the_build() -> None:
    section = README.read_text(encoding="utf-8").split("### Which stages a rule judges", 1)[1].split("\n#", 1)[0]
    documented = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) == 3 and cells[0] in _JUDGES_ROWS:
            documented[_JUDGES_ROWS[cells[0]]] = _codes_in(cells[2])
    declared = {
        judges: {meta.code for meta in all_rule_metas() if meta.judges == judges and meta.target == "dockerfile"}
        for judges in _JUDGES_ROWS.values()
    }
    assert documented == declared


def test_judges_must_be_a_known_set_and_need_the_document() -> None:
    with pytest.raises(RuleMetaError, match="judges"):
        checked_rule_meta(RuleMeta(code="DG9999", name="x", summary="x", level=Level.WARNING, documentation=DOC, judges="final"))  # type: ignore[arg-type]
    with pytest.raises(RuleMetaError, match="judges"):
        checked_rule_meta(RuleMeta(code="DG9999", name="x", summary="x", level=Level.WARNING, documentation=DOC, judges="image", reads="source"))
