"""
## What it does
Reports credentials stored in any layer of the image:

* private keys, found by content in every regular file of up to 64 KiB
  (PEM `-----BEGIN … PRIVATE KEY-----` within the first 4 KiB, and PuTTY
  keys), wherever they are and whatever they are called;
* credential files by path whose contents hold a secret: `.aws/credentials`
  with a secret key or session token; Google Cloud
  `application_default_credentials.json`, `credentials.db`,
  `access_tokens.db`; Azure CLI token caches under `.azure/`; `.env` files
  with a secret-named variable set to a real value or a value in a known
  token format (`.env.example` and friends are skipped); `.npmrc` with an
  `_authToken`, `_auth` or `_password`; `.pypirc` and `.netrc` with a
  password; `.git-credentials` with a password in a URL; kubeconfig files
  with a `token`, `client-key-data`, `password`, `id-token` or
  `refresh-token`; `.docker/config.json` with an `auth` or `identitytoken`.

Every layer is checked on its own, so a file deleted by a whiteout or
overwritten in a later layer is reported too: the message names the layer
that added it and the layer that deleted or overwrote it. Values are never
printed. Private keys in the test data of installed packages (a `test`,
`tests`, `testdata` or `fixtures` folder inside `site-packages`,
`dist-packages`, `node_modules`, `vendor` or a Python standard library) are
not reported: they are published with the package.

## Why is this bad?
Anyone who can pull the image can read every layer of it. Deleting a file in
a later `RUN` hides it from the running container, not from `docker save`
or a registry client: the layer that added it still holds it (dockle, which
merges the layers first, misses these).

## Example
```dockerfile
FROM node:20
COPY .npmrc /root/.npmrc
RUN npm ci && rm /root/.npmrc
```

## Use instead
```dockerfile
FROM node:20
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
```
"""

from __future__ import annotations

import re
from typing import Callable, Iterator

from dockgate.image.credential_files import credential_file
from dockgate.image.filesystem import LayeredFilesystem
from dockgate.lazy_pattern import LazyPattern
from dockgate.rule_api.findings import ImageViolation, Level
from dockgate.rule_api.rule import ImageContext, RuleMeta
from dockgate.rules.common.credentials import (
    credential_kind,
    is_placeholder,
    is_secret_name,
    url_with_password,
)
from dockgate.rules.common.layer_reporting import layer_location

RULE = RuleMeta(
    code="DG5001",
    name="credential-file-in-layer",
    summary="A layer holds a private key or a credential file, even if a later layer deletes it",
    level=Level.ERROR,
    security_severity=9.0,
    tags=("security", "CWE-798", "CWE-522", "CWE-538"),
    aliases=("CIS-DI-0010", "CIS-4.10"),
    target="image",
    needs_layers=True,
    documentation=__doc__,
)

_ADVICE = "pass it to the build with RUN --mount=type=secret instead"

_ASSIGNMENT = LazyPattern(r"^\s*(?:export\s+)?([A-Za-z_][\w.-]*)\s*[=:]\s*(.*?)\s*$", re.MULTILINE)
_NPM_SECRET_KEY = LazyPattern(r"(?:^|:)(?:_authToken|_auth|_password)$")
_NETRC_PASSWORD = LazyPattern(r"(?:^|\s)password\s+(\S+)")
_KUBECONFIG_SECRET = LazyPattern(r"^\s*(?:token|client-key-data|password|id-token|refresh-token)\s*:\s*(\S+)", re.MULTILINE)
_JSON_SECRET = LazyPattern(
    r'"(?:private_key|refresh_token|client_secret|access_?token|refreshToken|secret|auth|identitytoken)"\s*:\s*"([^"]+)"',
    re.IGNORECASE,
)
_BINARY_TOKEN_STORE = LazyPattern(r"\.(db|bin)$")
_PACKAGE_TREE = LazyPattern(r"(^|/)(site-packages|dist-packages|node_modules|vendor|python\d[.\d]*)/")
_TEST_FOLDER = LazyPattern(r"/(tests?|testdata|test_data|fixtures)/")


