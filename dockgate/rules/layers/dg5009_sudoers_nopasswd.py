"""
## What it does
Reads `/etc/sudoers` and the files directly in `/etc/sudoers.d` of the
final filesystem and reports each rule that carries the `NOPASSWD` tag,
naming the file, the line and the users or groups the rule is for. Comments
are skipped (a `#` followed by a digit is a user or group ID, as sudo reads
it), and so are the files sudo skips in `/etc/sudoers.d`: names that
contain a `.` or end in `~` (`app.dpkg-old`, `README.bak`), and anything in
its subdirectories. A sudoers file that a later layer deleted is not
reported: sudo can no longer read it.

DG2017 finds the same grant in the RUN line or here-document that writes
it; this rule finds it in an image whatever wrote it, the base image
included.

## Why is this bad?
A `NOPASSWD` rule lets any process running as that user, including one an
attacker starts through the application, run commands as root through
`sudo` without knowing a secret: a `USER app` at the end of the Dockerfile
no longer limits anything.

## Example
```dockerfile
FROM debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends sudo \
 && useradd -m app && echo 'app ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/app
USER app
```

## Use instead
```dockerfile
FROM debian:bookworm
# do the privileged work while building, as root, then drop privileges for good
RUN useradd -m app && ./install-as-root.sh
USER app
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.image.credential_files import SUDOERS, SUDOERS_DROP_IN_DIR
from dockgate.lazy_pattern import LazyPattern
from dockgate.rule_api.findings import ImageViolation, Level
from dockgate.rule_api.rule import ImageContext, RuleMeta
from dockgate.rules.common.evidence import NOPASSWD_TAG
from dockgate.rules.common.layer_reporting import layer_location

RULE = RuleMeta(
    code="DG5009",
    name="sudoers-nopasswd",
    summary="A sudoers rule in the image lets users run commands through sudo without a password",
    level=Level.WARNING,
    security_severity=6.5,
    tags=("security", "CWE-269", "CWE-250"),
    target="image",
    needs_layers=True,
    documentation=__doc__,
)

# A `#` starts a comment unless digits follow it: `#1000` is a user ID, `%#1000` a group ID.
_COMMENT = LazyPattern(r"#(?!\d)")
_LIST_COMMA = LazyPattern(r"\s*,\s*")


def check(context: ImageContext) -> Iterator[ImageViolation]:
    filesystem = context.filesystem
    for path in sorted(filter(_read_by_sudo, filesystem.final)):
        found = filesystem.final_content(path)
        if found is None:
            continue
        layer, content = found
        for line_number, users in _nopasswd_rules(content.decode("utf-8", "replace")):
            yield ImageViolation(
                f"/{path} line {line_number} grants {users} NOPASSWD: processes of {users} "
                "can use sudo without a password; remove the NOPASSWD tag or the rule",
                layer_location(context, layer, path),
            )


def _read_by_sudo(path: str) -> bool:
    """`/etc/sudoers`, and the files sudo's `@includedir /etc/sudoers.d` reads (sudoers(5))."""
    if path == SUDOERS:
        return True
    directory, _, name = path.rpartition("/")
    return directory == SUDOERS_DROP_IN_DIR and "." not in name and not name.endswith("~")


def _nopasswd_rules(text: str) -> Iterator[tuple[int, str]]:
    """The line number and user list of each rule with a NOPASSWD tag; a line ending in `\\`
    continues on the next one, and the rule is reported at its first line."""
    logical, first_line = "", 0
    for line_number, line in enumerate(text.splitlines(), start=1):
        if not logical:
            first_line = line_number
        logical += line
        if line.endswith("\\"):
            logical = logical[:-1] + " "
            continue
        rule = _COMMENT.split(logical, maxsplit=1)[0].strip()
        logical = ""
        if not NOPASSWD_TAG.search(rule) or "=" not in rule:
            continue
        # `alice, bob  ALL = ...`: the user list is the first word once list commas are closed up.
        users = _LIST_COMMA.sub(",", rule.partition("=")[0]).split()
        if users:
            yield first_line, users[0]
