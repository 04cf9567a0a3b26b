"""
## What it does
Reports the `MAINTAINER` instruction.

## Why is this bad?
`MAINTAINER` has been deprecated since Docker 1.13: it sets a field of the
image config that tools no longer read. A label says the same thing in a
form that registries, scanners and `docker inspect` all show.

## Example
```dockerfile
FROM alpine
MAINTAINER Jane Doe <jane@example.com>
```

## Use instead
```dockerfile
FROM alpine
LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
```

## Fix safety
Safe: the fix writes `LABEL org.opencontainers.image.authors="..."` with the
MAINTAINER text, quoted so that the label holds exactly that text. The image
loses the deprecated author field of its config and gains the label; what it
runs is the same. No fix is offered when the file already sets that label.
"""

from typing import Iterator

from dockgate.dockerfile.model import Instruction
from dockgate.rule_api.findings import Applicability, Edit, Fix, Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.key_values import quoted

RULE = RuleMeta(
    code="DL4000",
    name="maintainer-deprecated",
    summary="MAINTAINER is deprecated; use a LABEL",
    level=Level.ERROR,
    precision="very-high",
    aliases=("MaintainerDeprecated",),
    fix=Applicability.SAFE,
    documentation=__doc__,
)


AUTHORS_LABEL = "org.opencontainers.image.authors"


def check(context: LintContext) -> Iterator[Violation]:
    labelled = None
    for instruction in context.document.walk():
        if instruction.keyword == "MAINTAINER":
            if labelled is None:
                labelled = _sets_authors_label(context)
            fix = None if labelled else _as_label(context, instruction)
            yield Violation("MAINTAINER is deprecated", instruction.keyword_span, instruction.span.line, fix=fix)


def _sets_authors_label(context: LintContext) -> bool:
    semantics = context.semantics
    return any(
        definition.key == AUTHORS_LABEL
        for instruction in context.document.walk()
        if instruction.keyword == "LABEL"
        for definition in semantics.definitions(instruction)
    )


def _as_label(context: LintContext, instruction: Instruction) -> Fix | None:
    """`LABEL org.opencontainers.image.authors="<the MAINTAINER text>"`, keyword in the same casing."""
    document = context.document
    if len(instruction.args) != 1:
        return None
    name = instruction.args[0]
    # BuildKit keeps the MAINTAINER text as written, without expanding it.
    value = quoted(name.value, document.escape)
    if value is None or name.span.line != name.span.end_line or document.slice(name.span) != name.value:
        return None
    keyword = "label" if instruction.keyword_as_written.islower() else "LABEL"
    return Fix.safe(
        f"Replace with the {AUTHORS_LABEL} label",
        Edit(instruction.keyword_span, keyword),
        Edit(name.span, f"{AUTHORS_LABEL}={value}"),
    )
