"""
## What it does
Reports TLS certificate verification turned off: `curl -k`/`--insecure`,
`wget --no-check-certificate`, `git -c http.sslVerify=false` (and
`git config http.sslVerify false`), `pip --trusted-host`, npm/yarn/pnpm
`strict-ssl false` (set with `[config] set`; `npm install strict-ssl false`
installs two packages), yum/dnf `--setopt=[repo.]sslverify=0` and
`sslverify=0` written into a repository file (by `echo`/`printf` into a
file, `tee`, `sed`, or a here-document), and the variables
`GIT_SSL_NO_VERIFY` (any value: git only checks that it is set),
`PIP_TRUSTED_HOST`, `NODE_TLS_REJECT_UNAUTHORIZED=0`, `PYTHONHTTPSVERIFY=0`
and `NPM_CONFIG_STRICT_SSL=false`, whether ENV, an ARG default, `export` or
a prefix assignment on one command (`GIT_SSL_NO_VERIFY=1 git clone ...`)
sets them. Commands are seen behind wrappers (`sudo`, `env`, `xargs`, ...),
inside `sh -c '...'` and `su -c '...'`, and in exec-form RUN.

## Why is this bad?
Without certificate checks anyone on the network path can swap the
download for their own. Set in ENV, the setting also ships in the image and
weakens every connection the container makes at run time.

## Example
```dockerfile
FROM python:3.12-slim
ENV NODE_TLS_REJECT_UNAUTHORIZED=0
RUN pip install --trusted-host pypi.org requests
```

## Use instead
```dockerfile
FROM python:3.12-slim
# a private CA: install it instead of turning verification off
COPY corp-ca.crt /usr/local/share/ca-certificates/
RUN update-ca-certificates && pip install requests
```
"""

from __future__ import annotations

import re
from typing import Iterator

from dockgate.analysis.shell import RunScript, ShellCommand
from dockgate.dockerfile.model import Span
from dockgate.lazy_pattern import LazyPattern
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.evidence import (
    FALSE_WORDS,
    disables_tls_verification,
    sed_written_text,
    variable_settings,
)
from dockgate.rules.common.run_commands import instruction_line, run_commands

RULE = RuleMeta(
    code="DG2002",
    name="tls-verification-disabled",
    summary="TLS certificate verification is turned off",
    level=Level.WARNING,
    judges="build",
    security_severity=7.4,
    tags=("security", "CWE-295"),
    aliases=(
        "CKV2_DOCKER_2",
        "CKV2_DOCKER_3",
        "CKV2_DOCKER_4",
        "CKV2_DOCKER_5",
        "CKV2_DOCKER_6",
        "CKV2_DOCKER_12",
        "CKV2_DOCKER_13",
        "CKV2_DOCKER_14",
        "CKV2_DOCKER_16",
    ),
    documentation=__doc__,
)

# curl short options that take a value: the letters after one of these are its value.
_CURL_SHORT_WITH_VALUE = frozenset("AbcCdDeEFHKmoPQrtTuUwxXyYz")


def _curl_insecure(command: ShellCommand) -> Iterator[Span]:
    for word in command.words:
        value = word.value
        if value == "--insecure" or value == "--proxy-insecure":
            yield word.span
        elif value.startswith("-") and not value.startswith("--"):
            for letter in value[1:]:
                if letter == "k":
                    yield word.span
                    break
                if letter in _CURL_SHORT_WITH_VALUE:
                    break


def _git_insecure(command: ShellCommand) -> Iterator[Span]:
    words = command.words
    for index, word in enumerate(words):
        value = word.value.lower()
        setting = None
        if value == "-c" and index + 1 < len(words):
            setting, span = words[index + 1].value.lower(), words[index + 1].span
        elif value.startswith("-c") and "=" in value:
            setting, span = value[2:], word.span
        if setting is not None:
            key, _, setting_value = setting.partition("=")
            if key.startswith("http.") and key.endswith(".sslverify") or key == "http.sslverify":
                if setting_value in FALSE_WORDS:
                    yield span
        elif (value == "http.sslverify" or value.startswith("http.") and value.endswith(".sslverify")) and index + 1 < len(words):
            if words[index + 1].value.lower() in FALSE_WORDS and any(w.value == "config" for w in words[:index]):
                yield word.span


