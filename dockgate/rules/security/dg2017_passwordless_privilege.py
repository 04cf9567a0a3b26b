"""
## What it does
Reports RUN commands that hand out privilege without a password:
* a `NOPASSWD` sudoers rule written by the script (`echo "app ALL=(ALL)
  NOPASSWD: ALL" >> /etc/sudoers`);
* `passwd -d` (or `--delete`), which empties an account's password;
* `usermod`/`useradd -p ''` and `chpasswd`/`echo user: | chpasswd` with an
  empty password;
* `PermitRootLogin yes` or `PermitEmptyPasswords yes` written into an sshd
  configuration.

Commands are seen behind `sudo` and `env`; a `sed` counts only for what its
`s///` writes (`s/PermitRootLogin yes/PermitRootLogin no/` is fine). Here-
documents that a RUN writes (`cat <<EOF >> /etc/sudoers`) or that COPY/ADD
create are read too. Only stages that end up in an image are checked.

## Why is this bad?
Inside the container any process, including one an attacker gets to run
through the application, can become root without knowing a secret; with an
SSH server, anyone who reaches the port can log in. Passwordless `sudo` also
makes a later `USER app` meaningless.

## Example
```dockerfile
FROM debian:12
RUN useradd -m app && echo "app ALL=(ALL) NOPASSWD: ALL" >> /etc/sudoers
USER app
```

## Use instead
```dockerfile
FROM debian:12
# do the privileged work at build time, as root, then drop privileges for good
RUN useradd -m app && ./install-as-root.sh
USER app
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.analysis.shell import ShellCommand, ShellWord
from dockgate.dockerfile.model import Span
from dockgate.lazy_pattern import LazyPattern
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.evidence import NOPASSWD_TAG
from dockgate.rules.common.run_commands import instruction_line, unwrapped

RULE = RuleMeta(
    code="DG2017",
    name="passwordless-privilege",
    summary="RUN grants privilege without a password (NOPASSWD, empty password, root SSH login)",
    level=Level.WARNING,
    judges="image",
    security_severity=7.2,
    tags=("security", "CWE-258", "CWE-269", "CWE-521"),
    documentation=__doc__,
)

_SSHD_SETTING = LazyPattern(r"\b(PermitRootLogin|PermitEmptyPasswords)\s+yes\b")
# `root:` or `app:` alone: a chpasswd line with an empty password.
_EMPTY_PASSWORD_LINE = LazyPattern(r"[A-Za-z_][A-Za-z0-9_.-]*:\n?")
_WRITERS = frozenset({"echo", "printf", "sed", "tee", "cat", "perl"})


_NOPASSWD_MESSAGE = "A NOPASSWD sudoers rule lets any process in the container become root without a password"


def check(context: LintContext) -> Iterator[Violation]:
    shipped = context.what_ships.image_instruction_ids()
    for run in context.run_scripts:
        if run.script is None or id(run.owner) not in shipped:
            continue
        commands = [unwrapped(command) for command in run.script.commands]
        feeds_chpasswd = any(command.program == "chpasswd" for command in commands)
        for command in commands:
            found = _passwordless(command, feeds_chpasswd)
            if found is not None:
                word, message = found
                yield Violation(message, word.span if word is not None else command.name_span, instruction_line(run))
    # Here-documents that are data, not the script: `RUN cat <<EOF >> /etc/sudoers`, `COPY <<EOF /etc/sudoers.d/app`.
    scripts = {id(run.instruction): run.script for run in context.run_scripts}
    for stage in context.what_ships.image_stages():
        for instruction in stage.instructions:
            if instruction.keyword not in ("RUN", "COPY", "ADD"):
                continue
            script = scripts.get(id(instruction))
            for heredoc in instruction.heredocs:
                if heredoc.body_span is None or (script is not None and script.text == heredoc.content):
                    continue
                for number, line in enumerate(heredoc.content.split("\n")):
                    setting = _written_setting(line)
                    if setting is not None:
                        (start, end), message = setting
                        row = heredoc.body_span.line + number
                        yield Violation(message, Span(row, start + 1, row, end + 1), instruction.line)


def _passwordless(command: ShellCommand, feeds_chpasswd: bool) -> tuple[ShellWord | None, str] | None:
    program = command.program
    if program in _WRITERS:
        for word in command.words:
            written = _sed_replacement(word.value) if program == "sed" else word.value
            if written is None:
                continue
            found = _written_setting(written)
            if found is not None:
                return word, found[1]
        if feeds_chpasswd and program in ("echo", "printf"):
            for word in command.positional():
                if _EMPTY_PASSWORD_LINE.fullmatch(word.value):
                    return word, f"chpasswd is given an empty password ({word.value.strip()}); the account needs none to log in"
    elif program == "passwd":
        for word in command.words:
            if word.value in ("-d", "--delete"):
                return word, "passwd -d removes the account's password; anyone can log in or su to it"
    elif program in ("usermod", "useradd"):
        words = command.words
        for index, word in enumerate(words[:-1]):
            if word.value in ("-p", "--password") and words[index + 1].value == "":
                return words[index + 1], f"{program} sets an empty password; anyone can log in or su to the account"
    return None


def _written_setting(text: str) -> tuple[tuple[int, int], str] | None:
    """Where `text` grants passwordless access (a NOPASSWD rule, an sshd setting), and the message."""
    nopasswd = NOPASSWD_TAG.search(text)
    if nopasswd is not None:
        return nopasswd.span(), _NOPASSWD_MESSAGE
    setting = _SSHD_SETTING.search(text)
    if setting is not None:
        return setting.span(), f"{setting.group(1)} yes lets SSH clients log in as root or without a password"
    return None


def _sed_replacement(expression: str) -> str | None:
    """What `s/pattern/replacement/` writes; None for other words (what sed removes or matches is harmless)."""
    if len(expression) < 4 or expression[0] != "s" or expression[1].isalnum() or expression[1].isspace():
        return None
    delimiter = expression[1]
    parts: list[str] = [""]
    index = 2
    while index < len(expression):
        char = expression[index]
        if char == "\\" and index + 1 < len(expression):
            parts[-1] += expression[index : index + 2]
            index += 2
            continue
        if char == delimiter:
            parts.append("")
        else:
            parts[-1] += char
        index += 1
    return parts[1] if len(parts) >= 3 else None
