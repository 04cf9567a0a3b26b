"""
## What it does
Reports a label that the label schema types as `url` (`label-schema`,
`--require-label NAME:url`) when its value is not an absolute URI as
RFC 3986 defines it: a scheme, then only the characters a URI may hold
(anything else percent-encoded), and for web schemes (`http`, `https`,
`ftp`, `ws`, ...) a host. Off unless the schema has a `url` label.

## Why is this bad?
Labels such as `org.opencontainers.image.source` or
`org.opencontainers.image.documentation` are turned into links by
registries and followed by tools (provenance checks, dependency bots). A
bare host name, a path or a `git@host:repo` remote is not a link any of
them can follow.

## Example
```dockerfile
# label-schema: {org.opencontainers.image.source: url}
FROM alpine:3.20
LABEL org.opencontainers.image.source="github.com/example/app"
```

## Use instead
```dockerfile
FROM alpine:3.20
LABEL org.opencontainers.image.source="https://github.com/example/app"
```

## Options
- `label-schema` (table of label name to type: text, url, semver, hash,
  rfc3339, spdx, email; `label-schema` in `.hadolint.yaml`,
  `--require-label NAME:TYPE` on the command line): the labels the images
  must carry; those of type `url` are checked by this rule.
"""

from __future__ import annotations

import ipaddress
from typing import Iterator

from dockgate.lazy_pattern import LazyPattern
from dockgate.rule_api.config import LabelType
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.label_schema import schema_labels_of_type

RULE = RuleMeta(
    code="DL3052",
    name="label-not-url",
    summary="a `url` label of the label schema is not a valid URL",
    level=Level.WARNING,
    options=("label-schema",),
    documentation=__doc__,
)

# RFC 3986 §3 grammar, ASCII only (an IRI must be percent-encoded to be a URI).
_PCT_ENCODED = r"%[0-9A-Fa-f]{2}"
_UNRESERVED = r"A-Za-z0-9._~\-"
_SUB_DELIMS = r"!$&'()*+,;="
_PCHAR = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}:@]|{_PCT_ENCODED})"
_USERINFO = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}:]|{_PCT_ENCODED})*"
_REG_NAME = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}]|{_PCT_ENCODED})*"
_QUERY_OR_FRAGMENT = rf"(?:{_PCHAR}|[/?])*"
_URI = LazyPattern(
    rf"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*):"
    rf"(?:"
    rf"//(?:{_USERINFO}@)?(?P<host>\[[^\]/]*\]|{_REG_NAME})(?::[0-9]*)?(?:/{_PCHAR}*)*"
    rf"|/?(?:{_PCHAR}+(?:/{_PCHAR}*)*)?"
    rf")"
    rf"(?:\?{_QUERY_OR_FRAGMENT})?(?:#{_QUERY_OR_FRAGMENT})?"
)
_IP_FUTURE = LazyPattern(rf"v[0-9A-Fa-f]+\.[{_UNRESERVED}{_SUB_DELIMS}:]+")
# Schemes whose URIs name a server (RFC 9110 §4.2: an http URI without a host is invalid).
_SCHEMES_WITH_HOST = frozenset({"http", "https", "ftp", "ftps", "ws", "wss", "git", "ssh", "sftp"})


def is_url(text: str) -> bool:
    """Whether `text` is an absolute URI (RFC 3986), with a host for web schemes."""
    match = _URI.fullmatch(text)
    if match is None:
        return False
    host = match.group("host")
    if host is not None and host.startswith("["):
        literal = host[1:-1]
        if not _IP_FUTURE.fullmatch(literal):
            try:
                ipaddress.IPv6Address(literal)
            except ValueError:
                return False
    if match.group("scheme").lower() in _SCHEMES_WITH_HOST:
        return bool(host)
    return True


def check(context: LintContext) -> Iterator[Violation]:
    for pair in schema_labels_of_type(context, LabelType.URL):
        if not is_url(pair.value or ""):
            yield Violation(f"Label `{pair.key}` is not a valid URL.", pair.value_word.span, pair.instruction.line)
