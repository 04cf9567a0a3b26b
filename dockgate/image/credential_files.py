"""Which files in an image hold credentials by their path, and which hold private keys by content.

Shared by the layer scanner (which keeps the contents of these files, and only
these, while streaming a layer) and the rules that judge the contents: DG5001
(credential files), DG5006 (account databases), DG5008 and DG5009 (SSH and
sudo access). Paths are layer paths: relative, without a leading slash.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from dockgate.lazy_pattern import LazyPattern

ACCOUNT_FILES = frozenset({"etc/passwd", "etc/shadow", "etc/group", "etc/master.passwd"})
"""The account databases DG5006 reads, by exact path."""
SUDOERS, SSHD_CONFIG = "etc/sudoers", "etc/ssh/sshd_config"
ACCESS_FILES = frozenset({SUDOERS, SSHD_CONFIG})
"""The sudo and SSH server configurations DG5009 and DG5008 read, by exact path."""
SUDOERS_DROP_IN_DIR = "etc/sudoers.d"
"""Its files are read too: sudo includes them from /etc/sudoers (`@includedir`)."""
_AUTHORIZED_KEYS = LazyPattern(r"(^|/)\.ssh/authorized_keys2?$")


def access_file(path: str) -> bool:
    """Whether `path` grants privilege or remote login by its contents: sudoers (with its
    drop-ins), sshd_config, and any account's authorized_keys."""
    return path in ACCESS_FILES or path.rpartition("/")[0] == SUDOERS_DROP_IN_DIR or authorized_keys_file(path)


def authorized_keys_file(path: str) -> bool:
    """Whether `path` is an account's list of SSH keys allowed to log in (`~/.ssh/authorized_keys`)."""
    # The suffix test first: the scanner asks about every file of every layer.
    return path.endswith(("authorized_keys", "authorized_keys2")) and _AUTHORIZED_KEYS.search(path) is not None


class CredentialFile(NamedTuple):
    """A kind of credential file: a short key, and what such a file holds when it holds
    credentials (`/root/.pypirc holds a password`)."""

    key: str
    holds: str


# The files that credential tools and CLIs write, by a pattern on the whole path.
_CREDENTIAL_PATHS: tuple[tuple[CredentialFile, LazyPattern[str]], ...] = (
    (CredentialFile("aws", "AWS credentials"), LazyPattern(r"(^|/)\.aws/credentials$")),
    (CredentialFile("gcloud", "Google Cloud credentials"), LazyPattern(
        r"(^|/)\.config/gcloud/(application_default_credentials\.json|credentials\.db|access_tokens\.db"
        r"|legacy_credentials/[^/]+/(adc\.json|\.boto))$"
    )),
    (CredentialFile("azure", "Azure CLI tokens"), LazyPattern(
        r"(^|/)\.azure/(accessTokens\.json|msal_token_cache\.(json|bin)|service_principal_entries\.(json|bin))$"
    )),
    (CredentialFile("dotenv", "secret values"), LazyPattern(r"(^|/)\.env(\.[^/]+)?$")),
    (CredentialFile("npmrc", "a registry token or password"), LazyPattern(r"(^|/)\.npmrc$")),
    (CredentialFile("pypirc", "a password"), LazyPattern(r"(^|/)\.pypirc$")),
    (CredentialFile("netrc", "a password"), LazyPattern(r"(^|/)[._]netrc$")),
    (CredentialFile("git", "Git credentials"), LazyPattern(r"(^|/)\.git-credentials$")),
    (CredentialFile("kubeconfig", "Kubernetes credentials"),
     LazyPattern(r"(^|/)(\.kube/config|kubeconfig|[^/]+\.kubeconfig)$")),
    (CredentialFile("docker", "Docker registry credentials"), LazyPattern(r"(^|/)\.docker/config\.json$")),
)
# One search rejects the many paths that are none of the above (the scanner asks for every file).
_ANY_CREDENTIAL_PATH = LazyPattern("|".join(f"(?:{pattern.pattern})" for _, pattern in _CREDENTIAL_PATHS))
# `.env.example` and friends document the variables; they are not credentials.
_EXAMPLE_SUFFIX = LazyPattern(r"\.(example|sample|template|dist|defaults?|tmpl|tpl)$", re.IGNORECASE)

