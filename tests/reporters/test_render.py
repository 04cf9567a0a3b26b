"""The format registry: names, lazy imports, errors."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from reporter_samples import PIN_RULE, finding

from dockgate.reporters import FORMATS, Report, render

REPOSITORY = Path(__file__).parents[2]


def test_registry_names_every_format_and_each_module_renders() -> None:
    assert list(FORMATS) == ["text", "json", "sarif", "github", "github-summary", "gitlab", "codeclimate", "checkstyle", "junit", "gnu", "sonarqube"]
    for module_path in FORMATS.values():
        assert callable(importlib.import_module(module_path).render)


def test_unknown_format_names_the_choices() -> None:
    with pytest.raises(ValueError, match="unknown output format 'xml'; choose one of: text, json, sarif, github, "):
        render("xml", [finding(PIN_RULE)], Report())


def test_sarif_om_is_imported_only_when_sarif_is_asked_for() -> None:
    # A fresh interpreter: this test process has imported sarif_om already.
    script = """
import sys
from dockgate.reporters import Report, render
render("text", [], Report())
render("json", [], Report())
assert "sarif_om" not in sys.modules, "text/json imported sarif_om"
assert "dockgate.reporters.sarif" not in sys.modules
render("sarif", [], Report())
assert "sarif_om" in sys.modules
"""
    environment = {**os.environ, "PYTHONPATH": str(REPOSITORY)}
    completed = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stderr
