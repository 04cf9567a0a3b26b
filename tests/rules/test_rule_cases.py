"""Every rule against its cases in tests/rules/cases/<CODE>.yaml: exact positions and messages.

A case lists the findings as [line, column, end_line, end_column, message]
for the one rule under test, which runs alone with the default configuration
plus the case's optional `config:` mapping (keyword arguments of
`Config.merged_with`, e.g. `trusted_registries: [docker.io]`). A case with
a `dockerignore:` text or `context_files:` (a list of empty files to create,
by relative path, `[]` for a bare context; or a mapping of path to text) is
linted from a temporary
directory, the build context, that holds the Dockerfile and those files;
the others are linted in memory.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import yaml

from dockgate.rule_api.config import Config
from dockgate.engine.dockerfile_engine import DockerfileEngine
from dockgate.engine.registry import dockerfile_rules
from dockgate.dockerfile.source import decode

CASES_DIR = Path(__file__).resolve().parent / "cases"
RULES = {rule.meta.code: rule for rule in dockerfile_rules()}
"""Image rules have their own cases, in tests/image/rule_cases."""


def _load_cases() -> list[tuple[str, dict]]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert data["rule"] == path.stem, f"{path.name} names rule {data['rule']}"
        cases.extend((data["rule"], case) for case in data["cases"])
    return cases


CASES = _load_cases()


def lint_with_rule(
    code: str,
    data: bytes,
    options: dict | None = None,
    dockerignore: str | None = None,
    context_files: list[str] | dict[str, str] | None = None,
) -> list[list]:
    engine = DockerfileEngine([RULES[code]])
    config = Config().merged_with(select=[code], levels={code: "error"}, **(options or {}))
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


@pytest.mark.parametrize("code,case", CASES, ids=[f"{code}-{case['name']}" for code, case in CASES])
def test_rule_case(code: str, case: dict) -> None:
    if "dockerfile_bytes" in case:
        data = case["dockerfile_bytes"].encode("latin-1")
    else:
        data = case["dockerfile"].encode("utf-8")
    found = lint_with_rule(code, data, case.get("config"), case.get("dockerignore"), case.get("context_files"))
    assert found == [list(f) for f in case["findings"]]


def test_every_rule_has_positive_and_negative_cases() -> None:
    positive = {code for code, case in CASES if case["findings"]}
    negative = {code for code, case in CASES if not case["findings"]}
    assert set(RULES) - positive == set(), "rules without a case that finds something"
    assert set(RULES) - negative == set(), "rules without a clean case"
