"""Which stages a rule judges: one model of what a build runs and what it ships.

Every rule declares one of three sets in `RuleMeta.judges`:

* `every-stage` (the default): rules about the text itself, such as syntax,
  style, a credential written into the file, or a mistake that is one
  wherever it stands.
* `image`: rules about the image people run, such as its user, its health
  check, or what is left in its filesystem. They judge the target stage and
  the chain of stages it is built `FROM`, whose files and settings it
  inherits. The target is the final stage unless the configuration names one
  (`target`, as `docker build --target` does). A builder stage that is only
  copied from ships nothing but the files copied out of it.
* `build`: rules about how the build runs, such as non-interactive flags,
  pipefail, TLS and signature checks, or downloads. They judge every stage
  the build executes: the target and every stage it depends on through
  `FROM <stage>`, `COPY --from=<stage>` or `RUN --mount=from=<stage>`.
  BuildKit skips the stages nothing depends on, so those are not judged.

A reference that depends on build arguments (`FROM base-$TARGETARCH` with
stages `base-amd64` and `base-arm64`) stands for every stage whose name fits,
since any of them can be chosen (`SemanticModel.base_candidates`).

ONBUILD triggers are judged wherever they stand: they run in the builds of
images made from this one, which this file does not show. Findings before
the first FROM (global ARGs) are judged too.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Literal

from dockgate.analysis.semantics import SemanticModel, Stage

Judges = Literal["every-stage", "image", "build"]
"""The set of stages a rule judges (`RuleMeta.judges`)."""
JUDGES: tuple[Judges, ...] = ("every-stage", "image", "build")


class WhatShips:
    """The image and build stage sets of one file, for one target."""

    def __init__(self, semantics: SemanticModel, target: str | None = None) -> None:
        self.semantics = semantics
        self.config_target = target
        self.target = self._target_stage(target)
        self._sets: dict[Judges, frozenset[int]] = {}
        self._from_lines = [stage.from_instruction.line for stage in semantics.stages]
        self._instructions = {instruction.line: instruction for instruction in semantics.document.instructions}

    def _target_stage(self, target: str | None) -> Stage | None:
        if target is not None:
            named = [stage for stage in self.semantics.stages if stage.name == target.lower()]
            if named:
                return named[-1]
        return self.semantics.final_stage

    @property
    def missing_target(self) -> str | None:
        """The configured target when no stage of this file has its name (the final stage is judged instead)."""
        target = self.config_target
        if target is None or any(stage.name == target.lower() for stage in self.semantics.stages):
            return None
        return target

    def image_stages(self) -> list[Stage]:
        """The target and the stages it is built on, in file order."""
        return self._in_order(self._indexes("image"))

    def image_instruction_ids(self) -> set[int]:
        """`id()` of every instruction of the image stages (ONBUILD triggers under their ONBUILD)."""
        return {id(instruction) for stage in self.image_stages() for instruction in stage.instructions}

    def build_stages(self) -> list[Stage]:
        """The target and every stage it depends on, in file order."""
        return self._in_order(self._indexes("build"))

    def judged_stages(self, judges: Judges) -> list[Stage]:
        """The stages a rule with this `judges` looks at, in file order."""
        return self._in_order(self._indexes(judges))

    def judges_line(self, judges: Judges, line: int) -> bool:
        """Whether a finding on the instruction starting at `line` is in the stages `judges` names."""
        if judges == "every-stage":
            return True
        instruction = self._instructions.get(line)
        if instruction is not None and instruction.keyword == "ONBUILD":
            return True
        position = bisect_right(self._from_lines, line) - 1
        if position < 0:
            return True  # before the first FROM
        return self.semantics.stages[position].index in self._indexes(judges)

    def _in_order(self, indexes: frozenset[int]) -> list[Stage]:
        return [stage for stage in self.semantics.stages if stage.index in indexes]

    def _indexes(self, judges: Judges) -> frozenset[int]:
        if judges == "every-stage":
            return frozenset(stage.index for stage in self.semantics.stages)
        found = self._sets.get(judges)
        if found is None:
            found = self._closure(follow_copies=judges == "build")
            self._sets[judges] = found
        return found

    def _closure(self, *, follow_copies: bool) -> frozenset[int]:
        if self.target is None:
            return frozenset()
        seen: set[int] = set()
        pending = [self.target]
        while pending:
            stage = pending.pop()
            if stage.index in seen:
                continue
            seen.add(stage.index)
            pending.extend(stage.base_candidates)
            if follow_copies:
                pending.extend(self.semantics.stages_used_by(stage))
        return frozenset(seen)
