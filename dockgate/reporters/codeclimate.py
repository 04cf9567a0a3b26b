"""Code Climate engine issues: one JSON object per finding, each followed by a NUL byte.

The shape is the Code Climate engine specification's `issue` (codeclimate/platform
SPEC.md): `type`, `check_name`, `description`, `categories`, `location`
(`path` relative to the repository root, `positions` with 1-based lines and
columns), `severity`, `fingerprint`, and `content` with a link to the rule's
documentation. GitLab's Code Quality report (`gitlab`) is the same objects
in one JSON array.

Severity mapping: `error` → `critical` (`blocker` for a security rule with a
security severity of 9.0 or more), `warning` → `major`, `info` → `minor`,
`style` → `info`. An input that could not be checked (exit 2) is one more
issue, `dockgate/run-incomplete`, of severity `blocker`.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from dockgate.reporters.report import (
    Report,
    help_uri,
    message_with_image,
    unique_fingerprints,
)
from dockgate.rule_api.findings import Finding, Level

_SEVERITIES = {
    Level.ERROR: "critical",
    Level.WARNING: "major",
    Level.INFO: "minor",
    Level.STYLE: "info",
    Level.OFF: "info",
}
BLOCKER_SECURITY_SEVERITY = 9.0
"""GitHub's band for critical security problems; the same findings block here."""


def render(findings: list[Finding], report: Report) -> str:
    return "".join(json.dumps(issue) + "\0" for issue in issues(findings, report))


RUN_INCOMPLETE = "dockgate/run-incomplete"
"""The check name of the issue that stands for an input that could not be checked."""


def issues(findings: list[Finding], report: Report) -> list[dict[str, Any]]:
    """The findings as Code Climate issues, in order, then one blocker per input that could not
    be checked: the format has no place for a run error, and an empty report would read as clean."""
    found = [_issue(finding, key, report) for finding, key in zip(findings, unique_fingerprints(findings, report))]
    return found + [_problem_issue(problem, report) for problem in report.problems]


def _problem_issue(problem: str, report: Report) -> dict[str, Any]:
    # A problem names its input first (`missing/Dockerfile: no such file or directory`).
    where = problem.split(": ", 1)[0] if ": " in problem else "."
    return {
        "type": "issue",
        "check_name": RUN_INCOMPLETE,
        "description": f"Not checked: {problem}",
        "categories": ["Bug Risk"],
        "location": {"path": report.path_of(where), "lines": {"begin": 1, "end": 1}},
        "severity": "blocker",
        "fingerprint": hashlib.sha256(f"{RUN_INCOMPLETE}\0{problem}".encode("utf-8", "replace")).hexdigest()[:32],
    }


def _issue(finding: Finding, fingerprint: str, report: Report) -> dict[str, Any]:
    rule = report.rule(finding.code)
    severity = _SEVERITIES[finding.level]
    if finding.level is Level.ERROR and rule is not None and (rule.security_severity or 0) >= BLOCKER_SECURITY_SEVERITY:
        severity = "blocker"
    categories = ["Security"] if rule is not None and rule.is_security else ["Style"] if finding.level is Level.STYLE else ["Bug Risk"]
    span = finding.span
    location: dict[str, Any] = {"path": report.path_of(finding.file)}
    if span is None:
        # An image finding with no Dockerfile line: Code Climate needs a line, the image has none.
        location["lines"] = {"begin": 1, "end": 1}
    else:
        location["positions"] = {
            "begin": {"line": span.line, "column": span.column},
            "end": {"line": span.end_line, "column": span.end_column},
        }
    message = message_with_image(finding)
    issue: dict[str, Any] = {
        "type": "issue",
        "check_name": finding.code,
        "description": message,
        "categories": categories,
        "location": location,
        "severity": severity,
        "fingerprint": fingerprint,
    }
    documentation = help_uri(finding.code, rule)
    if documentation is not None:
        issue["content"] = {"body": f"{finding.code} ({finding.name}): see {documentation}"}
    return issue
