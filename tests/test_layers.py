"""The package's layers import only downward, and no module imports itself back through others.

Every import is read with `ast`, at the top level, inside functions and under
`TYPE_CHECKING` alike: a lazy import still ties two layers together.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "dockgate"

LAYERS: list[tuple[str, ...]] = [
    ("dockgate", "dockgate.errors", "dockgate.lazy_pattern", "dockgate.records"),
    ("dockgate.dockerfile",),
    ("dockgate.analysis",),
    ("dockgate.image",),
    ("dockgate.rule_api",),
    ("dockgate.rules",),
    ("dockgate.engine", "dockgate.reporters"),
    ("dockgate.api",),
    ("dockgate.cli", "dockgate.lsp", "dockgate.__main__"),
]
"""Bottom first; a module may import its own layer's siblings only as listed below, and any lower layer."""

SIBLINGS_THAT_MAY_NOT_MEET = (("dockgate.engine", "dockgate.reporters"),)
"""Parts of one layer that stay apart: the engine never formats, reporters never lint."""


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in names if name == "dockgate" or name.startswith("dockgate.")}


def all_modules() -> dict[str, set[str]]:
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    # `from dockgate.x import y` names a module only when y is one.
    return {
        name: {imported for imported in imports_of(path) if imported in modules and imported != name}
        for name, path in modules.items()
    }


def part_of(module: str) -> tuple[int, str]:
    """The layer index of a module, and the top-level part it belongs to."""
    best: tuple[int, str] | None = None
    for index, layer in enumerate(LAYERS):
        for part in layer:
            if (module == part or module.startswith(part + ".")) and (best is None or len(part) > len(best[1])):
                best = (index, part)
    assert best is not None, f"{module} is in no layer; add it to LAYERS"
    return best


MODULES = all_modules()


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down(module: str) -> None:
    layer, part = part_of(module)
    for imported in sorted(MODULES[module]):
        imported_layer, imported_part = part_of(imported)
        assert imported_layer <= layer, f"{module} (layer {part}) imports {imported} from the higher layer {imported_part}"
        if imported_layer == layer and imported_part != part:
            assert (part, imported_part) not in SIBLINGS_THAT_MAY_NOT_MEET and (
                imported_part,
                part,
            ) not in SIBLINGS_THAT_MAY_NOT_MEET, f"{module} imports {imported}: {part} and {imported_part} stay apart"


def test_rules_import_no_other_rule() -> None:
    for module, imported in MODULES.items():
        if module.startswith("dockgate.rules.") and not module.startswith("dockgate.rules.common"):
            others = {name for name in imported if name.startswith("dockgate.rules.") and not name.startswith("dockgate.rules.common")}
            assert not others, f"{module} imports the rule modules {sorted(others)}"


def test_no_import_cycle() -> None:
    visiting: list[str] = []
    done: set[str] = set()

    def visit(module: str) -> None:
        if module in done:
            return
        assert module not in visiting, "import cycle: " + " -> ".join([*visiting[visiting.index(module) :], module])
        visiting.append(module)
        for imported in sorted(MODULES[module]):
            visit(imported)
        visiting.pop()
        done.add(module)

    for module in sorted(MODULES):
        visit(module)


def test_checker_sees_a_violation(tmp_path: Path) -> None:
    """The reader finds imports in functions and under TYPE_CHECKING (so the tests above can fail)."""
    source = tmp_path / "sample.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from dockgate.cli.main import main\n"
        "def f():\n    import dockgate.api\n",
        encoding="utf-8",
    )
    assert {"dockgate.cli.main", "dockgate.cli.main.main", "dockgate.api"} <= imports_of(source)
    assert part_of("dockgate.cli.main")[0] > part_of("dockgate.engine.registry")[0]



def test_the_readme_layout_names_every_top_level_module() -> None:
    package = Path(__file__).resolve().parents[1] / "dockgate"
    readme = (package.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("### How the code is laid out", 1)[1].split("```", 2)[1]
    # An entry starts two spaces in; deeper-indented lines continue the one above.
    listed = {line.split()[0].rstrip("/") for line in block.splitlines() if re.match(r"  \S", line)}
    on_disk = {
        path.name
        for path in package.iterdir()
        if (path / "__init__.py").exists() or (path.suffix == ".py" and not path.name.startswith("__"))
    }
    assert listed == on_disk
