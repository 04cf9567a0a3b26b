"""
## What it does
Reports, one finding per path of the final filesystem:

* an SSH server program: `sshd` (OpenSSH) or `dropbear` in a `bin` or
  `sbin` directory of `/`, `/usr` or `/usr/local`. When `/etc/ssh/sshd_config`
  sets `PermitRootLogin yes` or `PermitEmptyPasswords yes` (the first value
  before any `Match` block, as sshd reads it; files it includes are not
  read), the finding for `sshd` says so;
* an `authorized_keys` (or `authorized_keys2`) file in any account's
  `.ssh` directory that lists at least one key: each key lets whoever holds
  its private half log in as that account.

The SSH client (`ssh`, `scp`, `sftp`) is fine, and so is an
`authorized_keys` file that is empty or holds only comments. Files that a
later layer deleted are not reported: they are not in the container.

## Why is this bad?
An SSH server is a second way into the container beside the application,
with its own credentials to manage and its own vulnerabilities, and it
needs root to start: containers are entered with `docker exec` or
`kubectl exec` instead. A key baked into the image grants login to every
container started from it, to whoever has the private key, for as long as
the image is in use.

## Example
```dockerfile
FROM debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends openssh-server
COPY id_ed25519.pub /root/.ssh/authorized_keys
CMD ["/usr/sbin/sshd", "-D"]
```

## Use instead
```dockerfile
FROM debian:bookworm
COPY app /usr/local/bin/app
USER 10001
CMD ["app"]
# and to look inside: docker exec -it <container> sh
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.image.credential_files import SSHD_CONFIG, authorized_keys_file
from dockgate.image.filesystem import LayeredFilesystem
from dockgate.lazy_pattern import LazyPattern
from dockgate.rule_api.findings import ImageViolation, Level
from dockgate.rule_api.rule import ImageContext, RuleMeta
from dockgate.rules.common.layer_reporting import layer_location

RULE = RuleMeta(
    code="DG5008",
    name="ssh-server-in-image",
    summary="The image holds an SSH server or an account's authorized SSH keys",
    level=Level.WARNING,
    security_severity=5.3,
    tags=("security", "CWE-284", "CWE-798"),
    target="image",
    needs_layers=True,
    documentation=__doc__,
)

_SERVER_PROGRAM = LazyPattern(r"^(usr/(local/)?)?s?bin/(sshd|dropbear)$")
_RISKY_SSHD_SETTINGS = {name.lower(): name for name in ("PermitRootLogin", "PermitEmptyPasswords")}
# `Keyword value` or `Keyword=value` (sshd_config(5)); a `#` line matches no keyword.
_SSHD_LINE = LazyPattern(r"\s*(\w+)(?:\s*=\s*|\s+)(\S+)")


def check(context: ImageContext) -> Iterator[ImageViolation]:
    filesystem = context.filesystem
    for path, (layer, entry) in sorted(filesystem.final.items()):
        if entry.kind in ("file", "hardlink", "symlink") and _SERVER_PROGRAM.match(path):
            # Only OpenSSH reads sshd_config; dropbear takes its settings on the command line.
            risky = _risky_settings(filesystem) if path.endswith("/sshd") else []
            settings = "".join(f" and /{SSHD_CONFIG} sets {setting}" for setting in risky)
            yield ImageViolation(
                f"/{path} is an SSH server{settings}: a second way into the container that needs root and "
                "its own credentials; remove it and use docker exec or kubectl exec",
                layer_location(context, layer, path),
            )
        elif entry.kind == "file" and authorized_keys_file(path):
            found = filesystem.final_content(path)
            keys = _key_count(found[1]) if found is not None else 0
            if keys:
                home = path.rpartition("/.ssh/")[0]
                yield ImageViolation(
                    f"/{path} lists {keys} SSH key{'s' if keys > 1 else ''}: whoever holds the private key can log in "
                    f"as the account whose home is /{home}; add keys when the container starts, if at all",
                    layer_location(context, layer, path),
                )


def _key_count(content: bytes) -> int:
    """Lines that are neither blank nor comments: each names one key (with its options)."""
    lines = (line.strip() for line in content.decode("utf-8", "replace").splitlines())
    return sum(1 for line in lines if line and not line.startswith("#"))


def _risky_settings(filesystem: LayeredFilesystem) -> list[str]:
    """`PermitRootLogin yes` and `PermitEmptyPasswords yes` as sshd reads sshd_config: keywords
    in any case, the first value wins, and a `Match` block applies only to some connections."""
    found = filesystem.final_content(SSHD_CONFIG)
    if found is None:
        return []
    values: dict[str, str] = {}
    for line in found[1].decode("utf-8", "replace").splitlines():
        match = _SSHD_LINE.match(line)
        if match is None:
            continue
        keyword = match.group(1).lower()
        if keyword == "match":
            break
        if keyword in _RISKY_SSHD_SETTINGS:
            values.setdefault(keyword, match.group(2).lower())
    return [f"{name} yes" for keyword, name in _RISKY_SSHD_SETTINGS.items() if values.get(keyword) == "yes"]
