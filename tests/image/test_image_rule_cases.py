"""Every image rule against its cases in tests/image/rule_cases/<CODE>.yaml.

A case gives an `image` spec (see image_builders.image_from_spec) and the
findings of the one rule under test as [code, layer, history, path, message]:
code is the reported code (a family such as DG4007 reports the code of the
Dockerfile rule it ran), layer and history are 0-based indexes or null, path
is the file inside the layer or null. Optional `config:` holds keyword
arguments of `Config.merged_with`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from image_builders import image_from_spec

from dockgate.rule_api.config import Config
from dockgate.engine.image_engine import ImageEngine, ImageJob
from dockgate.engine.registry import dockerfile_rules, image_rules

CASES_DIR = Path(__file__).resolve().parent / "rule_cases"
RULES = {rule.meta.code: rule for rule in image_rules()}


def _load_cases() -> list[tuple[str, dict]]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert data["rule"] == path.stem, f"{path.name} names rule {data['rule']}"
        cases.extend((data["rule"], case) for case in data["cases"])
    return cases


CASES = _load_cases()


def lint_image_with_rule(code: str, spec: dict, options: dict | None = None) -> list[list]:
    engine = ImageEngine([RULES[code]], dockerfile_rules())
    config = Config().merged_with(select=[code], levels={code: "error"}, **(options or {}))
    with image_from_spec(spec) as image:
        findings, _ = engine.lint(ImageJob(image, config))
    return [
        [f.code, f.image.layer, f.image.history, f.image.path, f.message] for f in findings if f.image is not None
    ]


@pytest.mark.parametrize("code,case", CASES, ids=[f"{code}-{case['name']}" for code, case in CASES])
def test_image_rule_case(code: str, case: dict) -> None:
    found = lint_image_with_rule(code, case["image"], case.get("config"))
    assert found == [list(f) for f in case["findings"]]


def test_every_image_rule_has_positive_and_negative_cases() -> None:
    positive = {code for code, case in CASES if case["findings"]}
    negative = {code for code, case in CASES if not case["findings"]}
    assert set(RULES) - positive == set(), "image rules without a case that finds something"
    assert set(RULES) - negative == set(), "image rules without a clean case"
