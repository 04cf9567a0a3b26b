"""
## What it does
Reports a COPY or ADD of the whole build context (`COPY . .`, `ADD ./ /app`,
`COPY * /src/`) when the build context on disk has no `.dockerignore` (nor a
`<Dockerfile name>.dockerignore`). The build context is the Dockerfile's
folder, or the directory given with `--context`; the rule is silent for
standard input. `--from` copies and ONBUILD triggers are not counted. Only
the first such source in the file is reported.

## Why is this bad?
Everything in the folder is sent to the builder and lands in the image:
`.git`, local `.env` files and keys, `node_modules`, build output. Builds get
slower, every edit to an unrelated file busts the layer cache, and secrets
can ship with the image.

## Example
```dockerfile
# no .dockerignore beside this Dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY . .
```

## Use instead
```dockerfile
# .dockerignore holds: .git, .env, __pycache__/, dist/
FROM python:3.12-slim
WORKDIR /app
COPY . .
```
"""

from pathlib import Path
from typing import Iterator

from dockgate.analysis.dockerignore import ignore_file_path, whole_context_sources
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DG3003",
    name="missing-dockerignore",
    summary="The whole build context is copied but there is no .dockerignore",
    level=Level.INFO,
    precision="very-high",
    tags=("build-context",),
    documentation=__doc__,
)


def check(context: LintContext) -> Iterator[Violation]:
    if context.build_context is None:
        return
    sources = whole_context_sources(context.document)
    if not sources or ignore_file_path(context.build_context, Path(context.path).name) is not None:
        return
    instruction, word = sources[0]
    yield Violation(
        f"{instruction.keyword} {word.value} sends the whole build context, which has no .dockerignore: "
        "add one that leaves out .git, secrets and build output",
        word.span,
        instruction.line,
    )
