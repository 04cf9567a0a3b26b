"""A GitHub job summary: Markdown for `$GITHUB_STEP_SUMMARY`.

GitHub shows it on the workflow run's page. It gives the counts by level and
by rule, then the most severe findings (at most `TOP_FINDINGS`), each linked
to its line when `Report.source_url` says where the checked-out commit is
browsable, and to its rule's documentation. A run that could not check every
input says so at the top, so an incomplete run never reads as a clean one.
"""

from __future__ import annotations

from collections import Counter

from dockgate.reporters.report import Report, help_uri, message_with_image
from dockgate.rule_api.findings import Finding, Level

TOP_FINDINGS = 20
"""How many findings the summary lists one by one; the counts cover all of them."""
_LEVELS = (Level.ERROR, Level.WARNING, Level.INFO, Level.STYLE)


def render(findings: list[Finding], report: Report) -> str:
    noun = report.checked_noun[0] if report.files_checked == 1 else report.checked_noun[1]
    lines = ["## dockgate: run incomplete" if report.incomplete else "## dockgate", ""]
    if report.problems:
        lines += [f"**Run incomplete**: {len(report.problems)} of the inputs could not be checked.", ""]
        lines += [f"- {_cell(problem)}" for problem in report.problems]
        lines.append("")
    if not findings:
        # After an error there is no clean result to announce, only what the rest gave.
        if report.incomplete:
            lines.append(f"The {report.files_checked} {noun} that could be checked gave nothing to report; "
                         "the result is not a clean run.")
        else:
            lines.append(f"No findings in {report.files_checked} {noun}.")
        return "\n".join(lines)
    lines += [f"**{len(findings)} {'finding' if len(findings) == 1 else 'findings'}** in {report.files_checked} {noun}.", ""]
    per_level = Counter(finding.level for finding in findings)
    lines += ["| level | findings |", "| --- | ---: |"]
    lines += [f"| {level.value} | {per_level[level]} |" for level in _LEVELS if per_level[level]]
    lines += ["", "| rule | level | findings |", "| --- | --- | ---: |"]
    lines += [_rule_row(code, group, report) for code, group in _by_rule(findings)]
    most_severe = sorted(findings, key=lambda finding: -finding.level.rank)[:TOP_FINDINGS]
    shown = "Findings" if len(most_severe) == len(findings) else f"The {len(most_severe)} most severe findings"
    lines += ["", f"### {shown}", "", "| where | rule | message |", "| --- | --- | --- |"]
    lines += [_finding_row(finding, report) for finding in most_severe]
    return "\n".join(lines)


def _by_rule(findings: list[Finding]) -> list[tuple[str, list[Finding]]]:
    """Findings grouped by rule code, the most severe rule first, then the most frequent."""
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(finding.code, []).append(finding)
    return sorted(groups.items(), key=lambda item: (-item[1][0].level.rank, -len(item[1]), item[0]))


def _rule_row(code: str, group: list[Finding], report: Report) -> str:
    return f"| {_rule_link(code, report)} {_cell(group[0].name)} | {group[0].level.value} | {len(group)} |"


def _finding_row(finding: Finding, report: Report) -> str:
    path = report.path_of(finding.file)
    where = path if finding.span is None else f"{path}:{finding.span.line}"
    if report.source_url is not None and finding.span is not None and report.relative_to_root(finding.file) is not None:
        where = f"[{_cell(where)}]({report.source_url}{_url_path(path)}#L{finding.span.line})"
    else:
        where = _cell(where)
    return f"| {where} | {_rule_link(finding.code, report)} | {_cell(message_with_image(finding))} |"


def _rule_link(code: str, report: Report) -> str:
    documentation = help_uri(code, report.rule(code))
    return f"[{code}]({documentation})" if documentation is not None else code


def _url_path(path: str) -> str:
    return path.replace("%", "%25").replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def _cell(text: str) -> str:
    """Text that stays inside one Markdown table cell and shows as written."""
    escaped = text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
    return " ".join(escaped.split())
