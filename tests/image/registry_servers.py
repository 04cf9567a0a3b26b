"""Registries for the registry tests, all on 127.0.0.1 and stopped by whoever starts them.

`RegistryProcess` runs distribution (`docker-registry serve`, in-memory
storage) without auth, with htpasswd Basic auth, or with token auth backed by
`TokenServer`, a stdlib token service that signs ES256 JWTs the way
distribution's `auth.token` expects (images.md 7.4). `RedirectingRegistry` is
a small fake registry whose blobs redirect to a `HeaderRecorder` on another
origin, to see which headers follow a redirect.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import http.server
import json
import socket
import subprocess
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID

from dockgate.image.models import OCI_INDEX, OCI_MANIFEST

USER = "fixture"
PASSWORD = "s3cret"
BASIC_AUTHORIZATION = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
# bcrypt of fixture:s3cret, precomputed (images.md 10.4): Python 3.13 has no crypt module.
HTPASSWD_LINE = "fixture:$2b$05$v8Ibj1/8RKqM5lMAjFFe5uQ19Y9jF5D7gmPnyAavZvjL5QVldmWde"
TOKEN_SERVICE = "fixture-registry"
TOKEN_ISSUER = "fixture-issuer"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RegistryProcess:
    """A `docker-registry serve` child process; `auth` is the YAML of its `auth:` block, if any."""

    def __init__(self, workdir: Path, name: str, auth: str | None = None) -> None:
        self.workdir = workdir
        self.name = name
        self.auth = auth
        self.host = ""
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> RegistryProcess:
        # Another process can take the free port before the registry binds it: try a few.
        for _attempt in range(3):
            self.host = f"127.0.0.1:{free_port()}"
            config = self.workdir / f"{self.name}.yml"
            lines = [
                "version: 0.1",
                "log: {level: error, accesslog: {disabled: true}}",
                "storage: {inmemory: {}}",
                f'http: {{addr: "{self.host}", secret: not-a-secret}}',
            ]
            if self.auth:
                lines.append(f"auth: {self.auth}")
            config.write_text("\n".join(lines) + "\n", encoding="utf-8")
            log = (self.workdir / f"{self.name}.log").open("wb")
            self._process = subprocess.Popen(["docker-registry", "serve", str(config)], stdout=log, stderr=log)
            log.close()
            if self._wait_until_up():
                return self
            self.stop()
        raise RuntimeError(f"docker-registry {self.name} did not start; see {self.workdir / self.name}.log")

    def _wait_until_up(self) -> bool:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and self._process is not None and self._process.poll() is None:
            try:
                httpx.get(f"http://{self.host}/v2/", timeout=1)  # 401 also means "up"
                return True
            except httpx.HTTPError:
                time.sleep(0.02)
        return False

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            self._process = None


class _QuietHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        """Test servers stay silent; the tests assert on what they record instead."""

    def send_body(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _ThreadedServer:
    """An http.server on 127.0.0.1 serving from a daemon thread, for use as a context manager."""

    def __init__(self, handler: type[http.server.BaseHTTPRequestHandler]) -> None:
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.owner = self  # type: ignore[attr-defined]
        self.port = int(self._server.server_address[1])
        # A short poll interval: shutdown() waits for the serving loop's next look at its flag.
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def __enter__(self) -> Any:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


class TokenServer(_ThreadedServer):
    """Issues registry tokens: pull for anyone, everything asked for to fixture:s3cret, 401 for wrong credentials."""

    def __init__(self, workdir: Path) -> None:
        super().__init__(_TokenHandler)
        self.realm = f"http://127.0.0.1:{self.port}/token"
        self.requests: list[dict[str, str | None]] = []
        self._key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "dockgate test token issuer")])
        now = datetime.datetime.now(datetime.timezone.utc)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self._key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .sign(self._key, hashes.SHA256())
        )
        self.certificate_path = workdir / "token-issuer.pem"
        self.certificate_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        self._x5c = base64.b64encode(certificate.public_bytes(serialization.Encoding.DER)).decode()

    def registry_auth(self) -> str:
        """The `auth:` block that makes distribution trust this server's tokens."""
        return (
            f'{{token: {{realm: "{self.realm}", service: {TOKEN_SERVICE}, issuer: {TOKEN_ISSUER}, '
            f'rootcertbundle: "{self.certificate_path}"}}}}'
        )

    def token_for(self, scope: str, authorization: str | None) -> str | None:
        """A signed token for `scope`, or None when the credentials are wrong."""
        if authorization is not None and authorization != BASIC_AUTHORIZATION:
            return None
        access = []
        if scope:
            kind, name, actions = scope.split(":")
            granted = actions.split(",") if authorization else [a for a in actions.split(",") if a == "pull"]
            access.append({"type": kind, "name": name, "actions": granted})
        now = int(time.time())
        claims = {
            "iss": TOKEN_ISSUER,
            "sub": USER if authorization else "",
            "aud": TOKEN_SERVICE,
            "iat": now,
            "nbf": now - 60,
            "exp": now + 300,
            "jti": str(now),
            "access": access,
        }
        header = {"typ": "JWT", "alg": "ES256", "x5c": [self._x5c]}
        signing_input = f"{_b64url(json.dumps(header).encode())}.{_b64url(json.dumps(claims).encode())}"
        r, s = decode_dss_signature(self._key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
        return f"{signing_input}.{_b64url(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class _TokenHandler(_QuietHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        server: TokenServer = self.server.owner  # type: ignore[attr-defined]
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        scope = query.get("scope", [""])[0]
        authorization = self.headers.get("Authorization")
        server.requests.append({"scope": scope, "authorization": authorization})
        token = server.token_for(scope, authorization)
        if token is None:
            self.send_body(401, b'{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}', {})
            return
        self.send_body(
            200, json.dumps({"token": token, "expires_in": 300}).encode(), {"Content-Type": "application/json"}
        )


class HeaderRecorder(_ThreadedServer):
    """Serves `blobs` by path and records the headers of every request it gets."""

    def __init__(self, blobs: dict[str, bytes]) -> None:
        super().__init__(_RecordingHandler)
        self.blobs = blobs
        self.requests: list[dict[str, str]] = []


class _RecordingHandler(_QuietHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        server: HeaderRecorder = self.server.owner  # type: ignore[attr-defined]
        server.requests.append({name.lower(): value for name, value in self.headers.items()})
        body = server.blobs.get(self.path)
        if body is None:
            self.send_body(404, b"", {})
        else:
            self.send_body(200, body, {"Content-Type": "application/octet-stream"})


class RedirectingRegistry(_ThreadedServer):
    """A Basic-auth registry with one image `app:1.0`, whose blobs redirect to `redirect_base`."""

    def __init__(self, config: bytes, layer: bytes, redirect_base: str) -> None:
        super().__init__(_RedirectingHandler)
        self.redirect_base = redirect_base
        manifest = {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {
                "mediaType": "application/vnd.oci.image.config.v1+json",
                "digest": sha256_digest(config),
                "size": len(config),
            },
            "layers": [
                {
                    "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                    "digest": sha256_digest(layer),
                    "size": len(layer),
                }
            ],
        }
        self.manifest = json.dumps(manifest).encode()
        self.authorizations: list[str | None] = []


def sha256_digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


class _RedirectingHandler(_QuietHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        server: RedirectingRegistry = self.server.owner  # type: ignore[attr-defined]
        authorization = self.headers.get("Authorization")
        server.authorizations.append(authorization)
        if authorization != BASIC_AUTHORIZATION:
            self.send_body(401, b"", {"WWW-Authenticate": 'Basic realm="fake"'})
        elif self.path == "/v2/app/manifests/1.0":
            headers = {
                "Content-Type": "application/vnd.oci.image.manifest.v1+json",
                "Docker-Content-Digest": sha256_digest(server.manifest),
            }
            self.send_body(200, server.manifest, headers)
        elif self.path.startswith("/v2/app/blobs/"):
            digest = self.path.rpartition("/")[2]
            self.send_body(307, b"", {"Location": f"{server.redirect_base}/{digest}"})
        else:
            self.send_body(404, b"", {})


# --- images for the registries ------------------------------------------------------------------


def run_tool(*command: str | Path) -> None:
    subprocess.run([str(part) for part in command], check=True, capture_output=True, timeout=60)


def add_platform_index(layout: Path, new_tag: str, tags: list[str]) -> None:
    """Tag an OCI image index in `layout` that lists the manifests of `tags` with their platforms."""
    index_path = layout / "index.json"
    index = json.loads(index_path.read_text())
    entries = []
    for tag in tags:
        descriptor = next(d for d in index["manifests"] if d["annotations"]["org.opencontainers.image.ref.name"] == tag)
        manifest = json.loads(layout_blob(layout, descriptor["digest"]))
        config = json.loads(layout_blob(layout, manifest["config"]["digest"]))
        platform = {"os": config["os"], "architecture": config["architecture"]}
        entries.append(
            {
                "mediaType": OCI_MANIFEST,
                "digest": descriptor["digest"],
                "size": descriptor["size"],
                "platform": platform,
            }
        )
    body = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": entries}).encode()
    (layout / "blobs" / "sha256" / hashlib.sha256(body).hexdigest()).write_bytes(body)
    index["manifests"].append(
        {
            "mediaType": OCI_INDEX,
            "digest": sha256_digest(body),
            "size": len(body),
            "annotations": {"org.opencontainers.image.ref.name": new_tag},
        }
    )
    index_path.write_text(json.dumps(index))


def layout_blob(layout: Path, digest: str) -> bytes:
    return (layout / "blobs" / "sha256" / digest.partition(":")[2]).read_bytes()


def push_forms(layout: Path, host: str, forms: tuple[str, ...], *credentials: str, repository: str = "bad/app") -> None:
    """Push tags of `layout` as `forms`: a `-v2s2` suffix converts to Docker schema 2, `multi` is an index."""
    for form in forms:
        tag = form.removesuffix("-v2s2")
        options = (["--format", "v2s2"] if form.endswith("-v2s2") else []) + (["--all"] if tag == "multi" else [])
        run_tool(
            "skopeo",
            "--insecure-policy",
            "copy",
            "-q",
            "--dest-tls-verify=false",
            *credentials,
            *options,
            f"oci:{layout}:{tag}",
            f"docker://{host}/{repository}:{form}",
        )
