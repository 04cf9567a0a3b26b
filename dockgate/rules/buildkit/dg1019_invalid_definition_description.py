"""
## What it does
Reports a comment directly above an `ARG` or a named `FROM` stage whose
first word is not the name it documents: the ARG key (any key, for an ARG
that declares several) or the stage name. Only the last comment line of the
block counts, and a bare `#` line detaches the comment. This is Docker's
experimental `InvalidDefinitionDescription` build check; it is off unless
selected.

## Why is this bad?
Docker's tooling (`docker buildx build --call=outline`) reads the comment
above an ARG or a stage as its description only when it starts with the
name. A comment in another form is not shown as the description.

## Example
```dockerfile
# The Go version to build with
ARG GO_VERSION=1.22
```

## Use instead
```dockerfile
# GO_VERSION the Go version to build with
ARG GO_VERSION=1.22
```
"""

from typing import Iterator

from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DG1019",
    name="invalid-definition-description",
    summary="Comment for ARG or FROM should start with the name it describes",
    level=Level.OFF,
    precision="very-high",
    aliases=("InvalidDefinitionDescription",),
    documentation=__doc__,
)


def check(context: LintContext) -> Iterator[Violation]:
    for instruction in context.document.instructions:
        if not instruction.comments:
            continue
        if instruction.keyword == "ARG":
            keys = [word.value.partition("=")[0] for word in instruction.args]
        elif instruction.keyword == "FROM" and len(instruction.args) >= 3 and instruction.args[1].value.lower() == "as":
            # BuildKit lower-cases stage names before comparing.
            keys = [instruction.args[2].value.lower()]
        else:
            continue
        if not keys:
            continue
        # instructions/parse.go validateDefinitionDescription: the last comment line, split on spaces.
        first_word = instruction.comments[-1].text.split(" ")[0]
        if first_word in keys:
            continue
        example = keys[0] if len(keys) == 1 else "<arg_key>"
        yield Violation(
            f"Comment for {instruction.keyword} should follow the format: `# {example} <description>`",
            instruction.keyword_span,
            instruction.line,
        )
