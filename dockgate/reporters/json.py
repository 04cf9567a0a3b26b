"""Machine-readable output: one JSON array, one object per finding.

The keys and their meaning are a stable contract documented in
docs/output-formats.md; `JsonFinding` is that contract in code. The values come
from dockgate's own findings, not from input, so nothing here is validated:
the rows are plain dicts, written as `json.dumps(rows, indent=2)` would write
them (`render` writes the fixed layout directly, which is several times faster
than the standard library's indenting encoder, written in Python).
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring_ascii
from typing import NotRequired, TypedDict

from dockgate.reporters.report import Report
from dockgate.rule_api.findings import (
    Edit,
    Finding,
    Fix,
    ImageLocation,
    RelatedLocation,
)


class JsonImageLocation(TypedDict):
    """Where in a built image an image finding is."""

    name: str
    layer: int | None
    """0-based layer index."""
    layer_digest: str | None
    history: int | None
    """0-based index into the image config's history."""
    path: str | None
    """File inside the layer, without a leading slash."""


class JsonEdit(TypedDict):
    """One text edit of a fix: replace `line:column` up to `end_line:end_column` (exclusive) with `content`."""

    line: int
    column: int
    end_line: int
    end_column: int
    content: str


class JsonFix(TypedDict):
    """How `dockgate check --fix` would mend a finding."""

    applicability: str
    """`safe` (applied by --fix) or `unsafe` (only with --unsafe-fixes)."""
    message: str
    edits: list[JsonEdit]
    """Positions in the file as it was linted; applied together or not at all."""


class JsonRelatedLocation(TypedDict):
    """Another place in the same file that the finding's message names."""

    line: int
    column: int
    end_line: int
    end_column: int
    message: str


class JsonFinding(TypedDict):
    """One element of the JSON array; field order is the key order written."""

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
    image: NotRequired[JsonImageLocation]
    """Present only for findings about a built image (`dockgate image`)."""


def json_image_location(location: ImageLocation) -> JsonImageLocation:
    return {
        "name": location.image,
        "layer": location.layer,
        "layer_digest": location.layer_digest,
        "history": location.history,
        "path": location.path,
    }


def json_edit(edit: Edit) -> JsonEdit:
    span = edit.span
    return {"line": span.line, "column": span.column, "end_line": span.end_line, "end_column": span.end_column, "content": edit.content}


def json_fix(fix: Fix) -> JsonFix:
    return {"applicability": fix.applicability.value, "message": fix.message, "edits": [json_edit(edit) for edit in fix.edits]}


def json_related(related: RelatedLocation) -> JsonRelatedLocation:
    span = related.span
    return {"line": span.line, "column": span.column, "end_line": span.end_line, "end_column": span.end_column, "message": related.message}


def json_finding(finding: Finding) -> JsonFinding:
    """The finding as its JSON object; `image` is left out of Dockerfile findings, so `dockgate check` output keeps its keys."""
    span = finding.span
    row: JsonFinding = {
        "file": finding.file,
        "line": span.line if span else None,
        "column": span.column if span else None,
        "end_line": span.end_line if span else None,
        "end_column": span.end_column if span else None,
        "code": finding.code,
        "name": finding.name,
        "aliases": list(finding.aliases),
        "level": finding.level.value,
        "message": finding.message,
        "instruction_line": finding.instruction_line,
        "fingerprint": finding.fingerprint,
        "fix": json_fix(finding.fix) if finding.fix is not None else None,
        "related": [json_related(related) for related in finding.related],
    }
    if finding.image is not None:
        row["image"] = json_image_location(finding.image)
    return row


def render(findings: list[Finding], report: Report) -> str:
    """The findings as a JSON array; `report` adds nothing to this contract."""
    if not findings:
        return "[]"
    return "[\n  " + ",\n  ".join([_finding_text(finding) for finding in findings]) + "\n]"


def _finding_text(finding: Finding) -> str:
    """`indented(json_finding(finding), 1)`, written straight from the finding (a test holds them equal)."""
    span = finding.span
    if span is None or finding.image is not None:
        return indented(json_finding(finding), 1)
    aliases = finding.aliases
    alias_text = "[\n      " + ",\n      ".join([encode_basestring_ascii(alias) for alias in aliases]) + "\n    ]" if aliases else "[]"
    line = finding.instruction_line
    related = finding.related
    related_text = "[\n      " + ",\n      ".join([_related_text(place) for place in related]) + "\n    ]" if related else "[]"
    return (
        f'{{\n    "file": {encode_basestring_ascii(finding.file)},\n    "line": {span.line},\n    "column": {span.column},'
        f'\n    "end_line": {span.end_line},\n    "end_column": {span.end_column},'
        f'\n    "code": {encode_basestring_ascii(finding.code)},\n    "name": {encode_basestring_ascii(finding.name)},'
        f'\n    "aliases": {alias_text},\n    "level": {encode_basestring_ascii(finding.level.value)},'
        f'\n    "message": {encode_basestring_ascii(finding.message)},'
        f'\n    "instruction_line": {"null" if line is None else int.__repr__(line)},'
        f'\n    "fingerprint": {encode_basestring_ascii(finding.fingerprint)},'
        f'\n    "fix": {"null" if finding.fix is None else _fix_text(finding.fix)},\n    "related": {related_text}\n  }}'
    )


def _fix_text(fix: Fix) -> str:
    edits = (
        "[\n        " + ",\n        ".join([_edit_text(edit) for edit in fix.edits]) + "\n      ]" if fix.edits else "[]"
    )
    return (
        f'{{\n      "applicability": {encode_basestring_ascii(fix.applicability.value)},'
        f'\n      "message": {encode_basestring_ascii(fix.message)},\n      "edits": {edits}\n    }}'
    )


def _edit_text(edit: Edit) -> str:
    span = edit.span
    return (
        f'{{\n          "line": {span.line},\n          "column": {span.column},\n          "end_line": {span.end_line},'
        f'\n          "end_column": {span.end_column},\n          "content": {encode_basestring_ascii(edit.content)}\n        }}'
    )


def _related_text(related: RelatedLocation) -> str:
    span = related.span
    return (
        f'{{\n        "line": {span.line},\n        "column": {span.column},\n        "end_line": {span.end_line},'
        f'\n        "end_column": {span.end_column},\n        "message": {encode_basestring_ascii(related.message)}\n      }}'
    )


def indented(value: object, depth: int) -> str:
    """`value` as `json.dumps(value, indent=2)` writes it when it is nested `depth` levels deep."""
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = "\n" + "  " * (depth + 1)
        members = [f"{encode_basestring_ascii(key)}: {_member(member, depth + 1)}" for key, member in value.items()]
        return "{" + inner + ("," + inner).join(members) + "\n" + "  " * depth + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        inner = "\n" + "  " * (depth + 1)
        return "[" + inner + ("," + inner).join([_member(item, depth + 1) for item in value]) + "\n" + "  " * depth + "]"
    return _member(value, depth)


def _member(value: object, depth: int) -> str:
    # Exact types first: most values are strings, integers and nulls.
    if type(value) is str:
        return encode_basestring_ascii(value)
    if type(value) is int:
        return int.__repr__(value)
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return indented(value, depth)
    if isinstance(value, str):
        return encode_basestring_ascii(value)
    if isinstance(value, int):
        return int.__repr__(value)
    return json.dumps(value)
