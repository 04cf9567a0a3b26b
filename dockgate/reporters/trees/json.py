"""`dockgate parse --format json`: the parse tree with every position.

Shape: `{"directives": {name: value}, "instructions": [...]}`; each instruction
has keyword, original, start/end line and column, flags, args, json_form,
heredocs and sub (the ONBUILD trigger). Spans are 1-based, end column
exclusive.
"""

from __future__ import annotations

import json
from typing import Any

from dockgate.dockerfile.model import Document, Heredoc, Instruction, Span


def render_tree(document: Document) -> str:
    tree = {
        "directives": {name: directive.value for name, directive in document.directives.items()},
        "escape": document.escape,
        "instructions": [_instruction(instruction) for instruction in document.instructions],
    }
    return json.dumps(tree, indent=2, ensure_ascii=False) + "\n"


def _span(span: Span) -> dict[str, int]:
    return {"start_line": span.line, "start_column": span.column, "end_line": span.end_line, "end_column": span.end_column}


def _instruction(instruction: Instruction) -> dict[str, Any]:
    return {
        "keyword": instruction.keyword,
        "original": instruction.original,
        **_span(instruction.span),
        "keyword_span": _span(instruction.keyword_span),
        "flags": [{"name": flag.name, "value": flag.value, **_span(flag.span)} for flag in instruction.flags],
        "args": [{"value": word.value, **_span(word.span)} for word in instruction.args],
        "json_form": instruction.json_form,
        "heredocs": [_heredoc(heredoc) for heredoc in instruction.heredocs],
        "empty_continuation_lines": instruction.empty_continuation_lines,
        "sub": _instruction(instruction.sub) if instruction.sub is not None else None,
    }


def _heredoc(heredoc: Heredoc) -> dict[str, Any]:
    return {
        "name": heredoc.name,
        "content": heredoc.content,
        "expand": heredoc.expand,
        "chomp": heredoc.chomp,
        "file_descriptor": heredoc.file_descriptor,
        "marker": _span(heredoc.marker_span),
        "body": _span(heredoc.body_span) if heredoc.body_span else None,
    }
