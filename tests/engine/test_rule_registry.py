"""The rule registry: every rule module is named after its rule, and a rule's metadata and docs are
checked as the registry imports its module."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
import types
from pathlib import Path
from typing import Callable

import pytest

from dockgate.engine.registry import RegisteredRule, all_rule_metas, dockerfile_rules, image_rules, load_image_rules, load_rules
from dockgate.engine.rule_index import INDEX_PATH, generated_index
from dockgate.rule_api.config import RULE_OPTIONS
from dockgate.rule_api.findings import Level
from dockgate.rule_api.rule import RuleMeta, RuleMetaError, checked_rule_meta
from dockgate.rules import DOCKERFILE_RULE_MODULES, IMAGE_RULE_MODULES

GOOD_DOCS = """
## What it does
Something.

## Why is this bad?
Because.

## Example
```dockerfile
FROM a
```

## Use instead
```dockerfile
FROM b
```
"""


def _meta(documentation: str) -> RuleMeta:
    return checked_rule_meta(RuleMeta(code="DG9999", name="example", summary="s", level=Level.INFO, documentation=documentation))


def test_each_rule_module_is_named_code_then_name() -> None:
    metas = {rule.meta.code: rule.meta for rule in (*dockerfile_rules(), *image_rules())}
    modules = [*DOCKERFILE_RULE_MODULES, *IMAGE_RULE_MODULES]
    assert len(modules) == len(metas)
    wrong = []
    for module_name in modules:
        file_stem = module_name.rsplit(".", 1)[1]
        code = file_stem.split("_", 1)[0].upper()
        meta = metas[code]
        expected = f"{meta.code.lower()}_{meta.name.replace('-', '_')}"
        if file_stem != expected:
            wrong.append(f"{module_name} should be named {expected}")
    assert wrong == []


@pytest.mark.parametrize("load", [load_rules, load_image_rules])
def test_a_rule_module_whose_metadata_breaks_the_rules_is_not_loaded(load: Callable[[list[str]], object], monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("dockgate_test_bad_rule")
    module.RULE = RuleMeta(code="DG9999", name="Bad Name", summary="s", level=Level.INFO, documentation=GOOD_DOCS)  # type: ignore[attr-defined]
    module.check = lambda context: iter(())  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    with pytest.raises(RuleMetaError, match="name 'Bad Name'"):
        load([module.__name__])


def test_a_registered_rule_whose_module_no_longer_matches_the_index_is_checked_again(monkeypatch: pytest.MonkeyPatch) -> None:
    indexed = RuleMeta(code="DG9998", name="good-name", summary="s", level=Level.INFO, documentation=GOOD_DOCS)
    module = types.ModuleType("dockgate_test_stale_rule")
    module.RULE = indexed._replace(name="Bad Name")  # type: ignore[attr-defined]
    module.check = lambda context: iter(())  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    with pytest.raises(RuleMetaError, match="name 'Bad Name'"):
        RegisteredRule(indexed, module.__name__, prepares_batch=False).load()


def test_the_documentation_check_accepts_the_required_and_optional_sections() -> None:
    assert _meta(GOOD_DOCS).documentation == GOOD_DOCS
    with_optional = GOOD_DOCS + "\n## Fix safety\nSafe.\n\n## References\n- x\n"
    assert _meta(with_optional).documentation == with_optional


@pytest.mark.parametrize(
    "documentation",
    [
        GOOD_DOCS.replace("## Why is this bad?", "## Why"),
        GOOD_DOCS.replace("## Example", "## Examples"),
        GOOD_DOCS + "\n## Notes\nAn unknown section.\n",
        GOOD_DOCS + "\n## References\n- x\n\n## Options\nOut of order.\n",
        "No sections at all.",
    ],
    ids=["short heading", "misspelt heading", "unknown section", "optional out of order", "no sections"],
)
def test_the_documentation_check_refuses_other_headings(documentation: str) -> None:
    with pytest.raises(RuleMetaError, match="documentation sections"):
        _meta(documentation)


def test_every_rule_option_is_read_by_a_rule_that_declares_it() -> None:
    declared = {key for meta in all_rule_metas() for key in meta.options}
    assert declared == set(RULE_OPTIONS)


@pytest.mark.parametrize(
    ("options", "documentation", "problem"),
    [
        (("colour",), "\n## Options\n- `colour`\n", "not configuration keys"),
        (("strict-labels",), "", "exactly when it declares options"),
        ((), "\n## Options\n- `strict-labels`\n", "exactly when it declares options"),
        (("label-schema", "strict-labels"), "\n## Options\n- `label-schema`\n", "does not describe ['strict-labels']"),
    ],
)
def test_declared_options_are_known_and_documented(options: tuple[str, ...], documentation: str, problem: str) -> None:
    sections = "## What it does\nx\n## Why is this bad?\nx\n## Example\nx\n## Use instead\nx\n"
    with pytest.raises(RuleMetaError, match=re.escape(problem)):
        checked_rule_meta(RuleMeta(code="DG9999", name="x", summary="x", level=Level.INFO, options=options, documentation=sections + documentation))


def test_the_rule_index_is_what_the_rule_modules_declare() -> None:
    assert INDEX_PATH.read_text(encoding="utf-8") == generated_index(), "regenerate it with `python -m dockgate.engine.rule_index`"


def test_registered_rules_carry_their_modules_metadata_and_load_their_checks() -> None:
    registered = dockerfile_rules()
    assert [rule.module_name for rule in registered] == list(DOCKERFILE_RULE_MODULES)
    for rule in registered:
        module = importlib.import_module(rule.module_name)
        assert rule.meta == module.RULE
        assert rule.prepares_batch == hasattr(module, "prepare_batch")
        assert rule.load().check is module.check
    image_metas = {meta.code: meta for meta in all_rule_metas() if meta.target == "image"}
    assert image_metas == {rule.meta.code: rule.meta for rule in image_rules()}


def test_a_run_whose_files_are_all_cached_imports_no_rule_module(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM alpine:3.20\nRUN apk add curl\n", encoding="utf-8")
    script = (
        "import sys\n"
        "from dockgate.cli.main import main\n"
        "code = main(['check', '--no-shellcheck', '--format', 'json', '--cache-dir', sys.argv[1], sys.argv[2]])\n"
        "loaded = sorted(name for name in sys.modules if name in sys.argv[3].split())\n"
        "print(code, loaded, file=sys.stderr)\n"
    )
    rule_modules = " ".join(DOCKERFILE_RULE_MODULES)
    runs = [
        subprocess.run(
            [sys.executable, "-c", script, str(tmp_path / "cache"), str(dockerfile), rule_modules], capture_output=True, text=True, check=False
        )
        for _ in range(2)
    ]
    cold, warm = (run.stderr.strip() for run in runs)
    assert cold.startswith("1 [") and "dockgate.rules.hadolint.dl3018_apk_add_pin_versions" in cold
    assert warm == "1 []"
    assert runs[0].stdout == runs[1].stdout
