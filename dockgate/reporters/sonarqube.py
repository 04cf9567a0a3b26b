"""SonarQube's Generic Issue Import format (SonarQube 10.3 and later, SonarQube Cloud), with rules.

Imported with `sonar.externalIssuesReportPaths=dockgate-sonar.json`. One
JSON object: `rules` (every rule a finding names, with `id`, `name`,
`description`, `engineId` `dockgate`, `cleanCodeAttribute` and `impacts`)
and `issues` (`ruleId`, `primaryLocation` with `message`, `filePath`
relative to the repository root and `textRange`). SonarQube's columns are
0-based and its end column exclusive, so a finding's column 1 is written as 0.

Mapping: a security rule's impact is on `SECURITY` with clean-code attribute
`TRUSTWORTHY`; a style rule's on `MAINTAINABILITY` with `CONVENTIONAL`; any
other rule's on `RELIABILITY` when it is an error, else `MAINTAINABILITY`,
with `LOGICAL`. Impact severity: `error` → `HIGH`, `warning` → `MEDIUM`,
`info` and `style` → `LOW`.
"""

from __future__ import annotations

import json
from typing import Any

from dockgate.reporters.report import Report, help_uri, message_with_image
from dockgate.rule_api.findings import Finding, Level

ENGINE_ID = "dockgate"
_IMPACT_SEVERITIES = {
    Level.ERROR: "HIGH",
    Level.WARNING: "MEDIUM",
    Level.INFO: "LOW",
    Level.STYLE: "LOW",
    Level.OFF: "LOW",
}


def render(findings: list[Finding], report: Report) -> str:
    rules: dict[str, dict[str, Any]] = {}
    issues = []
    for finding in findings:
        if finding.code not in rules:
            rules[finding.code] = _rule(finding, report)
        issues.append(_issue(finding, report))
    return json.dumps({"rules": list(rules.values()), "issues": issues}, indent=2)


def _rule(finding: Finding, report: Report) -> dict[str, Any]:
    """The rule behind a finding, at the finding's level (the level in force in this run)."""
    rule = report.rule(finding.code)
    if rule is not None and rule.is_security:
        quality, attribute = "SECURITY", "TRUSTWORTHY"
    elif finding.level is Level.STYLE:
        quality, attribute = "MAINTAINABILITY", "CONVENTIONAL"
    else:
        quality, attribute = ("RELIABILITY" if finding.level is Level.ERROR else "MAINTAINABILITY"), "LOGICAL"
    documentation = help_uri(finding.code, rule)
    description = rule.summary if rule is not None else f"{finding.code} ({finding.name})."
    if documentation is not None:
        description = f"{description} (documentation: {documentation})"
    return {
        "id": finding.code,
        "name": finding.name,
        "description": description,
        "engineId": ENGINE_ID,
        "cleanCodeAttribute": attribute,
        "impacts": [{"softwareQuality": quality, "severity": _IMPACT_SEVERITIES[finding.level]}],
    }


def _issue(finding: Finding, report: Report) -> dict[str, Any]:
    location: dict[str, Any] = {"message": message_with_image(finding), "filePath": report.path_of(finding.file)}
    span = finding.span
    if span is not None:
        location["textRange"] = {
            "startLine": span.line,
            "endLine": span.end_line,
            "startColumn": span.column - 1,
            "endColumn": span.end_column - 1,
        }
    return {"ruleId": finding.code, "primaryLocation": location}
