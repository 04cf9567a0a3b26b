"""Questions that several DL rules ask of RUN scripts; not a rule itself.

hadolint reports a RUN once per rule however often the offending command
appears in it, and so do these rules: the finding points at the first
occurrence.
"""

from __future__ import annotations

from typing import Iterable, Iterator

from dockgate.analysis.shell import RunScript, ShellCommand
from dockgate.rule_api.rule import LintContext


def first_calls(
    context: LintContext, programs: Iterable[str], *, include_onbuild: bool = True
) -> Iterator[tuple[RunScript, ShellCommand]]:
    """For each RUN that calls one of `programs` (matched by name without directory): the first such call."""
    wanted = frozenset(programs)
    for run in context.run_scripts:
        if run.script is None or (not include_onbuild and run.owner is not run.instruction):
            continue
        for command in run.script.commands:
            if command.program in wanted:
                yield run, command
                break