MAX_CREDENTIAL_FILE_BYTES = 256 * 1024
"""Credential files are small; a larger file of such a name is read no further than this."""

PRIVATE_KEY_PEEK_BYTES = 4096
"""Bytes read from the start of a file to look for a private key (a certificate may come first)."""
PRIVATE_KEY_MIN_BYTES, PRIVATE_KEY_MAX_BYTES = len("-----BEGIN PRIVATE KEY-----"), 64 * 1024
"""Files outside these sizes are not peeked: shorter than the PEM header, or larger than any key
file (an RSA 16384-bit key with its certificate chain stays far below 64 KiB)."""

_PEM_PRIVATE_KEY = LazyPattern(rb"-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----")
_PUTTY_KEY = b"PuTTY-User-Key-File-"
PRIVATE_KEY_MARKERS = (b"PRIVATE KEY-----", _PUTTY_KEY)
"""Text that every private key private_key_label recognises holds in its first bytes."""
_KEY_WORDS = {"OPENSSH": "OpenSSH", "ENCRYPTED": "encrypted"}


# The last path component every pattern above ends with: a set lookup turns away in well under
# a microsecond the paths the combined search (about 9 µs a path) would turn away.
_CREDENTIAL_NAMES = frozenset({
    "credentials", "application_default_credentials.json", "credentials.db", "access_tokens.db", "adc.json",
    ".boto", "accessTokens.json", "msal_token_cache.json", "msal_token_cache.bin", "service_principal_entries.json",
    "service_principal_entries.bin", ".npmrc", ".pypirc", ".netrc", "_netrc", ".git-credentials", "config",
    "config.json",
})


def _credential_name(name: str) -> bool:
    """Whether a file called `name` could be one of the credential files, whatever its folder."""
    return name in _CREDENTIAL_NAMES or name.startswith(".env") or name.endswith("kubeconfig")


_KEPT_NAMES = ACCOUNT_FILES | ACCESS_FILES | _CREDENTIAL_NAMES | {"authorized_keys", "authorized_keys2"}
_KEPT_BASENAMES = frozenset(name.rpartition("/")[2] for name in _KEPT_NAMES)
_SUDOERS_DROP_IN_PREFIX = SUDOERS_DROP_IN_DIR + "/"


def kept_file(path: str) -> bool:
    """Whether the layer scanner keeps the contents of `path`: an account database, an
    access file (access_file) or a credential file (credential_file).

    Asked for every file of every layer, so the last path component is looked up first."""
    name = path[path.rfind("/") + 1:]
    if name not in _KEPT_BASENAMES and not name.startswith(".env") and not name.endswith("kubeconfig"):
        if not path.startswith(_SUDOERS_DROP_IN_PREFIX):
            return False
    return path in ACCOUNT_FILES or access_file(path) or credential_file(path) is not None


def credential_file(path: str) -> CredentialFile | None:
    """What kind of credential file `path` is by its name, or None."""
    if not _credential_name(path.rpartition("/")[2]):
        return None
    if not _ANY_CREDENTIAL_PATH.search(path) or _EXAMPLE_SUFFIX.search(path):
        return None
    for kind, pattern in _CREDENTIAL_PATHS:
        if pattern.search(path):
            return kind
    return None


def private_key_label(head: bytes) -> str | None:
    """The kind of private key `head` (a file's first bytes) holds: `RSA`, `OpenSSH`,
    `encrypted`, `PuTTY`, or `` for a PKCS #8 key; None when it holds none."""
    match = _PEM_PRIVATE_KEY.search(head)
    if match is not None:
        return " ".join(_KEY_WORDS.get(word, word) for word in match.group(1).decode("ascii").split())
    if head.startswith(_PUTTY_KEY):
        return "PuTTY"
    return None
