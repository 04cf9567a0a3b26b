"""
## What it does
Reports files made world-writable: `chmod 777`, `chmod -R o+w`, `a+rwx`,
`mkdir -m 777`, `install -m 666`, and `COPY --chmod=777` / `ADD --chmod`.
A mode with the sticky bit (`1777`, `+t`), as temporary directories have, is
not reported.

## Why is this bad?
Any process in the container, whatever user it runs as, can then replace
the program or configuration, which turns a foothold as an unprivileged user
into control of what the application (or root) runs next.

## Example
```dockerfile
FROM alpine
COPY app /app
RUN chmod -R 777 /app
```

## Use instead
```dockerfile
FROM alpine
COPY --chown=app:app --chmod=755 app /app
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.evidence import (
    file_mode_bits,
    mode_words,
    removed_paths,
)
from dockgate.rules.common.run_commands import instruction_line, run_commands

RULE = RuleMeta(
    code="DG2007",
    name="world-writable-permissions",
    summary="Files are made writable by every user",
    level=Level.WARNING,
    judges="image",
    security_severity=5.5,
    tags=("security", "CWE-732"),
    documentation=__doc__,
)

_ADVICE = "any user in the container can change them; give write access to the owner or group that needs it"


def check(context: LintContext) -> Iterator[Violation]:
    findings: list[Violation] = []
    for owner in context.document.instructions:
        instruction = owner.effective
        if instruction.keyword not in ("COPY", "ADD"):
            continue
        for flag in instruction.flags_named("chmod"):
            bits = file_mode_bits(flag.value or "")
            if bits is not None and bits.world_writable and not bits.sticky:
                findings.append(Violation(f"{instruction.keyword} --chmod={flag.value} makes the files world-writable: {_ADVICE}", flag.span, owner.line))
    for run, command in run_commands(context, unwrap=True):
        for mode in mode_words(command):
            bits = file_mode_bits(mode.value)
            if bits is None or not bits.world_writable or bits.sticky:
                continue
            if mode.targets and all(target.rstrip("/") in removed_paths(run) for target in mode.targets):
                continue  # a scratch path that the same RUN deletes again
            findings.append(
                Violation(f"`{command.program}` mode {mode.value} makes files world-writable: {_ADVICE}", mode.span, instruction_line(run))
            )
    findings.sort(key=lambda violation: (violation.span.line, violation.span.column))
    yield from findings
