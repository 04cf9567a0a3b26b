"""
## What it does
Reports `useradd` with a UID longer than five digits (100000 and up) and
without `-l`/`--no-log-init`. All spellings of the UID option count (`-u
N`, `-uN`, `--uid N`, `--uid=N`; hadolint reads only `-u N`). A UID given
as a variable is judged by its value where the file fixes one (an ARG
default, an ENV); a value the file does not fix is reported, since it may
be high. ONBUILD triggers are checked too.

## Why is this bad?
Without `-l`, `useradd` records the new user in `/var/log/lastlog` and
`/var/log/faillog`, files indexed by UID. For a high UID they become sparse
files of many gigabytes, and the image layer stores them at their full size.

## Example
```dockerfile
FROM debian:12
RUN useradd -u 1000123 app
```

## Use instead
```dockerfile
FROM debian:12
RUN useradd --no-log-init -u 1000123 app
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.analysis.shell import RunScript, ShellCommand, ShellWord
from dockgate.dockerfile.model import Span
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.package_managers import (
    OptionSyntax,
    parse_command,
)
from dockgate.rules.common.run_commands import instruction_line

RULE = RuleMeta(
    code="DL3046",
    name="useradd-high-uid",
    summary="`useradd` with a high UID and without `-l`",
    level=Level.WARNING,
    documentation=__doc__,
)

MESSAGE = "`useradd` without flag `-l` and high UID will result in excessively large Image."
USERADD_OPTIONS = OptionSyntax(
    frozenset("bcdefgGkKpRPsuU"),
    frozenset({
        "base-dir", "comment", "home-dir", "expiredate", "inactive", "gid", "groups", "skel",
        "key", "password", "root", "prefix", "shell", "uid", "selinux-user", "btrfs-subvolume",
    }),
)
LONGEST_HARMLESS_UID = 5
"""hadolint's threshold: up to five characters (99999) the log files stay small."""


def check(context: LintContext) -> Iterator[Violation]:
    for run in context.run_scripts:
        if run.script is None:
            continue
        for command in run.script.calls("useradd"):
            uid_span = _high_uid(context, run, command)
            if uid_span is not None:
                yield Violation(MESSAGE, uid_span, instruction_line(run))
                break


def _high_uid(context: LintContext, run: RunScript, command: ShellCommand) -> Span | None:
    """Where a `useradd` without `-l` gives a UID that is or may be high."""
    parsed = parse_command(command, USERADD_OPTIONS)
    if parsed.has_option("l", "no-log-init"):
        return None
    for option in parsed.options:
        if option.name in ("u", "uid") and option.value is not None and _may_be_high(context, run, option.value):
            return _value_span(option.word, option.value, command.words)
    return None


def _may_be_high(context: LintContext, run: RunScript, uid: str) -> bool:
    if "$" not in uid:
        return len(uid) > LONGEST_HARMLESS_UID
    if run.owner is not run.instruction:
        return True  # an ONBUILD trigger runs in another build, with values unknown here
    evaluation = context.semantics.expand_in(run.owner, uid)
    if evaluation.value is None or evaluation.undefined:
        return True
    return len(evaluation.value) > LONGEST_HARMLESS_UID


def _value_span(option_word: ShellWord, value: str, words: list[ShellWord]) -> Span:
    """The word holding the UID: the option word itself (`-u1000000`, `--uid=...`) or the next one."""
    if option_word.value != value and option_word.value.endswith(value):
        return option_word.span
    for index, word in enumerate(words[:-1]):
        if word is option_word:
            return words[index + 1].span
    return option_word.span
