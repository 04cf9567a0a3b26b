"""The parser against BuildKit's own parser tests (vendored in tests/data/buildkit) and our spans."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dockgate.dockerfile.model import DockerfileSyntaxError, Span
from dockgate.dockerfile.parser import go_quote, heredoc_marker, heredoc_markers_in_line, parse
from dockgate.reporters.trees.buildkit import render_tree

DATA = Path(__file__).resolve().parent.parent / "data" / "buildkit"
DUMP_CASES = sorted(path for path in (DATA / "parser").iterdir() if path.is_dir())
NEGATIVE_CASES = sorted(path for path in (DATA / "parser-negative").iterdir() if path.is_dir())
HEREDOC_RECORDS = [json.loads(line) for line in (DATA / "parser-extra" / "heredoc_cases.jsonl").read_text().splitlines()]


def read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


@pytest.mark.parametrize("case", DUMP_CASES, ids=lambda path: path.name)
def test_dump_matches_buildkit(case: Path) -> None:
    expected = read(case / "result")
    assert render_tree(parse(read(case / "Dockerfile"))).rstrip("\n") == expected.rstrip("\n")


NEGATIVE_MESSAGES = {
    "empty_dockerfile": "file with no instructions",
    "only_comments": "file with no instructions",
    "env_no_value": "ENV must have two arguments",
    "shykes-nested-json": "when using JSON array syntax, arrays must be comprised of strings only",
}


@pytest.mark.parametrize("case", NEGATIVE_CASES, ids=lambda path: path.name)
def test_negative_cases_are_rejected_with_buildkit_message(case: Path) -> None:
    with pytest.raises(DockerfileSyntaxError) as raised:
        parse(read(case / "Dockerfile"))
    assert raised.value.message == NEGATIVE_MESSAGES[case.name]


def _heredoc_expectations() -> list[tuple[str, str, int, list | None]]:
    cases = []
    for record in HEREDOC_RECORDS:
        if record["kind"] == "parse":
            for expected in record["expected"]:
                cases.append((record["id"], record["dockerfile"], expected["child_index"], expected["heredocs"]))
    return cases


@pytest.mark.parametrize(
    "text,child,expected", [case[1:] for case in _heredoc_expectations()],
    ids=[f"{case[0]}-{case[2]}" for case in _heredoc_expectations()],
)
def test_heredocs_extracted_as_buildkit_does(text: str, child: int, expected: list | None) -> None:
    instruction = parse(text).instructions[child]
    got = [
        {"name": h.name, "content": h.content, "expand": h.expand, "chomp": h.chomp, "file_descriptor": h.file_descriptor}
        for h in instruction.heredocs
    ]
    assert got == (expected or [])


def test_heredoc_marker_words() -> None:
    record = next(r for r in HEREDOC_RECORDS if r["kind"] == "word")
    for word in record["valid_named_EOF"]:
        marker = heredoc_marker(word)
        assert marker is not None and marker[0] == "EOF", word
    for word in record["not_heredoc"]:
        assert heredoc_marker(word) is None, word
    for word in record["invalid"]:
        with pytest.raises(Exception):
            heredoc_marker(word)


def test_heredoc_names_per_line() -> None:
    record = next(r for r in HEREDOC_RECORDS if r["kind"] == "line")
    for case in record["lines"]:
        assert [marker[0] for marker in heredoc_markers_in_line(case["line"])] == case["heredoc_names"], case["line"]


def test_line_spans_match_buildkit() -> None:
    folder = DATA / "parser-extra" / "testfile-line"
    expected = json.loads((folder / "lines.json").read_text())["children"]
    document = parse(read(folder / "Dockerfile"))
    got = [{"start_line": i.span.line, "end_line": i.span.end_line} for i in document.instructions]
    assert got == [{"start_line": c["start_line"], "end_line": c["end_line"]} for c in expected]


# ----------------------------------------------------------------- positions


def test_word_and_flag_spans_point_at_what_they_name() -> None:
    text = "FROM alpine AS base\n  RUN --mount=type=cache,target=/root/.cache \\\n      --network=none pip install x\n"
    document = parse(text)
    run = document.instructions[1]
    assert run.keyword_span == Span(2, 3, 2, 6)
    assert document.slice(run.flags[0].span) == "--mount=type=cache,target=/root/.cache"
    assert run.flags[1].span == Span(3, 7, 3, 21)
    assert run.args[0].value == "pip install x"
    assert document.slice(run.args[0].span) == "pip install x"
    assert [document.slice(w.span) for w in document.instructions[0].args] == ["alpine", "AS", "base"]


def test_span_through_a_continuation_covers_both_lines() -> None:
    document = parse("FROM a\nRUN echo one \\\n  two\n")
    run = document.instructions[1]
    assert run.args[0].value == "echo one   two"
    assert run.args[0].span == Span(2, 5, 3, 6)
    assert run.span == Span(2, 1, 3, 6)


def test_json_form_element_spans() -> None:
    document = parse('FROM a\nCMD ["echo", "h\\u00e9"]\n')
    cmd = document.instructions[1]
    assert cmd.json_form
    assert [w.value for w in cmd.args] == ["echo", "hé"]
    assert [document.slice(w.span) for w in cmd.args] == ['"echo"', '"h\\u00e9"']


def test_env_key_value_spans() -> None:
    document = parse('FROM a\nENV A=1 B="two words"\nENV LEGACY some value\n')
    env = document.instructions[1]
    assert [w.value for w in env.args] == ["A", "1", "=", "B", '"two words"', "="]
    assert document.slice(env.args[4].span) == '"two words"'
    legacy = document.instructions[2]
    assert [w.value for w in legacy.args] == ["LEGACY", "some value", ""]
    assert document.slice(legacy.args[1].span) == "some value"


def test_heredoc_spans_and_next_instruction_right_after_terminator() -> None:
    document = parse("FROM a\nRUN <<EOF\necho hi\necho there\nEOF\nUSER app\n")
    run, user = document.instructions[1], document.instructions[2]
    heredoc = run.heredocs[0]
    assert heredoc.body_span == Span(3, 1, 4, 11)
    assert heredoc.terminator_span == Span(5, 1, 5, 4)
    assert document.slice(heredoc.marker_span) == "<<EOF"
    assert run.span.end_line == 5 and user.keyword == "USER" and user.span.line == 6


def test_crlf_bom_tabs_and_no_final_newline() -> None:
    document = parse("\ufeffFROM\talpine\r\nRUN echo \\\r\n\tok")
    assert [i.keyword for i in document.instructions] == ["FROM", "RUN"]
    assert document.instructions[0].keyword_span == Span(1, 1, 1, 5)
    assert document.instructions[1].args[0].value == "echo \tok"


def test_escape_directive_backtick() -> None:
    document = parse("# escape=`\nFROM windows\nRUN dir C:\\ `\n  /b\n")
    assert document.escape == "`"
    assert document.directives["escape"].value == "`"
    assert document.instructions[1].args[0].value == "dir C:\\   /b"


def test_directive_after_an_instruction_is_a_comment() -> None:
    document = parse("FROM a\n# escape=`\nRUN x \\\n y\n")
    assert "escape" not in document.directives
    assert document.instructions[1].args[0].value == "x  y"


def test_duplicate_and_invalid_directives_are_errors() -> None:
    with pytest.raises(DockerfileSyntaxError, match="only one escape parser directive"):
        parse("# escape=\\\n# escape=`\nFROM a\n")
    with pytest.raises(DockerfileSyntaxError, match="invalid escape token"):
        parse("# escape=x\nFROM a\n")


def test_empty_continuation_lines_are_recorded() -> None:
    document = parse("FROM a\nRUN a \\\n\n  b \\\n# comment\n  c\n")
    run = document.instructions[1]
    assert run.args[0].value == "a   b   c"
    assert run.empty_continuation_lines == [3]
    assert run.span == Span(2, 1, 6, 4)


def test_comment_block_above_instruction() -> None:
    document = parse("FROM a\n# first\n\n# second\nRUN x\n#\n# third\nUSER y\n")
    assert [c.text for c in document.instructions[1].comments] == ["first", "second"]
    assert [c.text for c in document.instructions[2].comments] == ["third"]


def test_unterminated_heredoc() -> None:
    with pytest.raises(DockerfileSyntaxError, match="unterminated heredoc") as raised:
        parse("FROM a\nRUN <<EOF\necho\n")
    assert raised.value.span.line == 2


def test_onbuild_sub_instruction_has_flags_and_heredoc() -> None:
    document = parse("FROM a\nONBUILD RUN --mount=type=cache,target=/c <<EOF\nmake\nEOF\n")
    onbuild = document.instructions[1]
    assert onbuild.sub is not None and onbuild.sub.keyword == "RUN"
    assert onbuild.sub.flags[0].name == "mount"
    assert onbuild.heredocs[0].content == "make\n"
    assert [i.keyword for i in document.walk()] == ["FROM", "ONBUILD", "RUN"]


def test_unknown_instruction_is_kept() -> None:
    document = parse("FROM a\nFOO bar\n")
    assert document.instructions[1].keyword == "FOO"
    assert render_tree(document).splitlines()[1] == '(foo "")'


def test_long_line_limit() -> None:
    with pytest.raises(DockerfileSyntaxError, match="max allowed size"):
        parse("FROM a\nRUN " + "x" * 70000 + "\n")


def test_go_quote() -> None:
    assert go_quote('a"b\\c\td\x00♥\u00a0') == '"a\\"b\\\\c\\td\\x00♥\\u00a0"'


def test_ten_thousand_line_continuation_parses() -> None:
    text = "FROM a\nRUN true \\\n" + "  && true \\\n" * 10000 + "  && true\n"
    run = parse(text).instructions[1]
    assert run.span.end_line == 10003
