"""Every rule, Dockerfile and image alike, against its cases in tests/rules/cases/<CODE>.yaml.

A Dockerfile rule's case gives a `dockerfile` (or `dockerfile_bytes`) and
lists the findings as [line, column, end_line, end_column, message] for the
one rule under test. A case with a `dockerignore:` text or `context_files:`
(a list of empty files to create, by relative path, `[]` for a bare context;
or a mapping of path to text) is linted from a temporary directory, the build
context, that holds the Dockerfile and those files; the others are linted in
memory.

An image rule's case gives an `image` spec (see image_builders.image_from_spec)
and lists the findings as [code, layer, history, path, message]: code is the
reported code (a family such as DG4007 reports the code of the Dockerfile rule
it ran), layer and history are 0-based indexes or null, path is the file inside
the layer or null.

Either kind runs the rule alone with the default configuration plus the case's
optional `config:` mapping (keyword arguments of `Config.merged_with`, e.g.
`trusted_registries: [docker.io]`).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from image_builders import image_from_spec

from dockgate.dockerfile.source import decode
from dockgate.engine.dockerfile_engine import DockerfileEngine
from dockgate.engine.image_engine import ImageEngine, ImageJob
from dockgate.engine.registry import dockerfile_rules, image_rules
from dockgate.rule_api.config import Config

CASES_DIR = Path(__file__).resolve().parent / "cases"
DOCKERFILE_RULES = {rule.meta.code: rule for rule in dockerfile_rules()}
IMAGE_RULES = {rule.meta.code: rule for rule in image_rules()}


def _load_cases() -> list[tuple[str, dict[str, Any]]]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert data["rule"] == path.stem, f"{path.name} names rule {data['rule']}"
        cases.extend((data["rule"], case) for case in data["cases"])
    return cases


CASES = _load_cases()


def _config(code: str, options: dict[str, Any] | None) -> Config:
    return Config().merged_with(select=[code], levels={code: "error"}, **(options or {}))


def lint_with_rule(
    code: str,
    data: bytes,
    options: dict[str, Any] | None = None,
    dockerignore: str | None = None,
    context_files: list[str] | dict[str, str] | None = None,
) -> list[list[Any]]:
    engine = DockerfileEngine([DOCKERFILE_RULES[code]])
    config = _config(code, options)
    if dockerignore is None and context_files is None:
        findings = engine.lint("Dockerfile", decode(data), config)
    else:
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "Dockerfile"
            path.write_bytes(data)
            if dockerignore is not None:
                (path.parent / ".dockerignore").write_text(dockerignore, encoding="utf-8")
            # A list names empty files; a mapping gives each file its text.
            files = context_files if isinstance(context_files, dict) else dict.fromkeys(context_files or [], "")
            for name, text in files.items():
                (path.parent / name).parent.mkdir(parents=True, exist_ok=True)
                (path.parent / name).write_text(text, encoding="utf-8")
            findings = engine.lint("Dockerfile", decode(data), config, path=path)
    return [[f.span.line, f.span.column, f.span.end_line, f.span.end_column, f.message] for f in findings]


def lint_image_with_rule(code: str, spec: dict[str, Any], options: dict[str, Any] | None = None) -> list[list[Any]]:
    engine = ImageEngine([IMAGE_RULES[code]], dockerfile_rules())
    with image_from_spec(spec) as image:
        findings, _ = engine.lint(ImageJob(image, _config(code, options)))
    return [
        [f.code, f.image.layer, f.image.history, f.image.path, f.message] for f in findings if f.image is not None
    ]


@pytest.mark.parametrize("code,case", CASES, ids=[f"{code}-{case['name']}" for code, case in CASES])
def test_rule_case(code: str, case: dict[str, Any]) -> None:
    if code in IMAGE_RULES:
        found = lint_image_with_rule(code, case["image"], case.get("config"))
    else:
        if "dockerfile_bytes" in case:
            data = case["dockerfile_bytes"].encode("latin-1")
        else:
            data = case["dockerfile"].encode("utf-8")
        found = lint_with_rule(code, data, case.get("config"), case.get("dockerignore"), case.get("context_files"))
    assert found == [list(f) for f in case["findings"]]


def test_every_rule_has_positive_and_negative_cases() -> None:
    rules = set(DOCKERFILE_RULES) | set(IMAGE_RULES)
    positive = {code for code, case in CASES if case["findings"]}
    negative = {code for code, case in CASES if not case["findings"]}
    assert rules - positive == set(), "rules without a case that finds something"
    assert rules - negative == set(), "rules without a clean case"
