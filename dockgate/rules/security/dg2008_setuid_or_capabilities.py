"""
## What it does
Reports setuid or setgid bits and file capabilities added in the build:
`chmod u+s`, `chmod g+s`, `chmod 4755`, `chmod 2755`, `install -m 4755`,
`COPY --chmod=4755`, and `setcap` (except `setcap -r`, which removes them).

## Why is this bad?
A setuid/setgid program or one with file capabilities runs with more
privilege than the user who starts it; a bug in it becomes a privilege
escalation inside the container (CIS Docker Benchmark 4.8).

## Example
```dockerfile
FROM debian:bookworm
RUN chmod u+s /usr/local/bin/tool && setcap cap_net_raw+ep /usr/bin/ping2
```

## Use instead
```dockerfile
FROM debian:bookworm
# run the one step that needs privilege as root, the rest as an unprivileged user;
# to bind a port below 1024, use a higher port and map it at run time
USER app
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.evidence import (
    ModeBits,
    file_mode_bits,
    mode_words,
)
from dockgate.rules.common.run_commands import instruction_line, run_commands

RULE = RuleMeta(
    code="DG2008",
    name="setuid-or-capabilities",
    summary="setuid/setgid bits or file capabilities are added",
    level=Level.WARNING,
    judges="image",
    security_severity=5.3,
    tags=("security", "CWE-250", "CWE-269"),
    aliases=("CIS-DI-0008", "CIS-4.8"),
    documentation=__doc__,
)

_ADVICE = "the program runs with more privilege than its caller; drop the bit or run the step as root only where needed"


def _what(bits: ModeBits) -> str:
    return "setuid and setgid bits" if bits.setuid and bits.setgid else "setuid bit" if bits.setuid else "setgid bit"


def _directories_only(targets: list[str], created: set[str]) -> bool:
    return bool(targets) and all(target.endswith("/") or target.rstrip("/") in created for target in targets)


def check(context: LintContext) -> Iterator[Violation]:
    findings: list[Violation] = []
    for owner in context.document.instructions:
        instruction = owner.effective
        if instruction.keyword not in ("COPY", "ADD"):
            continue
        for flag in instruction.flags_named("chmod"):
            bits = file_mode_bits(flag.value or "")
            if bits is not None and (bits.setuid or bits.setgid):
                findings.append(Violation(f"{instruction.keyword} --chmod={flag.value} sets the {_what(bits)}: {_ADVICE}", flag.span, owner.line))
    created_directories: dict[int, set[str]] = {}
    for run, command in run_commands(context, unwrap=True):
        if command.program == "mkdir":
            created = created_directories.setdefault(id(run), set())
            created.update(word.value.rstrip("/") for word in command.positional())
            continue
        if command.program == "setcap":
            if not any(word.value == "-r" for word in command.words) and command.positional():
                findings.append(Violation(f"`setcap` gives a program file capabilities: {_ADVICE}", command.name_span, instruction_line(run)))
            continue
        for mode in mode_words(command):
            bits = file_mode_bits(mode.value)
            if bits is None or not (bits.setuid or bits.setgid):
                continue
            if not bits.setuid and (mode.directories or _directories_only(mode.targets, created_directories.get(id(run), set()))):
                continue  # setgid on a directory shares its group with new files: no privilege
            findings.append(Violation(f"`{command.program}` mode {mode.value} sets the {_what(bits)}: {_ADVICE}", mode.span, instruction_line(run)))
    findings.sort(key=lambda violation: (violation.span.line, violation.span.column))
    yield from findings
