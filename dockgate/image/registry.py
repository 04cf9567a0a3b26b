"""Images read from a registry over the OCI distribution API, with layers streamed on demand.

The client always sends all four manifest media types (distribution answers
404 or a down-converted schema 1 manifest otherwise, images.md 7.2), picks a
platform from an index and fetches that child by digest, verifies every
digest it can, and answers 401 challenges with Basic or Bearer-token auth.
Credentials come from the environment or the Docker client config (its
`auths`, or the credential helper it names) and never leave the client object: messages are built from status codes and the
registry's error codes, and httpx drops `Authorization` on a redirect to
another origin (tests/image/test_registry.py checks that).
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import io
import json
import os
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import httpx

from dockgate import __version__
from dockgate.image.errors import ImageError
from dockgate.image.image import Image, Layer, pair_history
from dockgate.image.layout import config_platform
from dockgate.image.models import (
    DOCKER_CONFIG,
    DOCKER_MANIFEST,
    DOCKER_MANIFEST_LIST,
    INDEX_TYPES,
    MANIFEST_TYPES,
    MAX_CONFIG_BYTES,
    MAX_MANIFEST_BYTES,
    OCI_CONFIG,
    OCI_INDEX,
    OCI_MANIFEST,
    SCHEMA1_TYPES,
    Descriptor,
    ImageConfig,
    ImageIndex,
    ImageManifest,
    Platform,
    load_json,
    sniff_media_type,
)
from dockgate.image.platforms import choose_manifest, host_platform
from dockgate.image.reference import (
    DOCKER_HUB,
    DOCKER_HUB_API_HOST,
    ImageReference,
    parse_reference,
)
from dockgate.lazy_pattern import LazyPattern

ACCEPT_MANIFESTS = f"{OCI_INDEX}, {DOCKER_MANIFEST_LIST}, {OCI_MANIFEST}, {DOCKER_MANIFEST}"
USER_ENV = "DOCKGATE_REGISTRY_USER"
PASSWORD_ENV = "DOCKGATE_REGISTRY_PASSWORD"

_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
_CHUNK_BYTES = 64 * 1024
_MAX_SMALL_BODY = 64 * 1024  # error bodies and token responses
_MAX_MESSAGE_CHARS = 300
HELPER_TIMEOUT_SECONDS = 30
"""A helper may prompt a keychain unlock; past this, pull without credentials."""
_DOCKER_HUB_CONFIG_HOSTS = frozenset({DOCKER_HUB, "index.docker.io", DOCKER_HUB_API_HOST})
_TOKEN = LazyPattern(r"^[\x21-\x7e]+$")  # what may go into an Authorization header verbatim
_CHALLENGE_PARAM = LazyPattern(r'([A-Za-z_][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))')


@dataclass(frozen=True)
class RegistryCredentials:
    """A user name and password, and where they came from (the only part that is ever shown)."""

    username: str = field(repr=False)
    password: str = field(repr=False)
    source: str

    def basic_authorization(self) -> str:
        """The `Authorization` header value for Basic auth (and for token requests)."""
        pair = f"{self.username}:{self.password}".encode()
        return "Basic " + base64.b64encode(pair).decode("ascii")


def open_registry_image(
    reference: str,
    *,
    platform: Platform | None = None,
    insecure_registries: frozenset[str] = frozenset(),
    transport: httpx.BaseTransport | None = None,
) -> Image:
    """The image `reference` names, with its config read and its layers ready to stream.

    Loopback registries and those in `insecure_registries` (as `host` or
    `host:port`) are spoken to over plain HTTP, all others over HTTPS.
    `transport` replaces httpx's network transport (tests, proxies). For an
    index, `Image.digest` is the digest of the chosen platform's manifest.
    """
    parsed = parse_reference(reference)
    credentials, notice = find_credentials(parsed.registry)
    plain_http = parsed.is_local() or not insecure_registries.isdisjoint({parsed.registry, parsed.hostname})
    session = _RegistrySession(parsed, credentials, notice, "http" if plain_http else "https", transport)
    try:
        return _read_image(session, reference, platform, [notice] if notice else [])
    except BaseException:
        session.close()
        raise


def find_credentials(
    registry: str, environ: Mapping[str, str] | None = None
) -> tuple[RegistryCredentials | None, str | None]:
    """Credentials for `registry` from the environment, else the Docker client config.

    The second value is a notice for the user when the config's credentials
    cannot be had (a credential helper that is missing or fails, an unreadable file).
    """
    environ = os.environ if environ is None else environ
    user, password = environ.get(USER_ENV), environ.get(PASSWORD_ENV)
    if user and password:
        return RegistryCredentials(user, password, f"{USER_ENV}/{PASSWORD_ENV}"), None
    if user or password:
        raise ImageError(f"set both {USER_ENV} and {PASSWORD_ENV}, or neither")
    return _docker_config_credentials(registry, environ)


def _docker_config_credentials(
    registry: str, environ: Mapping[str, str]
) -> tuple[RegistryCredentials | None, str | None]:
    """The `auths` entry for `registry` in the Docker client config, as `docker login` wrote it."""
    directory = environ.get("DOCKER_CONFIG")
    path = Path(directory) / "config.json" if directory else Path.home() / ".docker" / "config.json"
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None, None
    except OSError as error:
        return None, f"cannot read {path} ({error.strerror}); continuing without its credentials"
    except ValueError:
        return None, f"{path} is not valid JSON; continuing without its credentials"
    if not isinstance(data, dict):
        return None, f"{path} is not a JSON object; continuing without its credentials"
    hosts = _DOCKER_HUB_CONFIG_HOSTS if registry in _DOCKER_HUB_CONFIG_HOSTS else {registry}
    auths = _object_member(data, "auths")
    entries = [entry for key, entry in auths.items() if _config_key_host(key) in hosts and isinstance(entry, dict)]
    for entry in entries:
        credentials = _entry_credentials(entry, str(path))
        if credentials is not None:
            return credentials, None
    helpers = _object_member(data, "credHelpers")
    helper = next((name for key, name in helpers.items() if _config_key_host(key) in hosts), None)
    if helper is None and entries and isinstance(data.get("credsStore"), str):
        helper = data["credsStore"]
    if isinstance(helper, str) and helper:
        server = next((key for key in auths if _config_key_host(key) in hosts), None)
        return _helper_credentials(helper, server or _helper_server(registry))
    return None, None


def _helper_server(registry: str) -> str:
    """The server name the Docker CLI hands a credential helper: Docker Hub's v1 URL, else the host."""
    return "https://index.docker.io/v1/" if registry in _DOCKER_HUB_CONFIG_HOSTS else registry


