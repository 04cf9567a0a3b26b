"""Properties of the parser on generated input, and a differential test against dockerfile-parse."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dockgate.dockerfile.model import Document, DockerfileSyntaxError, Span
from dockgate.dockerfile.parser import parse

# Text built from the characters that matter to the parser, so short examples reach every branch.
dockerfile_alphabet = st.sampled_from(
    list("FROMRUNCOPYENVARGonbuild abc=\"'[]{},-\\`#<>$:/\t\r\n0123\x0b\u00a0é") + ["<<EOF", "\nEOF\n", "--mount=", "\\\n", "# escape=`\n"]
)
dockerfile_like = st.lists(dockerfile_alphabet, max_size=60).map("".join)


def _spans(document: Document) -> list[tuple[Span, str | None]]:
    """Every span in the document, with the text it should slice back to where that is exact."""
    spans: list[tuple[Span, str | None]] = []
    for instruction in document.walk():
        spans.append((instruction.span, None))
        # A keyword broken by a continuation slices back with the escape and newline in it.
        single_line = instruction.keyword_span.line == instruction.keyword_span.end_line
        spans.append((instruction.keyword_span, instruction.keyword_as_written if single_line else None))
        spans.extend((flag.span, None) for flag in instruction.flags)
        spans.extend((word.span, None) for word in instruction.args)
        for heredoc in instruction.heredocs:
            spans.append((heredoc.marker_span, None))
            spans.append((heredoc.terminator_span, None))
            if heredoc.body_span is not None:
                spans.append((heredoc.body_span, heredoc.content.rstrip("\n")))
    spans.extend((comment.span, None) for comment in document.comments)
    return spans


def _inside(span: Span, lines: list[str]) -> bool:
    if not (1 <= span.line <= span.end_line <= len(lines)):
        return False
    if span.line == span.end_line and span.end_column < span.column:
        return False
    return 1 <= span.column <= len(lines[span.line - 1]) + 1 and 1 <= span.end_column <= len(lines[span.end_line - 1]) + 1


@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(dockerfile_like)
def test_parser_never_raises_anything_but_syntax_errors(text: str) -> None:
    try:
        parse(text)
    except DockerfileSyntaxError:
        pass


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_parser_never_raises_on_arbitrary_unicode(text: str) -> None:
    try:
        parse(text)
    except DockerfileSyntaxError:
        pass


@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(dockerfile_like)
def test_every_span_lies_inside_the_text_and_slices_back(text: str) -> None:
    try:
        document = parse(text)
    except DockerfileSyntaxError as error:
        lines = text.lstrip("\ufeff").split("\n") or [""]
        assert 1 <= error.span.line <= max(len(lines), 1)
        return
    for span, expected in _spans(document):
        assert _inside(span, document.lines), (span, document.lines)
        if expected is not None:
            assert document.slice(span) == expected


# ---------------------------------------------------------------- differential

# dockerfile-parse handles plain files (no heredocs, no blank lines inside continuations);
# on those it must agree with us on the instruction keywords and line spans.
keywords = st.sampled_from(["FROM", "RUN", "COPY", "USER", "WORKDIR", "EXPOSE", "CMD", "ARG"])
plain_word = st.text(alphabet="abcdefxyz0123/._=:", min_size=1, max_size=8)
continuation_piece = st.lists(plain_word, min_size=1, max_size=3).map(" ".join)


@st.composite
def plain_dockerfiles(draw: st.DrawFn) -> str:
    lines = ["FROM base"]
    for _ in range(draw(st.integers(1, 6))):
        if draw(st.booleans()):
            lines.append("# " + draw(plain_word))
        if draw(st.booleans()):
            lines.append("")
        keyword = draw(keywords)
        pieces = draw(st.lists(continuation_piece, min_size=1, max_size=4))
        text = f"{keyword} {pieces[0]}"
        for piece in pieces[1:]:
            text += " \\\n"
            if draw(st.booleans()):
                text += "# inner comment\n"
            text += "    " + piece
        lines.append(text)
    return "\n".join(lines) + "\n"


@settings(max_examples=200, deadline=None)
@given(plain_dockerfiles())
def test_same_keywords_and_lines_as_dockerfile_parse(text: str) -> None:
    from dockerfile_parse.parser import DockerfileParser

    reference = DockerfileParser(fileobj=__import__("io").BytesIO(text.encode()))
    expected = [(item["instruction"], item["startline"] + 1, item["endline"] + 1) for item in reference.structure if item["instruction"] != "COMMENT"]
    ours = [(i.keyword, i.span.line, i.span.end_line) for i in parse(text).instructions]
    assert ours == expected
