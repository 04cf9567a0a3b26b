"""
## What it does
Reports regular files of the final filesystem with the setuid (`04000`) or
setgid (`02000`) bit, one finding per file, naming the bits, the mode and
the owner.

Programs that distributions install setuid or setgid on purpose are still
listed (an image rarely needs them), at level `info` and marked
"(distribution standard)": `passwd`, `su`, `sudo`, `sudoedit`, `mount`,
`umount`, `chsh`, `chfn`, `newgrp`, `gpasswd`, `chage`, `expiry`,
`unix_chkpwd`, `wall`, `write`, `bsd-write`, `crontab`, `at`, `ping`,
`ping6`, `ssh-agent`, `ssh-keysign`, `pkexec`, `fusermount`, `fusermount3`,
`newuidmap`, `newgidmap`, `dbus-daemon-launch-helper`,
`polkit-agent-helper-1`, `pam_timestamp_check`, `Xorg.wrap`, `bbsuid`,
`utempter`, when they are in `bin`, `sbin`, `usr/bin`, `usr/sbin`, `usr/lib`
or `usr/libexec` (or below those two). Any other setuid or setgid file is
reported at the rule's level. A level set in the configuration applies to
both. Files deleted or overwritten by a later layer are not reported: they
cannot run.

## Why is this bad?
A setuid or setgid program runs with its owner's or group's privilege
whoever starts it; a bug in it is a privilege escalation inside the
container (CIS Docker Benchmark 4.8). Most containers run one service and
need none of them.

## Example
```dockerfile
FROM debian:bookworm
COPY tool /usr/local/bin/tool
RUN chmod 4755 /usr/local/bin/tool
```

## Use instead
```dockerfile
FROM debian:bookworm
COPY tool /usr/local/bin/tool
# remove the bits the image does not need
RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} + || true
USER 10001
```
"""

from __future__ import annotations

import stat
from typing import Iterator

from dockgate.lazy_pattern import LazyPattern
from dockgate.rule_api.findings import ImageViolation, Level
from dockgate.rule_api.rule import ImageContext, RuleMeta
from dockgate.rules.common.layer_reporting import layer_location

RULE = RuleMeta(
    code="DG5002",
    name="setuid-file",
    summary="A file in the image has the setuid or setgid bit",
    level=Level.WARNING,
    precision="very-high",
    security_severity=5.3,
    tags=("security", "CWE-250", "CWE-269"),
    aliases=("CIS-DI-0008", "CIS-4.8"),
    target="image",
    needs_layers=True,
    documentation=__doc__,
)

DISTRIBUTION_STANDARD = frozenset(
    {
        "passwd", "su", "sudo", "sudoedit", "mount", "umount", "chsh", "chfn", "newgrp", "gpasswd", "chage",
        "expiry", "unix_chkpwd", "wall", "write", "bsd-write", "crontab", "at", "ping", "ping6", "ssh-agent",
        "ssh-keysign", "pkexec", "fusermount", "fusermount3", "newuidmap", "newgidmap", "dbus-daemon-launch-helper",
        "polkit-agent-helper-1", "pam_timestamp_check", "Xorg.wrap", "bbsuid", "utempter",
    }
)  # fmt: skip
_STANDARD_PLACE = LazyPattern(r"^(usr/)?s?bin/[^/]+$|^usr/(lib|libexec)/.+$")


def check(context: ImageContext) -> Iterator[ImageViolation]:
    for path, (layer, entry) in context.filesystem.final.items():
        if entry.kind not in ("file", "hardlink") or not entry.mode & (stat.S_ISUID | stat.S_ISGID):
            continue
        bits = " and ".join(name for bit, name in ((stat.S_ISUID, "setuid"), (stat.S_ISGID, "setgid")) if entry.mode & bit)
        standard = path.rpartition("/")[2] in DISTRIBUTION_STANDARD and _STANDARD_PLACE.match(path) is not None
        message = f"/{path} is {bits} (mode {entry.mode & 0o7777:04o}, owner {entry.uid}:{entry.gid})"
        if standard:
            message += " (distribution standard): remove the bits if the container does not need the program"
        else:
            message += ": it runs with its owner's or group's privilege whoever starts it; remove the bits"
        yield ImageViolation(message, layer_location(context, layer, path), level=Level.INFO if standard else None)
