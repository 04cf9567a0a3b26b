"""
## What it does
Reports COPY and ADD of files that hold credentials, judged by their names:
SSH private keys (`id_rsa`, `id_ed25519`, …), private keys and key stores
(`*.key`, `*.pem`, `*.p12`, `*.pfx`), `.env` files, `.npmrc`, `.pypirc`,
`.netrc`, `.git-credentials`, `.aws/credentials`, `.docker/config.json`,
kubeconfig files and Terraform state. Public certificates and signing keys
(`ca.pem`, `cert.pem`, `*.pub`, `repo.gpg.key`) and example files
(`.env.example`) are not reported.

When the build context is on disk (the Dockerfile's folder, or `--context`),
it also reports such files in the context that a copy of the whole context
(`COPY . .`, `COPY * /app/`) in a stage that ships would send into the image
because `.dockerignore` does not exclude them (`.git` and `node_modules` are
not searched). The finding is on the `.` and names the files.

## Why is this bad?
Whatever is copied stays in the image layer, even if a later RUN deletes it,
and anyone who can pull the image can read it.

## Example
```dockerfile
FROM node:20
COPY .npmrc id_rsa /root/
RUN npm ci
```

## Use instead
```dockerfile
FROM node:20
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc \
    --mount=type=ssh npm ci
```
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from dockgate.analysis.dockerignore import (
    context_files,
    read_dockerignore,
    whole_context_sources,
)
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DG2006",
    name="credential-file-copied",
    summary="A file that holds credentials is copied into the image",
    level=Level.WARNING,
    judges="image",
    precision="medium",
    security_severity=7.5,
    tags=("security", "CWE-538", "CWE-522"),
    aliases=("DS-0031", "CIS-DI-0010", "CIS-4.10"),
    documentation=__doc__,
)

_NAMES = frozenset(
    {
        "id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk",
        ".env", ".npmrc", ".pypirc", ".netrc", "_netrc", ".git-credentials", ".pgpass",
        "kubeconfig", "terraform.tfstate", "terraform.tfstate.backup", "credentials.json",
    }
)  # fmt: skip
_PATH_ENDINGS = (".aws/credentials", ".docker/config.json", ".kube/config", ".ssh/id_rsa", ".ssh/id_ed25519")
_PRIVATE_EXTENSIONS = (".key", ".pem", ".p12", ".pfx")
# Parts of a file name that say it is public or an example (`ca.pem`, `nodesource.gpg.key`, `.env.example`).
_PUBLIC_HINT = re.compile(r"(^|[._-])(ca|cacert|cert|certs?|certificate|chain|fullchain|bundle|crt|pub|public|root|gpg|pgp|asc|signing|release|repo|archive|apt|keyring|dh|dhparams?|ffdhe\d*)([._-]|$)", re.IGNORECASE)
_EXAMPLE_SUFFIX = re.compile(r"\.(example|sample|template|dist|defaults?|tmpl|tpl|test|ci|local\.example)$", re.IGNORECASE)


def credential_kind(source: str) -> str | None:
    """Why `source` looks like a credential file, or None."""
    path = source.strip("'\"").rstrip("/")
    base = path.rsplit("/", 1)[-1]
    lower = base.lower()
    if "://" in path or not base:
        return None
    if lower in _NAMES:
        return "an SSH private key" if lower.startswith("id_") else f"a `{base}` file"
    if any(path.lower().endswith(ending) for ending in _PATH_ENDINGS):
        return f"`{path}`"
    if lower.startswith(".env.") and not _EXAMPLE_SUFFIX.search(lower):
        return "a `.env` file"
    if lower.endswith(_PRIVATE_EXTENSIONS) and not _PUBLIC_HINT.search(base.rsplit(".", 1)[0]):
        return "a private key or key store" if not lower.endswith(".pem") else "a PEM file that may hold a private key"
    return None


def check(context: LintContext) -> Iterator[Violation]:
    for owner in context.document.instructions:
        instruction = owner.effective
        if instruction.keyword not in ("COPY", "ADD") or len(instruction.args) < 2:
            continue
        heredoc_names = {heredoc.name for heredoc in instruction.heredocs}
        destination = instruction.args[-1].value.strip("'\"").rstrip("/").rsplit("/", 1)[-1]
        if destination.lower().endswith((".pub", ".asc", ".gpg", ".crt")):
            continue  # `COPY jenkins.io.key /war/jenkins-key.pub`: a public key, by its new name
        for source in instruction.args[:-1]:
            value = source.value.strip("'\"")
            if value.lstrip("<-") in heredoc_names and value.startswith("<<"):
                continue
            kind = credential_kind(value)
            if kind is not None:
                yield Violation(
                    f"{instruction.keyword} of {kind}: it stays readable in the image layer even if deleted later; "
                    "use RUN --mount=type=secret (or --mount=type=ssh) instead",
                    source.span,
                    owner.line,
                )
    yield from _context_credentials(context)


def _context_credentials(context: LintContext) -> Iterator[Violation]:
    """Credential files in the build context on disk that a whole-context copy ships."""
    if context.build_context is None:
        return
    shipped = context.what_ships.image_instruction_ids()
    sources = [
        (instruction, word)
        for instruction, word in whole_context_sources(context.document)
        if id(instruction) in shipped
    ]
    if not sources:
        return
    ignore = read_dockerignore(context.build_context, Path(context.path).name)
    credentials = [path for path in context_files(context.build_context, ignore) if credential_kind(path) is not None]
    if not credentials:
        return
    named = ", ".join(f"`{path}`" for path in credentials[:3])
    more = f" and {len(credentials) - 3} more" if len(credentials) > 3 else ""
    for instruction, word in sources:
        yield Violation(
            f"{instruction.keyword} {word.value} ships credential files from the build context ({named}{more}): "
            "exclude them in .dockerignore and use RUN --mount=type=secret instead",
            word.span,
            instruction.line,
        )
