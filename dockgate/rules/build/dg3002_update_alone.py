"""
## What it does
Reports a RUN whose only package-manager action is refreshing the package
index (`apt-get update`, `apt update`, `apk update`, `yum makecache`,
`dnf makecache`) when the packages are installed by a later RUN of the same
stage with the same tool family, and that RUN does not refresh the index
itself.

## Why is this bad?
Each RUN is cached on its own. Once the update layer is cached, a later
change to the install line reuses the old, stale index, and the install
fails or gets outdated packages (CIS Docker Benchmark 4.7). Updating and
installing in one RUN keeps them in step.

## Example
```dockerfile
FROM debian:12
RUN apt-get update
RUN apt-get install -y --no-install-recommends curl
```

## Use instead
```dockerfile
FROM debian:12
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.analysis.shell import RunScript
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.package_managers import (
    APK_OPTIONS,
    APT_OPTIONS,
    RPM_TOOL_OPTIONS,
    OptionSyntax,
    PackageCommand,
    parse_command,
)
from dockgate.rules.common.run_commands import instruction_line

RULE = RuleMeta(
    code="DG3002",
    name="update-alone",
    summary="A package index update runs alone; the install is in a later RUN",
    level=Level.INFO,
    tags=("build", "cache"),
    aliases=("CIS-4.7",),
    documentation=__doc__,
)

# family -> (programs, option syntax, update subcommands, install subcommands)
_FAMILIES: dict[str, tuple[tuple[str, ...], OptionSyntax, frozenset[str], frozenset[str]]] = {
    "apt": (("apt-get", "apt"), APT_OPTIONS, frozenset({"update"}), frozenset({"install", "upgrade", "dist-upgrade", "full-upgrade", "build-dep"})),
    "apk": (("apk",), APK_OPTIONS, frozenset({"update"}), frozenset({"add", "upgrade"})),
    "rpm": (("yum", "dnf", "microdnf"), RPM_TOOL_OPTIONS, frozenset({"makecache"}), frozenset({"install", "in", "localinstall", "groupinstall", "group", "groups", "module", "update", "upgrade", "reinstall"})),
}
_PROGRAM_FAMILY = {program: family for family, (programs, *_rest) in _FAMILIES.items() for program in programs}


def _actions(run: RunScript) -> list[tuple[str, str, PackageCommand]]:
    """(family, "update" | "install" | "other", command) for each package-manager call of the RUN."""
    if run.script is None:
        return []
    found = []
    for command in run.script.commands:
        family = _PROGRAM_FAMILY.get(command.program)
        if family is None:
            continue
        _programs, syntax, updates, installs = _FAMILIES[family]
        parsed = parse_command(command, syntax)
        subcommand = parsed.subcommand
        kind = "update" if subcommand in updates else "install" if subcommand in installs else "other"
        found.append((family, kind, parsed))
        if family == "apk" and kind == "install" and parsed.has_option("no-cache", "U", "update-cache"):
            found.append((family, "update", parsed))  # `apk add --no-cache` fetches a fresh index itself
    return found


def check(context: LintContext) -> Iterator[Violation]:
    semantics = context.semantics
    runs = [(run, semantics.stage_of(run.owner), _actions(run)) for run in context.run_scripts if run.owner is run.instruction]
    for index, (run, stage, actions) in enumerate(runs):
        if not actions or any(kind != "update" for _family, kind, _command in actions):
            continue
        for family, _kind, command in actions:
            # A later RUN that updates before it installs has a fresh index of its own.
            later_install = any(
                later_stage is stage
                and any(f == family and k == "install" for f, k, _c in later_actions)
                and not any(f == family and k == "update" for f, k, _c in later_actions)
                for _later, later_stage, later_actions in runs[index + 1 :]
            )
            if later_install:
                yield Violation(
                    f"`{command.program} {command.subcommand}` runs alone and the install is in a later RUN: "
                    "the cached index goes stale; update and install in the same RUN",
                    command.action_span,
                    instruction_line(run),
                )
                break
