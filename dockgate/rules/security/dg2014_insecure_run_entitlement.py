"""
## What it does
Reports `RUN --security=insecure` and `RUN --network=host`.

## Why is this bad?
Both need a build entitlement because they lift the build sandbox:
`--security=insecure` runs the command with all capabilities and without
seccomp or AppArmor, as a privileged container would; `--network=host`
shares the build host's network, so the step can reach services that only
the host should see (cloud metadata endpoints, local registries, databases).
A compromised dependency fetched in that step gets the same reach.

## Example
```dockerfile
FROM alpine
RUN --security=insecure --network=host ./install.sh
```

## Use instead
```dockerfile
FROM alpine
# default sandbox; pass what the step needs as a secret or a build context
RUN --mount=type=secret,id=token ./install.sh
```
"""

from typing import Iterator

from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DG2014",
    name="insecure-run-entitlement",
    summary="RUN lifts the build sandbox (--security=insecure or --network=host)",
    level=Level.WARNING,
    judges="build",
    precision="very-high",
    security_severity=7.5,
    tags=("security", "CWE-250"),
    # No peer among hadolint, BuildKit, Trivy, Checkov, dockle and KICS has it; semgrep's rule id.
    aliases=("run-security-insecure",),
    documentation=__doc__,
)

_INSECURE = {"security": "insecure", "network": "host"}


def check(context: LintContext) -> Iterator[Violation]:
    for instruction in context.document.walk():
        if instruction.keyword != "RUN":
            continue
        for flag in instruction.flags:
            if flag.value is not None and _INSECURE.get(flag.name) == flag.value.lower():
                yield Violation(
                    f"RUN --{flag.name}={flag.value} lifts the build sandbox; "
                    "it needs an entitlement and widens what a compromised step can reach",
                    flag.span,
                    instruction.span.line,
                )
