"""Between dockgate's findings and LSP's shapes: 1-based code-point spans to 0-based ranges, levels to severities."""

from __future__ import annotations

from typing import Callable

from lsprotocol import types

from dockgate.dockerfile.model import Span
from dockgate.reporters.report import help_uri
from dockgate.rule_api.findings import Finding, Level
from dockgate.rule_api.rule import RuleMeta

SEVERITIES = {
    Level.ERROR: types.DiagnosticSeverity.Error,
    Level.WARNING: types.DiagnosticSeverity.Warning,
    Level.INFO: types.DiagnosticSeverity.Information,
    Level.STYLE: types.DiagnosticSeverity.Hint,
}

DEPRECATED_CODES = frozenset({"DL4000"})
"""Findings about deprecated syntax, shown struck through (MAINTAINER)."""


BYTE_ORDER_MARK = "\ufeff"


def code_point_range(span: Span, after_byte_order_mark: bool = False) -> types.Range:
    """The span as an LSP range of the buffer, still counted in code points (the codec converts to the client's units).

    dockgate counts line 1's columns after a UTF-8 byte-order mark, as an
    editor shows the line; a buffer that holds the mark has it as line 1's
    first character, so there the columns move one to the right.
    """
    first_line_shift = 1 if after_byte_order_mark else 0
    return types.Range(
        start=types.Position(line=span.line - 1, character=span.column - 1 + (first_line_shift if span.line == 1 else 0)),
        end=types.Position(
            line=span.end_line - 1, character=span.end_column - 1 + (first_line_shift if span.end_line == 1 else 0)
        ),
    )


def diagnostic(
    finding: Finding, span: Span, meta: RuleMeta | None, uri: str, client_range: Callable[[Span], types.Range]
) -> types.Diagnostic:
    """One finding of the buffer `uri`, at `span` (its own), as a diagnostic; `client_range` places a span in
    the client's position encoding."""
    related = [
        types.DiagnosticRelatedInformation(location=types.Location(uri=uri, range=client_range(place.span)), message=place.message)
        for place in finding.related
    ]
    return types.Diagnostic(
        range=client_range(span),
        message=finding.message,
        severity=SEVERITIES.get(finding.level, types.DiagnosticSeverity.Warning),
        code=finding.code,
        code_description=types.CodeDescription(href=href) if (href := help_uri(finding.code, meta)) else None,
        source="dockgate",
        tags=[types.DiagnosticTag.Deprecated] if finding.code in DEPRECATED_CODES else None,
        related_information=related or None,
        data={"fingerprint": finding.fingerprint, "instruction_line": finding.instruction_line},
    )
