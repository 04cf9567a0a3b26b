"""
## What it does
Reports a label that the label schema types as `email` (`label-schema`,
`--require-label NAME:email`) when its value is not an email address as
RFC 5322 writes one, in the form people use: `local@domain`, where the
local part is dot-separated atoms or a quoted string and the domain is a
host name or an address literal (`[192.0.2.1]`, `[IPv6:2001:db8::1]`), or
the same address in angle brackets after a display name
(`Jane Doe <jane@example.com>`). Comments, folding white space and the
obsolete forms of the RFC are not accepted. Off unless the schema has an
`email` label.

## Why is this bad?
A maintainer or contact label is there so that someone can write to the
people behind the image. A value that is not an address (a team name, a
URL, `jane at example dot com`) cannot be used by a person or by tooling
that routes vulnerability reports.

## Example
```dockerfile
# label-schema: {maintainer: email}
FROM alpine:3.20
LABEL maintainer="platform team"
```

## Use instead
```dockerfile
FROM alpine:3.20
LABEL maintainer="Platform Team <platform@example.com>"
```

## Options
- `label-schema` (table of label name to type: text, url, semver, hash,
  rfc3339, spdx, email; `label-schema` in `.hadolint.yaml`,
  `--require-label NAME:TYPE` on the command line): the labels the images
  must carry; those of type `email` are checked by this rule.
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
    code="DL3058",
    name="label-not-email",
    summary="an `email` label of the label schema is not an email address",
    level=Level.WARNING,
    options=("label-schema",),
    documentation=__doc__,
)

# RFC 5322 §3.2.3-3.4.1 without CFWS and obs- forms; domain names as RFC 1123 host names.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_QUOTED_STRING = r'"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"'
_HOST_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ADDR_SPEC = LazyPattern(
    rf"(?P<local>{_ATEXT}+(?:\.{_ATEXT}+)*|{_QUOTED_STRING})"
    rf"@(?:(?P<domain>{_HOST_LABEL}(?:\.{_HOST_LABEL})*)|\[(?P<literal>[^\[\]\\\s]*)\])"
)
# A display name: a quoted string, or words of anything but RFC 5322 specials (UTF-8 allowed, RFC 6532).
_DISPLAY_NAME = LazyPattern(rf'{_QUOTED_STRING}|[^()<>\[\]:;@\\,"\x00-\x1f\x7f]+')
_MAX_LOCAL_LENGTH = 64  # RFC 5321 §4.5.3.1.1
_MAX_DOMAIN_LENGTH = 253


def is_email(text: str) -> bool:
    """Whether `text` is `local@domain` or `Display Name <local@domain>`."""
    if text.endswith(">") and "<" in text:
        display_name, _, address = text[:-1].rpartition("<")
        if display_name.strip() and not _DISPLAY_NAME.fullmatch(display_name.strip()):
            return False
        return _is_addr_spec(address)
    return _is_addr_spec(text)


def _is_addr_spec(text: str) -> bool:
    match = _ADDR_SPEC.fullmatch(text)
    if match is None or len(match.group("local")) > _MAX_LOCAL_LENGTH:
        return False
    domain = match.group("domain")
    if domain is not None:
        return len(domain) <= _MAX_DOMAIN_LENGTH
    literal = match.group("literal")
    try:
        if literal.startswith("IPv6:"):
            ipaddress.IPv6Address(literal.removeprefix("IPv6:"))
        else:
            ipaddress.IPv4Address(literal)
    except ValueError:
        return False
    return True


def check(context: LintContext) -> Iterator[Violation]:
    for pair in schema_labels_of_type(context, LabelType.EMAIL):
        if not is_email(pair.value or ""):
            yield Violation(
                f"Label `{pair.key}` is not a valid email format - must conform to RFC5322.",
                pair.value_word.span,
                pair.instruction.line,
            )
