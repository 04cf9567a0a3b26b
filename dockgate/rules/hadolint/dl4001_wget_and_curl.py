"""
## What it does
Reports RUN instructions using `wget` or `curl` once a stage has used both.
The first RUN that brings in the second tool is reported, and so is every
later RUN of the stage that calls either. Each stage starts afresh; ONBUILD
triggers are counted apart from the stage's own RUNs, since they run in
another build.

## Why is this bad?
The two tools do the same job. Needing both means two packages to install,
update and scan, and two sets of flags and defaults (redirects, retries,
failing on HTTP errors) to get right. Pick one per image.

## Example
```dockerfile
FROM debian:12
RUN wget -q https://example.com/a.tar.gz
RUN curl -fsSLO https://example.com/b.tar.gz
```

## Use instead
```dockerfile
FROM debian:12
RUN curl -fsSLO https://example.com/a.tar.gz
RUN curl -fsSLO https://example.com/b.tar.gz
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.run_commands import instruction_line

RULE = RuleMeta(
    code="DL4001",
    name="wget-and-curl",
    summary="both `wget` and `curl` are used in one stage",
    level=Level.WARNING,
    documentation=__doc__,
)

MESSAGE = "Either use Wget or Curl but not both"
DOWNLOADERS = ("wget", "curl")


def check(context: LintContext) -> Iterator[Violation]:
    semantics = context.semantics
    # (stage index, whether ONBUILD) -> the downloaders seen so far
    seen: dict[tuple[int, bool], set[str]] = {}
    for run in context.run_scripts:
        if run.script is None:
            continue
        calls = run.script.calls(*DOWNLOADERS)
        if not calls:
            continue
        stage = semantics.stage_of(run.owner)
        key = (stage.index if stage is not None else -1, run.owner is not run.instruction)
        tools = seen.setdefault(key, set())
        tools.update(command.program for command in calls)
        if len(tools) == len(DOWNLOADERS):
            yield Violation(MESSAGE, calls[0].name_span, instruction_line(run))
