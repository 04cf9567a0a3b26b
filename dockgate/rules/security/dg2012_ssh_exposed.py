"""
## What it does
Reports an SSH server in an image: `EXPOSE 22` (`22/tcp`, `22/udp`, or a
variable that the file sets to 22); an installed SSH server package
(`openssh-server` with apt, apk, yum, dnf, microdnf, tdnf or zypper;
`dropbear` with apt or apk), also behind `sudo`; and an `sshd` started by
`CMD` or `ENTRYPOINT` (also through `service ssh start`). Only stages that
end up in an image are checked; a builder stage may install what it likes.
The `ssh` (Debian) and `openssh` (Alpine) metapackages pull in the server
too, but are nearly always installed for the client (`apk add git
openssh`), so they are not reported.

## Why is this bad?
A container is managed through its runtime (`docker exec`, `kubectl exec`),
not by logging in. An SSH daemon adds a network service that accepts
passwords or keys, needs host keys that usually end up baked into the image
and shared by every container, and runs as root.

## Example
```dockerfile
FROM debian:12
RUN apt-get update && apt-get install -y openssh-server
EXPOSE 22
CMD ["/usr/sbin/sshd", "-D"]
```

## Use instead
```dockerfile
FROM debian:12
# debug with `docker exec -it <container> sh`
EXPOSE 8080
CMD ["app"]
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.analysis.semantics import SemanticModel
from dockgate.dockerfile.model import Instruction, Span
from dockgate.lazy_pattern import LazyPattern
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.evidence import SSH_ADVICE, is_ssh_port
from dockgate.rules.common.package_managers import (
    APK_OPTIONS,
    APT_OPTIONS,
    RPM_TOOL_OPTIONS,
    ZYPPER_OPTIONS,
    OptionSyntax,
    parse_command,
)
from dockgate.rules.common.run_commands import instruction_line, unwrapped

RULE = RuleMeta(
    code="DG2012",
    name="ssh-exposed",
    summary="the image exposes, installs or starts an SSH server",
    level=Level.WARNING,
    judges="image",
    security_severity=5.3,
    tags=("security", "CWE-284", "CWE-1327"),
    aliases=("DS-0004", "CKV_DOCKER_1", "Exposing Port 22 (SSH)"),
    documentation=__doc__,
)

# Package manager -> how it reads options, its install subcommands, and the SSH server packages.
# Debian's `ssh` and Alpine's `openssh` metapackages pull in the server too, but the corpus shows
# them installed for the client (`apk add git openssh`), so only explicit server packages count.
_INSTALLERS: dict[str, tuple[OptionSyntax, frozenset[str], LazyPattern[str]]] = {
    "apt-get": (APT_OPTIONS, frozenset({"install"}), LazyPattern(r"(?:openssh-server|dropbear)(?:[=:].*)?")),
    "apt": (APT_OPTIONS, frozenset({"install"}), LazyPattern(r"(?:openssh-server|dropbear)(?:[=:].*)?")),
    "apk": (APK_OPTIONS, frozenset({"add"}), LazyPattern(r"(?:openssh-server|dropbear)(?:[=<>~].*)?")),
    "yum": (RPM_TOOL_OPTIONS, frozenset({"install", "in"}), LazyPattern(r"openssh-server(?:-[0-9].*)?")),
    "dnf": (RPM_TOOL_OPTIONS, frozenset({"install", "in"}), LazyPattern(r"openssh-server(?:-[0-9].*)?")),
    "microdnf": (RPM_TOOL_OPTIONS, frozenset({"install"}), LazyPattern(r"openssh-server(?:-[0-9].*)?")),
    "tdnf": (RPM_TOOL_OPTIONS, frozenset({"install"}), LazyPattern(r"openssh-server(?:-[0-9].*)?")),
    "zypper": (ZYPPER_OPTIONS, frozenset({"install", "in"}), LazyPattern(r"openssh-server(?:[=<>].*)?")),
}
_SSHD_STARTED = LazyPattern(r"(?:^|[\s/;&|(\"'])(sshd)(?=$|[\s;&|)\"'])|\bservice\s+(sshd?)\s+start\b")


def check(context: LintContext) -> Iterator[Violation]:
    semantics = context.semantics
    for stage in context.what_ships.image_stages():
        for instruction in stage.instructions:
            if instruction.keyword == "EXPOSE":
                yield from _exposed_ssh(semantics, instruction)
            elif instruction.keyword in ("CMD", "ENTRYPOINT"):
                yield from _started_sshd(instruction)
    shipped = context.what_ships.image_instruction_ids()
    for run in context.run_scripts:
        if run.script is None or id(run.owner) not in shipped or run.owner is not run.instruction:
            continue
        for command in map(unwrapped, run.script.commands):
            installer = _INSTALLERS.get(command.program)
            if installer is None:
                continue
            parsed = parse_command(command, installer[0])
            if parsed.subcommand not in installer[1]:
                continue
            for word in parsed.arguments:
                if installer[2].fullmatch(word.value):
                    yield Violation(
                        f"{word.value} installs an SSH server; use `docker exec` instead of logging in",
                        word.span,
                        instruction_line(run),
                    )


def _exposed_ssh(semantics: SemanticModel, instruction: Instruction) -> Iterator[Violation]:
    for word in instruction.args:
        value = semantics.expand_in(instruction, word.value).value
        if value is not None and is_ssh_port(value):
            yield Violation(
                f"EXPOSE {value} exposes SSH; {SSH_ADVICE}",
                word.span,
                instruction.line,
            )


def _started_sshd(instruction: Instruction) -> Iterator[Violation]:
    for word in instruction.args:
        match = _SSHD_STARTED.search(word.value)
        if match is None:
            continue
        span = word.span
        if not instruction.json_form and span.line == span.end_line and span.end_column - span.column == len(word.value):
            # Shell form on one line: point at `sshd` or `service ssh start` itself.
            start, end = match.span(1) if match.group(1) else match.span()
            span = Span(span.line, span.column + start, span.line, span.column + end)
        yield Violation(
            f"{instruction.keyword} starts an SSH daemon; {SSH_ADVICE}",
            span,
            instruction.line,
        )
        return
