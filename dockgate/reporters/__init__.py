"""Output formats: one module per format, chosen by name through `FORMATS`.

Each format module has `render(findings, report) -> str`. Modules are
imported only when their format is asked for, so `--format text` never pays
for `sarif_om` (and its `attrs`/`pbr` imports) at start-up.
"""

from __future__ import annotations

import importlib

from dockgate.reporters.report import Report
from dockgate.rule_api.findings import Finding

__all__ = ["FORMATS", "Report", "render"]

FORMATS: dict[str, str] = {
    "text": "dockgate.reporters.text",
    "json": "dockgate.reporters.json",
    "sarif": "dockgate.reporters.sarif",
    "github": "dockgate.reporters.github",
    "github-summary": "dockgate.reporters.github_summary",
    "gitlab": "dockgate.reporters.gitlab",
    "codeclimate": "dockgate.reporters.codeclimate",
    "checkstyle": "dockgate.reporters.checkstyle",
    "junit": "dockgate.reporters.junit",
    "gnu": "dockgate.reporters.gnu",
    "sonarqube": "dockgate.reporters.sonarqube",
}
"""Format name (what `--format` accepts) -> module that renders it."""


def render(format_name: str, findings: list[Finding], report: Report) -> str:
    """The findings in `format_name`, without a trailing newline.

    Findings are sorted here (file, line, column, code), so every format
    shows the same order whatever order the caller passes.
    """
    module_path = FORMATS.get(format_name)
    if module_path is None:
        choices = ", ".join(FORMATS)
        raise ValueError(f"unknown output format {format_name!r}; choose one of: {choices}")
    ordered = sorted(findings, key=Finding.sort_key)
    rendered: str = importlib.import_module(module_path).render(ordered, report)
    return rendered
