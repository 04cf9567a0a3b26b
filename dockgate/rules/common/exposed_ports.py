"""The ports a stage EXPOSEs, for the rules that compare them with where the image is reached (DG3004, DG3006)."""

from __future__ import annotations

from dockgate.analysis.published_ports import Port, port_range
from dockgate.analysis.semantics import Stage
from dockgate.dockerfile.model import Instruction, Span
from dockgate.rule_api.rule import LintContext


def exposed_ports(context: LintContext, final: Stage) -> set[Port] | None:
    """Ports the final stage EXPOSEs, through its FROM chain; None when a value is unknown."""
    exposed: set[Port] = set()
    for instruction in expose_instructions(final):
        for word in instruction.args:
            value = context.semantics.expand_in(instruction, word.value).value
            if value is None:
                return None
            for entry in value.split():
                exposed.update(port_range(entry.rsplit(":", 1)[-1]) or ())
    return exposed


def expose_instructions(final: Stage) -> list[Instruction]:
    """The EXPOSE instructions of the final stage and the stages it is built FROM, in file order."""
    found: list[Instruction] = []
    stage: Stage | None = final
    while stage is not None:
        found[:0] = [instruction for instruction in stage.instructions if instruction.keyword == "EXPOSE"]
        stage = stage.base_stage
    return found


def mismatch_position(final: Stage) -> tuple[Span, int]:
    """Where a port mismatch is reported: the final stage's last EXPOSE (the likely culprit), else its FROM."""
    own = [instruction for instruction in final.instructions if instruction.keyword == "EXPOSE"]
    if own and own[-1].arguments is not None:
        return own[-1].arguments.span, own[-1].line
    return final.from_instruction.keyword_span, final.from_instruction.line
