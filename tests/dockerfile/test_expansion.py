"""BuildKit's word lexer: substitution forms, quotes, escapes, errors, word splitting.

Expected values follow moby/buildkit frontend/dockerfile/shell/lex.go; the
environment below has a set value, an empty value and a non-ASCII value.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dockgate.dockerfile.expansion import ExpansionError, ShellLexer

ENV = {"HOME": "/root", "EMPTY": "", "NAME": "app", "FILE": "dir/sub/file.tar.gz", "WORD": "한국어"}

# (text, expected value) with the default backslash escape.
VALUES = [
    # plain text and quotes
    ("plain", "plain"),
    ("with space", "with space"),
    ("'single $HOME'", "single $HOME"),
    ('"double $HOME"', "double /root"),
    ("a'b'c\"d\"e", "abcde"),
    ("'a\\b'", "a\\b"),
    ('"a\\b"', "a\\b"),
    ('"a\\"b"', 'a"b'),
    ('"a\\$HOME"', "a$HOME"),
    ('"a\\\\b"', "a\\b"),
    ("\"it's\"", "it's"),
    ("'say \"hi\"'", 'say "hi"'),
    # escapes outside quotes
    ("a\\b", "ab"),
    ("a\\ b", "a b"),
    ("\\'quoted\\'", "'quoted'"),
    ("\\$HOME", "$HOME"),
    ("\\\\$HOME", "\\/root"),
    ("\\${HOME}", "${HOME}"),
    ("trailing\\", "trailing"),
    ("trailing\\\\", "trailing\\"),
    # $name and ${name}
    ("$HOME", "/root"),
    ("${HOME}", "/root"),
    ("x$HOME.y", "x/root.y"),
    ("$HOME$NAME", "/rootapp"),
    ("$UNSET", ""),
    ("a${UNSET}b", "ab"),
    ("$WORD!", "한국어!"),
    ("${NAME}}", "app}"),
    # a $ that starts no name stays
    ("$", "$"),
    ("a$", "a$"),
    ("$.x", "$.x"),
    ("$/", "$/"),
    ("cost: 5$", "cost: 5$"),
    # positional and special parameters are looked up (and are never set here)
    ("$1x", "x"),
    ("$12x", "x"),
    ("${10}", ""),
    ("a$@b", "ab"),
    ("$#", ""),
    ("$$", ""),
    ("${?}", ""),
    # -  and :-
    ("${UNSET-fallback}", "fallback"),
    ("${EMPTY-fallback}", ""),
    ("${NAME-fallback}", "app"),
    ("${UNSET:-fallback}", "fallback"),
    ("${EMPTY:-fallback}", "fallback"),
    ("${NAME:-fallback}", "app"),
    ("${UNSET:-}", ""),
    ("${UNSET:-$HOME}", "/root"),
    ("${UNSET:-${OTHER:-deep}}", "deep"),
    ("${UNSET:-'quoted }'}", "quoted }"),
    ("${UNSET:-a b}", "a b"),
    ("${UNSET:-\\}}", "}"),
    ("${UNSET:-\\$HOME}", "$HOME"),
    ("${UNSET:-x}}", "x}"),
    # +  and :+
    ("${UNSET+alt}", ""),
    ("${EMPTY+alt}", "alt"),
    ("${NAME+alt}", "alt"),
    ("${UNSET:+alt}", ""),
    ("${EMPTY:+alt}", ""),
    ("${NAME:+alt-$NAME}", "alt-app"),
    # ?  and :?  when they do not fail
    ("${NAME?must be set}", "app"),
    ("${EMPTY?must be set}", ""),
    ("${NAME:?must be set}", "app"),
    # prefix and suffix trimming, shortest and longest, with globs
    ("${FILE#*/}", "sub/file.tar.gz"),
    ("${FILE##*/}", "file.tar.gz"),
    ("${FILE%.*}", "dir/sub/file.tar"),
    ("${FILE%%.*}", "dir/sub/file"),
    ("${FILE#dir}", "/sub/file.tar.gz"),
    ("${FILE#nomatch}", "dir/sub/file.tar.gz"),
    ("${FILE#}", "dir/sub/file.tar.gz"),
    ("${FILE%?z}", "dir/sub/file.tar."),
    ("${FILE#*}", "dir/sub/file.tar.gz"),
    ("${FILE##*}", ""),
    ("${FILE#d?r/}", "sub/file.tar.gz"),
    ("${FILE#$NAME}", "dir/sub/file.tar.gz"),
    ("${UNSET#x}", ""),
    ("${NAME#[a]}", "app"),
    # escaped glob characters are literal; the escape is a backslash in patterns
    ("${STARS#\\*}", "*b**"),
    ("${STARS%%\\**}", ""),
    ("${STARS%%b\\**}", "**"),
    ("${STARS%\\*}", "**b*"),
    # replacement: first, all, globs, escaped slashes, variables in pattern and replacement
    ("${FILE/\\//:}", "dir:sub/file.tar.gz"),
    ("${FILE//\\//:}", "dir:sub:file.tar.gz"),
    ("${FILE/*\\//}", "file.tar.gz"),
    ("${FILE//?/.}", "..................."),
    ("${FILE/sub/$NAME}", "dir/app/file.tar.gz"),
    ("${FILE/nomatch/x}", "dir/sub/file.tar.gz"),
    ("${NAME//p}", "error"),
    ("${NAME///}", "app"),
    ("${NAME/$EMPTY/x}", "xapp"),
    ("${NAME//*/x}", "x"),
    ("${UNSET/a/b}", ""),
    # Go's replace-all reads `$0` in what survives of the replacement as the match
    ("${NAME//p/<\\$0>}", "a<\\p><\\p>"),
    ("${NAME/p/<\\$0>}", "a<\\$0>p"),
]


@pytest.mark.parametrize(("text", "expected"), VALUES)
def test_value(text: str, expected: str) -> None:
    env = {**ENV, "STARS": "**b**"}
    if expected == "error":
        with pytest.raises(ExpansionError):
            ShellLexer().process_word(text, env)
    else:
        assert ShellLexer().process_word(text, env).value == expected


ERRORS = [
    ("${}", "syntax error: bad substitution"),
    ("${:-x}", "syntax error: bad substitution"),
    ("${{NAME}", "syntax error: bad substitution"),
    ("${NAME", "syntax error: missing '}'"),
    ("${NAME:-x", "syntax error: missing '}'"),
    ("${", "syntax error: missing '}'"),
    ("${NAME:", "syntax error: missing '}'"),
    ("${NAME/x", "syntax error: missing '/' in ${}"),
    ("${NAME/x/y", "syntax error: missing '}'"),
    ("${NAME=x}", "unsupported modifier (=) in substitution"),
    ("${NAME:=x}", "unsupported modifier (:=) in substitution"),
    ("${NAME:#x}", "unsupported modifier (:#) in substitution"),
    ("${NAME:%x}", "unsupported modifier (:%) in substitution"),
    ("${NAME:x}", "unsupported modifier (:x) in substitution"),
    ("${.}", "unsupported modifier (.) in substitution"),
    ("${#NAME}", "unsupported modifier (N) in substitution"),
    ("${NAME#\\x}", "invalid pattern (\\x) in substitution: invalid escape '\\x'"),
    ("${UNSET?}", "UNSET: is not allowed to be unset"),
    ("${UNSET:?}", "UNSET: is not allowed to be unset"),
    ("${EMPTY:?}", "EMPTY: is not allowed to be empty"),
    ("${UNSET?set it to $NAME}", "UNSET: set it to app"),
    ("${EMPTY:?must not be empty}", "EMPTY: must not be empty"),
    ("'open", "unexpected end of statement while looking for matching single-quote"),
    ('"open', "unexpected end of statement while looking for matching double-quote"),
    ('"open\\"', "unexpected end of statement while looking for matching double-quote"),
    ("\\\\'open", "unexpected end of statement while looking for matching single-quote"),
]


@pytest.mark.parametrize(("text", "message"), ERRORS)
def test_error(text: str, message: str) -> None:
    with pytest.raises(ExpansionError) as raised:
        ShellLexer().process_word(text, ENV)
    assert raised.value.message == message
    assert raised.value.source == text


# (text, referenced, unset): every lookup counts, fallback forms included (lex.go getEnv).
LOOKUPS = [
    ("plain", [], []),
    ("$HOME", ["HOME"], []),
    ("$UNSET ${UNSET}", ["UNSET"], ["UNSET"]),
    ("${UNSET:-x}", ["UNSET"], ["UNSET"]),
    ("${UNSET-x}", ["UNSET"], ["UNSET"]),
    ("${UNSET:+x}", ["UNSET"], ["UNSET"]),
    ("${EMPTY:-x}", ["EMPTY"], []),
    ("${A:-$B} $HOME", ["A", "B", "HOME"], ["A", "B"]),
    ("${HOME:+$UNSET}", ["HOME", "UNSET"], ["UNSET"]),
    ("${FILE/$UNSET/$NAME}", ["FILE", "UNSET", "NAME"], ["UNSET"]),
    ("'$QUOTED'", [], []),
    ('"$INSIDE"', ["INSIDE"], ["INSIDE"]),
    ("\\$ESCAPED", [], []),
    ("$1", ["1"], ["1"]),
]


@pytest.mark.parametrize(("text", "referenced", "unset"), LOOKUPS)
def test_lookups(text: str, referenced: list[str], unset: list[str]) -> None:
    expansion = ShellLexer().process_word(text, ENV)
    assert expansion.referenced == referenced
    assert expansion.unset == unset


# The backtick escape of `# escape=\``: backslash becomes an ordinary character.
BACKTICK_VALUES = [
    ("C:\\Windows\\$NAME", "C:\\Windows\\app"),
    ("`$NAME", "$NAME"),
    ("a`b", "ab"),
    ("a` b", "a b"),
    ('"say `"hi`""', 'say "hi"'),
    ('"keep `x"', "keep `x"),
    ('"c:\\dir"', "c:\\dir"),
    ("``", "`"),
    ("trailing`", "trailing"),
    ("${UNSET:-`}}", "}"),
    # patterns keep using backslash escapes
    ("${STARS#\\*}", "*b**"),
]


@pytest.mark.parametrize(("text", "expected"), BACKTICK_VALUES)
def test_backtick_escape(text: str, expected: str) -> None:
    env = {**ENV, "STARS": "**b**"}
    assert ShellLexer("`").process_word(text, env).value == expected


# (text, env, words) for ProcessWords: splitting happens after expansion.
WORDS = [
    ("one two  three", {}, ["one", "two", "three"]),
    ("  padded  ", {}, ["padded"]),
    ("tab\tand\nnewline", {}, ["tab", "and", "newline"]),
    ("'a b' \"c d\"", {}, ["a b", "c d"]),
    ("a' 'b", {}, ["a b"]),
    ("a\\ b c", {}, ["a b", "c"]),
    ("x$SPACED", {"SPACED": "1 2"}, ["x1", "2"]),
    ('x"$SPACED"', {"SPACED": "1 2"}, ["x1 2"]),
    ("$LEADING", {"LEADING": "  a b"}, ["a", "b"]),
    ("pre$TRAILING", {"TRAILING": "a b  "}, ["prea", "b"]),
    ("pre${TRAILING}post", {"TRAILING": "a b  "}, ["prea", "b", "post"]),
    ("$UNSET", {}, []),
    ("''", {}, []),
    ("'' a", {}, ["a"]),
    ("a ''", {}, ["a"]),
    ("a '' b", {}, ["a", "b"]),
    ("'x'' y'", {}, ["x y"]),
    ("", {}, []),
]


@pytest.mark.parametrize(("text", "env", "words"), WORDS)
def test_words(text: str, env: dict[str, str], words: list[str]) -> None:
    assert ShellLexer().process_words(text, env) == words


# The flags as BuildKit's heredoc-marker scan and heredoc bodies use them.
FLAGGED = [
    ({"raw_quotes": True}, "'a' \"b\" c", "'a' \"b\" c"),
    ({"raw_quotes": True}, '"$NAME"', '"app"'),
    ({"raw_escapes": True}, "a\\ b", "a\\ b"),
    ({"raw_escapes": True}, "\\$NAME", "\\$NAME"),
    # inside double quotes an escape before an ordinary character is written twice
    ({"raw_escapes": True}, '"a\\b"', "a\\\\b"),
    ({"skip_unset": True}, "$UNSET $NAME", "$UNSET app"),
    ({"skip_unset": True}, "${UNSET}", "${UNSET}"),
    ({"skip_unset": True}, "${UNSET:-$NAME}", "${UNSET:-app}"),
    ({"skip_unset": True}, "${UNSET#x}", "${UNSET#x}"),
    ({"skip_unset": True}, "${UNSET//a/b}", "${UNSET/a/b}"),
    ({"skip_unset": True}, "${NAME:-x}", "app"),
    ({"skip_quotes": True}, "'$NAME' \"$NAME\"", "'app' \"app\""),
    ({"skip_quotes": True}, "it's", "it's"),
]


@pytest.mark.parametrize(("flags", "text", "expected"), FLAGGED)
def test_flags(flags: dict[str, bool], text: str, expected: str) -> None:
    assert ShellLexer(**flags).process_word(text, ENV).value == expected


def test_heredoc_marker_scan_keeps_quotes_and_unset_references() -> None:
    lexer = ShellLexer(raw_quotes=True, raw_escapes=True, skip_unset=True)
    words = lexer.process_words("RUN cat <<'EOF' > $OUT \\$x", {})
    assert words == ["RUN", "cat", "<<'EOF'", ">", "$OUT", "\\$x"]


def test_deep_nesting_is_an_expansion_error() -> None:
    text = "${A:-" * 500 + "x" + "}" * 500
    with pytest.raises(ExpansionError):
        ShellLexer().process_word(text, {})


def test_reasonable_nesting_works() -> None:
    text = "${A:-" * 20 + "x" + "}" * 20
    assert ShellLexer().process_word(text, {}).value == "x"


def test_escape_must_be_one_character() -> None:
    with pytest.raises(ValueError):
        ShellLexer("")


_SHELLISH = st.text(alphabet=st.sampled_from(list("${}:-+?#%/*\\`'\" aZ_09\t\n.é")), max_size=60)


@settings(max_examples=600, deadline=None)
@given(text=_SHELLISH | st.text(max_size=40), escape=st.sampled_from(["\\", "`"]))
def test_arbitrary_text_only_raises_expansion_error(text: str, escape: str) -> None:
    for flags in ({}, {"raw_quotes": True, "raw_escapes": True, "skip_unset": True}, {"skip_quotes": True}):
        lexer = ShellLexer(escape, **flags)
        try:
            lexer.process_word(text, ENV)
            lexer.process_words(text, ENV)
        except ExpansionError:
            pass


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.characters(blacklist_characters="$'\"\\`"), max_size=40))
def test_text_without_special_characters_is_unchanged(text: str) -> None:
    assert ShellLexer().process_word(text, ENV).value == text
