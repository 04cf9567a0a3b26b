"""
## What it does
Reports package installs with signature checks turned off: apt
`--allow-unauthenticated`, `--allow-insecure-repositories`, `--force-yes`,
`-o APT::Get::AllowUnauthenticated=true`, `[trusted=yes]` in a sources line;
apk `--allow-untrusted`; yum/dnf/microdnf/tdnf `--nogpgcheck` and
`gpgcheck=0`; zypper `--no-gpg-checks`; rpm `--nosignature`/`--nodigest`;
behind wrappers (`sudo`, `env`, `chroot`, ...), inside `sh -c '...'` and in
exec-form RUN too.

## Why is this bad?
Signatures are what tie a package to its publisher. Without them a mirror,
proxy or attacker on the network can hand the build any package it likes,
and it installs as root.

## Example
```dockerfile
FROM debian:bookworm
RUN apt-get update && apt-get install -y --allow-unauthenticated curl
```

## Use instead
```dockerfile
FROM debian:bookworm
# import the repository's signing key instead of skipping the check
RUN apt-get update && apt-get install -y --no-install-recommends curl
```
"""

from __future__ import annotations

import re
from typing import Iterator

from dockgate.lazy_pattern import LazyPattern
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.evidence import sed_written_text
from dockgate.rules.common.run_commands import instruction_line, run_commands

RULE = RuleMeta(
    code="DG2003",
    name="package-signature-checks-disabled",
    summary="Package signature verification is turned off",
    level=Level.WARNING,
    judges="build",
    security_severity=7.5,
    tags=("security", "CWE-347", "CWE-494"),
    aliases=("CKV2_DOCKER_7", "CKV2_DOCKER_8", "CKV2_DOCKER_9", "CKV2_DOCKER_10", "CKV2_DOCKER_11"),
    documentation=__doc__,
)

_FLAGS_BY_PROGRAM = {
    "apt-get": {"--allow-unauthenticated", "--allow-insecure-repositories", "--force-yes"},
    "apt": {"--allow-unauthenticated", "--allow-insecure-repositories", "--force-yes"},
    "aptitude": {"--allow-untrusted"},
    "apk": {"--allow-untrusted"},
    "yum": {"--nogpgcheck"},
    "dnf": {"--nogpgcheck"},
    "microdnf": {"--nogpgcheck"},
    "tdnf": {"--nogpgcheck"},
    "yum-config-manager": {"--nogpgcheck"},
    "zypper": {"--no-gpg-checks", "--no-gpg-check"},
    "rpm": {"--nosignature", "--nodigest", "--nofiledigest"},
}
_APT_OPTION = LazyPattern(
    r"(?:-o)?\s*(APT::Get::AllowUnauthenticated|Acquire::AllowInsecureRepositories|APT::Get::Force-Yes|Acquire::AllowDowngradeToInsecureRepositories)\s*=\s*(true|1|yes)\b",
    re.IGNORECASE,
)
# Written into a repository definition (`echo "deb [trusted=yes] ..." > …`, `sed -i 's/gpgcheck=1/gpgcheck=0/'`).
_REPOSITORY_TEXT = LazyPattern(r"\[[^\]]*\b(trusted=yes|allow-insecure=yes)\b|(?<![\w.])(?:repo_)?gpgcheck\s*=\s*(0|false|no)\b", re.IGNORECASE)
_ADVICE = "packages are installed without checking who signed them; import the repository's signing key instead"


def check(context: LintContext) -> Iterator[Violation]:
    for run, command in run_commands(context, unwrap=True):
        flags = _FLAGS_BY_PROGRAM.get(command.program, set())
        for word in command.words:
            value = word.value
            if value.split("=", 1)[0] in flags or (
                command.program in ("yum", "dnf", "microdnf", "tdnf", "yum-config-manager", "dnf-config-manager")
                and re.fullmatch(r"--setopt=(\S+\.)?gpgcheck=(0|false|no)", value, re.IGNORECASE)
            ):
                yield Violation(f"`{command.program} {value}`: {_ADVICE}", word.span, instruction_line(run))
            elif command.program in ("apt-get", "apt") and (apt_option := _APT_OPTION.search(value)):
                yield Violation(
                    f"`{command.program}` option {apt_option.group(1)}: {_ADVICE}", word.span, instruction_line(run)
                )
            else:
                if command.program == "sed":
                    # Only what a substitution writes counts (`s/gpgcheck=0/gpgcheck=1/` turns it on).
                    value = sed_written_text(value)
                match = _REPOSITORY_TEXT.search(value)
                if match is not None and match.group(1) and re.search(r"\]\s*(file|copy):", value):
                    continue  # a local repository of packages built in this step (docker-library images)
                if match is not None and command.program in ("echo", "printf", "tee", "sed", "cat", "add-apt-repository"):
                    setting = match.group(1) or "gpgcheck=" + match.group(2)
                    yield Violation(f"a repository with `{setting}`: {_ADVICE}", word.span, instruction_line(run))