def _pip_trusted_host(command: ShellCommand) -> Iterator[Span]:
    words = command.words
    if command.program.startswith("python") and not any(
        word.value == "-m" and index + 1 < len(words) and words[index + 1].value == "pip" for index, word in enumerate(words)
    ):
        return
    for index, word in enumerate(words):
        value = word.value
        if value == "--trusted-host" or value.startswith("--trusted-host=") or value in ("global.trusted-host", "install.trusted-host") and any(w.value == "config" for w in words[:index]):
            yield word.span


def _node_strict_ssl(command: ShellCommand) -> Iterator[Span]:
    words = command.words
    for index, word in enumerate(words):
        value = word.value.lower()
        key, equals, setting = value.partition("=")
        if not key.startswith("-") and not any(earlier.value == "set" for earlier in words[:index]):
            continue  # `npm install strict-ssl false` installs two packages; only `[config] set` sets
        if value in ("strict-ssl", "--strict-ssl", "strictssl") and index + 1 < len(words):
            if words[index + 1].value.lower() in FALSE_WORDS:
                yield word.span
        elif equals and key in ("strict-ssl", "--strict-ssl", "strictssl") and setting in FALSE_WORDS or value == "--no-strict-ssl":
            yield word.span


_RPM_TOOLS = frozenset({"yum", "dnf", "microdnf", "tdnf", "yum-config-manager", "dnf-config-manager"})
_SSLVERIFY_OFF = LazyPattern(r"(?<![\w])sslverify\s*=\s*[\"']?(0|false|no|off)\b", re.IGNORECASE)
# Commands that write text into a file (a repository definition) or edit one.
_FILE_EDITORS = frozenset({"tee", "sed", "crudini"})
_PRINTERS = frozenset({"echo", "printf"})
# After a printing command: its output redirected into a file, or piped into `tee`.
_INTO_FILE = LazyPattern(r"[^;&|\n]*(?:>|\|\s*(?:sudo\s+)?tee\b)")


def _rpm_sslverify(command: ShellCommand) -> Iterator[Span]:
    """`--setopt=[repo.]sslverify=0` given to yum or dnf (as one word, or `--setopt` then the setting)."""
    words = command.words
    for index, word in enumerate(words):
        if word.value.startswith("--setopt="):
            setting, span = word.value[len("--setopt=") :], word.span
        elif word.value == "--setopt" and index + 1 < len(words):
            setting, span = words[index + 1].value, word.span.covering(words[index + 1].span)
        else:
            continue
        key, _, value = setting.partition("=")
        if key.rpartition(".")[2].lower() == "sslverify" and value.lower() in FALSE_WORDS:
            yield span


def _written_sslverify(command: ShellCommand, script_text: str) -> Iterator[Span]:
    """`sslverify=0` in text that `tee`, `sed` or `crudini` write, or that `echo`/`printf` write into a
    file (a `.repo` file); `script_text` is the script the command's word offsets refer to."""
    if command.program in _PRINTERS:
        end = command.words[-1].end if command.words else 0
        if command.runner is not None or not _INTO_FILE.match(script_text, end):
            return  # printed, not written (or, inside `sh -c`, not known)
    for word in command.words:
        # `printf '[x]\nsslverify=0'`: the escape is a line break.
        text = sed_written_text(word.value) if command.program == "sed" else word.value.replace("\\n", "\n")
        if _SSLVERIFY_OFF.search(text):
            yield word.span


