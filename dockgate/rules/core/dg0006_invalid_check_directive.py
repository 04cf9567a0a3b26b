"""
## What it does
Reports a `# check=` parser directive that BuildKit cannot parse: an option
other than `skip`, `error` and `experimental`, an option without `=`, or an
`error` value that is not a boolean. dockgate then reads the directive as
empty, as if it were not there.

## Why is this bad?
`docker build` stops at such a directive with "failed to parse check
options" before it builds anything, so the file lints cleanly and then fails
in CI. (A `# check=` comment above a single instruction is different:
BuildKit ignores a bad one silently, and so does dockgate.)

## Example
```dockerfile
# check=skip=JSONArgsRecommended;error=yes
FROM alpine:3.20
```

## Use instead
```dockerfile
# check=skip=JSONArgsRecommended;error=true
FROM alpine:3.20
```

## References
- BuildKit: build checks, "Configure checks" (the `check` directive).
"""

from typing import Iterator

from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DG0006",
    name="invalid-check-directive",
    summary="BuildKit refuses this check directive",
    level=Level.ERROR,
    precision="very-high",
    documentation=__doc__,
)


def check(context: LintContext) -> Iterator[Violation]:
    problem = context.suppressions.check_problem
    if problem is not None:
        span, reason = problem
        yield Violation(f"docker build fails on this directive: {reason}", span)
