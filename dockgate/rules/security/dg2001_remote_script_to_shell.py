"""
## What it does
Reports a script downloaded and run in one step: `curl … | sh`,
`wget -O- … | bash`, `… | python3 -`, `bash <(curl …)`,
`sh -c "$(curl …)"` and `eval "$(wget -qO- …)"`, in RUN lines and in the
heredoc bodies they run.

## Why is this bad?
Whatever the server (or anyone between it and the build) sends is executed
with the build's privileges, unseen and unverified. A compromised or
truncated download runs as it is, and the next build may run something else.

## Example
```dockerfile
FROM debian:bookworm
RUN curl -fsSL https://example.com/install.sh | sh
```

## Use instead
```dockerfile
FROM debian:bookworm
ADD --checksum=sha256:3b0c… https://example.com/install.sh /tmp/install.sh
RUN sh /tmp/install.sh
```
"""

from __future__ import annotations

from itertools import pairwise
from typing import Iterator

from dockgate.analysis.shell import ShellCommand, ShellScript
from dockgate.lazy_pattern import LazyPattern
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.run_commands import instruction_line, unwrapped

RULE = RuleMeta(
    code="DG2001",
    name="remote-script-to-shell",
    summary="A downloaded script is piped into a shell or interpreter",
    level=Level.WARNING,
    judges="build",
    security_severity=7.5,
    tags=("security", "CWE-494", "CWE-829"),
    documentation=__doc__,
)

DOWNLOADERS = frozenset({"curl", "wget"})
SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "busybox"})
INTERPRETERS = SHELLS | frozenset({"python", "python2", "python3", "perl", "ruby", "node", "php"})
# Options with which an interpreter takes its program from an argument, not stdin.
_PROGRAM_IN_ARGUMENT = frozenset("cemrp")
_SUBSTITUTED_DOWNLOAD = LazyPattern(r"(?:\$\(|`|<\()\s*(?:\S*/)?(curl|wget)\b")
# Redirections (`2>&1`, `&>log`) between a command and its pipe.
_REDIRECTION = LazyPattern(r"\d*(?:&>>?|>&\d*-?|<&\d*-?)")


def _writes_to_stdout(command: ShellCommand) -> bool:
    """curl prints unless told to write a file; wget only with `-O -`."""
    words = [word.value for word in command.words]
    if command.program == "curl":
        for index, value in enumerate(words):
            target = None
            if value in ("-o", "--output"):
                target = words[index + 1] if index + 1 < len(words) else ""
            elif value.startswith("--output="):
                target = value.split("=", 1)[1]
            elif value.startswith("-") and not value.startswith("--") and "o" in value[1:]:
                rest = value[value.index("o", 1) + 1 :]
                target = rest or (words[index + 1] if index + 1 < len(words) else "")
            elif value in ("-O", "--remote-name", "--remote-name-all") or (
                value.startswith("-") and not value.startswith("--") and "O" in value[1:]
            ):
                return False
            if target is not None and target not in ("-", "/dev/stdout"):
                return False
        return True
    for index, value in enumerate(words):
        target = None
        if value in ("-O", "--output-document"):
            target = words[index + 1] if index + 1 < len(words) else ""
        elif value.startswith("--output-document="):
            target = value.split("=", 1)[1]
        elif value.startswith("-") and not value.startswith("--") and "O" in value[1:]:
            rest = value[value.index("O", 1) + 1 :]
            target = rest or (words[index + 1] if index + 1 < len(words) else "")
        if target is not None:
            return target in ("-", "/dev/stdout")
    return False


def _reads_program_from_stdin(command: ShellCommand) -> bool:
    program = command.program
    words = command.words
    if program == "busybox":
        if not words or words[0].value not in SHELLS:
            return False
        words = words[1:]
    for word in words:
        value = word.value
        if value in ("-", "--"):
            return True
        if value.startswith("--"):
            continue
        if value.startswith("-"):
            if value[1:2] == "s" and program in SHELLS:
                return True
            if any(letter in _PROGRAM_IN_ARGUMENT for letter in value[1:]) and not (program in SHELLS and "c" not in value):
                return False
            continue
        return value in ("/dev/stdin", "/proc/self/fd/0")  # else a script file
    return True


def _command_start(script: ShellScript, raw: ShellCommand, after: int) -> int:
    return script.text.find(raw.name, after)


def _piped_pairs(script: ShellScript) -> Iterator[tuple[ShellCommand, ShellCommand]]:
    """Consecutive commands joined by a pipe: (writer, reader as run)."""
    text = script.text
    pipes = script.pipes
    commands = script.commands
    for writer, reader in pairwise(commands):
        if not writer.words:
            continue
        writer_end = writer.words[-1].end
        for pipe in pipes:
            if pipe < writer_end:
                continue
            between = _REDIRECTION.sub("", text[writer_end:pipe])
            if any(separator in between for separator in ";&|\n"):
                break
            start = _command_start(script, reader, pipe + 1)
            if start >= 0 and not text[pipe + 1 : start].strip(" \t\\\n&"):
                yield writer, reader
            break


def check(context: LintContext) -> Iterator[Violation]:
    for run in context.run_scripts:
        script = run.script
        if script is None:
            continue
        for writer, reader in _piped_pairs(script):
            writer, interpreter = unwrapped(writer), unwrapped(reader)
            if (
                writer.program in DOWNLOADERS
                and _writes_to_stdout(writer)
                and interpreter.program in INTERPRETERS
                and _reads_program_from_stdin(interpreter)
            ):
                yield Violation(
                    f"`{writer.program}` output is piped into `{interpreter.program}`: the downloaded script runs "
                    "unverified; download it to a file, check its checksum or signature, then run it",
                    interpreter.name_span,
                    instruction_line(run),
                )
        for raw in script.commands:
            command = unwrapped(raw)
            if command.program not in INTERPRETERS | {"eval", "source", "."}:
                continue
            for word in command.words:
                match = _SUBSTITUTED_DOWNLOAD.search(word.value)
                if match is not None:
                    yield Violation(
                        f"`{command.program}` runs a script that `{match.group(1)}` downloads: it runs unverified; "
                        "download it to a file, check its checksum or signature, then run it",
                        word.span,
                        instruction_line(run),
                    )
                    break
