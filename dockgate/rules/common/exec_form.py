"""Rewriting a shell-form command (CMD, ENTRYPOINT, HEALTHCHECK CMD) in JSON form; for the fixes of
DG1007 and DL3025, not a rule itself.

Only a command of plain words is rewritten: letters, digits and `-_./:=@%+,^`
separated by blanks, so the shell would have done nothing but split it at
the blanks (no quotes, variables, globs, redirections, operators or
comments). A leading `exec` is dropped, since the JSON form runs the program
directly. Each word is rewritten where it stands, so a command continued over
several lines keeps its lines.
"""

from __future__ import annotations

import json

from dockgate.dockerfile.model import Instruction, Span, Word
from dockgate.rule_api.findings import Edit, Fix
from dockgate.rule_api.rule import LintContext

_PLAIN_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@%+,^")
_BLANKS = frozenset(" \t")
# Words the shell runs itself; as a program name they would not be found.
_SHELL_BUILTINS = frozenset({
    "cd", "export", "set", "unset", "source", ".", "eval", "exec", "ulimit", "umask", "trap", "alias",
    "read", "shift", "wait", "if", "for", "while", "until", "case", "!",
})  # fmt: skip


def json_form_fix(context: LintContext, owner: Instruction, instruction: Instruction, command: Word) -> Fix | None:
    """The unsafe fix writing `command` (the shell-form text of `instruction`) as a JSON array.

    `owner` is the top-level instruction: `instruction` itself, or the ONBUILD registering it.
    """
    if instruction.keyword == "ENTRYPOINT" and (owner is not instruction or _stage_sets_cmd(context, owner)):
        # A JSON ENTRYPOINT is given the stage's CMD as arguments, which the shell form ignores;
        # for an ONBUILD trigger the stage it will run in is not known.
        return None
    words = _plain_words(context, instruction, command)
    if not words:
        return None
    edits: list[Edit] = []
    if words[0][0] == "exec" and len(words) > 1:
        exec_span, first_span = words[0][1], words[1][1]
        if exec_span.line != first_span.line:
            return None
        edits.append(Edit(Span(exec_span.line, exec_span.column, first_span.line, first_span.column), ""))
        words = words[1:]
    if "=" in words[0][0] or words[0][0] in _SHELL_BUILTINS:
        return None
    last = len(words) - 1
    for index, (text, span) in enumerate(words):
        content = json.dumps(text, ensure_ascii=False) + ("]" if index == last else ",")
        edits.append(Edit(span, ("[" if index == 0 else "") + content))
    return Fix.unsafe("Write the command in JSON form", *edits)


def _plain_words(context: LintContext, instruction: Instruction, command: Word) -> list[tuple[str, Span]]:
    """The command's words with their spans, or none when it is not only plain words written as parsed."""
    value = command.value
    arguments, line_map = instruction.arguments, instruction.line_map
    if arguments is None or line_map is None or not arguments.value.endswith(value):
        return []
    if not all(char in _PLAIN_CHARACTERS or char in _BLANKS for char in value):
        return []
    # The command is the end of the instruction's arguments (after `CMD` in a HEALTHCHECK).
    offset = instruction.arguments_offset + len(arguments.value) - len(value)
    words: list[tuple[str, Span]] = []
    start: int | None = None
    for index, char in enumerate(value + " "):
        if char in _BLANKS:
            if start is not None:
                text = value[start:index]
                span = line_map.span(offset + start, offset + index)
                if context.document.slice(span) != text:
                    return []
                words.append((text, span))
                start = None
        elif start is None:
            start = index
    return words


def _stage_sets_cmd(context: LintContext, instruction: Instruction) -> bool:
    stage = context.semantics.stage_of(instruction)
    return stage is None or any(other.keyword == "CMD" for other in stage.instructions)
