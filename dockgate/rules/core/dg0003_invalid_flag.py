"""
## What it does
Reports an instruction flag Docker rejects: a flag the instruction does not
take (`COPY --mount`), a misspelt one (`RUN --mont`), or a flag given twice
that may only be given once (`COPY --from=a --from=b`).

## Why is this bad?
Docker stops the build with `unknown flag` or `duplicate flag specified`.
Flags from newer Dockerfile syntax (`--exclude`, `--parents`, `--checksum`)
are known to dockgate and not reported.

## Example
```dockerfile
FROM alpine
COPY --chwon=app:app . /app
```

## Use instead
```dockerfile
FROM alpine
COPY --chown=app:app . /app
```
"""

from typing import Iterator

from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DG0003",
    name="invalid-flag",
    summary="Docker rejects this instruction flag",
    level=Level.ERROR,
    precision="very-high",
    documentation=__doc__,
)

# BuildKit's instructions/parse.go, Dockerfile frontend 1.x (labs-only flags included).
FLAGS_BY_KEYWORD: dict[str, frozenset[str]] = {
    "FROM": frozenset({"platform"}),
    "RUN": frozenset({"mount", "network", "security", "device"}),
    "COPY": frozenset({"from", "chown", "chmod", "link", "parents", "exclude"}),
    "ADD": frozenset({"chown", "chmod", "link", "exclude", "keep-git-dir", "checksum", "unpack"}),
    "HEALTHCHECK": frozenset({"interval", "timeout", "start-period", "start-interval", "retries"}),
}
REPEATABLE_FLAGS = frozenset({"mount", "exclude", "device"})


def check(context: LintContext) -> Iterator[Violation]:
    for instruction in context.document.walk():
        allowed = FLAGS_BY_KEYWORD.get(instruction.keyword, frozenset())
        seen: set[str] = set()
        for flag in instruction.flags:
            if flag.name not in allowed:
                import difflib  # only for a flag Docker rejects, not on every start

                suggestion = difflib.get_close_matches(flag.name, sorted(allowed), n=1)
                hint = f" (did you mean --{suggestion[0]}?)" if suggestion else ""
                yield Violation(f"unknown flag: --{flag.name}{hint}", flag.span, instruction.span.line)
            elif flag.name in seen and flag.name not in REPEATABLE_FLAGS:
                yield Violation(f"duplicate flag specified: --{flag.name}", flag.span, instruction.span.line)
            seen.add(flag.name)
