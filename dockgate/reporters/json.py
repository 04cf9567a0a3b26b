"""Machine-readable output: one JSON array, one object per finding.

The keys and their meaning are a stable contract documented in
docs/output-formats.md; `JsonFinding` is that contract in code.
"""

from __future__ import annotations

import json

from pydantic import BaseModel, ConfigDict

from dockgate.reporters.report import Report
from dockgate.rule_api.findings import (
    Edit,
    Finding,
    Fix,
    ImageLocation,
    RelatedLocation,
)


class JsonImageLocation(BaseModel):
    """Where in a built image an image finding is."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    layer: int | None
    """0-based layer index."""
    layer_digest: str | None
    history: int | None
    """0-based index into the image config's history."""
    path: str | None
    """File inside the layer, without a leading slash."""

    @classmethod
    def from_location(cls, location: ImageLocation) -> JsonImageLocation:
        return cls(
            name=location.image,
            layer=location.layer,
            layer_digest=location.layer_digest,
            history=location.history,
            path=location.path,
        )


class JsonEdit(BaseModel):
    """One text edit of a fix: replace `line:column` up to `end_line:end_column` (exclusive) with `content`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    line: int
    column: int
    end_line: int
    end_column: int
    content: str

    @classmethod
    def from_edit(cls, edit: Edit) -> JsonEdit:
        span = edit.span
        return cls(line=span.line, column=span.column, end_line=span.end_line, end_column=span.end_column, content=edit.content)


class JsonFix(BaseModel):
    """How `dockgate check --fix` would mend a finding."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    applicability: str
    """`safe` (applied by --fix) or `unsafe` (only with --unsafe-fixes)."""
    message: str
    edits: list[JsonEdit]
    """Positions in the file as it was linted; applied together or not at all."""

    @classmethod
    def from_fix(cls, fix: Fix) -> JsonFix:
        return cls(applicability=fix.applicability.value, message=fix.message, edits=[JsonEdit.from_edit(edit) for edit in fix.edits])


class JsonRelatedLocation(BaseModel):
    """Another place in the same file that the finding's message names."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    line: int
    column: int
    end_line: int
    end_column: int
    message: str

    @classmethod
    def from_related(cls, related: RelatedLocation) -> JsonRelatedLocation:
        span = related.span
        return cls(line=span.line, column=span.column, end_line=span.end_line, end_column=span.end_column, message=related.message)


class JsonFinding(BaseModel):
    """One element of the JSON array; field order is the key order written."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    file: str
    """The Dockerfile; for an image finding no Dockerfile line explains, the image."""
    line: int | None
    """The position fields are null only for such image findings."""
    column: int | None
    end_line: int | None
    end_column: int | None
    """Exclusive: the column after the last character, as in SARIF."""
    code: str
    name: str
    aliases: list[str]
    level: str
    message: str
    instruction_line: int | None
    fingerprint: str
    fix: JsonFix | None
    """How the finding can be fixed; null when its rule has no fix for it."""
    related: list[JsonRelatedLocation]
    """Other places in the same file the message names; empty for most findings."""
    image: JsonImageLocation | None = None
    """Present only for findings about a built image (`dockgate image`)."""

    @classmethod
    def from_finding(cls, finding: Finding) -> JsonFinding:
        span = finding.span
        return cls(
            file=finding.file,
            line=span.line if span else None,
            column=span.column if span else None,
            end_line=span.end_line if span else None,
            end_column=span.end_column if span else None,
            code=finding.code,
            name=finding.name,
            aliases=list(finding.aliases),
            level=finding.level.value,
            message=finding.message,
            instruction_line=finding.instruction_line,
            fingerprint=finding.fingerprint,
            fix=JsonFix.from_fix(finding.fix) if finding.fix is not None else None,
            related=[JsonRelatedLocation.from_related(related) for related in finding.related],
            image=JsonImageLocation.from_location(finding.image) if finding.image is not None else None,
        )


def render(findings: list[Finding], report: Report) -> str:
    """The findings as a JSON array; `report` adds nothing to this contract."""
    # `image` is left out of Dockerfile findings, so `dockgate check` output keeps its keys.
    rows = [JsonFinding.from_finding(finding).model_dump(exclude={"image"} if finding.image is None else None) for finding in findings]
    return json.dumps(rows, indent=2)
