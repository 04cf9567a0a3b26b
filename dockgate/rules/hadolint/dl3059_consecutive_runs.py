"""
## What it does
Reports a RUN that directly follows another RUN when both are simple: each
runs at most one command (commands inside `$(...)` count) and both have
the same flags (`--mount`, `--network`, `--security`). Comments between
them do not separate them; any other instruction does. A RUN chaining
several commands (`a && b`, `a | b`) is taken as a deliberate layer of its
own, as are RUNs with different mounts. ONBUILD triggers are not counted.
A RUN under cmd is split where cmd splits commands, at `&`, `&&`, `||`
and `|`: `setx PATH %PATH%;C:\\go` and `powershell -Command a; b` are one
command each, as `sh -c "a; b"` is. A RUN under PowerShell (`SHELL
["powershell", ...]`) is split into its statements, at `;`, `|`, `&&`,
`||`, line breaks, `{ }` blocks and `$( )` subexpressions, quotes
respected: `Write-Host ('a ({0})' -f $v)` is one. A Windows stage that no
SHELL of the file applies to runs cmd or, when its base image set it,
PowerShell (the .NET, Go and OpenJDK images do): its RUN is one command
when it is one under both.
hadolint reads both as sh, and counts a RUN its sh parser cannot read as
no command at all. hadolint counts neither `[ ... ]` tests nor commands
whose name holds a variable (`$DIR/bin/tool`); this rule counts both.

## Why is this bad?
Every RUN makes a layer. A row of one-command RUNs makes many small layers,
each with its own metadata and cache entry, and files removed in a later
layer still take space in the earlier one. Joining related commands in one
RUN keeps the image smaller and the build faster.

## Example
```dockerfile
FROM debian:12
RUN mkdir -p /opt/app
RUN chown nobody /opt/app
```

## Use instead
```dockerfile
FROM debian:12
RUN mkdir -p /opt/app \
    && chown nobody /opt/app
```

## Fix safety
Unsafe: the fix continues the first RUN onto the second's line (an escape
character at the end of `RUN a`, then ` && b`), so each command keeps its line. The commands run as before and
a failure still stops the build, but the image has one layer fewer and the
build cache splits differently: a change to `b` now reruns `a` too. Offered
only for shell-form RUNs of one plain command each (nothing after the last
word, no comment), with at most comment lines between them.
"""

from __future__ import annotations

from typing import Iterator

from dockgate.analysis.shell import RunScript, parse_script
from dockgate.analysis.windows_images import WINDOWS_DEFAULT_SHELL
from dockgate.dockerfile.model import Document, Instruction, Span
from dockgate.rule_api.findings import Applicability, Edit, Fix, Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta

RULE = RuleMeta(
    code="DL3059",
    name="consecutive-runs",
    summary="consecutive one-command RUN instructions could be one",
    level=Level.INFO,
    fix=Applicability.UNSAFE,
    documentation=__doc__,
)

MESSAGE = "Multiple consecutive `RUN` instructions. Consider consolidation."
MOST_COMMANDS = 1
"""hadolint leaves a RUN alone once it runs two commands or more."""


def check(context: LintContext) -> Iterator[Violation]:
    runs = {id(run.instruction): run for run in context.run_scripts}
    command_counts = {key: _command_count(run) for key, run in runs.items()}
    previous: Instruction | None = None
    for instruction in context.document.instructions:
        if instruction.keyword != "RUN":
            previous = None
            continue
        if (
            previous is not None
            and command_counts[id(previous)] <= MOST_COMMANDS
            and command_counts[id(instruction)] <= MOST_COMMANDS
            and _flags(previous) == _flags(instruction)
        ):
            fix = _merged(context, runs[id(previous)], runs[id(instruction)])
            yield Violation(MESSAGE, instruction.keyword_span, instruction.line, fix=fix)
        previous = instruction


def _merged(context: LintContext, first: RunScript, second: RunScript) -> Fix | None:
    """`RUN a` / `RUN b` -> `RUN a \\` / ` && b`: the first RUN continued onto the second's line.

    Only for shell-form RUNs of one plain command each (nothing after its last
    word, no comment that would swallow the `&&`), separated by comment lines
    at most: each keeps its lines.
    """
    document = context.document
    if not (_ends_cleanly(document, first) and _ends_cleanly(document, second)):
        return None
    earlier, later = first.instruction, second.instruction
    between = document.lines[earlier.span.end_line : later.line - 1]
    if any(not line.lstrip().startswith("#") for line in between):
        return None  # a blank line would be an empty continuation line
    assert later.arguments is not None  # _ends_cleanly saw its script
    head = Span(later.keyword_span.line, later.keyword_span.column, later.arguments.span.line, later.arguments.span.column)
    if head.line != head.end_line:
        return None
    end_line = earlier.span.end_line
    return Fix.unsafe(
        "Merge into the RUN before",
        Edit.insert(end_line, len(document.lines[end_line - 1]) + 1, f" {document.escape}"),
        Edit(head, " && "),
    )


