"""The GNU Coding Standards' error-message format, one line per finding.

`file:line.col-endline.endcol: level: message [CODE]`, which Emacs'
compilation mode, Vim's quickfix (`errorformat=%f:%l.%c-%e.%k:\\ %t%*[^:]:\\ %m`)
and most CI log parsers read. Levels are the words GCC uses, so editors
colour them: `error`, `warning`, and `note` for info and style. The end
column is inclusive here (the last character), as GNU ranges are.
"""

from __future__ import annotations

from dockgate.reporters.report import Report, message_with_image
from dockgate.rule_api.findings import Finding, Level

_LEVEL_WORDS = {
    Level.ERROR: "error",
    Level.WARNING: "warning",
    Level.INFO: "note",
    Level.STYLE: "note",
    Level.OFF: "note",
}


def render(findings: list[Finding], report: Report) -> str:
    lines = [_line(finding) for finding in findings]
    lines += [f"dockgate: error: {problem}" for problem in report.problems]
    return "\n".join(lines)


def _line(finding: Finding) -> str:
    span = finding.span
    message = message_with_image(finding)
    if span is None:
        where = finding.file
    else:
        last_column = max(span.column, span.end_column - 1)
        if span.end_line == span.line:
            where = f"{finding.file}:{span.line}.{span.column}-{last_column}"
        else:
            where = f"{finding.file}:{span.line}.{span.column}-{span.end_line}.{last_column}"
    return f"{where}: {_LEVEL_WORDS[finding.level]}: {message} [{finding.code}]"
