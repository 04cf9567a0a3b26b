"""Variable substitution and word splitting, the way BuildKit does it.

BuildKit does not run a shell to expand `$VAR` in ENV, LABEL, COPY, FROM and
the other instructions it expands itself (reference §B6): it has its own
small lexer (moby/buildkit frontend/dockerfile/shell/lex.go). A linter that
wants to agree with BuildKit about values and about undefined variables has
to reproduce that lexer, quirks included, and this module does.

What it understands: single quotes (literal), double quotes (removed, still
expanded), the escape character (backslash, or the backtick that an escape
directive selects), `$name`, `${name}`, positional and special parameters
(`$1`, `$@`, `$#` ...), and the modifiers `-`, `+`, `?` (each with or without
`:`), `#`, `##`, `%`, `%%`, `/` and `//` whose patterns are globs with `*`
and `?`. Anything else inside `${...}` is an `ExpansionError`, as it is a
build error in BuildKit.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Mapping

from dockgate.records import Record

# Go's unicode.IsSpace: Python's str.isspace also accepts \x1c-\x1f, Go does not.
_GO_SPACE = frozenset("\t\n\v\f\r \x85\xa0")

# Parameters that are a single punctuation character, as in POSIX sh (lex.go isSpecialParam).
_SPECIAL_PARAMETERS = frozenset("@*#?-$!0")

_MAX_NESTING = 64
"""Deeper `${a:-${b:-...}}` nesting is refused rather than risking Python's recursion limit."""


def is_space(char: str) -> bool:
    """Go's unicode.IsSpace (Python's isspace also accepts \\x1c-\\x1f)."""
    return char in _GO_SPACE or (char > "\xff" and char.isspace())


def _is_name_char(char: str) -> bool:
    """Go's unicode.IsLetter or IsDigit, or `_` (str.isalnum would also take `²` and `½`)."""
    return char.isalpha() or char.isdecimal() or char == "_"