def _helper_credentials(helper: str, server: str) -> tuple[RegistryCredentials | None, str | None]:
    """Ask `docker-credential-<helper> get` for `server`, as the Docker CLI does.

    Only the helper's name and exit status ever reach a message: its output
    may hold the secret. A helper that has nothing for the server exits
    non-zero, and the pull goes on anonymously.
    """
    program = shutil.which(f"docker-credential-{helper}")
    if program is None:
        return None, (
            f"the Docker config names the credential helper docker-credential-{helper}, which is not installed; "
            f"set {USER_ENV} and {PASSWORD_ENV} instead"
        )
    try:
        completed = subprocess.run(
            [program, "get"], input=server.encode(), capture_output=True, timeout=HELPER_TIMEOUT_SECONDS, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None, f"the credential helper docker-credential-{helper} did not answer; continuing without credentials"
    if completed.returncode != 0:
        return None, None
    try:
        answer = json.loads(completed.stdout)
        user, secret = answer["Username"], answer["Secret"]
    except (ValueError, KeyError, TypeError):
        return None, f"the credential helper docker-credential-{helper} gave no credentials dockgate can read"
    if not isinstance(user, str) or not isinstance(secret, str) or not user or user == "<token>":
        # `<token>` marks an OAuth identity token, which needs a token exchange dockgate does not do.
        return None, f"the credential helper docker-credential-{helper} holds no user and password for {server}"
    return RegistryCredentials(user, secret, f"docker-credential-{helper}"), None


def _config_key_host(key: str) -> str:
    """`https://index.docker.io/v1/` -> `index.docker.io`, as the Docker CLI normalises `auths` keys."""
    return key.removeprefix("https://").removeprefix("http://").partition("/")[0]


def _object_member(data: dict[str, Any], key: str) -> dict[str, Any]:
    """`data[key]` when it is a JSON object, else an empty one."""
    member = data.get(key)
    return member if isinstance(member, dict) else {}


def _entry_credentials(entry: dict[str, Any], source: str) -> RegistryCredentials | None:
    """One `auths` entry's user and password: base64 `auth` first, as the Docker CLI reads it."""
    encoded = entry.get("auth")
    if isinstance(encoded, str) and encoded:
        try:
            user, colon, password = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return RegistryCredentials(user, password, source) if user and colon else None
    username, secret = entry.get("username"), entry.get("password")
    if isinstance(username, str) and isinstance(secret, str) and username:
        return RegistryCredentials(username, secret, source)
    return None


def _read_image(session: _RegistrySession, name: str, wanted: Platform | None, notices: list[str]) -> Image:
    """Manifest (through an index when there is one), config and lazy layers, as one Image."""
    media_type, digest, body = session.fetch_manifest(session.reference.manifest_id, None)
    platform = None
    if media_type in INDEX_TYPES:
        index = load_json(body, ImageIndex, f"{session.what}: index {digest}")
        entry = choose_manifest(index, wanted or host_platform(), session.what)
        media_type, digest, body = session.fetch_manifest(entry.digest, entry.media_type or None)
        if media_type in INDEX_TYPES:
            raise ImageError(f"{session.what}: index {entry.digest} inside an index is not supported")
        platform = entry.platform
        if len(index.manifests) > 1:  # the same words as the layout reader's
            notices.append(f"{name}: linted the {platform or 'only'} image of a multi-platform index")
    manifest = load_json(body, ImageManifest, f"{session.what}: manifest {digest}")
    # Registries also hold artifacts (Helm charts, signatures) in image manifests: their config says so.
    if manifest.config.media_type and manifest.config.media_type not in (OCI_CONFIG, DOCKER_CONFIG):
        raise ImageError(f"{session.what}: not a container image (its config is {_clean(manifest.config.media_type)})")
    config = session.fetch_config(manifest.config)
    platform = platform or config_platform(config)
    if wanted is not None and platform is not None and not _same_platform(wanted, platform):
        notices.append(f"{name} is a single-platform {platform} image; --platform {wanted} was not applied")
    history = pair_history(config, len(manifest.layers))
    # diff_ids pair with layers by position only when the counts agree.
    diff_ids = config.rootfs.diff_ids if len(config.rootfs.diff_ids) == len(manifest.layers) else []
    layers = [
        Layer(
            index=position,
            digest=descriptor.digest,
            diff_id=diff_ids[position] if diff_ids else None,
            size=descriptor.size,
            media_type=descriptor.media_type,
            history_index=history[position],
            open=functools.partial(session.open_blob, descriptor),
        )
        for position, descriptor in enumerate(manifest.layers)
    ]
    return Image(
        name=name,
        source="registry",
        config=config,
        layers=layers,
        digest=digest,
        platform=platform,
        annotations=dict(manifest.annotations or {}),
        notices=notices,
        close=session.close,
    )


def _same_platform(wanted: Platform, actual: Platform) -> bool:
    """Whether `actual` is what `wanted` asks for; a wanted platform without a variant takes any."""
    if (wanted.os, wanted.architecture) != (actual.os, actual.architecture):
        return False
    return wanted.variant is None or actual.variant in (None, wanted.variant)


@dataclass(frozen=True)
class _Challenge:
    """A parsed `WWW-Authenticate` header: the scheme in lower case and its parameters."""

    scheme: str
    params: dict[str, str]


def _parse_challenge(header: str) -> _Challenge | None:
    """A `WWW-Authenticate` header's first challenge, or None when there is none."""
    scheme, _, rest = header.strip().partition(" ")
    if not scheme:
        return None
    params: dict[str, str] = {}
    for match in _CHALLENGE_PARAM.finditer(rest):
        # The first value wins: a second challenge in the same header must not replace the realm.
        params.setdefault(match[1].lower(), match[2] if match[2] is not None else match[3])
    return _Challenge(scheme.lower(), params)


class _RegistrySession:
    """One repository on one registry: authenticated GETs with bounded bodies, verified digests."""

    def __init__(
        self,
        reference: ImageReference,
        credentials: RegistryCredentials | None,
        credential_notice: str | None,
        scheme: str,
        transport: httpx.BaseTransport | None,
    ) -> None:
        self.reference = reference
        self.what = f"registry {reference.registry}: {reference.short_name}"
        self._scheme = scheme
        self._base_url = f"{scheme}://{reference.api_host}/v2/{reference.repository}/"
        self._credentials = credentials
        self._credential_notice = credential_notice
        self._scope = f"repository:{reference.repository}:pull"
        self._use_basic = False
        self._tokens: dict[str, str] = {}
        self._client = httpx.Client(
            timeout=_TIMEOUT, transport=transport, headers={"User-Agent": f"dockgate/{__version__}"}
        )

    def __repr__(self) -> str:
        return f"<registry session {self._base_url}>"

    def close(self) -> None:
        self._client.close()

    def fetch_manifest(self, manifest_id: str, descriptor_type: str | None) -> tuple[str, str, bytes]:
        """(media type, digest, body) of a manifest or index; the body matches the digest."""
        response = self._get(f"manifests/{manifest_id}", accept=ACCEPT_MANIFESTS, follow_redirects=False)
        content_type = response.headers.get("Content-Type", "").partition(";")[0].strip()
        header_digest = response.headers.get("Docker-Content-Digest")
        body = self._read_all(response, MAX_MANIFEST_BYTES, f"manifest {manifest_id}")
        known = INDEX_TYPES | MANIFEST_TYPES | SCHEMA1_TYPES
        media_type = content_type if content_type in known else descriptor_type or _sniff(body)
        # Before the digest check: a signed schema 1 manifest's digest leaves out its signatures.
        if media_type in SCHEMA1_TYPES:
            raise ImageError(
                f"{self.what}: the registry sent a Docker schema 1 manifest, which dockgate cannot read; "
                "push the image again with a current client"
            )
        if media_type not in INDEX_TYPES | MANIFEST_TYPES:
            raise ImageError(
                f"{self.what}: {manifest_id} is not an image manifest or index ({content_type or 'no type'})"
            )
        expected = manifest_id if ":" in manifest_id else header_digest
        if expected:
            self._check_digest(body, expected, f"manifest {manifest_id}")
        return media_type, expected or "sha256:" + hashlib.sha256(body).hexdigest(), body

    def fetch_config(self, descriptor: Descriptor) -> ImageConfig:
        """The config blob, read eagerly (rules need it first) but never past MAX_CONFIG_BYTES."""
        what = f"config {descriptor.digest}"
        if descriptor.size > MAX_CONFIG_BYTES:
            raise ImageError(
                f"{self.what}: {what}: {descriptor.size} bytes, more than the {MAX_CONFIG_BYTES} a real one can be"
            )
        response = self._get(f"blobs/{descriptor.digest}", accept=None, follow_redirects=True)
        body = self._read_all(response, MAX_CONFIG_BYTES, what)
        self._check_digest(body, descriptor.digest, what)
        return load_json(body, ImageConfig, f"{self.what}: {what}", limit=MAX_CONFIG_BYTES)

    def open_blob(self, descriptor: Descriptor) -> BinaryIO:
        """A stream of the blob's bytes that checks the digest when it reaches the end."""
        response = self._get(f"blobs/{descriptor.digest}", accept=None, follow_redirects=True)
        what = f"{self.what}: layer {descriptor.digest}"
        return io.BufferedReader(
            _BlobReader(response, _hasher(descriptor.digest, what), descriptor.digest, what), _CHUNK_BYTES
        )

    def _get(self, path: str, *, accept: str | None, follow_redirects: bool) -> httpx.Response:
        """A streamed 200 response, authenticating once on 401; anything else is an ImageError."""
        response = self._send(path, accept, follow_redirects)
        if response.status_code == 401:
            challenge = _parse_challenge(response.headers.get("WWW-Authenticate", ""))
            response.close()
            self._authenticate(challenge)
            response = self._send(path, accept, follow_redirects)
            if response.status_code == 401:
                response.close()
                raise self._access_refused()
        if response.status_code != 200:
            raise ImageError(f"{self.what}: {self._error_text(response)}")
        return response

    def _send(self, path: str, accept: str | None, follow_redirects: bool) -> httpx.Response:
        """One GET with the current authorization; network failures become ImageError."""
        headers = {"Accept": accept} if accept else {}
        authorization = self._authorization()
        if authorization:
            headers["Authorization"] = authorization
        try:
            request = self._client.build_request("GET", self._base_url + path, headers=headers)
            return self._client.send(request, stream=True, follow_redirects=follow_redirects)
        except (httpx.HTTPError, httpx.InvalidURL) as error:
            raise ImageError(f"{self.what}: {_network_problem(error)}") from None

    def _authorization(self) -> str | None:
        """The header value earned so far: a token for this scope, else Basic once asked for it."""
        if self._scope in self._tokens:
            return f"Bearer {self._tokens[self._scope]}"
        if self._use_basic and self._credentials is not None:
            return self._credentials.basic_authorization()
        return None

    def _authenticate(self, challenge: _Challenge | None) -> None:
        """Answers a 401 challenge once; raises when it cannot be answered or was answered already."""
        if challenge is None:
            raise self._access_refused()
        if challenge.scheme == "basic":
            if self._credentials is None or self._use_basic:
                raise self._access_refused()
            self._use_basic = True
        elif challenge.scheme == "bearer":
            self._tokens[self._scope] = self._fetch_token(challenge)
        else:
            raise ImageError(
                f"{self.what}: the registry asks for {challenge.scheme!r} authentication, "
                "which dockgate does not support"
            )

    def _fetch_token(self, challenge: _Challenge) -> str:
        """A bearer token from the challenge's realm, with Basic credentials when the user has any."""
        realm = challenge.params.get("realm", "")
        try:
            url = httpx.URL(realm)
        except httpx.InvalidURL:
            url = httpx.URL()
        if url.scheme not in ("http", "https") or not url.host:
            raise ImageError(f"{self.what}: the registry's token service address {_clean(realm)!r} is not a URL")
        if url.scheme == "http" and self._scheme == "https":
            raise ImageError(
                f"{self.what}: the registry sends clients to a plain-http token service ({url.host}); refusing"
            )
        params = {"scope": challenge.params.get("scope") or self._scope}
        if challenge.params.get("service"):
            params["service"] = challenge.params["service"]
        headers: dict[str, str] = {}
        if self._credentials is not None:
            headers["Authorization"] = self._credentials.basic_authorization()
        try:
            request = self._client.build_request("GET", url, params=params, headers=headers)
            response = self._client.send(request, stream=True, follow_redirects=True)
        except (httpx.HTTPError, httpx.InvalidURL) as error:
            raise ImageError(f"{self.what}: token service {url.host}: {_network_problem(error)}") from None
        if response.status_code in (401, 403):
            response.close()
            raise self._access_refused(by="token service")
        if response.status_code != 200:
            raise ImageError(f"{self.what}: token service {url.host}: {self._error_text(response)}")
        body = self._read_all(response, _MAX_SMALL_BODY, "token response")
        try:
            data = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            data = None
        token = (data.get("token") or data.get("access_token")) if isinstance(data, dict) else None
        if not isinstance(token, str) or not _TOKEN.match(token):
            raise ImageError(f"{self.what}: token service {url.host} answered without a usable token")
        return token

    def _access_refused(self, by: str = "registry") -> ImageError:
        """The error for a final 401: what to set when there were no credentials, whose were refused."""
        if self._credentials is None:
            hint = f" ({self._credential_notice})" if self._credential_notice else ""
            return ImageError(
                f"{self.what}: authentication required; "
                f"set {USER_ENV} and {PASSWORD_ENV} or log in with docker login{hint}"
            )
        return ImageError(f"{self.what}: the {by} refused the credentials from {self._credentials.source}")

    def _read_all(self, response: httpx.Response, limit: int, what: str) -> bytes:
        """The whole body, read in chunks and abandoned as soon as it passes `limit` bytes."""
        chunks: list[bytes] = []
        total = 0
        try:
            for chunk in response.iter_bytes():
                total += len(chunk)
                if total > limit:
                    raise ImageError(f"{self.what}: {what}: more than {limit} bytes, more than a real one can be")
                chunks.append(chunk)
        except httpx.HTTPError as error:
            raise ImageError(f"{self.what}: {what}: {_network_problem(error)}") from None
        finally:
            response.close()
        return b"".join(chunks)

    def _redact(self, text: str) -> str:
        """`text` without any secret this session holds, should a hostile server echo one back."""
        secrets = list(self._tokens.values())
        if self._credentials is not None:
            secrets += [self._credentials.password, self._credentials.basic_authorization().partition(" ")[2]]
        for secret in secrets:
            if secret:
                text = text.replace(secret, "***")
        return text

    def _check_digest(self, data: bytes, expected: str, what: str) -> None:
        """Raises unless `data` hashes to `expected`: registries and redirects can serve other bytes."""
        hasher = _hasher(expected, f"{self.what}: {what}")
        hasher.update(data)
        if f"{hasher.name}:{hasher.hexdigest()}" != expected:
            raise ImageError(f"{self.what}: {what}: content does not match its digest")

    def _error_text(self, response: httpx.Response) -> str:
        """The registry's own error codes and messages (`manifest unknown`), else the HTTP status."""
        try:
            body = b""
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > _MAX_SMALL_BODY:
                    break
            data = json.loads(body)
        except (httpx.HTTPError, UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            data = None
        finally:
            response.close()
        errors = data.get("errors") if isinstance(data, dict) else None
        parts = []
        for error in errors if isinstance(errors, list) else []:
            if isinstance(error, dict):
                text = error.get("message") or str(error.get("code") or "").lower().replace("_", " ")
                parts.append(self._redact(_clean(str(text))))
        text = "; ".join(part for part in parts if part)
        return text or f"HTTP {response.status_code} {response.reason_phrase}".strip()


class _BlobReader(io.RawIOBase):
    """The body of a streamed blob response as a raw file; checks the digest at the end."""

    def __init__(self, response: httpx.Response, hasher: Any, digest: str, what: str) -> None:
        super().__init__()
        self._response = response
        self._chunks: Iterator[bytes] = response.iter_bytes(_CHUNK_BYTES)
        self._pending = b""
        self._hasher = hasher
        self._digest = digest
        self._what = what

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        """Copies the next bytes of the body into `buffer`; 0 at the end, after the digest check."""
        while not self._pending:
            try:
                chunk = next(self._chunks, None)
            except httpx.HTTPError as error:
                raise ImageError(f"{self._what}: {_network_problem(error)}") from None
            if chunk is None:
                if f"{self._hasher.name}:{self._hasher.hexdigest()}" != self._digest:
                    raise ImageError(f"{self._what}: content does not match its digest")
                return 0
            self._hasher.update(chunk)
            self._pending = chunk
        count = min(len(buffer), len(self._pending))
        buffer[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        return count

    def close(self) -> None:
        self._response.close()
        super().close()


def _hasher(digest: str, what: str) -> Any:
    """A hash object for `digest`'s algorithm; the OCI spec registers sha256 and sha512."""
    algorithm = digest.partition(":")[0]
    if algorithm not in ("sha256", "sha512"):
        raise ImageError(f"{what}: unsupported digest algorithm {_clean(algorithm)!r}")
    return hashlib.new(algorithm)


def _sniff(body: bytes) -> str | None:
    """The type of a manifest-like body that came without a useful Content-Type."""
    try:
        return sniff_media_type(json.loads(body))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return None


def _network_problem(error: Exception) -> str:
    """One line about a failed request; httpx's texts name the host or errno, never a header."""
    if isinstance(error, httpx.TimeoutException):
        return "timed out"
    if isinstance(error, httpx.ConnectError):
        return f"cannot connect ({_clean(str(error)) or 'connection failed'})"
    return _clean(str(error)) or type(error).__name__


def _clean(text: str) -> str:
    """Untrusted text made safe for one line of output: no control characters, bounded length."""
    text = " ".join("".join(char if char.isprintable() else " " for char in text).split())
    return text if len(text) <= _MAX_MESSAGE_CHARS else text[: _MAX_MESSAGE_CHARS - 1] + "…"
