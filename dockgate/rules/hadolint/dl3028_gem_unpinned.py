"""
## What it does
Reports a `gem install` (or `gem i`) that names a gem without a version:
`gem install rails` rather than `gem install rails:7.1.3`. A `-v`/`--version`
option pins every gem of the command; a local `.gem` file is pinned by
itself. Options that take a value (`-i DIR`, `--source URL`) and the build
options after `--` do not name gems. Gems given as variables are judged by
their values where the file fixes them. ONBUILD triggers are checked too.

hadolint takes the word after any option for its value, so it misses
`gem install --no-document rails`; this rule reports it.

## Why is this bad?
An unpinned gem is whatever rubygems.org serves on the day of the build:
two builds of one Dockerfile can differ, a new release can break the image
without any change to the file, and a compromised release is picked up
automatically.

## Example
```dockerfile
FROM ruby:3.3-slim
RUN gem install --no-document bundler
```

## Use instead
```dockerfile
FROM ruby:3.3-slim
RUN gem install --no-document bundler:2.5.11
```
"""

from __future__ import annotations

from typing import Iterator

from dockgate.analysis.shell import RunScript, ShellCommand, ShellWord
from dockgate.rule_api.findings import Level, Violation
from dockgate.rule_api.rule import LintContext, RuleMeta
from dockgate.rules.common.language_packages import calls_of, first_unpinned_per_run
from dockgate.rules.common.package_managers import package_values

RULE = RuleMeta(
    code="DL3028",
    name="gem-unpinned",
    summary="a Ruby gem is installed without a version",
    level=Level.WARNING,
    documentation=__doc__,
)

MESSAGE = "Pin versions in gem install. Instead of `gem install {package}` use `gem install {package}:<version>`"
# `gem install` options without a value (`gem help install`). Any other option is taken to
# consume the next word, as hadolint takes it (`--use-system-libraries true`).
GEM_SWITCHES = frozenset({
    "N", "f", "E", "l", "r", "b", "V", "q", "u", "w", "document", "no-document", "ri", "rdoc",
    "user-install", "conservative", "force", "minimal-deps", "pre", "prerelease", "env-shebang",
    "default", "ignore-dependencies", "development", "development-all", "format-executable",
    "post-install-message", "lock", "suggestions", "explain", "local", "remote", "both",
    "clear-sources", "verbose", "quiet", "silent", "backtrace", "debug", "norc", "vendor",
    "wrappers", "update-sources", "check-development", "system",
})


def check(context: LintContext) -> Iterator[Violation]:
    return first_unpinned_per_run(context, calls_of("gem"), _first_unpinned, MESSAGE)


def _first_unpinned(context: LintContext, run: RunScript, command: ShellCommand) -> ShellWord | None:
    # Everything after `--` is passed to the gem's build (`-- --with-pg-config=...`).
    words = command.words
    end = next((index for index, word in enumerate(words) if word.value == "--"), len(words))
    operands, options = _split_options(words[:end])
    if not operands or operands[0].value not in ("install", "i") or options & {"v", "version"}:
        return None
    for word in operands[1:]:
        if not all(is_pinned(value) for value in package_values(context, run, word)):
            return word
    return None


def _split_options(words: list[ShellWord]) -> tuple[list[ShellWord], set[str]]:
    """The operands, and the names of the options (`-v2` and `--version=2` are `v` and `version`)."""
    operands: list[ShellWord] = []
    options: set[str] = set()
    index = 0
    while index < len(words):
        value = words[index].value
        if value.startswith("--") and len(value) > 2:
            name, equals, _ = value[2:].partition("=")
            name = name[3:] if name.startswith("no-") and name[3:] in GEM_SWITCHES else name
            options.add(name)
            if not equals and name not in GEM_SWITCHES:
                index += 1
        elif value.startswith("-") and len(value) > 1:
            letters = value[1:]
            options.update(letters)
            # `-v 2`: a letter taking a value, last in its word, takes the next word.
            if letters and letters[-1] not in GEM_SWITCHES and all(letter in GEM_SWITCHES for letter in letters[:-1]):
                index += 1
        else:
            operands.append(words[index])
        index += 1
    return operands, options


def is_pinned(spec: str) -> bool:
    """`name:version`, or a local `.gem` file."""
    return ":" in spec or spec.endswith(".gem")