class ExpansionError(Exception):
    """A word BuildKit refuses to expand; the build fails with this message.

    `source` is the whole text that was being expanded, so a caller can print
    BuildKit's own wording: `failed to process "<source>": <message>`.
    """

    def __init__(self, message: str, source: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.source = source


class Expansion(Record):
    """The result of expanding one word."""

    __slots__ = ("value", "referenced", "unset")

    value: str
    referenced: list[str]
    """Every variable name the word looked up, first use first, each once."""
    unset: list[str]
    """The looked-up names that were not in the environment.

    Like BuildKit's `Unmatched` set this includes names used with a fallback
    (`${name:-x}`, `${name+x}` ...): lex.go records every failed lookup, and
    dockerfile2llb's UndefinedVar reports all of them that no ARG declares.
    """

    def __init__(self, value: str, referenced: list[str] | None = None, unset: list[str] | None = None) -> None:
        self.value = value
        self.referenced = [] if referenced is None else referenced
        self.unset = [] if unset is None else unset


class ShellLexer:
    """BuildKit's `shell.Lex`: expands and unquotes words against an environment.

    The flags mirror the fields of the Go type, for the places BuildKit uses
    them: `raw_quotes` keeps quote characters in the result, `raw_escapes`
    keeps escape characters, `skip_unset` leaves references to unset names
    as written (the heredoc-marker scan uses all three), and `skip_quotes`
    treats quotes as ordinary characters (COPY/ADD heredoc bodies).
    """

    __slots__ = ("escape", "raw_quotes", "raw_escapes", "skip_unset", "skip_quotes", "_plain_unless")

    def __init__(
        self,
        escape: str = "\\",
        *,
        raw_quotes: bool = False,
        raw_escapes: bool = False,
        skip_unset: bool = False,
        skip_quotes: bool = False,
    ) -> None:
        if len(escape) != 1:
            raise ValueError(f"the escape token must be one character, not {escape!r}")
        self.escape = escape
        self.raw_quotes = raw_quotes
        self.raw_escapes = raw_escapes
        self.skip_unset = skip_unset
        self.skip_quotes = skip_quotes
        # A word without any of these characters comes out unchanged; most words are like that.
        self._plain_unless = ("$", escape) if skip_quotes else ("$", escape, "'", '"')

    def process_word(self, text: str, env: Mapping[str, str]) -> Expansion:
        """Expand `text` as one word (BuildKit's ProcessWord): spaces are kept."""
        if not any(char in text for char in self._plain_unless):
            return Expansion(text)
        scan = _Scan(self, text, env)
        value = scan.run(collect_words=False)[0]
        return Expansion(value, list(scan.referenced), scan.unset)

    def process_words(self, text: str, env: Mapping[str, str]) -> list[str]:
        """Expand `text` and split it into words (BuildKit's ProcessWords).

        White space outside quotes separates words, including white space
        that a variable's value brings in. As in BuildKit, a quoted empty
        string adds nothing by itself (`'' a` is one word, `a`).
        """
        return _Scan(self, text, env).run(collect_words=True)[1]


class _Words:
    """Splits the top-level result into words while it is being built (lex.go wordsStruct)."""

    __slots__ = ("words", "current", "in_word")

    def __init__(self) -> None:
        self.words: list[str] = []
        self.current: list[str] = []
        self.in_word = False

    def add_char(self, char: str) -> None:
        if is_space(char):
            # A space right after an empty quoted string ends nothing: in_word stays set.
            if self.in_word and "".join(self.current):
                self.words.append("".join(self.current))
                self.current = []
                self.in_word = False
        else:
            self.current.append(char)
            self.in_word = True

    def add_chars(self, text: str) -> None:
        for char in text:
            self.add_char(char)

    def add_raw(self, text: str) -> None:
        self.current.append(text)
        self.in_word = True

    def finish(self) -> list[str]:
        last = "".join(self.current)
        if last:
            self.words.append(last)
        return self.words


class _Scan:
    """One expansion in progress: the text, the position, and what was looked up."""

    __slots__ = ("lexer", "text", "length", "position", "env", "raw_escapes", "depth", "referenced", "unset")

    def __init__(self, lexer: ShellLexer, text: str, env: Mapping[str, str]) -> None:
        self.lexer = lexer
        self.text = text
        self.length = len(text)
        self.position = 0
        self.env = env
        # Switched on while a pattern is read, and seen by everything nested in it (lex.go).
        self.raw_escapes = lexer.raw_escapes
        self.depth = 0
        self.referenced: dict[str, None] = {}
        self.unset: list[str] = []

    def fail(self, message: str) -> ExpansionError:
        return ExpansionError(message, self.text)

    def run(self, collect_words: bool) -> tuple[str, list[str]]:
        words = _Words() if collect_words else None
        value = self.until(None, self.raw_escapes, words)
        return value, words.finish() if words is not None else []

    def lookup(self, name: str) -> str | None:
        if name not in self.referenced:
            self.referenced[name] = None
        value = self.env.get(name)
        if value is None and name not in self.unset:
            self.unset.append(name)
        return value

    def until(self, stop: str | None, raw_escapes: bool, words: _Words | None = None) -> str:
        """Read up to the unquoted, unescaped `stop` (consumed) or to the end when `stop` is None."""
        saved_raw_escapes = self.raw_escapes
        self.raw_escapes = raw_escapes
        try:
            return self._until(stop, words)
        finally:
            self.raw_escapes = saved_raw_escapes

    def _until(self, stop: str | None, words: _Words | None) -> str:
        text, escape = self.text, self.lexer.escape
        quotes = "" if self.lexer.skip_quotes else "'\""
        parts: list[str] = []
        while self.position < self.length:
            char = text[self.position]
            if char == stop:
                self.position += 1
                return "".join(parts)
            if char == "$":
                expanded = self.dollar()
                parts.append(expanded)
                if words is not None:
                    words.add_chars(expanded)
            elif char in quotes:
                quoted = self.single_quoted() if char == "'" else self.double_quoted()
                parts.append(quoted)
                if words is not None:
                    words.add_raw(quoted)
            else:
                self.position += 1
                if char == escape:
                    if self.raw_escapes:
                        parts.append(char)
                        if words is not None:
                            words.add_raw(char)
                    if self.position >= self.length:
                        # A trailing escape character escapes nothing and is dropped.
                        break
                    char = text[self.position]
                    self.position += 1
                    if words is not None:
                        words.add_raw(char)
                elif words is not None:
                    words.add_char(char)
                parts.append(char)
        if stop is not None:
            raise self.fail(f"unexpected end of statement while looking for matching {stop}")
        return "".join(parts)

    def single_quoted(self) -> str:
        """Everything up to the next single quote, literally; nothing escapes inside."""
        start = self.position + 1
        end = self.text.find("'", start)
        if end < 0:
            raise self.fail("unexpected end of statement while looking for matching single-quote")
        self.position = end + 1
        if self.lexer.raw_quotes:
            return self.text[start - 1 : end + 1]
        return self.text[start:end]

    def double_quoted(self) -> str:
        """Up to the next unescaped double quote; `$` still expands.

        The escape character only escapes `"`, `$` and itself here; before
        anything else it stays (and with raw escapes it is then written twice,
        as BuildKit does).
        """
        text, escape, raw_quotes = self.text, self.lexer.escape, self.lexer.raw_quotes
        self.position += 1
        parts = ['"'] if raw_quotes else []
        while True:
            if self.position >= self.length:
                raise self.fail("unexpected end of statement while looking for matching double-quote")
            char = text[self.position]
            if char == '"':
                self.position += 1
                if raw_quotes:
                    parts.append(char)
                return "".join(parts)
            if char == "$":
                parts.append(self.dollar())
                continue
            self.position += 1
            if char == escape:
                if self.raw_escapes:
                    parts.append(char)
                if self.position >= self.length:
                    continue
                following = text[self.position]
                if following in ('"', "$", escape):
                    char = following
                    self.position += 1
            parts.append(char)

    def name(self) -> str:
        """A variable name at the position: letters, digits and `_`; or digits; or one special character."""
        text, start = self.text, self.position
        if start >= self.length:
            return ""
        first = text[start]
        end = start + 1
        if first.isdecimal():
            while end < self.length and text[end].isdecimal():
                end += 1
        elif first in _SPECIAL_PARAMETERS:
            pass
        elif _is_name_char(first):
            while end < self.length and _is_name_char(text[end]):
                end += 1
        else:
            return ""
        self.position = end
        return text[start:end]

    def dollar(self) -> str:
        """Expand the `$...` at the position."""
        self.position += 1
        if self.position >= self.length or self.text[self.position] != "{":
            name = self.name()
            if not name:
                return "$"
            value = self.lookup(name)
            if value is None:
                return "$" + name if self.lexer.skip_unset else ""
            return value
        self.position += 1
        self.depth += 1
        if self.depth > _MAX_NESTING:
            raise self.fail("syntax error: substitutions nested too deeply")
        try:
            return self.braced()
        finally:
            self.depth -= 1

    def braced(self) -> str:
        """Expand `${...}` after its opening brace."""
        text = self.text
        if self.position >= self.length:
            raise self.fail("syntax error: missing '}'")
        if text[self.position] in "{}:":
            raise self.fail("syntax error: bad substitution")
        name = self.name()
        if self.position >= self.length:
            raise self.fail("syntax error: missing '}'")
        modifier = text[self.position]
        self.position += 1
        if modifier == "}":
            value = self.lookup(name)
            if value is None:
                return "${" + name + "}" if self.lexer.skip_unset else ""
            return value
        if modifier == "/":
            return self.replaced(name)
        written = modifier
        empty_is_unset = modifier == ":"
        if empty_is_unset:
            if self.position >= self.length:
                raise self.fail("syntax error: missing '}'")
            modifier = text[self.position]
            written += modifier
            self.position += 1
        elif modifier not in "+-?#%":
            raise self.fail(f"unsupported modifier ({written}) in substitution")
        is_trim = modifier in "#%"
        if empty_is_unset and is_trim:
            raise self.fail(f"unsupported modifier ({written}) in substitution")
        value = self.lookup(name)
        word = self.closing_word("}", raw_escapes=is_trim, missing="syntax error: missing '}'")
        if value is None and self.lexer.skip_unset:
            return "${" + name + written + word + "}"
        is_set = value is not None and not (empty_is_unset and value == "")
        value = value or ""
        if modifier == "-":
            return value if is_set else word
        if modifier == "+":
            return word if is_set else ""
        if modifier == "?":
            if is_set:
                return value
            if word:
                raise self.fail(f"{name}: {word}")
            if name in self.env:
                raise self.fail(f"{name}: is not allowed to be empty")
            raise self.fail(f"{name}: is not allowed to be unset")
        if is_trim:
            # `##` and `%%`: the doubled character is read as the start of the pattern.
            longest = word.startswith(modifier)
            pattern = word[1:] if longest else word
            if modifier == "#":
                return _trim_prefix(pattern, value, longest, self)
            return _trim_prefix(_reverse_pattern(pattern), value[::-1], longest, self)[::-1]
        raise self.fail(f"unsupported modifier ({written}) in substitution")

    def closing_word(self, stop: str, raw_escapes: bool, missing: str) -> str:
        try:
            return self.until(stop, raw_escapes)
        except ExpansionError:
            if self.position >= self.length:
                raise self.fail(missing) from None
            raise

    def replaced(self, name: str) -> str:
        """`${name/pattern/replacement}` and `${name//pattern/replacement}`."""
        replace_all = self.position < self.length and self.text[self.position] == "/"
        if replace_all:
            self.position += 1
        value = self.lookup(name)
        pattern = self.closing_word("/", raw_escapes=True, missing="syntax error: missing '/' in ${}")
        replacement = self.closing_word("}", raw_escapes=True, missing="syntax error: missing '}'")
        if value is None and self.lexer.skip_unset:
            # BuildKit writes one slash back even for `//`.
            return "${" + name + "/" + pattern + "/" + replacement + "}"
        compiled = _compile_pattern(pattern, True, False, self)
        value = value or ""
        if not replace_all:
            found = compiled.search(value)
            if found is None:
                return value
            return value[: found.start()] + replacement + value[found.end() :]
        return _replace_all(compiled, value, replacement)


def _trim_prefix(pattern: str, value: str, longest: bool, scan: _Scan) -> str:
    found = _compile_pattern(pattern, longest, True, scan).match(value)
    return value if found is None else value[found.end() :]


def _reverse_pattern(pattern: str) -> str:
    """Reverse a glob but keep each `\\x` pair in order, so `a\\*c` becomes `c\\*a`.

    `${v%p}` is matched by reversing both the value and the pattern and
    trimming a prefix, as lex.go does: a regex cannot ask for the shortest
    match that ends at the end of the string.
    """
    units: list[str] = []
    index, last = 0, len(pattern) - 1
    while index <= last:
        if pattern[index] == "\\" and index != last:
            units.append(pattern[index : index + 2])
            index += 2
        else:
            units.append(pattern[index])
            index += 1
    return "".join(reversed(units))


def _compile_pattern(pattern: str, greedy: bool, anchored: bool, scan: _Scan) -> re.Pattern[str]:
    try:
        return _pattern_regex(pattern, greedy, anchored)
    except ValueError as error:
        raise scan.fail(f"invalid pattern ({pattern}) in substitution: {error}") from None


@lru_cache(maxsize=512)
def _pattern_regex(pattern: str, greedy: bool, anchored: bool) -> re.Pattern[str]:
    """A glob (`*`, `?`, backslash escapes; no brackets) as a regular expression.

    In a pattern the escape is always a backslash, whatever the escape
    directive says (lex.go convertShellPatternToRegex). A backslash before
    `}` or `/` only kept the lexer from ending the pattern and is dropped.
    """
    parts = []
    star = ".*" if greedy else ".*?"
    index, length = 0, len(pattern)
    while index < length:
        char = pattern[index]
        index += 1
        if char == "*":
            parts.append(star)
        elif char == "?":
            parts.append(".")
        elif char == "\\":
            following = pattern[index] if index < length else ""
            if following in ("}", "/"):
                continue
            if following not in ("*", "?", "\\"):
                raise ValueError(f"invalid escape '\\{following}'")
            parts.append(re.escape(following))
            index += 1
        else:
            parts.append(re.escape(char))
    return re.compile(("^" if anchored else "") + "".join(parts))


def _replace_all(compiled: re.Pattern[str], value: str, replacement: str) -> str:
    """Go's Regexp.ReplaceAllString, which differs from re.sub in two ways.

    An empty match right after a match is not replaced (Python replaces it:
    `.*` on "ab" gives one replacement in Go, two in Python), and `$` in the
    replacement is a group reference: `$0` or `${0}` is the match, `$$` is a
    dollar, other names are empty (the pattern has no other groups).
    """
    parts: list[str] = []
    last_end = 0
    search_from = 0
    length = len(value)
    while search_from <= length:
        found = compiled.search(value, search_from)
        if found is None:
            break
        start, end = found.span()
        parts.append(value[last_end:start])
        if end > last_end or start == 0:
            parts.append(_go_expand(replacement, found.group(0)))
        last_end = end
        search_from = search_from + 1 if end <= search_from else end
    parts.append(value[last_end:])
    return "".join(parts)


def _go_expand(template: str, match: str) -> str:
    """Go's Regexp.Expand for a regex whose only group is the whole match."""
    if "$" not in template:
        return template
    parts: list[str] = []
    index, length = 0, len(template)
    while index < length:
        dollar = template.find("$", index)
        if dollar < 0:
            break
        parts.append(template[index:dollar])
        index = dollar + 1
        if index < length and template[index] == "$":
            parts.append("$")
            index += 1
            continue
        reference = _go_template_reference(template, index)
        if reference is None:
            parts.append("$")
            continue
        name, index = reference
        if name == "0":
            parts.append(match)
    parts.append(template[index:])
    return "".join(parts)


def _go_template_reference(template: str, index: int) -> tuple[str, int] | None:
    """The `name` or `{name}` after a `$` and the index after it; None when malformed."""
    braced = index < len(template) and template[index] == "{"
    start = index + 1 if braced else index
    end = start
    while end < len(template) and _is_name_char(template[end]):
        end += 1
    if end == start:
        return None
    if braced:
        if end >= len(template) or template[end] != "}":
            return None
        return template[start:end], end + 1
    return template[start:end], end
