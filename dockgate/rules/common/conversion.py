"""What BuildKit's converter sees; shared by the build checks that run during conversion. Not a rule.

BuildKit converts a Dockerfile (dockerfile2llb) only when every instruction
parses: an unknown one stops the build before any of these checks runs.
"""

from __future__ import annotations

from typing import Iterator

from dockgate.dockerfile.model import Document, Instruction, Word
from dockgate.dockerfile.parser import KNOWN_KEYWORDS
from dockgate.rule_api.rule import LintContext


def buildkit_converts(document: Document) -> bool:
    return all(item.keyword.lower() in KNOWN_KEYWORDS for item in document.instructions)


def expose_entries(context: LintContext) -> Iterator[tuple[Instruction, Word, str]]:
    """Each `port[/proto]` entry of every EXPOSE in a stage, after BuildKit's expansion.

    BuildKit expands each word and may split it into several (convert_expose.go);
    a word whose value the file does not fix is skipped.
    """
    if not buildkit_converts(context.document):
        return
    semantics = context.semantics
    for stage in semantics.stages:
        for instruction in stage.instructions:
            if instruction.keyword != "EXPOSE":
                continue
            for word in instruction.args:
                entries = [word.value]
                if "$" in word.value or "'" in word.value or '"' in word.value:
                    value = semantics.expand_in(instruction, word.value).value
                    if value is None:
                        continue
                    entries = value.split()
                for entry in entries:
                    yield instruction, word, entry
