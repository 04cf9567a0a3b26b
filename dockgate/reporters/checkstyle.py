"""Checkstyle XML, as Jenkins' warnings-ng (`checkStyle` tool), reviewdog (`-f=checkstyle`) and others read it.

`<checkstyle version="4.3">`, one `<file name="…">` per file with findings
(the path relative to the repository root), one `<error>` per finding with
`line`, `column`, `severity`, `message` and `source` (the rule code).
Severities: `error` → `error`, `warning` → `warning`, `info` and `style` → `info`.
An input that could not be checked is an `<error>` of the `dockgate` source
in a `<file>` named after it, so the report does not look clean.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from itertools import groupby

from dockgate.reporters.report import Report, message_with_image, xml_document
from dockgate.rule_api.findings import Finding, Level

CHECKSTYLE_VERSION = "4.3"
"""The version hadolint and most linters write; readers do not look at it."""
_SEVERITIES = {
    Level.ERROR: "error",
    Level.WARNING: "warning",
    Level.INFO: "info",
    Level.STYLE: "info",
    Level.OFF: "ignore",
}


def render(findings: list[Finding], report: Report) -> str:
    root = ElementTree.Element("checkstyle", version=CHECKSTYLE_VERSION)
    for path, in_file in groupby(findings, key=lambda finding: report.path_of(finding.file)):
        file_element = ElementTree.SubElement(root, "file", name=path)
        for finding in in_file:
            attributes = {"severity": _SEVERITIES[finding.level], "message": message_with_image(finding), "source": finding.code}
            if finding.span is not None:
                attributes = {"line": str(finding.span.line), "column": str(finding.span.column), **attributes}
            ElementTree.SubElement(file_element, "error", attributes)
    for problem in report.problems:
        problem_file = ElementTree.SubElement(root, "file", name="dockgate")
        ElementTree.SubElement(problem_file, "error", severity="error", message=problem, source="dockgate")
    return xml_document(root)