def _ends_cleanly(document: Document, run: RunScript) -> bool:
    """A shell-form RUN of one command after which nothing is written, without a comment."""
    instruction, script = run.instruction, run.script
    if script is None or instruction.json_form or instruction.heredocs or run.owner is not instruction:
        return False
    if len(script.commands) != 1 or "#" in script.text:
        return False
    command = script.commands[0]
    if not command.words:
        return script.text.strip() == command.name and document.slice(command.name_span) == command.name
    last = command.words[-1]
    return not script.text[last.end :].strip() and document.slice(last.span) == script.text[last.start : last.end]


def _command_count(run: RunScript) -> int:
    if run.script is not None:
        return len(run.script.commands)
    instruction = run.instruction
    if instruction.json_form or instruction.heredocs or instruction.arguments is None or instruction.line_map is None:
        return 1  # one program: an exec form, or a heredoc script in another language
    text = instruction.arguments.value
    shell = run.shell.lower()
    if "powershell" in shell or "pwsh" in shell:
        return _powershell_statement_count(text)
    if run.shell == WINDOWS_DEFAULT_SHELL:
        # No SHELL of this file applies: the Windows base image may have set PowerShell (the
        # .NET, Go and OpenJDK images do), so a RUN is one command only if it is one under both.
        return max(_cmd_command_count(text), _powershell_statement_count(text))
    if "cmd" in shell:
        return _cmd_command_count(text)
    # A shell dockgate does not know: counted as if it were sh (only the count is used,
    # so the positions need not be exact).
    return len(parse_script(text, instruction.line_map).commands)


def _count_pieces(pieces: list[str]) -> int:
    """The pieces that hold a command: not empty, not only brackets."""
    return sum(1 for piece in pieces if piece.strip(" \t\r\n(){}@"))


def _cmd_command_count(text: str) -> int:
    """The commands cmd runs for a RUN line: pieces between `&`, `&&`, `||` and `|`.

    Outside double quotes `^` escapes the next character; `>&` and `<&`
    (`2>&1`) are redirections. A `powershell -Command ...` is one command
    here, as `sh -c "..."` is for a POSIX shell.
    """
    pieces: list[str] = []
    current: list[str] = []
    quoted = False
    index = 0
    while index < len(text):
        char = text[index]
        if char == '"':
            quoted = not quoted
        elif not quoted and char == "^" and index + 1 < len(text):
            current.append(text[index : index + 2])
            index += 2
            continue
        elif not quoted and char in "&|" and not (char == "&" and current and current[-1] in "<>"):
            pieces.append("".join(current))
            current = []
            if text[index + 1 : index + 2] == char:
                index += 1
            index += 1
            continue
        current.append(char)
        index += 1
    pieces.append("".join(current))
    return _count_pieces(pieces)


def _powershell_statement_count(text: str) -> int:
    """The statements of a PowerShell RUN: pieces between `;`, `|`, `&&`, `||`, line breaks and braces.

    Quotes (`'...'`, `"..."`) and the backtick escape are respected; statements
    inside `{ }` blocks and `$( )` subexpressions count, as commands inside
    `if` and `$( )` count in a sh script.
    """
    pieces: list[str] = []
    current: list[str] = []
    quote = ""
    index = 0
    while index < len(text):
        char = text[index]
        if char == "`" and quote != "'" and index + 1 < len(text):
            current.append(text[index : index + 2])
            index += 2
            continue
        if char == "$" and quote != "'" and text[index + 1 : index + 2] == "(":
            # A subexpression runs its own statements, as `$(...)` does in sh.
            pieces.append("".join(current))
            current = []
            index += 2
            continue
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char in ";|{}\n" or (char == "&" and text[index + 1 : index + 2] == "&"):
            pieces.append("".join(current))
            current = []
            index += 2 if char == "&" or text[index : index + 2] == "||" else 1
            continue
        current.append(char)
        index += 1
    pieces.append("".join(current))
    return _count_pieces(pieces)


def _flags(instruction: Instruction) -> list[tuple[str, object]]:
    """The flags in a form where order does not matter (nor the order of a mount's options)."""
    normalized: list[tuple[str, object]] = []
    for flag in instruction.flags:
        if flag.name == "mount" and flag.value is not None:
            options = sorted(flag.csv_fields())
            normalized.append((flag.name, tuple(options)))
        else:
            normalized.append((flag.name, flag.value))
    return sorted(normalized, key=repr)
