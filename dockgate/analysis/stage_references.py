"""What `COPY --from=` and `RUN --mount=...,from=` name: a stage of this file or an image.

Values are expanded as BuildKit expands them; a value that depends on
something the file does not fix comes out as None. The semantic model uses
these to tell result stages from the stages others consume; rules about
registries use them to see every image a build pulls.
"""

from __future__ import annotations

from typing import Callable, Iterator, NamedTuple

from dockgate.dockerfile.model import Document, Flag, Instruction, Span

Expand = Callable[[Instruction, str], "str | None"]
"""A value as BuildKit expands it at an instruction; None when the file does not fix it."""

# BuildKit's default mount type is bind; `from=` means something for bind and cache mounts only.
_MOUNT_TYPES_WITH_FROM = frozenset({"bind", "cache"})


class FromReference(NamedTuple):
    """One `--from` value of a COPY, or `from=` of a RUN mount."""

    instruction: Instruction
    text: str
    """As written (quotes removed)."""
    value: str | None
    """Expanded; None when it depends on a value the file does not fix."""
    span: Span


def from_references(document: Document, expand: Expand, instruction: Instruction) -> Iterator[FromReference]:
    """The references of one COPY or RUN instruction, in order (an ONBUILD trigger is not looked into)."""
    if instruction.keyword == "COPY":
        for flag in instruction.flags_named("from"):
            if flag.value:
                yield FromReference(instruction, flag.value, expand(instruction, flag.value), flag.span)
    elif instruction.keyword == "RUN":
        for flag in instruction.flags_named("mount"):
            yield from _mount_references(document, expand, instruction, flag)


def _mount_references(document: Document, expand: Expand, instruction: Instruction, flag: Flag) -> Iterator[FromReference]:
    fields = flag.csv_fields()
    options = {}
    for field in fields:
        key, _, value = field.partition("=")
        options[key.strip().lower()] = value
    mount_type = expand(instruction, options.get("type", "bind")) or ""
    source = options.get("from")
    if not source or mount_type.lower() not in _MOUNT_TYPES_WITH_FROM:
        return
    span = _option_span(document, flag, "from", source)
    yield FromReference(instruction, source, expand(instruction, source), span)


def _option_span(document: Document, flag: Flag, key: str, value: str) -> Span:
    """The `key=value` option inside the flag when it is written plainly on one line, else the whole flag."""
    span = flag.span
    if span.line != span.end_line or document.slice(span) != flag.text:
        return span
    option = f"{key}={value}"
    written = flag.text
    start = written.find("," + option)
    start = start + 1 if start != -1 else written.find("=" + option) + 1
    if start <= 0:
        return span
    column = span.column + start
    return Span(span.line, column, span.line, column + len(option))
