"""
## What it does
Reports a `FROM` whose image reference is empty or invalid when the global
ARGs keep their defaults, that is, when no `--build-arg` is passed. Like
Docker's `InvalidDefaultArgInFrom` build check it only looks at defaults:
`ARG TAG` without a default followed by `FROM busybox:${TAG}` is reported,
`ARG TAG=latest` or `${TAG:-latest}` is not.

## Why is this bad?
The file does not build on its own: every build has to know which
`--build-arg` to pass. A default keeps `docker build .` working and makes
the file easy to lint and scan.

## Example
```dockerfile
ARG VERSION
FROM busybox:$VERSION
```

## Use instead
```dockerfile
ARG VERSION=latest
FROM busybox:$VERSION
```
"""

import re
from typing import Iterator

from dockgate.dockerfile.expansion import ExpansionError, ShellLexer
from dockgate.lazy_pattern import LazyPattern
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DG1016",
    name="invalid-default-arg-in-from",
    summary="Default value for ARG results in empty or invalid base image name",
    level=Level.WARNING,
    aliases=("InvalidDefaultArgInFrom",),
    documentation=__doc__,
)

# The automatic platform ARGs have values in a real build; any valid platform will do here.
_PLATFORM_DEFAULTS = {
    "TARGETPLATFORM": "linux/amd64",
    "TARGETOS": "linux",
    "TARGETARCH": "amd64",
    "TARGETVARIANT": "",
    "BUILDPLATFORM": "linux/amd64",
    "BUILDOS": "linux",
    "BUILDARCH": "amd64",
    "BUILDVARIANT": "",
}

# distribution/reference: the grammar of ParseNormalizedNamed.
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_DOMAIN_PART = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_PART}(?:\.{_DOMAIN_PART})*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?"
_REFERENCE = LazyPattern(
    rf"^(?P<name>(?:{_DOMAIN}/)?{_COMPONENT}(?:/{_COMPONENT})*)"
    r"(?::[\w][\w.-]{0,127})?"
    r"(?:@(?P<algorithm>[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*):(?P<digest>[0-9A-Fa-f]{32,}))?$"
)
_DIGEST_LENGTHS = {"sha256": 64, "sha384": 96, "sha512": 128}


def is_valid_reference(text: str) -> bool:
    """Whether Docker's reference.ParseNormalizedNamed accepts `text`."""
    if not text or re.fullmatch(r"[a-f0-9]{64}", text):
        return False
    first, slash, rest = text.partition("/")
    # splitDockerDomain: the first part is a registry when it looks like a host name.
    if slash and ("." in first or ":" in first or first == "localhost" or first != first.lower()):
        remainder = rest
    else:
        remainder = text
    # "repository name must be lowercase": the path, without tag and digest, after the registry.
    repository = remainder.split("@", 1)[0].rsplit(":", 1)[0]
    if repository != repository.lower():
        return False
    found = _REFERENCE.match(text)
    if found is None or len(found.group("name")) > 255:
        return False
    algorithm = found.group("algorithm")
    if algorithm is not None:
        digest = found.group("digest")
        return _DIGEST_LENGTHS.get(algorithm) == len(digest) and digest == digest.lower()
    return True


def check(context: LintContext) -> Iterator[Violation]:
    document = context.document
    assert document is not None
    lexer = ShellLexer(document.escape)
    environment = dict(_PLATFORM_DEFAULTS)
    try:
        # dockerfile2llb validations.go validateBaseImagesWithDefaultArgs: global ARGs with defaults only.
        for instruction in document.instructions:
            if instruction.keyword == "FROM":
                break
            if instruction.keyword != "ARG":
                continue
            for word in instruction.args:
                key, equals, default = word.value.partition("=")
                if equals:
                    environment[key] = lexer.process_word(default, environment).value
        for stage in context.semantics.stages:
            instruction = stage.from_instruction
            if not instruction.args:
                continue
            image = instruction.args[0]
            value = lexer.process_word(image.value, environment).value
            if not is_valid_reference(value):
                yield Violation(
                    f"Default value for ARG {image.value} results in empty or invalid base image name",
                    image.span,
                    instruction.line,
                )
    except ExpansionError:
        # BuildKit abandons the check; the build fails on the same error anyway.
        return
