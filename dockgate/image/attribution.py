"""Which Dockerfile instruction wrote each history entry of an image built from it.

`dockgate image IMAGE --dockerfile Dockerfile` reports a finding on the
instruction that caused it, so the user sees a line to change rather than a
history index. Builders record one history entry per instruction of the
built stage (and of the stages it is built `FROM`), newest last, after the
base image's own entries. So the history and the instructions are aligned
from the newest end backwards, keyword by keyword:

* RUN: the script, ignoring white space (history has no flags such as
  `--mount`; a heredoc RUN matches when its bodies are in the entry);
* COPY and ADD: the destination (relative ones also against the WORKDIR);
* ENV, LABEL and ARG: the names they set;
* USER, WORKDIR and EXPOSE: the value, when the Dockerfile fixes it;
* the others: the keyword alone.

The alignment stops at the first entry that does not match: the image was
built from another version of the file, and guessing further would put
findings on the wrong lines. Only when every instruction of the stage has
its entry are the older entries known to be the base image's; they belong to
the stage's FROM.
"""

from __future__ import annotations

import posixpath

from dockgate.analysis.semantics import SemanticModel, Stage
from dockgate.dockerfile.model import Document, Instruction
from dockgate.dockerfile.paths import normalised_path
from dockgate.image.history import (
    INSTRUCTION_KEYWORDS,
    HistoryInstruction,
    parse_created_by,
)
from dockgate.image.image import Image


def attribute(image: Image, document: Document) -> dict[int, Instruction]:
    """History index -> the instruction of `document`'s final stage (or its FROM) that wrote it."""
    semantics = SemanticModel(document)
    final = semantics.final_stage
    if final is None:
        return {}
    chain = _stage_chain(final)
    steps = [
        instruction
        for stage in chain
        for instruction in stage.instructions
        if instruction.keyword in INSTRUCTION_KEYWORDS
    ]
    working_dirs = _working_dirs(semantics, steps)
    history = [parse_created_by(entry.created_by) for entry in image.config.history]
    attributed: dict[int, Instruction] = {}
    entry_index, step_index = len(history) - 1, len(steps) - 1
    while entry_index >= 0 and step_index >= 0:
        step = steps[step_index]
        recorded = history[entry_index]
        if recorded is None or not _matches(semantics, recorded, step, working_dirs.get(id(step))):
            break
        attributed[entry_index] = step
        entry_index, step_index = entry_index - 1, step_index - 1
    if step_index < 0:
        base = chain[0].from_instruction
        for older in range(entry_index + 1):
            attributed[older] = base
    return attributed


def _stage_chain(stage: Stage) -> list[Stage]:
    """The stage and the stages it is built `FROM`, the first base first."""
    chain = [stage]
    while chain[0].base_stage is not None:
        chain.insert(0, chain[0].base_stage)
    return chain


def _working_dirs(semantics: SemanticModel, steps: list[Instruction]) -> dict[int, str | None]:
    """For each step (by id), the WORKDIR in force before it, None when the file does not fix it."""
    working_dirs: dict[int, str | None] = {}
    current: str | None = None  # the base image's WORKDIR is not in the file
    for step in steps:
        working_dirs[id(step)] = current
        if step.keyword == "WORKDIR" and step.args:
            value = semantics.expand_in(step, step.args[0].value).value
            if value is None:
                current = None
            elif value.startswith("/"):
                current = normalised_path(value)
            elif current is not None:
                current = normalised_path(posixpath.join(current, value))
    return working_dirs


def _matches(semantics: SemanticModel, recorded: HistoryInstruction, step: Instruction, working_dir: str | None) -> bool:
    if recorded.keyword != step.keyword:
        return False
    keyword = step.keyword
    if keyword == "RUN":
        return _same_script(recorded, step)
    if keyword in ("COPY", "ADD"):
        return _same_destination(semantics, recorded, step, working_dir)
    if keyword in ("ENV", "LABEL", "ARG"):
        names = [definition.key for definition in semantics.definitions(step)]
        return set(names) <= set(recorded.keys())
    if keyword in ("USER", "WORKDIR", "EXPOSE"):
        return _same_value(semantics, recorded, step)
    return True


def _squeezed(text: str) -> str:
    return "".join(text.split())


def _same_script(recorded: HistoryInstruction, step: Instruction) -> bool:
    if step.json_form:
        written = " ".join(word.value for word in step.args)
    else:
        written = step.arguments.value if step.arguments is not None else ""
    history_script, written_script = _squeezed(recorded.arguments), _squeezed(written)
    if written_script == history_script:
        return True
    if recorded.shell is None and written_script and history_script.endswith(written_script):
        return True  # a SHELL the parser does not know (`/usr/bin/env bash -c`) is still in front
    return bool(step.heredocs) and all(_squeezed(heredoc.content) in history_script for heredoc in step.heredocs)


def _same_destination(semantics: SemanticModel, recorded: HistoryInstruction, step: Instruction, working_dir: str | None) -> bool:
    if not step.args or recorded.destination is None:
        return False
    destination = semantics.expand_in(step, step.args[-1].value).value
    if destination is None:
        return True  # the file does not fix it: the keyword has to do
    candidates = {normalised_path(destination)}
    if not destination.startswith("/") and working_dir is not None:
        candidates.add(normalised_path(posixpath.join(working_dir, destination)))
    return recorded.destination in candidates


def _same_value(semantics: SemanticModel, recorded: HistoryInstruction, step: Instruction) -> bool:
    values = [semantics.expand_in(step, word.value).value for word in step.args]
    if any(value is None for value in values):
        return True
    if step.keyword == "EXPOSE":
        return {_port(value) for value in values if value} == {_port(word) for word in recorded.arguments.split()}
    if step.keyword == "WORKDIR" and not (values and values[0] and values[0].startswith("/")):
        return True  # a relative WORKDIR is recorded resolved against one the file may not fix
    written = " ".join(value for value in values if value)
    if step.keyword == "WORKDIR":
        return normalised_path(written) == normalised_path(recorded.arguments)
    return written == recorded.arguments


def _port(text: str) -> str:
    """`22` and `22/TCP` -> `22/tcp`, as the image config stores ports."""
    number, _, protocol = text.partition("/")
    return f"{number}/{(protocol or 'tcp').lower()}"
