"""Machine-readable output: one JSON array, one object per finding.

The keys and their meaning are a stable contract documented in
docs/output-formats.md; `JsonFinding` is that contract in code.
"""

from __future__ import annotations

import json

from pydantic import BaseModel, ConfigDict

from dockgate.linter.findings import Finding
from dockgate.reporters.report import Report


class JsonFinding(BaseModel):
    """One element of the JSON array; field order is the key order written."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    file: str
    line: int
    column: int
    end_line: int
    end_column: int
    """Exclusive: the column after the last character, as in SARIF."""
    code: str
    name: str
    aliases: list[str]
    level: str
    message: str
    instruction_line: int
    fingerprint: str

    @classmethod
    def from_finding(cls, finding: Finding) -> JsonFinding:
        span = finding.span
        return cls(
            file=finding.file,
            line=span.line,
            column=span.column,
            end_line=span.end_line,
            end_column=span.end_column,
            code=finding.code,
            name=finding.name,
            aliases=list(finding.aliases),
            level=finding.level.value,
            message=finding.message,
            instruction_line=finding.instruction_line,
            fingerprint=finding.fingerprint,
        )


def render(findings: list[Finding], report: Report) -> str:
    """The findings as a JSON array; `report` adds nothing to this contract."""
    rows = [JsonFinding.from_finding(finding).model_dump() for finding in findings]
    return json.dumps(rows, indent=2)
