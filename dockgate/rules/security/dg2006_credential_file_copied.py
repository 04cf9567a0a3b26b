"""
## What it does
Reports COPY and ADD of files that hold credentials, judged by their names:
SSH private keys (`id_rsa`, `id_ed25519`, …), private keys and key stores
(`*.key`, `*.pem`, `*.p12`, `*.pfx`), `.env` files, `.npmrc`, `.pypirc`,
`.netrc`, `.git-credentials`, `.aws/credentials`, `.docker/config.json`,
kubeconfig files and Terraform state. Public certificates and signing keys
(`ca.pem`, `cert.pem`, `*.pub`, `repo.gpg.key`) and example files
(`.env.example`) are not reported.

A copy is also judged by where it goes: a COPY or ADD whose destination is
a variable that names a credential file (`COPY ./config $AWS_CONFIG_FILE`,
`COPY key.json ${GOOGLE_APPLICATION_CREDENTIALS}`), and an ARG or ENV that
sets such a variable (`GOOGLE_APPLICATION_CREDENTIALS`,
`AWS_SHARED_CREDENTIALS_FILE`, `AWS_CONFIG_FILE`, `AZURE_AUTH_LOCATION`,
`KUBECONFIG`, `PGPASSFILE`, `NETRC`) to a path inside what a COPY or ADD of
the same stage chain writes (`COPY src /app/` with
`ENV GOOGLE_APPLICATION_CREDENTIALS=/app/key.json`), relative paths taken
from the working directory. The same variable pointing at a path no copy
writes is a file provided at run time (a volume, a secret), and passes.

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

import posixpath
import re
from pathlib import Path
from typing import Iterator

from dockgate.analysis.dockerignore import (
    context_files,
    read_dockerignore,
    whole_context_sources,
)
from dockgate.analysis.semantics import Stage
from dockgate.dockerfile.model import Instruction
from dockgate.lazy_pattern import LazyPattern
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
_PUBLIC_HINT = LazyPattern(r"(^|[._-])(ca|cacert|cert|certs?|certificate|chain|fullchain|bundle|crt|pub|public|root|gpg|pgp|asc|signing|release|repo|archive|apt|keyring|dh|dhparams?|ffdhe\d*)([._-]|$)", re.IGNORECASE)
_EXAMPLE_SUFFIX = LazyPattern(r"\.(example|sample|template|dist|defaults?|tmpl|tpl|test|ci|local\.example)$", re.IGNORECASE)


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


# Variables whose value is the path of a file that holds credentials, read by the tools named.
CREDENTIAL_FILE_VARIABLES = {
    "GOOGLE_APPLICATION_CREDENTIALS": "a Google Cloud credentials file",
    "CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE": "a Google Cloud credentials file",
    "AWS_SHARED_CREDENTIALS_FILE": "the AWS credentials file",
    "AWS_CONFIG_FILE": "the AWS config file (it can hold access keys)",
    "AZURE_AUTH_LOCATION": "an Azure credentials file",
    "KUBECONFIG": "a kubeconfig file",
    "PGPASSFILE": "a PostgreSQL password file",
    "NETRC": "a .netrc file",
}
_VARIABLE_DESTINATION = LazyPattern(r"\$\{?(\w+)")
_MESSAGE_END = "it stays readable in the image layer; provide it at run time or use RUN --mount=type=secret instead"


def check(context: LintContext) -> Iterator[Violation]:
    yield from _copied_by_name(context)
    yield from _copied_by_destination(context)
    yield from _context_credentials(context)


def _copied_by_name(context: LintContext) -> Iterator[Violation]:
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


def _copied_by_destination(context: LintContext) -> Iterator[Violation]:
    """COPY to `$AWS_CONFIG_FILE`, and credential-file variables pointing into what a COPY writes."""
    semantics = context.semantics
    for stage in semantics.stages:
        copies: list[tuple[str, Instruction]] = []  # (absolute destination, COPY/ADD) of the chain so far
        chain: list[Stage] = []
        member: Stage | None = stage
        while member is not None:
            chain.insert(0, member)
            member = member.base_stage
        workdir = "/"  # an unknown image's WORKDIR stands in as `/`: COPY and ENV are compared from the same one
        for member in chain:
            for instruction in member.instructions:
                if instruction.keyword == "WORKDIR" and len(instruction.args) == 1:
                    value = semantics.expand_in(instruction, instruction.args[0].value).value
                    workdir = posixpath.normpath(posixpath.join(workdir, value)) if value else workdir
                elif instruction.keyword in ("COPY", "ADD") and len(instruction.args) >= 2:
                    destination = instruction.args[-1]
                    variable = _VARIABLE_DESTINATION.match(destination.value)
                    if member is stage and variable is not None and variable.group(1) in CREDENTIAL_FILE_VARIABLES:
                        yield Violation(
                            f"{instruction.keyword} to ${variable.group(1)} puts "
                            f"{CREDENTIAL_FILE_VARIABLES[variable.group(1)]} in the image: {_MESSAGE_END}",
                            destination.span,
                            instruction.line,
                        )
                    expanded = semantics.expand_in(instruction, destination.value).value
                    if expanded:
                        copies.append((_absolute(workdir, expanded.strip("'\"")), instruction))
                elif member is stage and instruction.keyword in ("ARG", "ENV"):
                    yield from _pointing_into_copies(context, instruction, workdir, copies)


def _pointing_into_copies(
    context: LintContext, instruction: Instruction, workdir: str, copies: list[tuple[str, Instruction]]
) -> Iterator[Violation]:
    for definition in context.semantics.definitions(instruction):
        what = CREDENTIAL_FILE_VARIABLES.get(definition.key)
        if what is None or definition.value is None or not definition.value.value:
            continue
        path = _absolute(workdir, definition.value.value.strip().strip("'\""))
        for destination, copy in copies:
            if path == destination or path.startswith(destination.rstrip("/") + "/"):
                yield Violation(
                    f"{instruction.keyword} {definition.key} points at {path}, inside what the {copy.keyword} "
                    f"on line {copy.line} writes: that puts {what} in the image; {_MESSAGE_END}",
                    definition.word.span,
                    instruction.line,
                )
                break


def _absolute(workdir: str, path: str) -> str:
    joined = posixpath.normpath(posixpath.join(workdir, path))
    return "/" + joined.lstrip("/")


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