def _real(value: str) -> bool:
    return not is_placeholder(value)


def _aws(text: str) -> bool:
    return any(
        name.lower() in ("aws_secret_access_key", "aws_session_token") and _real(value)
        for name, value in _ASSIGNMENT.findall(text)
    )


def _dotenv(text: str) -> bool:
    for name, value in _ASSIGNMENT.findall(text):
        value = value.strip("'\"")
        if credential_kind(name, value) is not None or (is_secret_name(name) and _real(value)):
            return True
    return False


def _npmrc(text: str) -> bool:
    return any(_NPM_SECRET_KEY.search(name) and _real(value) for name, value in _npmrc_settings(text))


def _npmrc_settings(text: str) -> Iterator[tuple[str, str]]:
    # `//registry.npmjs.org/:_authToken=…`: the key holds slashes and colons, unlike a .env name.
    for line in text.splitlines():
        key, equals, value = line.partition("=")
        if equals and not key.lstrip().startswith(("#", ";")):
            yield key.strip(), value.strip()


def _pypirc(text: str) -> bool:
    return any(name.lower() == "password" and _real(value) for name, value in _ASSIGNMENT.findall(text))


def _netrc(text: str) -> bool:
    return any(_real(value) for value in _NETRC_PASSWORD.findall(text))


def _git(text: str) -> bool:
    return url_with_password(text)


def _kubeconfig(text: str) -> bool:
    return any(_real(value.strip("'\"")) for value in _KUBECONFIG_SECRET.findall(text))


def _json_tokens(text: str) -> bool:
    return any(_real(value) for value in _JSON_SECRET.findall(text))


_HOLDS_SECRET: dict[str, Callable[[str], bool]] = {
    "aws": _aws,
    "gcloud": _json_tokens,
    "azure": _json_tokens,
    "dotenv": _dotenv,
    "npmrc": _npmrc,
    "pypirc": _pypirc,
    "netrc": _netrc,
    "git": _git,
    "kubeconfig": _kubeconfig,
    "docker": _json_tokens,
}


def check(context: ImageContext) -> Iterator[ImageViolation]:
    filesystem = context.filesystem
    for scan in filesystem.layers:
        for path, content in scan.contents.items():
            kind = credential_file(path)
            if kind is not None and path not in scan.private_keys and _holds_secret(kind.key, path, content):
                yield _violation(context, filesystem, scan.index, path, kind.holds)
        for path, key_kind in scan.private_keys.items():
            if not (_PACKAGE_TREE.search(path) and _TEST_FOLDER.search(path)):
                # "an RSA", "an EC", "an OpenSSH", "an encrypted", "a DSA", "a PuTTY" private key
                article = "an" if key_kind[:1] in tuple("AEIOUaeiouR") else "a"
                what = f"{article} {key_kind} private key" if key_kind else "a private key"
                yield _violation(context, filesystem, scan.index, path, what)


def _holds_secret(key: str, path: str, content: bytes) -> bool:
    if _BINARY_TOKEN_STORE.search(path):
        return bool(content)  # gcloud's SQLite stores and MSAL's caches: any content is tokens
    return _HOLDS_SECRET[key](content.decode("utf-8", "replace"))


def _violation(context: ImageContext, filesystem: LayeredFilesystem, layer: int, path: str, what: str) -> ImageViolation:
    removal = filesystem.removal(layer, path)
    if removal is None:
        message = f"/{path} holds {what} (added in layer {layer}): anyone who can pull the image can read it; {_ADVICE}"
    else:
        message = (
            f"/{path} holds {what} (added in layer {layer}, {removal.how} in layer {removal.layer}): "
            f"it is still in layer {layer}, where anyone who can pull the image can read it; {_ADVICE}"
        )
    return ImageViolation(message, layer_location(context, layer, path))
