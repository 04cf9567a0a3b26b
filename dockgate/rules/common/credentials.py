"""What a credential looks like: known token formats, passwords in URLs, secret-like names
with high-entropy values, and the placeholders that are not credentials. Used by DG2004
(ARG/ENV/LABEL values) and DG2005 (RUN command lines); not a rule itself.

Findings name the kind of credential, never the value (dockle#268).
"""

from __future__ import annotations

import math
import re
from collections import Counter

from dockgate.lazy_pattern import LazyPattern

# (kind, pattern): provider formats documented by the providers (gitleaks keeps a similar list).
# Compiled one by one only when the combined pattern below finds one: most texts hold none.
KNOWN_TOKEN_FORMATS: tuple[tuple[str, str], ...] = (
    ("an AWS access key id", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    ("a GitHub token", r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{50,})"),
    ("a GitLab token", r"\bglpat-[A-Za-z0-9_-]{20,}"),
    ("a Slack token", r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    ("a Slack webhook URL", r"hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]{16,}"),
    ("a Stripe key", r"\b[rs]k_live_[A-Za-z0-9]{20,}"),
    ("an npm token", r"\bnpm_[A-Za-z0-9]{36}\b"),
    ("a Google API key", r"\bAIza[0-9A-Za-z_-]{35}"),
    ("an OpenAI key", r"\bsk-(?:proj-)?[A-Za-z0-9_-]{40,}"),
    ("a private key", r"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----"),
    ("a JSON Web Token", r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"),
    ("a SendGrid API key", r"\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b"),
    ("a Mailchimp API key", r"\b[0-9a-f]{32}-us[0-9]{1,2}\b"),
    ("a Twilio API key", r"\bSK[0-9a-f]{32}\b"),
    ("a Docker Hub access token", r"\bdckr_pat_[A-Za-z0-9_-]{27,}"),
    ("a PyPI token", r"\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}"),
    ("a HashiCorp Vault token", r"\bhv[sbr]\.[A-Za-z0-9_-]{24,}"),
    ("an Azure storage account key", r"AccountKey=[A-Za-z0-9+/]{86}=="),
    ("a Google Cloud service-account key", r"[\"']type[\"']\s*:\s*[\"']service_account[\"']"),
)

_URL_CREDENTIALS = LazyPattern(r"\b[a-z][a-z0-9+.-]*://([^/\s:@\"']+):([^/\s@\"']+)@", re.IGNORECASE)
_PLACEHOLDER_WORDS = LazyPattern(
    r"change.?me|example|placeholder|dummy|your[_-]|replace|redacted|sample|fake|secret|password|passwd|token|<|>|\{\{|\*\*\*|^x+$|^\.+$|^-+$",
    re.IGNORECASE,
)
_NAME_TOKEN = LazyPattern(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_SECRET_NAME_TOKENS = frozenset({"password", "passwd", "pwd", "pass", "secret", "token", "apikey", "credential", "credentials", "psw"})
_KEY_QUALIFIERS = frozenset({"api", "access", "private", "secret", "client", "auth", "encryption", "master"})
_NOT_SECRET_NAME_TOKENS = frozenset({"public", "file", "path", "dir", "version", "gpg", "pgp", "fingerprint", "signing", "length", "size", "name", "user", "username", "type", "url", "host", "id"})


# Any of the formats: one scan tells that a text (most words are no token) holds none of them.
_ANY_KNOWN_TOKEN = LazyPattern("|".join(f"(?:{pattern})" for _kind, pattern in KNOWN_TOKEN_FORMATS))
_DOCUMENTATION_KEY = LazyPattern(r"example|xxxx", re.IGNORECASE)


SHORTEST_TOKEN = 15
"""No format above matches fewer characters (a test holds this): most words a rule asks about are shorter."""


def known_token_kind(text: str) -> str | None:
    """The kind of the first known token format in `text`, or None."""
    if len(text) < SHORTEST_TOKEN or _ANY_KNOWN_TOKEN.search(text) is None:
        return None
    for kind, pattern in KNOWN_TOKEN_FORMATS:
        for match in re.finditer(pattern, text):
            # Documentation keys such as AWS's AKIAIOSFODNN7EXAMPLE.
            if not _DOCUMENTATION_KEY.search(match.group()):
                return kind
    return None


def is_placeholder(value: str) -> bool:
    """`changeme`, `xxx`, `<token>`, `${TOKEN}`, `$TOKEN`, empty and the like: not a credential."""
    value = value.strip().strip("'\"")
    return not value or "$" in value or bool(_PLACEHOLDER_WORDS.search(value))


def url_with_password(text: str) -> bool:
    """A URL carrying `user:password@` with a literal, non-placeholder password."""
    if "://" not in text:
        return False
    return any(not is_placeholder(match.group(2)) for match in _URL_CREDENTIALS.finditer(text))


def name_tokens(name: str) -> list[str]:
    return [token.lower() for token in _NAME_TOKEN.findall(name)]


def is_secret_name(name: str) -> bool:
    """`DB_PASSWORD`, `apiKey`, `GITHUB_TOKEN`, `CLIENT_SECRET`; not `GPG_KEY`, `TOKEN_FILE`, `PUBLIC_KEY`."""
    tokens = name_tokens(name)
    if any(token in _NOT_SECRET_NAME_TOKENS for token in tokens):
        return False
    if any(token in _SECRET_NAME_TOKENS for token in tokens):
        return True
    return any(token == "key" and index > 0 and tokens[index - 1] in _KEY_QUALIFIERS for index, token in enumerate(tokens))


def shannon_entropy(value: str) -> float:
    counts = Counter(value)
    return -sum(count / len(value) * math.log2(count / len(value)) for count in counts.values())


def looks_random(value: str) -> bool:
    """Long, one word, mixed characters, high entropy: a generated secret, not a word, path or URL."""
    if len(value) < 16 or any(char.isspace() for char in value) or "://" in value or value.startswith(("/", "./", "~")):
        return False
    classes = sum(bool(re.search(pattern, value)) for pattern in (r"[a-z]", r"[A-Z]", r"[0-9]"))
    return classes >= 2 and shannon_entropy(value) >= 3.5 and not is_placeholder(value)


def credential_kind(name: str | None, value: str) -> str | None:
    """Why `value` (set under `name`, if any) looks like a credential, or None."""
    if "$" in value and not known_token_kind(value):
        value = re.sub(r"\$\{[^}]*\}|\$\w+", "", value)
    kind = known_token_kind(value)
    if kind is not None:
        return kind
    if url_with_password(value):
        return "a URL with a password"
    bare = value.strip("'\"")
    if re.fullmatch(r"[0-9A-F]{40}", bare):
        return None  # an OpenPGP fingerprint (`ARG SWIFT_SIGNING_KEY=A62A…`)
    if name is not None and is_secret_name(name) and looks_random(bare):
        return "a random-looking secret"
    return None


_NOT_A_SECRET_VALUE = LazyPattern(r"\d+|true|false|yes|no|on|off|none|null", re.IGNORECASE)


def secret_setting_kind(name: str, value: str) -> str | None:
    """Why `name=value` is a credential, or None.

    A value in a known token format (or a URL with a password, or a random
    string under a secret-like name) is one whatever its name; a secret-like
    name (`DB_PASSWORD`, not `GPG_KEY` or `JENKINS_USERNAME`) with a literal
    value is one too, since a built image keeps short passwords as readably
    as long ones. Placeholders, `$VAR` references, paths, numbers and
    booleans are not values of a secret.
    """
    kind = credential_kind(name, value)
    if kind is not None:
        return kind
    bare = value.strip().strip("'\"")
    if not is_secret_name(name) or is_placeholder(bare) or bare.startswith(("/", "./", "~")):
        return None
    if _NOT_A_SECRET_VALUE.fullmatch(bare):
        return None
    return "a value under a secret-like name"
