"""
## What it does
Reports code or packages fetched over cleartext `http://`: a URL given to
`curl` or `wget`, an `ADD` source, a pip index (`--index-url`, `-i`,
`--extra-index-url`, `--find-links`, `-f`), and an npm, yarn or pnpm
registry (`--registry`, `config set registry`). Addresses on the build host
itself (`localhost`, `127.0.0.1`, `0.0.0.0`, `[::1]`,
`host.docker.internal`) are exempt, and so is a `curl` or
`wget` whose RUN checks what it downloaded (`sha256sum`, `sha512sum`,
`shasum`, `gpg`, `gpgv`, `cosign`, `minisign`), as is an `ADD` with
`--checksum`. apt and yum repository URLs are not reported: those tools
check package signatures themselves.

## Why is this bad?
Anyone on the network path (a hostile Wi-Fi, a compromised proxy, a DNS
spoof) can read and change a cleartext download. Whatever they serve runs
in the build or ships in the image.

## Example
```dockerfile
FROM python:3.12-slim
RUN curl -fsSLo /tmp/tool.tgz http://example.com/tool.tgz
RUN pip install --index-url http://pypi.internal/simple app
```

## Use instead
```dockerfile
FROM python:3.12-slim
RUN curl -fsSLo /tmp/tool.tgz https://example.com/tool.tgz \
    && echo "<sha256>  /tmp/tool.tgz" | sha256sum -c -
RUN pip install --index-url https://pypi.internal/simple app
```
"""

from __future__ import annotations

import re
from typing import Iterator

from dockgate.analysis.shell import ShellCommand, ShellWord
from dockgate.lazy_pattern import LazyPattern
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.run_commands import instruction_line, unwrapped

RULE = RuleMeta(
    code="DG2016",
    name="cleartext-download",
    summary="code or packages downloaded over cleartext http://",
    level=Level.WARNING,
    judges="build",
    security_severity=6.5,
    tags=("security", "CWE-319", "CWE-494"),
    documentation=__doc__,
)

# Addresses on the build machine itself: the traffic never crosses a network.
_CLEARTEXT_URL = LazyPattern(
    r"http://(?!(?:localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[::1\]|host\.docker\.internal)(?:[:/]|$))", re.IGNORECASE
)
_VERIFIERS = frozenset({"sha256sum", "sha512sum", "sha384sum", "sha224sum", "shasum", "gpg", "gpgv", "cosign", "minisign"})
_PIP_INDEX_OPTIONS = ("--index-url", "-i", "--extra-index-url", "--find-links", "-f")
_PIP_PROGRAMS = frozenset({"pip", "pip3", "pipenv", "uv"})
_NODE_PROGRAMS = frozenset({"npm", "yarn", "pnpm"})


def check(context: LintContext) -> Iterator[Violation]:
    for instruction in context.document.instructions:
        add = instruction.effective  # an ONBUILD ADD too, reported on the ONBUILD's line
        if add.keyword == "ADD" and add.flag("checksum") is None:
            for word in add.args[:-1]:
                if _CLEARTEXT_URL.match(word.value):
                    yield Violation(_message("ADD", word.value), word.span, instruction.line)
    for run in context.run_scripts:
        if run.script is None:
            continue
        commands = [unwrapped(command) for command in run.script.commands]
        verified = any(command.program in _VERIFIERS for command in commands)
        for command in commands:
            for url_word, url in _cleartext_urls(command, verified):
                yield Violation(_message(command.program, url), url_word.span, instruction_line(run))


def _cleartext_urls(command: ShellCommand, verified: bool) -> Iterator[tuple[ShellWord, str]]:
    program = command.program
    if program in ("curl", "wget"):
        if not verified:
            for word in command.positional():
                if _CLEARTEXT_URL.match(word.value):
                    yield word, word.value
        return
    if program in _PIP_PROGRAMS or (program.startswith("python") and command.has_argument("pip")):
        yield from _option_values(command, _PIP_INDEX_OPTIONS)
    elif program in _NODE_PROGRAMS:
        yield from _option_values(command, ("--registry",))
        values = command.arguments
        # `npm config set registry http://...`, `yarn config set registry http://...`
        for index in range(len(values) - 2):
            if values[index] == "set" and values[index + 1] in ("registry", "npmRegistryServer"):
                word = command.words[index + 2]
                if _CLEARTEXT_URL.match(word.value):
                    yield word, word.value


def _option_values(command: ShellCommand, options: tuple[str, ...]) -> Iterator[tuple[ShellWord, str]]:
    """The cleartext URLs given to `options`, as `--opt URL` or `--opt=URL` (the word holding the URL)."""
    words = command.words
    for index, word in enumerate(words):
        name, equals, attached = word.value.partition("=")
        if name not in options:
            continue
        if equals:
            if _CLEARTEXT_URL.match(attached):
                yield word, attached
        elif index + 1 < len(words) and _CLEARTEXT_URL.match(words[index + 1].value):
            yield words[index + 1], words[index + 1].value


def _message(tool: str, url: str) -> str:
    return f"{tool} fetches {_without_credentials(url)} over cleartext HTTP, open to tampering in transit; use https://"


def _without_credentials(url: str) -> str:
    # Never print a `user:password@` part (it is DG2005's finding, not ours to repeat).
    return re.sub(r"^(http://)[^/@]*@", r"\1***@", url, flags=re.IGNORECASE)

