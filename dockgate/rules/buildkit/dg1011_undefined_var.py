"""
## What it does
Reports a variable that Docker expands itself but that nothing defines at
that point of the stage: no `ARG` or `ENV` before it, not `PATH`. Checked
are ENV, LABEL and ARG values, ADD/COPY sources, destination, `--chown`,
`--chmod` and `--checksum`, WORKDIR, USER, VOLUME, STOPSIGNAL, the values of
`RUN --mount=` and COPY/ADD heredoc bodies; shell-form RUN, CMD and
ENTRYPOINT are left to the shell. Like Docker's `UndefinedVar` build check
it suggests a defined name that is close.

A base image can define variables in its configuration, which a static
linter cannot see. So the rule only reports in stages that start from
`scratch` or from an image known to define nothing but `PATH` (`alpine`,
`busybox`, `debian`, `ubuntu`).

## Why is this bad?
An undefined variable expands to an empty string without any error: `COPY
$SRC_DIR /app` copies the whole context, `ENV PATH=$PAHT:/opt/bin` throws
the search path away. It is usually a typo or an `ARG` declared in another
stage (ARGs do not cross stages unless re-declared).

## Example
```dockerfile
FROM alpine
ARG APP_DIR=/srv/app
WORKDIR $APPDIR
```

## Use instead
```dockerfile
FROM alpine
ARG APP_DIR=/srv/app
WORKDIR $APP_DIR
```
"""

from typing import Iterator

from dockgate.analysis.semantics import SCRATCH, Stage
from dockgate.dockerfile.model import Instruction, Span
from dockgate.lazy_pattern import LazyPattern
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.did_you_mean import closest_name

RULE = RuleMeta(
    code="DG1011",
    name="undefined-var",
    summary="Usage of undefined variable",
    level=Level.WARNING,
    aliases=("UndefinedVar",),
    documentation=__doc__,
)

# Official images whose configuration sets no variable but PATH (checked with `docker inspect`).
_PATH_ONLY_IMAGES = frozenset({"alpine", "busybox", "debian", "ubuntu"})
_OFFICIAL_PREFIX = LazyPattern(r"^(?:(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)/)?(?:library/)?")

# Instructions whose whole arguments BuildKit expands word by word.
_EXPANDED_WORDS = ("WORKDIR", "USER", "VOLUME", "STOPSIGNAL")
_COPY_FLAGS = ("chown", "chmod", "checksum")


def _image_defines_only_path(stage: Stage) -> bool:
    if not stage.base_name_known:
        return False
    name = _OFFICIAL_PREFIX.sub("", stage.base_name.split("@", 1)[0])
    name = name.split(":", 1)[0]
    return name == SCRATCH or name in _PATH_ONLY_IMAGES


def _environment_is_known(stage: Stage) -> bool:
    root = stage
    while root.base_stage is not None:
        root = root.base_stage
    return _image_defines_only_path(root)


def _expanded_texts(instruction: Instruction) -> Iterator[tuple[str, Span, bool]]:
    """(text, where, is a heredoc body) for every piece BuildKit expands in this instruction."""
    keyword = instruction.keyword
    if keyword in ("ENV", "LABEL"):
        args = instruction.args
        for index in range(0, len(args) - 1, 3):
            yield args[index].value, args[index].span, False
            yield args[index + 1].value, args[index + 1].span, False
    elif keyword in _EXPANDED_WORDS:
        for word in instruction.args:
            yield word.value, word.span, False
    elif keyword in ("COPY", "ADD"):
        for flag in instruction.flags:
            if flag.name in _COPY_FLAGS and flag.value:
                yield flag.value, flag.span, False
        # Sources of COPY --from are expanded too.
        for word in instruction.args:
            yield word.value, word.span, False
        for heredoc in instruction.heredocs:
            if heredoc.expand:
                yield heredoc.content, heredoc.body_span or heredoc.marker_span, True
    elif keyword == "RUN":
        for flag in instruction.flags_named("mount"):
            for field in (flag.value or "").split(","):
                _, equals, value = field.partition("=")
                if equals and value:
                    yield value, flag.span, False


def check(context: LintContext) -> Iterator[Violation]:
    semantics = context.semantics
    for stage in semantics.stages:
        if not _environment_is_known(stage):
            continue
        for instruction in stage.instructions:
            reported: set[str] = set()
            if instruction.keyword == "ARG":
                # ARG defaults see the names set earlier in the same ARG (semantics.definitions).
                pieces = [
                    (definition.value.undefined, definition.word.span)
                    for definition in semantics.definitions(instruction)
                    if definition.value is not None
                ]
            else:
                pieces = [
                    (semantics.expand_in(instruction, text, heredoc=heredoc).undefined, span)
                    for text, span, heredoc in _expanded_texts(instruction)
                ]
            for undefined, span in pieces:
                for name in undefined:
                    if name in reported:
                        continue
                    reported.add(name)
                    # dockerfile2llb convert.go reportUnmatchedVariables: suggestions come from the environment.
                    suggestion = closest_name(name, semantics.variables_before(instruction))
                    hint = f" (did you mean ${suggestion}?)" if suggestion else ""
                    yield Violation(f"Usage of undefined variable '${name}'{hint}", span, instruction.line)
