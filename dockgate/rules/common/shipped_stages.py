"""Which stages end up in an image the build produces; not a rule itself.

A result stage is one that no other stage builds on, copies from or mounts
(`SemanticModel.consumed_stages`). What ships is a result stage together with
every stage it is built `FROM`: their files and settings are inherited. A
stage that is only copied from (a builder) ships nothing but the files copied
out of it, so what it installs or configures is not a finding about the image.
"""

from __future__ import annotations

from dockgate.analysis.semantics import SemanticModel, Stage


def shipped_stages(semantics: SemanticModel) -> list[Stage]:
    """Result stages and the stages they build on, in file order."""
    consumed = semantics.consumed_stages()
    shipped: set[int] = set()
    for stage in semantics.stages:
        if stage.index in consumed:
            continue
        current: Stage | None = stage
        while current is not None and current.index not in shipped:
            shipped.add(current.index)
            current = current.base_stage
    return [stage for stage in semantics.stages if stage.index in shipped]


def shipped_instruction_ids(semantics: SemanticModel) -> set[int]:
    """`id()` of every instruction in a shipped stage (ONBUILD triggers under their ONBUILD)."""
    return {id(instruction) for stage in shipped_stages(semantics) for instruction in stage.instructions}
