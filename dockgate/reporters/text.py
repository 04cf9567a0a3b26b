"""Human-readable output: `path:line:col: CODE [level] message`, then a summary.

The `path:line:col:` prefix is what editors' compile modes and quickfix lists
recognise, so the lines are clickable without a custom parser. An image
finding that no Dockerfile line explains reads `image: where: CODE [level]
message`, where is the layer, history entry, file or `config`; one placed on
a Dockerfile line keeps the image location at the end of its message.
"""

from __future__ import annotations

from collections import Counter

from dockgate.reporters.report import Report
from dockgate.rule_api.findings import Finding, Level

_LEVEL_COLORS = {
    Level.ERROR: "\x1b[1;31m",
    Level.WARNING: "\x1b[33m",
    Level.INFO: "\x1b[36m",
    Level.STYLE: "\x1b[2m",
    Level.OFF: "\x1b[2m",
}
_RESET = "\x1b[0m"

# Order and nouns of the summary breakdown; "info" and "style" read badly with an "s".
_SUMMARY_NOUNS = (
    (Level.ERROR, "error", "errors"),
    (Level.WARNING, "warning", "warnings"),
    (Level.INFO, "info", "info"),
    (Level.STYLE, "style", "style"),
)


def render(findings: list[Finding], report: Report) -> str:
    lines = [_finding_line(finding, report.color) for finding in findings]
    if not report.problems:
        lines.append(_summary(findings, report.files_checked, report.checked_noun))
        return "\n".join(lines)
    # After an error no line may read as a clean run: no "no findings", and the last line says so.
    if findings:
        lines.append(_summary(findings, report.files_checked, report.checked_noun))
    incomplete = f"run incomplete: {_count(len(report.problems), 'input', 'inputs')} could not be checked (errors above)"
    if not findings and report.files_checked:
        incomplete += f"; {_count(report.files_checked, *report.checked_noun)} checked without findings"
    lines.append(incomplete)
    return "\n".join(lines)


def _finding_line(finding: Finding, color: bool) -> str:
    level = finding.level.value
    if color:
        level = f"{_LEVEL_COLORS[finding.level]}{level}{_RESET}"
    span, image = finding.span, finding.image
    if span is None:
        where = image.describe() if image is not None else "?"
        return f"{finding.file}: {where}: {finding.code} [{level}] {finding.message}"
    suffix = f" ({image.image}: {image.describe()})" if image is not None else ""
    return f"{finding.file}:{span.line}:{span.column}: {finding.code} [{level}] {finding.message}{suffix}"


def _summary(findings: list[Finding], files_checked: int, noun: tuple[str, str]) -> str:
    files = _count(files_checked, *noun)
    if not findings:
        return f"no findings in {files}"
    per_level = Counter(finding.level for finding in findings)
    breakdown = ", ".join(
        _count(per_level[level], singular, plural)
        for level, singular, plural in _SUMMARY_NOUNS
        if per_level[level]
    )
    return f"{_count(len(findings), 'finding', 'findings')} ({breakdown}) in {files}"


def _count(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"
