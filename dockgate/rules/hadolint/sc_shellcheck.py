"""
## What it does
Runs ShellCheck over the shell code of every RUN instruction (shell form, and
heredoc bodies that are shell scripts) and reports its findings under their
own codes, `SC1000` to `SC3999`, at the line and column inside the RUN where
ShellCheck found them.

It follows hadolint's set-up: the script runs under the shell in force
(`/bin/sh` unless SHELL or a `# hadolint shell=` comment says otherwise), the
ARG and ENV names visible at that point count as set, and SC1090, SC1091
(sourced files) and SC2187 (ash) are left out. RUNs under a non-POSIX shell
(PowerShell, cmd) and heredocs with a non-shell shebang are skipped. Each
code can be ignored or re-levelled on its own (`ignore = ["SC2086"]`,
`# hadolint ignore=SC2046`).

ShellCheck is an optional extra: `pip install 'dockgate[shellcheck]'`.
Without it these checks are skipped, with one notice per run.

## Why is this bad?
A RUN is a shell script that runs once, at build time, where nobody sees its
mistakes: an unquoted variable splits a path, a failed `cd` lets the next
command run in the wrong directory, a `$(...)` result goes unchecked.

## Example
```dockerfile
FROM debian:12
ARG VERSION
RUN cd /opt/app && ./install.sh $VERSION
```

## Use instead
```dockerfile
FROM debian:12
ARG VERSION
WORKDIR /opt/app
RUN ./install.sh "$VERSION"
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.linter.findings import Level, Violation
from dockgate.linter.model import Span
from dockgate.linter.rule import LintContext, RuleMeta
from dockgate.linter.shell import RunScript, ShellScript
from dockgate.linter.shellcheck import ShellCheckComment, ShellCheckUnavailable, run_shellcheck

RULE = RuleMeta(
    code="SC",
    name="shellcheck",
    summary="ShellCheck finds a problem in the shell code of a RUN",
    level=Level.WARNING,
    documentation=__doc__,
)

PROXY_VARIABLES = ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy", "NO_PROXY", "no_proxy")
_DIALECTS = {"sh": "sh", "bash": "bash", "dash": "dash", "ksh": "ksh", "ash": "sh", "busybox": "sh", "mksh": "ksh"}
_LEVELS = {"error": Level.ERROR, "warning": Level.WARNING, "info": Level.INFO, "style": Level.STYLE}


class _Prepared:
    """One RUN's script as handed to ShellCheck: how many lines precede the RUN's own text."""

    __slots__ = ("run", "script", "header_lines", "line_starts")

    def __init__(self, run: RunScript, script: ShellScript, header_lines: int) -> None:
        self.run = run
        self.script = script
        self.header_lines = header_lines
        self.line_starts = [0]
        for index, char in enumerate(script.text):
            if char == "\n":
                self.line_starts.append(index + 1)

    def span(self, comment: ShellCheckComment) -> Span:
        return self.script.line_map.span(
            self._offset(comment.line, comment.column), self._offset(comment.end_line, comment.end_column)
        )

    def _offset(self, line: int, column: int) -> int:
        script_line = min(max(line - self.header_lines, 1), len(self.line_starts))
        return min(self.line_starts[script_line - 1] + column - 1, len(self.script.text))


def _shell_script(context: LintContext, run: RunScript) -> tuple[str, int] | None:
    """The file ShellCheck reads for one RUN, and the number of header lines before the script."""
    script = run.script
    if script is None or not script.text.strip():
        return None
    text = script.text
    first_line, _, _ = text.partition("\n")
    if first_line.startswith("#!"):
        interpreter = first_line[2:].split()
        words = interpreter[1:] if interpreter and interpreter[0].endswith("/env") else interpreter
        shell = words[0].rsplit("/", 1)[-1] if words else "sh"
        # Keep the line numbering: the script's own shebang becomes a blank line below the header.
        text = "\n" + text[len(first_line) + 1 :] if "\n" in text else ""
    else:
        shell = run.shell.split()[0].rsplit("/", 1)[-1] if run.shell.split() else "sh"
    dialect = _DIALECTS.get(shell)
    if dialect is None:
        return None
    names = sorted(set(context.semantics.variables_before(run.instruction)) | set(PROXY_VARIABLES))
    header = [f"#!/bin/{dialect}"] + [f"export {name}=1" for name in names if name.isidentifier()]
    return "\n".join(header) + "\n" + text, len(header)


def prepare_batch(contexts: list[LintContext]) -> list[str]:
    """Check every RUN of every file in one go; results land in each context."""
    prepared: list[tuple[LintContext, _Prepared]] = []
    files: list[str] = []
    for context in contexts:
        context.batch_results[RULE.code] = []
        for run in context.run_scripts:
            made = _shell_script(context, run)
            if made is None or run.script is None:
                continue
            text, header_lines = made
            prepared.append((context, _Prepared(run, run.script, header_lines)))
            files.append(text)
    if not files:
        return []
    try:
        comments = run_shellcheck(files)
    except ShellCheckUnavailable as error:
        return [str(error)]
    for (context, item), found in zip(prepared, comments):
        context.batch_results[RULE.code].append((item, found))
    return []


def check(context: LintContext) -> Iterator[Violation]:
    for item, comments in context.batch_results.get(RULE.code, []):
        for comment in comments:
            yield Violation(
                comment.message,
                item.span(comment),
                item.run.owner.line,
                code=f"SC{comment.code}",
                level=_LEVELS.get(comment.level, Level.WARNING),
            )
