"""GitHub Actions workflow commands: one `::error file=…,line=…::message` line per finding.

Printed in a workflow step, each line becomes an annotation on the file and
line, in the job summary and, for changed lines, in the pull request diff.
No code scanning needed. Level mapping: `error` → `::error`, `warning` →
`::warning`, `info` and `style` → `::notice`.

GitHub's runner escapes (actions/toolkit `command.ts`): in the message `%`,
CR and LF become `%25`, `%0D`, `%0A`; in property values also `:` and `,`
become `%3A` and `%2C`.
"""

from __future__ import annotations

from dockgate.reporters.report import Report, message_with_image
from dockgate.rule_api.findings import Finding, Level

_COMMANDS = {
    Level.ERROR: "error",
    Level.WARNING: "warning",
    Level.INFO: "notice",
    Level.STYLE: "notice",
    Level.OFF: "notice",
}


def escape_data(text: str) -> str:
    """A message, escaped as the runner expects."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value (file, title), escaped as the runner expects."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(findings: list[Finding], report: Report) -> str:
    lines = [_command(finding, report) for finding in findings]
    lines += [f"::error title=dockgate::{escape_data(problem)}" for problem in report.problems]
    return "\n".join(lines)


def _command(finding: Finding, report: Report) -> str:
    properties = {"file": report.path_of(finding.file)}
    span = finding.span
    if span is not None:
        properties.update(line=str(span.line), col=str(span.column), endLine=str(span.end_line))
        # GitHub accepts a column range only within one line.
        if span.end_line == span.line:
            properties["endColumn"] = str(span.end_column)
    properties["title"] = f"{finding.code} {finding.name}"
    written = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    message = message_with_image(finding)
    return f"::{_COMMANDS[finding.level]} {written}::{escape_data(message)}"
