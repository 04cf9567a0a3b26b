"""`LazyPattern` answers as the compiled pattern does, compiles only when first used, and every
module-level pattern of the package is one (and compiles)."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path
from typing import Any, Iterator

import pytest

from dockgate.lazy_pattern import LazyPattern

PACKAGE = Path(__file__).resolve().parents[1] / "dockgate"

TEXT = "key=value other=thing KEY=last"


def calls(pattern: Any, text: Any) -> list[object]:
    """Every matching method's answer, in a form that compares by value."""
    return [
        pattern.match(text).group(0),
        pattern.search(text, 3).span(),
        pattern.fullmatch(text) is None,
        pattern.findall(text),
        [found.span() for found in pattern.finditer(text)],
        pattern.sub(lambda found: found.group(1).upper(), text, count=2),
        pattern.split(text, maxsplit=1),
    ]


@pytest.mark.parametrize("first_use", [("match",), ("search",), ("findall",), ("sub", "-"), ("split",)])
def test_it_answers_as_the_compiled_pattern_before_and_after_compiling(first_use: tuple[str, ...]) -> None:
    regex, flags = r"(\w+)=(\w+)", re.IGNORECASE
    expected = calls(re.compile(regex, flags), TEXT)
    lazy = LazyPattern(regex, flags)
    method, *arguments = first_use
    getattr(lazy, method)(*arguments, TEXT)  # whichever method comes first compiles it
    assert calls(lazy, TEXT) == expected
    assert calls(LazyPattern(regex, flags), TEXT) == expected


def test_bytes_patterns_work_too() -> None:
    lazy = LazyPattern(rb"BEGIN (\w+) KEY")
    found = lazy.search(b"-----BEGIN RSA KEY-----")
    assert found is not None and found.group(1) == b"RSA"


def test_nothing_is_compiled_until_first_use() -> None:
    broken = LazyPattern("(unclosed")  # an invalid pattern: no error yet
    with pytest.raises(re.error):
        broken.match("x")


def test_after_first_use_calls_go_to_the_compiled_pattern() -> None:
    lazy = LazyPattern("a+")
    lazy.match("aa")
    assert isinstance(getattr(lazy.match, "__self__", None), re.Pattern)


def module_names() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def is_inside_a_function(tree: ast.Module) -> set[int]:
    inner: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            inner.update(id(child) for child in ast.walk(node) if child is not node)
    return inner


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda path: str(path.relative_to(PACKAGE)))
def test_no_module_compiles_a_pattern_at_import(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    inner = is_inside_a_function(tree)
    at_import = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "compile"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "re"
        and id(node) not in inner
    ]
    assert not at_import, f"re.compile at import on lines {at_import}: use LazyPattern"


def lazy_patterns_in(value: object, depth: int = 0) -> Iterator[LazyPattern[Any]]:
    if isinstance(value, LazyPattern):
        yield value
    elif depth < 3 and isinstance(value, (tuple, list, frozenset, set)):
        for item in value:
            yield from lazy_patterns_in(item, depth + 1)
    elif depth < 3 and isinstance(value, dict):
        for item in value.values():
            yield from lazy_patterns_in(item, depth + 1)


def test_every_module_level_pattern_compiles() -> None:
    patterns = [
        pattern
        for name in module_names()
        if name != "dockgate.__main__"
        for value in vars(importlib.import_module(name)).values()
        for pattern in lazy_patterns_in(value)
    ]
    assert len(patterns) > 100  # the package's own patterns were found, not none
    for pattern in patterns:
        assert isinstance(pattern.compiled(), re.Pattern), pattern
