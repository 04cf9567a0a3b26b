"""Parse-tree formats for `dockgate parse`: one module per format, chosen by name through `TREE_FORMATS`.

Each module has `render_tree(document) -> str`.
"""

from __future__ import annotations

import importlib

from dockgate.dockerfile.model import Document

TREE_FORMATS: dict[str, str] = {
    "json": "dockgate.reporters.trees.json",
    "buildkit": "dockgate.reporters.trees.buildkit",
}
"""Format name (what `parse --format` accepts) -> module that renders it."""


def render_tree(format_name: str, document: Document) -> str:
    """The parse tree of `document` in `format_name`."""
    module_path = TREE_FORMATS.get(format_name)
    if module_path is None:
        raise ValueError(f"unknown parse-tree format {format_name!r}; choose one of: {', '.join(TREE_FORMATS)}")
    text: str = importlib.import_module(module_path).render_tree(document)
    return text
