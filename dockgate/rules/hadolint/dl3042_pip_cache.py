"""
## What it does
Reports a `pip install` (also `python -m pip install`) without
`--no-cache-dir`. Also fine: `PIP_NO_CACHE_DIR` set to a true value (`1`,
`true`, `yes`, `on`) by an ENV or ARG in force for the RUN (inherited
through `FROM <stage>` too) or in the RUN itself, and a cache or tmpfs
mount on the pip cache (`--mount=type=cache,target=/root/.cache/pip`).
pipx and pipenv are not checked. pip accepts `--no-cache` as an
abbreviation of `--no-cache-dir`, and so does this rule (hadolint does
not). ONBUILD triggers are checked too.

## Why is this bad?
pip keeps every downloaded archive and built wheel in `~/.cache/pip`. In an
image that cache is dead weight, often tens of megabytes, that is shipped
and pulled with every copy of the image and never used again.

## Example
```dockerfile
FROM python:3.12-slim
RUN pip install flask==3.0.3
```

## Use instead
```dockerfile
FROM python:3.12-slim
RUN pip install --no-cache-dir flask==3.0.3
```

## Fix safety
Safe: the fix writes `--no-cache-dir` after `install` in each of the RUN's
pip installs that lacks it. pip installs the same packages and only no longer
keeps its download cache in the image.
"""

from __future__ import annotations

import re
from typing import Iterator

from dockgate.analysis.shell import RunScript
from dockgate.lazy_pattern import LazyPattern
from dockgate.rule_api.findings import Applicability, Fix, Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.language_packages import (
    PipInstall,
    has_cache_mount_on,
    pip_installs,
)
from dockgate.rules.common.run_commands import instruction_line
from dockgate.rules.common.shell_edits import insert_after_word

RULE = RuleMeta(
    code="DL3042",
    name="pip-cache",
    summary="`pip install` without `--no-cache-dir` leaves pip's cache in the image",
    level=Level.WARNING,
    fix=Applicability.SAFE,
    documentation=__doc__,
)

MESSAGE = "Avoid use of cache directory with pip. Use `pip install --no-cache-dir <package>`"
# The values hadolint takes as "on"; pip itself also disables the cache for "off"
# values (pip's cmdoptions._handle_no_cache_dir), which hadolint reports and so do we.
TRUE_VALUES = frozenset({"1", "true", "yes", "on"})
_INLINE_SETTING = LazyPattern(r"\bPIP_NO_CACHE_DIR=[\"']?(1|true|yes|on)\b", re.IGNORECASE)


def check(context: LintContext) -> Iterator[Violation]:
    for run in context.run_scripts:
        installs = [install for install in pip_installs(run) if not install.is_wrapper and not _avoids_cache(install)]
        if not installs or _cache_disabled(context, run) or has_cache_mount_on(run.instruction, ".cache/pip"):
            continue
        yield Violation(MESSAGE, installs[0].action_span, instruction_line(run), fix=_no_cache_dir(context, installs))


def _no_cache_dir(context: LintContext, installs: list[PipInstall]) -> Fix | None:
    """`--no-cache-dir` after every `install` of the RUN that lacks it; none when one cannot be edited."""
    edits = []
    for install in installs:
        word = install.parsed.subcommand_word
        edit = insert_after_word(context.document, word, " --no-cache-dir") if word is not None else None
        if edit is None:
            return None
        edits.append(edit)
    return Fix.safe("Add `--no-cache-dir`", *edits)


def _avoids_cache(install: PipInstall) -> bool:
    # optparse takes any unambiguous prefix of a long option; `--no-cache` is one.
    return any(
        option.name.startswith("no-cache") and "no-cache-dir".startswith(option.name)
        for option in install.parsed.options
    )


def _cache_disabled(context: LintContext, run: RunScript) -> bool:
    # pip_installs found an install, so the RUN has a script.
    if run.script is not None and _INLINE_SETTING.search(run.script.text):
        return True
    value = _variable_before(context, run, "PIP_NO_CACHE_DIR")
    return value is not None and value.strip().lower() in TRUE_VALUES


def _variable_before(context: LintContext, run: RunScript, name: str) -> str | None:
    semantics = context.semantics
    if semantics.stage_of(run.owner) is not None:
        return semantics.variables_before(run.owner).get(name)
    # A file without FROM (which Docker rejects, but hadolint's tests use): the ENVs and ARGs above count.
    value = None
    for instruction in context.document.instructions:
        if instruction is run.owner:
            break
        for definition in semantics.definitions(instruction):
            if definition.key == name and definition.value is not None:
                value = definition.value.with_defaults
    return value
