"""`dockgate parse --format buildkit`: the parse tree as BuildKit's `Node.Dump()` prints it.

One s-expression per instruction, e.g. `(run ["--mount=type=cache"] "make")`,
so the output can be diffed against Docker's own parser tests.
"""

from __future__ import annotations

from dockgate.dockerfile.model import Document, Instruction
from dockgate.dockerfile.parser import KNOWN_KEYWORDS, go_quote


def render_tree(document: Document) -> str:
    return "".join(f"({_dump(instruction)})\n" for instruction in document.instructions)


def _dump(instruction: Instruction) -> str:
    keyword = instruction.keyword_as_written.lower()
    parts = [keyword]
    if instruction.flags:
        parts.append("[" + " ".join(go_quote(flag.text) for flag in instruction.flags) + "]")
    if instruction.sub is not None:
        parts.append(f"({_dump(instruction.sub)})")
    elif keyword not in KNOWN_KEYWORDS:
        # BuildKit keeps an unknown instruction with one empty argument node.
        parts.append('""')
    parts.extend(go_quote(word.value) for word in instruction.args)
    return " ".join(parts).strip()
