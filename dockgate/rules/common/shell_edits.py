"""Edits to the commands of RUN scripts, for rule fixes; not a rule itself.

A shell word's span comes from the script's line map, which is exact for a
word written plainly in the file. A word the file spells differently (quoted,
escaped, split by a line continuation, or inside a JSON string with escapes
before it) is not edited next to: the span might not end where the word does.
"""

from __future__ import annotations

from dockgate.analysis.shell import ShellCommand, ShellScript, ShellWord
from dockgate.dockerfile.model import Document, Span
from dockgate.rule_api.findings import Applicability, Edit, Fix


def is_written_plainly(document: Document, span: Span, value: str) -> bool:
    """Whether the file holds exactly `value` at `span`."""
    return document.slice(span) == value


def insert_after_word(document: Document, word: ShellWord, text: str) -> Edit | None:
    """`text` (such as ` -y`) inserted right after `word`, or None when the word is not written plainly."""
    span = word.span
    return Edit.insert_after(span, text) if is_written_plainly(document, span, word.value) else None


def insert_after_program(document: Document, command: ShellCommand, text: str) -> Edit | None:
    """`text` inserted right after the command's name (`zypper` -> `zypper -n`)."""
    span = command.name_span
    return Edit.insert_after(span, text) if is_written_plainly(document, span, command.name) else None


def add_option(document: Document, after: ShellWord | None, option: str, applicability: Applicability) -> Fix | None:
    """A fix writing ` option` after the word `after` (a subcommand such as `install`), if it can."""
    if after is None:
        return None
    edit = insert_after_word(document, after, f" {option}")
    return Fix(f"Add `{option}`", applicability, (edit,)) if edit is not None else None


def append_command(document: Document, script: ShellScript, command: str) -> Edit | None:
    """` && command` written after the script's last command, on that command's line.

    Only when nothing but white space follows the last word (no `;`, `&`,
    closing `fi` or `)`, comment or heredoc body), so the new command runs
    after everything else and only when it succeeded; and only when that word
    is written in the file as it is in the script.
    """
    words = [word for each in script.commands for word in each.words]
    if not words:
        return None
    last = max(words, key=lambda word: word.end)
    span = last.span
    if script.text[last.end :].strip() or document.slice(span) != script.text[last.start : last.end]:
        return None
    return Edit.insert_after(span, f" && {command}")
