"""Writing `key=value` pairs for ENV and LABEL that mean what the file meant; for rule fixes, not a rule.

A value is rewritten only when the new text provably reads back the same:
it is parsed as an instruction of its own (with the file's escape character)
and expanded with BuildKit's lexer, and both must agree with the original.
"""

from __future__ import annotations

from dockgate.dockerfile.expansion import ExpansionError, ShellLexer, is_space
from dockgate.dockerfile.model import DockerfileSyntaxError
from dockgate.dockerfile.parser import parse


def expanded(text: str, escape: str) -> str | None:
    """`text` as BuildKit's lexer reads one word, variables left as written; None when it cannot."""
    try:
        return ShellLexer(escape, skip_unset=True).process_word(text, {}).value
    except ExpansionError:
        return None


def pair_text(keyword: str, key: str, value: str, escape: str) -> str | None:
    """`key=<value>` whose value BuildKit reads as it reads `value` (the legacy form's value as
    written, quotes and all), or None when no rewriting provably does.

    Tried in order: the value as it is, wrapped in double quotes, and with its
    unquoted white space escaped.
    """
    meaning = expanded(value, escape)
    if meaning is None:
        return None
    candidates = [value]
    if not any(char in value for char in ("'", '"', escape)):
        candidates.append(f'"{value}"')
    candidates.append(_spaces_escaped(value, escape))
    for candidate in candidates:
        if _reads_as(keyword, key, candidate, escape, meaning):
            return f"{key}={candidate}"
    return None


def quoted(value: str, escape: str) -> str | None:
    """`value` as a double-quoted word that BuildKit reads as exactly `value` (nothing expanded)."""
    escaped = "".join(escape + char if char in ('"', "$", escape) else char for char in value)
    candidate = f'"{escaped}"'
    return candidate if expanded(candidate, escape) == value else None


def _reads_as(keyword: str, key: str, candidate: str, escape: str, meaning: str) -> bool:
    directive = "" if escape == "\\" else f"# escape={escape}\n"
    try:
        document = parse(f"{directive}{keyword} {key}={candidate}\n")
    except DockerfileSyntaxError:
        return False
    if len(document.instructions) != 1:
        return False
    args = [word.value for word in document.instructions[0].args]
    return args == [key, candidate, "="] and expanded(candidate, escape) == meaning


def _spaces_escaped(value: str, escape: str) -> str:
    """`value` with each white-space character outside quotes preceded by the escape character."""
    out: list[str] = []
    quote = ""
    index = 0
    while index < len(value):
        char = value[index]
        if char == escape and quote != "'" and index + 1 < len(value):
            out.append(value[index : index + 2])
            index += 2
            continue
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif is_space(char):
            out.append(escape)
        out.append(char)
        index += 1
    return "".join(out)
