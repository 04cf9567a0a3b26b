"""Every rule, Dockerfile and image alike, against its cases in tests/rules/cases/<CODE>.yaml.

A Dockerfile rule's case gives a `dockerfile` (or `dockerfile_bytes`) and
lists the findings as [line, column, end_line, end_column, message] for the
one rule under test; a finding that names other places of the file (related
locations) has them as a sixth element, a list of the same five-element form. A case with a `dockerignore:` text or `context_files:`
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

A Dockerfile case may also give `fixed:`, the text `api.fix_text` makes of
the case's Dockerfile with only this rule selected (the input itself when the
rule offers no fix for it), with `unsafe: true` to apply unsafe fixes. A fixed
text must be stable (fixing it again changes nothing), and an unsafe case must
leave the text alone without `unsafe`. Every fixable rule has a case its fix
changes and one it leaves alone.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, Callable, TypeVar

import pytest
import yaml
from image_builders import image_from_spec

from dockgate.api import fix_text
from dockgate.dockerfile.model import Span
from dockgate.dockerfile.source import decode
from dockgate.engine.dockerfile_engine import DockerfileEngine
from dockgate.engine.image_engine import ImageEngine, ImageJob
from dockgate.engine.registry import dockerfile_rules, image_rules
from dockgate.rule_api.config import Config
from dockgate.rule_api.findings import Applicability, Finding

T = TypeVar("T")
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


def _with_build_context(
    data: bytes,
    dockerignore: str | None,
    context_files: list[str] | dict[str, str] | None,
    run: Callable[[Path | None], T],
) -> T:
    """`run` with the Dockerfile's path in a temporary build context, or with None when the case needs none."""
    if dockerignore is None and context_files is None:
        return run(None)
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
        return run(path)


def lint_with_rule(
    code: str,
    data: bytes,
    options: dict[str, Any] | None = None,
    dockerignore: str | None = None,
    context_files: list[str] | dict[str, str] | None = None,
) -> list[list[Any]]:
    engine = DockerfileEngine([DOCKERFILE_RULES[code]])
    config = _config(code, options)
    findings = _with_build_context(
        data, dockerignore, context_files, lambda path: engine.lint("Dockerfile", decode(data), config, path=path)
    )
    for finding in findings:
        _assert_fix_declared(code, finding)
    return [[*_positioned(f.span, f.message), *([[_positioned(r.span, r.message) for r in f.related]] if f.related else [])] for f in findings]


def _positioned(span: Span, message: str) -> list[Any]:
    return [span.line, span.column, span.end_line, span.end_column, message]


def _assert_fix_declared(code: str, finding: Finding) -> None:
    """A fix is only offered by a rule whose RuleMeta says so, and never less safe than it says."""
    declared = DOCKERFILE_RULES[code].meta.fix
    if finding.fix is not None:
        assert declared is not None, f"{code} offers a fix but its RuleMeta has no `fix`"
        assert declared is Applicability.UNSAFE or finding.fix.applicability is Applicability.SAFE


def fix_with_rule(
    code: str,
    text: str,
    options: dict[str, Any] | None = None,
    dockerignore: str | None = None,
    context_files: list[str] | dict[str, str] | None = None,
    *,
    unsafe: bool = False,
) -> str:
    config = _config(code, options)

    def fix(path: Path | None) -> str:
        build_context = path.parent if path is not None else None
        return fix_text(text, path, config, unsafe=unsafe, build_context=build_context).text

    return _with_build_context(text.encode("utf-8"), dockerignore, context_files, fix)


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
    if "fixed" in case:
        _check_fix(code, case)


def _check_fix(code: str, case: dict[str, Any]) -> None:
    assert code in DOCKERFILE_RULES and "dockerfile" in case, "fix cases are for Dockerfile rules given as text"
    unsafe = bool(case.get("unsafe", False))
    extras = (case.get("config"), case.get("dockerignore"), case.get("context_files"))
    text = case["dockerfile"]
    fixed = fix_with_rule(code, text, *extras, unsafe=unsafe)
    assert fixed == case["fixed"]
    assert fix_with_rule(code, fixed, *extras, unsafe=unsafe) == fixed, "a second fix changed the text again"
    if unsafe:
        assert fix_with_rule(code, text, *extras) == text, "an unsafe fix was applied without unsafe"


def test_every_rule_has_positive_and_negative_cases() -> None:
    rules = set(DOCKERFILE_RULES) | set(IMAGE_RULES)
    positive = {code for code, case in CASES if case["findings"]}
    negative = {code for code, case in CASES if not case["findings"]}
    assert rules - positive == set(), "rules without a case that finds something"
    assert rules - negative == set(), "rules without a clean case"


def test_every_fixable_rule_has_fix_cases() -> None:
    fixable = {code for code, rule in DOCKERFILE_RULES.items() if rule.meta.fix is not None}
    changed = {code for code, case in CASES if "fixed" in case and case["fixed"] != case["dockerfile"]}
    unchanged = {code for code, case in CASES if "fixed" in case and case["fixed"] == case["dockerfile"]}
    assert fixable - changed == set(), "fixable rules without a case their fix changes"
    assert fixable - unchanged == set(), "fixable rules without a case their fix leaves alone"
    assert changed - fixable == set(), "rules whose cases are fixed but whose RuleMeta has no `fix`"
