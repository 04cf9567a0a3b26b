"""The rule registry: every rule module is named after its rule, and a rule's docs are checked
as its RuleMeta is built (when the module is imported)."""

from __future__ import annotations

import re

import pytest

from dockgate.engine.registry import all_rule_metas, dockerfile_rules, image_rules
from dockgate.rule_api.config import RULE_OPTIONS
from dockgate.rule_api.findings import Level
from dockgate.rule_api.rule import RuleMeta, RuleMetaError
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
    return RuleMeta(code="DG9999", name="example", summary="s", level=Level.INFO, documentation=documentation)


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
        RuleMeta(code="DG9999", name="x", summary="x", level=Level.INFO, options=options, documentation=sections + documentation)