def _exported(command: ShellCommand) -> Iterator[Span]:
    for word in command.words:
        name, equals, value = word.value.partition("=")
        if equals and disables_tls_verification(name, value):
            yield word.span


_CHECKS = {
    "curl": (_curl_insecure, "`curl {word}` skips certificate verification"),
    "wget": (None, "`wget --no-check-certificate` skips certificate verification"),
    "git": (_git_insecure, "git with `http.sslVerify` off skips certificate verification"),
    "npm": (_node_strict_ssl, "`strict-ssl false` makes {program} skip certificate verification"),
    "yarn": (_node_strict_ssl, "`strict-ssl false` makes {program} skip certificate verification"),
    "pnpm": (_node_strict_ssl, "`strict-ssl false` makes {program} skip certificate verification"),
    "export": (_exported, "`{word}` turns certificate verification off for what runs next"),
    "declare": (_exported, "`{word}` turns certificate verification off for what runs next"),
}
_ADVICE = "; install the CA certificate the server needs instead"


def _run_findings(command: ShellCommand, script_text: str) -> Iterator[tuple[Span, str]]:
    program = command.program
    for name, value, word in command.assigned():
        if disables_tls_verification(name, value):
            yield word.span, f"`{name}={value}` turns certificate verification off for `{program}`"
    if program in _RPM_TOOLS:
        for span in _rpm_sslverify(command):
            yield span, f"`sslverify` off makes {program} skip certificate verification"
        return
    if program in _FILE_EDITORS or program in _PRINTERS:
        for span in _written_sslverify(command, script_text):
            yield span, "a repository with `sslverify` off is read without certificate verification"
        return
    if program == "wget":
        for word in command.words:
            if word.value == "--no-check-certificate":
                yield word.span, "`wget --no-check-certificate` skips certificate verification"
        return
    if program.startswith(("pip", "python")):
        for span in _pip_trusted_host(command):
            yield span, "`pip --trusted-host` accepts the host without a valid certificate"
        return
    entry = _CHECKS.get(program)
    if entry is None:
        return
    finder, template = entry
    assert finder is not None
    for span in finder(command):
        written = next((w.value for w in command.words if w.span == span), "")
        yield span, template.format(word=written, program=program)


def _heredoc_sslverify(run: RunScript) -> Iterator[Span]:
    """`sslverify=0` in a here-document a RUN writes (`cat > /etc/yum.repos.d/x.repo <<EOF`)."""
    script = run.script
    for heredoc in run.instruction.heredocs:
        if heredoc.body_span is None or (script is not None and script.text == heredoc.content):
            continue  # the RUN's own script: its commands are read above
        for number, line in enumerate(heredoc.content.split("\n")):
            found = _SSLVERIFY_OFF.search(line)
            if found is not None:
                line_number = heredoc.body_span.line + number
                yield Span(line_number, found.start() + 1, line_number, found.end() + 1)


def check(context: LintContext) -> Iterator[Violation]:
    findings: list[Violation] = []
    for setting in variable_settings(context):
        if disables_tls_verification(setting.name, setting.value):
            findings.append(
                Violation(
                    f"{setting.instruction.keyword} {setting.name} turns certificate verification off"
                    f"{' in the image' if setting.instruction.keyword == 'ENV' else ''}{_ADVICE}",
                    setting.name_span.covering(setting.span),
                    setting.owner.line,
                )
            )
    for run, command in run_commands(context, unwrap=True):
        assert run.script is not None
        for span, message in _run_findings(command, run.script.text):
            findings.append(Violation(message + _ADVICE, span, instruction_line(run)))
    for run in context.run_scripts:
        for span in _heredoc_sslverify(run):
            message = "a repository with `sslverify` off is read without certificate verification"
            findings.append(Violation(message + _ADVICE, span, instruction_line(run)))
    findings.sort(key=lambda violation: (violation.span.line, violation.span.column))
    yield from findings
