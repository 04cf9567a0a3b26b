"""
## What it does
Reports a COPY or ADD source from the build context that `.dockerignore`
excludes, so it never reaches the builder. The ignore file is
`<Dockerfile name>.dockerignore` next to the Dockerfile if there is one,
else `.dockerignore` in the Dockerfile's directory (taken as the build
context). As in Docker's `CopyIgnoredFile` build check, the rule stays
silent when the ignore file has any `!` exception, for `--from` sources,
URLs and heredocs, and for stdin input; the context root (`.`) counts only
when a pattern is `*`, `**` or `**/*`.

## Why is this bad?
The build fails with "not found", or, for a directory, silently copies less
than the Dockerfile suggests.

## Example
```dockerfile
# .dockerignore holds: config/
FROM alpine
COPY config/app.toml /etc/app/
```

## Use instead
```dockerfile
# Remove config/ from .dockerignore, or copy something that is sent.
FROM alpine
COPY defaults/app.toml /etc/app/
```
"""

from pathlib import Path
from typing import Iterator

from dockgate.analysis.dockerignore import go_clean, read_dockerignore
from dockgate.lazy_pattern import LazyPattern
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DG1018",
    name="copy-ignored-file",
    summary="Attempting to copy a file that is excluded by .dockerignore",
    level=Level.WARNING,
    aliases=("CopyIgnoredFile",),
    documentation=__doc__,
)

_REMOTE_SOURCE = LazyPattern(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*://|git@)")


def check(context: LintContext) -> Iterator[Violation]:
    if context.build_context is None:
        return
    ignore = read_dockerignore(context.build_context, Path(context.path).name)
    # dockerfile2llb validations.go validateCopySourcePath: exceptions are too hard to judge statically.
    if ignore is None or not ignore.patterns or ignore.has_exceptions:
        return
    semantics = context.semantics
    for stage in semantics.stages:
        for instruction in stage.instructions:
            if instruction.keyword not in ("COPY", "ADD") or instruction.flag("from") is not None:
                continue
            heredoc_names = {heredoc.name for heredoc in instruction.heredocs}
            verb = "Copy" if instruction.keyword == "COPY" else "Add"
            for word in instruction.args[:-1]:
                if word.value.startswith("<<") and word.value.lstrip("<-").strip("'\"") in heredoc_names:
                    continue
                evaluation = semantics.expand_in(instruction, word.value)
                # A path that depends on a build argument or the base image is unknown here.
                if evaluation.value is None:
                    continue
                source = evaluation.value
                if instruction.keyword == "ADD" and _REMOTE_SOURCE.match(source):
                    continue
                source = go_clean(source)
                if ignore.excludes(source):
                    yield Violation(
                        f'Attempting to {verb} file "{source}" that is excluded by .dockerignore',
                        word.span,
                        instruction.line,
                    )
