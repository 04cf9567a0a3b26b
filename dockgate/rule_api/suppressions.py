"""What the comments of a Dockerfile suppress, and where.

dockgate's own pragmas (the codes are selectors: code, name, alias or prefix):

* `# dockgate: ignore=DL3008,pin-versions -- reason` in the comment block
  above an instruction: findings of that instruction.
* `# dockgate: global ignore=...` anywhere: the whole file.

hadolint's pragmas, read the way hadolint 2.15 documents them, with three
differences on purpose:

* `# hadolint ignore=...` applies to the instruction whose comment block it
  is in, so a blank line between pragma and instruction does no harm (hadolint
  only looks at the very next line).
* `# hadolint stage ignore=...` applies from the first instruction after it to
  the end of that stage: placed above a FROM, to that whole stage, FROM line
  included and the next stage's FROM excluded (hadolint skips the FROM and
  covers the next one).
* A code hadolint cannot parse (`ignore=crazy,DL3002`) is simply a code that
  matches nothing; the other codes still apply (hadolint drops the pragma).

Both forms allow spaces around `=` and `,` and a trailing reason after `#` or
`--`. `# hadolint global ignore=...` is file-wide; `# hadolint shell=pwsh`
names the shell for the rest of the stage (`shell_pragma_for`).

BuildKit's `# check=skip=...;error=...;experimental=...` directive skips the
BuildKit rules it names (matched against a finding's aliases) in the whole
file; a `# check=skip=...` comment in an instruction's comment block skips
them for that instruction only, except for the rules BuildKit checks with the
file-level configuration (buildkit.md §A3).

`disable_ignore_pragma` switches off the dockgate and hadolint ignore pragmas,
not BuildKit's check comments. A parse error (DL1000) is never suppressed.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_left, bisect_right
from typing import NamedTuple

from dockgate.dockerfile.model import Document, Instruction, Span
from dockgate.dockerfile.parser import go_quote
from dockgate.lazy_pattern import LazyPattern
from dockgate.rule_api.config import selector_matches
from dockgate.rule_api.findings import Finding, Suppression

UNSUPPRESSIBLE_CODES = frozenset({"DL1000"})
"""A file that does not parse has not been checked; hiding that would hide everything (hadolint#461)."""

BUILDKIT_RULES = frozenset(
    {
        "StageNameCasing",
        "FromAsCasing",
        "NoEmptyContinuation",
        "ConsistentInstructionCasing",
        "DuplicateStageName",
        "ReservedStageName",
        "JSONArgsRecommended",
        "MaintainerDeprecated",
        "UndefinedArgInFrom",
        "WorkdirRelativePath",
        "UndefinedVar",
        "MultipleInstructionsDisallowed",
        "LegacyKeyValueFormat",
        "RedundantTargetPlatform",
        "SecretsUsedInArgOrEnv",
        "InvalidDefaultArgInFrom",
        "FromPlatformFlagConstDisallowed",
        "CopyIgnoredFile",
        "InvalidDefinitionDescription",
        "ExposeProtoCasing",
        "ExposeInvalidFormat",
        "InvalidBaseImagePlatform",
    }
)
"""The names in BuildKit's ruleset.go; `skip=` only ever means these."""

EXPERIMENTAL_BUILDKIT_RULES = frozenset({"InvalidDefinitionDescription"})
"""Rules `skip` never turns off: they run only when `experimental=` names them."""

GLOBAL_ONLY_BUILDKIT_RULES = frozenset(
    {
        "NoEmptyContinuation",
        "ConsistentInstructionCasing",
        "DuplicateStageName",
        "ReservedStageName",
        "InvalidDefaultArgInFrom",
    }
)
"""Rules BuildKit runs with the file's configuration, so a per-instruction skip has no effect."""

SKIPPED_AT_LATER_INSTRUCTION = frozenset({"MultipleInstructionsDisallowed"})
"""Reported at the overridden instruction, but skipped by a comment above the one that overrides it."""

_GO_BOOLEANS = {
    **dict.fromkeys(("1", "t", "T", "TRUE", "true", "True"), True),
    **dict.fromkeys(("0", "f", "F", "FALSE", "false", "False"), False),
}

_DOCKGATE_IGNORE = LazyPattern(r"dockgate:[ \t]*(global[ \t]+)?ignore[ \t]*=(.*)", re.DOTALL)
_HADOLINT_IGNORE = LazyPattern(r"hadolint[ \t]+(?:(global|stage)[ \t]+)?ignore[ \t]*=(.*)", re.DOTALL)
_HADOLINT_SHELL = LazyPattern(r"hadolint[ \t]+shell[ \t]*=[ \t]*(\S+)")
_REASON = LazyPattern(r"#|--")
# BuildKit's check finder, unlike its main parser, reads directives after a shebang line.
_DIRECTIVE_LINE = LazyPattern(r"[ \t]*#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.+?)[ \t]*")
_DIRECTIVE_NAMES = ("syntax", "escape", "check")


class CheckOptionsError(ValueError):
    """A `check` directive BuildKit refuses (the build fails with `failed to parse check options`)."""


class CheckOptions(NamedTuple):
    """A parsed `skip=...;error=...;experimental=...` value."""

    skip: frozenset[str] = frozenset()
    skip_all: bool = False
    error: bool = False
    experimental: frozenset[str] = frozenset()
    experimental_all: bool = False

    def skips(self, rule_name: str) -> bool:
        """Whether BuildKit rule `rule_name` is skipped (experimental rules ignore skip)."""
        if rule_name not in BUILDKIT_RULES or rule_name in EXPERIMENTAL_BUILDKIT_RULES:
            return False
        return self.skip_all or rule_name in self.skip

    def enables_experimental(self, rule_name: str) -> bool:
        return self.experimental_all or rule_name in self.experimental


def parse_check_options(text: str) -> CheckOptions:
    """Parse a check configuration as BuildKit's linter.ParseLintOptions does; raises CheckOptionsError."""
    text = text.strip()
    if not text:
        return CheckOptions()
    skip: frozenset[str] = frozenset()
    experimental: frozenset[str] = frozenset()
    skip_all = experimental_all = error = False
    # BuildKit splits into at most three parts; a fourth `;` stays inside the third value.
    for part in text.split(";", 2):
        key, equals, value = part.partition("=")
        if not equals:
            raise CheckOptionsError(f"invalid check option {go_quote(part)}")
        key = key.strip()
        value = value.strip()
        if key == "skip":
            skip_all = value == "all"
            skip = frozenset() if skip_all else frozenset(item.strip() for item in value.split(","))
        elif key == "experimental":
            experimental_all = value == "all"
            experimental = frozenset() if experimental_all else frozenset(item.strip() for item in value.split(","))
        elif key == "error":
            parsed = _GO_BOOLEANS.get(value)
            if parsed is None:
                raise CheckOptionsError(
                    f"failed to parse check option {go_quote(part)}: "
                    f"strconv.ParseBool: parsing {go_quote(value)}: invalid syntax"
                )
            error = parsed
        else:
            raise CheckOptionsError(f"invalid check option {go_quote(key)}")
    return CheckOptions(skip, skip_all, error, experimental, experimental_all)


class UnusedSelector(NamedTuple):
    """A selector of an ignore comment that suppressed nothing."""

    selector: str
    span: Span
    """The selector itself, inside the comment."""
    comment: Span
    """The whole comment."""
    siblings: tuple[Span, ...]
    """Every selector of the comment, this one included, in order."""
    all_unused: bool
    """Whether no selector of the comment suppressed anything."""


class _Pragma:
    """One ignore comment: where it and its selectors are, and which of them did something."""

    __slots__ = ("span", "selectors", "selector_spans", "used")

    span: Span
    selectors: tuple[str, ...]
    selector_spans: tuple[Span, ...]
    used: set[str]

    def __init__(
        self, span: Span, selectors: tuple[str, ...], selector_spans: tuple[Span, ...], used: set[str] | None = None
    ) -> None:
        self.span = span
        self.selectors = selectors
        self.selector_spans = selector_spans
        self.used = set() if used is None else used

    def claim(self, finding: Finding) -> bool:
        """Whether this pragma covers the finding's rule; remembers the selectors that did."""
        matched = [selector for selector in self.selectors if selector_matches(selector, finding)]
        self.used.update(matched)
        return bool(matched)

    def unused(self) -> list[UnusedSelector]:
        none_used = not self.used
        return [
            UnusedSelector(selector, span, self.span, self.selector_spans, none_used)
            for selector, span in zip(self.selectors, self.selector_spans)
            if selector not in self.used
        ]


class Suppressions:
    """The suppressions of one document; ask `suppresses(finding)` for each finding."""

    def __init__(self, document: Document, disable_ignore_pragma: bool) -> None:
        instructions = document.instructions
        self._instruction_lines = [instruction.line for instruction in instructions]
        self._from_lines = [instruction.line for instruction in instructions if instruction.keyword == "FROM"]
        self._lines = document.lines
        self._by_instruction: dict[int, list[_Pragma]] = {}
        self._global: list[_Pragma] = []
        self._stages: list[tuple[int, int, _Pragma]] = []
        """(first line, last line, pragma): `stage ignore` scopes by instruction line."""
        self._local_checks: dict[int, CheckOptions] = {}
        self._overriding_line = _overriding_instruction_lines(document)
        self._shells = _shell_pragmas(document)
        # Where each stage's own comments may start: just after the instruction before its FROM.
        self._stage_preamble_start = {
            instruction.line: (instructions[index - 1].span.end_line if index else 0)
            for index, instruction in enumerate(instructions)
            if instruction.keyword == "FROM"
        }
        self.check = CheckOptions()
        """The file's `# check=` directive."""
        self.check_problem: tuple[Span, str] | None = None
        """Where the `# check=` directive is and why BuildKit refuses it; it then counts as empty."""
        directive = _check_directive(document)
        if directive is not None:
            value, span = directive
            try:
                self.check = parse_check_options(value)
            except CheckOptionsError as error:
                self.check_problem = (span, str(error))
        for instruction in instructions:
            self._read_block(instruction, disable_ignore_pragma)
        if not disable_ignore_pragma:
            for comment in document.comments:
                self._read_file_wide(comment.text, comment.span)

    @classmethod
    def from_document(cls, document: Document, disable_ignore_pragma: bool) -> Suppressions:
        return cls(document, disable_ignore_pragma)

    def _read_block(self, instruction: Instruction, disable_ignore_pragma: bool) -> None:
        """The pragmas in the comment block above `instruction` that apply to it alone."""
        found_check = False
        for comment in instruction.comments:
            words = comment.text.split(maxsplit=1)
            # BuildKit reads only the first `check=` comment of a block, and only its first word.
            if not found_check and words and words[0].startswith("check="):
                found_check = True
                try:
                    options = parse_check_options(words[0].removeprefix("check="))
                except CheckOptionsError:
                    continue  # BuildKit ignores an invalid local option silently
                self._local_checks[instruction.line] = CheckOptions(options.skip, options.skip_all)
                continue
            if disable_ignore_pragma:
                continue
            pragma = read_ignore_pragma(comment.text)
            if pragma is None or pragma.scope is not None:
                continue  # global and stage forms are read file-wide
            self._by_instruction.setdefault(instruction.line, []).append(self._pragma(pragma.selectors, comment.span))

    def _read_file_wide(self, text: str, span: Span) -> None:
        pragma = read_ignore_pragma(text)
        if pragma is None or pragma.scope is None:
            return
        if pragma.scope == "global":
            self._global.append(self._pragma(pragma.selectors, span))
            return
        self._stages.append((*self._stage_scope(span.line), self._pragma(pragma.selectors, span)))

    def _pragma(self, selectors: tuple[str, ...], span: Span) -> _Pragma:
        """The pragma of the comment at `span`, with where each of its selectors is."""
        return _Pragma(span, selectors, _selector_spans(self._lines[span.line - 1], span.line, selectors))

    def _stage_scope(self, pragma_line: int) -> tuple[int, int]:
        """From the first instruction after the pragma up to, not including, the next FROM after that.

        With no instruction after the pragma the range is empty; the pragma is
        still kept so that `unused()` reports it.
        """
        first = bisect_right(self._instruction_lines, pragma_line)
        if first == len(self._instruction_lines):
            return pragma_line + 1, pragma_line
        start = self._instruction_lines[first]
        next_from = bisect_right(self._from_lines, start)
        end = self._from_lines[next_from] - 1 if next_from < len(self._from_lines) else sys.maxsize
        return start, end

    def suppresses(self, finding: Finding) -> bool:
        """Whether a comment or the check directive silences `finding`; records the pragmas that did."""
        return self.suppression_of(finding) is not None

    def suppression_of(self, finding: Finding) -> Suppression | None:
        """The comment or check directive that silences `finding`, or None; records the pragmas that did."""
        if finding.code in UNSUPPRESSIBLE_CODES:
            return None
        line = finding.instruction_line
        if line is None:
            return None  # an image finding: no Dockerfile comment is about it
        pragmas = [
            *self._by_instruction.get(line, ()),
            *self._global,
            *(pragma for first, last, pragma in self._stages if first <= line <= last),
        ]
        # Every matching pragma is marked used, so a redundant one is not reported as unused.
        claiming = [pragma for pragma in pragmas if pragma.claim(finding)]
        if claiming:
            span = claiming[0].span
            return Suppression(span, self._lines[span.line - 1].strip())
        if self._skipped_by_buildkit(finding):
            return Suppression(None, "# check=skip=...")
        return None

    def _skipped_by_buildkit(self, finding: Finding) -> bool:
        for rule_name in finding.aliases:
            if self.check.skips(rule_name):
                return True
            if rule_name in GLOBAL_ONLY_BUILDKIT_RULES:
                continue
            line = finding.instruction_line
            if line is not None and rule_name in SKIPPED_AT_LATER_INSTRUCTION:
                line = self._overriding_line.get(line)
            local = self._local_checks.get(line) if line is not None else None
            if local is not None and local.skips(rule_name):
                return True
        return False

    def unused(self) -> list[UnusedSelector]:
        """Each listed selector that has suppressed nothing so far, in file order.

        BuildKit's check directive and comments are left out: they configure
        `docker build` as well, which may run rules dockgate does not have.
        """
        pragmas = [
            *(pragma for pragmas in self._by_instruction.values() for pragma in pragmas),
            *self._global,
            *(pragma for _, _, pragma in self._stages),
        ]
        unused = [selector for pragma in pragmas for selector in pragma.unused()]
        return sorted(unused, key=lambda item: (item.span.line, item.span.column))

    def shell_pragma_for(self, instruction: Instruction) -> str | None:
        """The shell a `# hadolint shell=` comment names for `instruction`, if any.

        A pragma before the first FROM holds for every stage; a later one
        holds from where it is (the comments above a FROM included) to the end
        of its stage. SHELL instructions are not considered here.
        """
        lines = [line for line, _ in self._shells]
        before = bisect_left(lines, instruction.line)
        if before == 0:
            return None
        stage = bisect_right(self._from_lines, instruction.line) - 1
        stage_start = self._stage_preamble_start[self._from_lines[stage]] if stage >= 0 else 0
        line, shell = self._shells[before - 1]
        if line > stage_start:
            return shell
        first_from = self._from_lines[0] if self._from_lines else sys.maxsize
        before_first_from = bisect_left(lines, min(first_from, instruction.line))
        return self._shells[before_first_from - 1][1] if before_first_from else None


class IgnorePragma(NamedTuple):
    """A `dockgate: ignore=` or `hadolint ignore=` comment, as read from the text after its `#`."""

    tool: str
    """`dockgate` or `hadolint`."""
    scope: str | None
    """`global`, `stage` (hadolint only) or None for the instruction below."""
    selectors: tuple[str, ...]
    listing_end: int
    """Offset in the comment text just after the last selector: where more codes go (`--add-noqa`)."""


def read_ignore_pragma(text: str) -> IgnorePragma | None:
    """The ignore pragma a comment's text (what follows the `#`, stripped) holds, if any; None also
    when it lists no selector."""
    match = _DOCKGATE_IGNORE.match(text)
    tool = "dockgate"
    if match is None:
        match = _HADOLINT_IGNORE.match(text)
        tool = "hadolint"
    if match is None:
        return None
    selectors, end = _selectors(match.group(2))
    if not selectors:
        return None
    scope = match.group(1).strip() if match.group(1) else None
    return IgnorePragma(tool, scope, selectors, match.start(2) + end)


def _selectors(listing: str) -> tuple[tuple[str, ...], int]:
    """The selectors of `A, B,C # reason` and the offset just after the last one; a word after a
    selector without a comma starts the reason."""
    listing = _REASON.split(listing, maxsplit=1)[0]
    selectors: list[str] = []
    end = 0
    item_start = 0
    for item in listing.split(","):
        words = item.split()
        if words:
            selectors.append(words[0])
            end = item_start + item.index(words[0]) + len(words[0])
        if len(words) > 1:
            break
        item_start += len(item) + 1
    return tuple(selectors), end


def _selector_spans(line: str, line_number: int, selectors: tuple[str, ...]) -> tuple[Span, ...]:
    """Where each selector is on the comment's line: in order, after the `ignore=` keyword."""
    position = line.index("=", line.index("ignore"))
    spans = []
    for selector in selectors:
        start = line.index(selector, position)
        spans.append(Span(line_number, start + 1, line_number, start + 1 + len(selector)))
        position = start + len(selector)
    return tuple(spans)


def _check_directive(document: Document) -> tuple[str, Span] | None:
    directive = document.directives.get("check")
    if directive is not None:
        return directive.value, directive.span
    if not document.lines or not document.lines[0].startswith("#!"):
        return None
    for index, line in enumerate(document.lines[1:], start=2):
        match = _DIRECTIVE_LINE.fullmatch(line)
        if match is None or match.group(1).lower() not in _DIRECTIVE_NAMES:
            return None
        if match.group(1).lower() == "check":
            return match.group(2), Span(index, 1, index, len(line) + 1)
    return None


def _shell_pragmas(document: Document) -> list[tuple[int, str]]:
    shells = []
    for comment in document.comments:
        match = _HADOLINT_SHELL.match(comment.text)
        if match is not None:
            shells.append((comment.span.line, match.group(1)))
    return shells


def _overriding_instruction_lines(document: Document) -> dict[int, int]:
    """For each CMD, ENTRYPOINT or HEALTHCHECK, the line of the next one of its kind in the same stage."""
    overriding: dict[int, int] = {}
    last_seen: dict[str, int] = {}
    for instruction in document.instructions:
        if instruction.keyword == "FROM":
            last_seen.clear()
        elif instruction.keyword in ("CMD", "ENTRYPOINT", "HEALTHCHECK"):
            if instruction.keyword in last_seen:
                overriding[last_seen[instruction.keyword]] = instruction.line
            last_seen[instruction.keyword] = instruction.line
    return overriding
