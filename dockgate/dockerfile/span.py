"""`Span`: where something is in a Dockerfile's text, 1-based lines and columns in code points.

Apart from the rest of the model (`dockerfile.model` re-exports it), so that
findings, the result cache and the API can hold positions without loading the
document model: a run whose files are all cached reads none.
"""

from __future__ import annotations

from typing import NamedTuple


class Span(NamedTuple):
    """A range of the document text: from (line, column) up to (end_line, end_column)."""

    line: int
    column: int
    end_line: int
    end_column: int

    def covering(self, other: Span) -> Span:
        """The smallest span that holds both this span and `other`."""
        start = min((self.line, self.column), (other.line, other.column))
        end = max((self.end_line, self.end_column), (other.end_line, other.end_column))
        return Span(start[0], start[1], end[0], end[1])
