"""Suppression comments: dockgate's, hadolint's and BuildKit's, each form with what it does and does not cover."""

from __future__ import annotations

import pytest

from dockgate.rule_api.findings import Finding, Level
from dockgate.dockerfile.model import Span
from dockgate.dockerfile.parser import parse
from dockgate.rule_api.suppressions import CheckOptions, CheckOptionsError, Suppressions, parse_check_options


def finding(code: str, line: int, name: str = "some-rule", aliases: tuple[str, ...] = ()) -> Finding:
    return Finding(
        code=code,
        name=name,
        level=Level.WARNING,
        message="m",
        file="Dockerfile",
        span=Span(line, 1, line, 2),
        instruction_line=line,
        aliases=aliases,
    )


def suppressions(text: str, disable_ignore_pragma: bool = False) -> Suppressions:
    return Suppressions.from_document(parse(text), disable_ignore_pragma)


def suppressed_lines(text: str, code: str = "DL3008", aliases: tuple[str, ...] = (), **kwargs) -> list[int]:
    """The instruction lines at which a finding of `code` would be suppressed (DL3008 is named pin-apt-versions)."""
    name = "pin-apt-versions" if code == "DL3008" else "other-rule"
    document = parse(text)
    found = Suppressions.from_document(document, kwargs.get("disable_ignore_pragma", False))
    return [
        instruction.line
        for instruction in document.instructions
        if found.suppresses(finding(code, instruction.line, name, aliases))
    ]


# ------------------------------------------------------------ dockgate's own


def test_dockgate_ignore_covers_the_instruction_below() -> None:
    text = "FROM debian\n# dockgate: ignore=DL3008 -- pinned by the base image\nRUN apt-get install curl\nRUN x\n"
    assert suppressed_lines(text) == [3]


def test_dockgate_ignore_takes_selectors() -> None:
    text = "FROM debian\n# dockgate: ignore = pin-apt-versions , DL4000\nRUN a\n# dockgate: ignore=DL3\nRUN b\n"
    assert suppressed_lines(text) == [3, 5]
    assert suppressed_lines(text, "DL3009") == [5]
    assert suppressed_lines("FROM x\n# dockgate: ignore=CKV_DOCKER_9\nRUN a\n", aliases=("CKV_DOCKER_9",)) == [3]


def test_dockgate_ignore_reaches_across_blank_lines_and_other_comments() -> None:
    text = "FROM debian\n# dockgate: ignore=DL3008\n\n# install tools\nRUN apt-get install curl\n"
    assert suppressed_lines(text) == [5]


def test_dockgate_ignore_does_not_cover_other_codes_or_instructions() -> None:
    text = "# dockgate: ignore=DL3009\nFROM debian\nRUN a\n"
    assert suppressed_lines(text) == []
    assert suppressed_lines(text, "DL3009") == [2]


def test_dockgate_global_ignore() -> None:
    text = "FROM debian\nRUN a\n# dockgate: global ignore=DL3008 -- legacy file\nRUN b\n"
    assert suppressed_lines(text) == [1, 2, 4]
    assert suppressed_lines(text, "DL3009") == []


def test_bare_hash_line_detaches_a_pragma() -> None:
    assert suppressed_lines("FROM debian\n# dockgate: ignore=DL3008\n#\nRUN a\n") == []


# ------------------------------------------------------------- hadolint's


def test_hadolint_ignore_next_instruction_only() -> None:
    text = "FROM ubuntu\n# hadolint ignore=DL3002\nUSER root\nUSER root\n"
    assert suppressed_lines(text, "DL3002") == [3]
    assert suppressed_lines(text, "DL3001") == []


def test_hadolint_ignore_above_from_does_not_reach_later_instructions() -> None:
    assert suppressed_lines("# hadolint ignore=DL3001,DL3002\nFROM ubuntu\nUSER root\n", "DL3002") == [2]


def test_hadolint_ignore_with_spaces_and_reason() -> None:
    text = "FROM node AS foo\n# hadolint ignore=DL3023, DL3021 # copied on purpose\nCOPY --from=foo bar baz .\n"
    assert suppressed_lines(text, "DL3023") == [3]
    assert suppressed_lines(text, "DL3021") == [3]
    assert suppressed_lines("FROM a\n#hadolint   ignore  =  DL3002 \nUSER root\n", "DL3002") == [3]


def test_hadolint_ignore_survives_a_blank_line() -> None:
    # hadolint needs the pragma on the line right above; dockgate uses the comment block.
    assert suppressed_lines("FROM a\n# hadolint ignore=DL3002\n\nUSER root\n", "DL3002") == [4]


def test_hadolint_ignore_with_an_odd_code_keeps_the_others() -> None:
    # hadolint voids the whole pragma when one code has other characters than D, L, S, C and digits.
    text = "FROM scratch\n# hadolint ignore=crazy,DL3002\nUSER root\n"
    assert suppressed_lines(text, "DL3002") == [3]


def test_hadolint_ignore_covers_a_multi_line_instruction() -> None:
    text = "FROM a\n# hadolint ignore=SC2086\nRUN echo $x \\\n  && echo $y\n"
    assert suppressed_lines(text, "SC2086") == [3]


def test_hadolint_pragma_needs_the_hadolint_word_and_a_space() -> None:
    assert suppressed_lines("FROM a\n# hadolintignore=DL3008\nRUN a\n") == []
    assert suppressed_lines("FROM a\n# Hadolint ignore=DL3008\nRUN a\n") == []
    assert suppressed_lines("FROM a\n# hadolint ignore DL3008\nRUN a\n") == []


def test_hadolint_global_ignore() -> None:
    text = "# hadolint global ignore = DL3023 , DL3021\nFROM node as foo\nCOPY --from=foo bar baz .\n"
    assert suppressed_lines(text, "DL3021") == [2, 3]
    assert suppressed_lines(text, "DL3008") == []
    assert suppressed_lines("FROM a\nRUN x\n# hadolint global ignore=DL3008\n", "DL3008") == [1, 2]


def test_hadolint_stage_ignore_covers_its_stage_including_from() -> None:
    text = "# hadolint stage ignore=DL3011,DL3006\nFROM ubuntu\nEXPOSE 80000\nFROM ubuntu\nEXPOSE 80000\n"
    assert suppressed_lines(text, "DL3011") == [2, 3]
    # hadolint covers the next FROM line and misses its own; dockgate does the opposite.
    assert suppressed_lines(text, "DL3006") == [2, 3]


def test_hadolint_stage_ignore_for_a_later_stage() -> None:
    text = "FROM ubuntu\nEXPOSE 80000\n\n# hadolint stage ignore=DL3011\nFROM ubuntu AS two\nEXPOSE 80000\nRUN x\n"
    assert suppressed_lines(text, "DL3011") == [5, 6, 7]


def test_hadolint_stage_ignore_inside_a_stage_covers_the_rest_of_it() -> None:
    text = "FROM a\nRUN one\n# hadolint stage ignore=DL3008\nRUN two\nRUN three\nFROM b\nRUN four\n"
    assert suppressed_lines(text) == [4, 5]


def test_hadolint_stage_ignore_at_the_end_covers_nothing() -> None:
    found = suppressions("FROM a\nRUN x\n# hadolint stage ignore=DL3008\n")
    assert not found.suppresses(finding("DL3008", 2))
    assert [unused.selector for unused in found.unused()] == ["DL3008"]


def test_other_comments_are_not_pragmas() -> None:
    text = "FROM a\n# we ignore=DL3008 here\n# dockgate ignore=DL3008\n# hadolint ignore=\nRUN a\n"
    assert suppressed_lines(text) == []


# ------------------------------------------------------ disabling, DL1000


def test_disable_ignore_pragma_turns_off_dockgate_and_hadolint_pragmas() -> None:
    text = (
        "# hadolint global ignore=DL3001\n# dockgate: global ignore=DL3002\n# hadolint stage ignore=DL3003\nFROM a\n"
        "# hadolint ignore=DL3008\n# dockgate: ignore=DL3009\nRUN a\n"
    )
    for code in ("DL3001", "DL3002", "DL3003", "DL3008", "DL3009"):
        assert suppressed_lines(text, code, disable_ignore_pragma=True) == []
        assert suppressed_lines(text, code) != []


def test_disable_ignore_pragma_keeps_buildkit_check_comments() -> None:
    text = "# check=skip=JSONArgsRecommended\nFROM a\n# check=skip=MaintainerDeprecated\nMAINTAINER me\nCMD x\n"
    assert suppressed_lines(text, "DG2007", ("JSONArgsRecommended",), disable_ignore_pragma=True) == [2, 4, 5]
    assert suppressed_lines(text, "DL4000", ("MaintainerDeprecated",), disable_ignore_pragma=True) == [4]


def test_parse_error_is_never_suppressed() -> None:
    found = suppressions("# hadolint global ignore=DL1000\n# dockgate: global ignore=DL\nFROM a\n")
    assert not found.suppresses(finding("DL1000", 3))
    assert found.suppresses(finding("DL3008", 3))


# ------------------------------------------------------ BuildKit's check


def test_check_directive_skip_names_buildkit_rules() -> None:
    text = "# check=skip=JSONArgsRecommended,FromAsCasing\nFROM a as b\nCMD x\n"
    assert suppressed_lines(text, "DG2002", ("FromAsCasing",)) == [2, 3]
    assert suppressed_lines(text, "DG2007", ("JSONArgsRecommended",)) == [2, 3]
    assert suppressed_lines(text, "DG2004", ("ConsistentInstructionCasing",)) == []
    # Only BuildKit rule names count, and they are case-sensitive.
    assert suppressed_lines("# check=skip=DL3008\nFROM a\n", "DL3008", ("DL3008",)) == []
    assert suppressed_lines("# check=skip=fromascasing\nFROM a\n", "DG2002", ("FromAsCasing",)) == []


def test_check_directive_skip_all_but_not_experimental() -> None:
    text = "#check=skip=all;error=true\nFROM a as b\n"
    assert suppressed_lines(text, "DG2002", ("FromAsCasing",)) == [2]
    assert suppressed_lines(text, "DG2019", ("InvalidDefinitionDescription",)) == []
    assert suppressed_lines(text, "DL3008") == []
    found = suppressions(text)
    assert found.check == CheckOptions(skip_all=True, error=True)
    assert found.check_problem is None


def test_check_directive_after_a_shebang() -> None:
    # BuildKit's check finder skips a shebang line although its main parser does not.
    text = "#!/usr/bin/env -S docker build -f\n# check=skip=FromAsCasing\nFROM a as b\n"
    assert suppressed_lines(text, "DG2002", ("FromAsCasing",)) == [3]


def test_invalid_check_directive_is_reported_and_skips_nothing() -> None:
    found = suppressions("# check=skip=FromAsCasing;colour=red\nFROM a as b\n")
    assert found.check_problem == (Span(1, 1, 1, 37), 'invalid check option "colour"')
    assert not found.suppresses(finding("DG2002", 2, aliases=("FromAsCasing",)))


@pytest.mark.parametrize(
    ("value", "options"),
    [
        ("", CheckOptions()),
        ("skip=all", CheckOptions(skip_all=True)),
        ("skip = A , B ;error=1", CheckOptions(skip=frozenset({"A", "B"}), error=True)),
        ("error=False;skip=all", CheckOptions(skip_all=True)),
        ("experimental=all", CheckOptions(experimental_all=True)),
        ("experimental=InvalidDefinitionDescription", CheckOptions(experimental=frozenset({"InvalidDefinitionDescription"}))),
        ("skip=all,A", CheckOptions(skip=frozenset({"all", "A"}))),
        # At most three parts: a fourth `;` stays in the third value.
        ("skip=A;error=t;experimental=B;C", CheckOptions(frozenset({"A"}), False, True, frozenset({"B;C"}))),
    ],
)
def test_parse_check_options(value: str, options: CheckOptions) -> None:
    assert parse_check_options(value) == options


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("skip", 'invalid check option "skip"'),
        ("skip=A;colour=red", 'invalid check option "colour"'),
        ("error=yes", 'failed to parse check option "error=yes": strconv.ParseBool: parsing "yes": invalid syntax'),
        ("skip=A;error=true;experimental=B;x", None),
    ],
)
def test_parse_check_options_errors(value: str, message: str | None) -> None:
    if message is None:
        parse_check_options(value)
        return
    with pytest.raises(CheckOptionsError) as raised:
        parse_check_options(value)
    assert str(raised.value) == message


def test_experimental_rules_are_named_by_experimental() -> None:
    options = parse_check_options("skip=all;experimental=InvalidDefinitionDescription")
    assert options.enables_experimental("InvalidDefinitionDescription")
    assert not options.skips("InvalidDefinitionDescription")
    assert not parse_check_options("").enables_experimental("InvalidDefinitionDescription")


def test_local_check_skip_covers_one_instruction() -> None:
    text = (
        "FROM a\n# check=skip=SecretsUsedInArgOrEnv // the build needs it\nARG API_TOKEN\n"
        "ARG DB_PASSWORD\n"
    )
    assert suppressed_lines(text, "DG2015", ("SecretsUsedInArgOrEnv",)) == [3]


def test_local_check_skip_all_and_blank_lines() -> None:
    text = "FROM a\n# check=skip=all\n\nMAINTAINER me\n"
    assert suppressed_lines(text, "DL4000", ("MaintainerDeprecated",)) == [4]


def test_local_check_skip_only_the_first_check_comment_counts() -> None:
    text = "FROM a\n# check=skip=LegacyKeyValueFormat\n# check=skip=MaintainerDeprecated\nMAINTAINER me\n"
    assert suppressed_lines(text, "DL4000", ("MaintainerDeprecated",)) == []
    # An invalid first one still uses up the block's check comment.
    text = "FROM a\n# check=bogus\n# check=skip=MaintainerDeprecated\nMAINTAINER me\n"
    assert suppressed_lines(text, "DL4000", ("MaintainerDeprecated",)) == []


def test_local_check_reads_skip_only() -> None:
    # A local error= is ignored; it does not invalidate the skip.
    text = "FROM a\n# check=skip=MaintainerDeprecated;error=true\nMAINTAINER me\n"
    assert suppressed_lines(text, "DL4000", ("MaintainerDeprecated",)) == [3]
    assert suppressions(text).check == CheckOptions()


def test_local_check_must_be_the_first_word() -> None:
    text = "FROM a\n# see check=skip=MaintainerDeprecated\nMAINTAINER me\n"
    assert suppressed_lines(text, "DL4000", ("MaintainerDeprecated",)) == []


@pytest.mark.parametrize(
    "rule",
    ["NoEmptyContinuation", "ConsistentInstructionCasing", "DuplicateStageName", "ReservedStageName", "InvalidDefaultArgInFrom"],
)
def test_local_check_skip_does_not_reach_file_level_rules(rule: str) -> None:
    assert suppressed_lines(f"# x\n# check=skip={rule}\nFROM a AS scratch\n", "DG2000", (rule,)) == []
    assert suppressed_lines(f"# check=skip={rule}\nFROM a AS scratch\n", "DG2000", (rule,)) == [2]


def test_local_check_skip_has_no_effect_on_experimental_rules() -> None:
    text = "# check=experimental=all\nARG x\n# check=skip=InvalidDefinitionDescription\nARG foo\nFROM a\n"
    assert suppressed_lines(text, "DG2019", ("InvalidDefinitionDescription",)) == []


def test_multiple_instructions_skip_sits_above_the_later_instruction() -> None:
    text = "FROM a\nCMD one\n# check=skip=MultipleInstructionsDisallowed\nCMD two\nCMD three\nFROM b\nCMD four\n"
    # Findings sit on the overridden instruction (lines 2 and 4); only 2 is overridden by the commented one.
    assert suppressed_lines(text, "DG2012", ("MultipleInstructionsDisallowed",)) == [2]
    above_earlier = "FROM a\n# check=skip=MultipleInstructionsDisallowed\nCMD one\nCMD two\n"
    assert suppressed_lines(above_earlier, "DG2012", ("MultipleInstructionsDisallowed",)) == []


def test_multiple_instructions_are_counted_per_kind_and_stage() -> None:
    text = (
        "FROM a\nENTRYPOINT one\nCMD one\n# check=skip=MultipleInstructionsDisallowed\nCMD two\n"
        "FROM b\n# check=skip=MultipleInstructionsDisallowed\nENTRYPOINT two\n"
    )
    assert suppressed_lines(text, "DG2012", ("MultipleInstructionsDisallowed",)) == [3]


# ------------------------------------------------------------ unused


def test_unused_pragmas_are_listed_per_selector() -> None:
    found = suppressions(
        "# hadolint global ignore=DL3001,DL3002\nFROM a\n# dockgate: ignore=DL3008,DL3009\nRUN a\nRUN b\n"
    )
    assert found.suppresses(finding("DL3008", 4))
    assert found.suppresses(finding("DL3001", 5))
    assert not found.suppresses(finding("DL3009", 5))
    assert [(unused.selector, unused.span, unused.comment, unused.all_unused) for unused in found.unused()] == [
        ("DL3002", Span(1, 33, 1, 39), Span(1, 1, 1, 39), False),
        ("DL3009", Span(3, 27, 3, 33), Span(3, 1, 3, 33), False),
    ]


def test_redundant_pragmas_are_all_marked_used() -> None:
    found = suppressions("# hadolint global ignore=DL3008\nFROM a\n# hadolint ignore=DL3008\nRUN a\n")
    assert found.suppresses(finding("DL3008", 4))
    assert found.unused() == []


def test_buildkit_skips_are_not_listed_as_unused() -> None:
    assert suppressions("# check=skip=FromAsCasing\nFROM a\n# check=skip=all\nRUN x\n").unused() == []


# ---------------------------------------------------------- shell pragma


def shells(text: str) -> list[str | None]:
    document = parse(text)
    found = Suppressions.from_document(document, disable_ignore_pragma=True)
    return [found.shell_pragma_for(instruction) for instruction in document.instructions]


def test_no_shell_pragma() -> None:
    assert shells("FROM a\nRUN x\n") == [None, None]


def test_shell_pragma_before_the_first_from_holds_for_every_stage() -> None:
    text = "# hadolint shell=powershell.exe\nFROM w\nRUN a\nFROM w\nRUN b\n"
    assert shells(text) == ["powershell.exe"] * 4


def test_shell_pragma_in_a_stage_holds_to_its_end() -> None:
    text = "FROM a\nRUN x\n# hadolint shell = pwsh # windows\nRUN y\nFROM b\nRUN z\n"
    assert shells(text) == [None, None, "pwsh", None, None]


def test_shell_pragma_above_a_from_holds_for_that_stage() -> None:
    text = "# hadolint shell=bash\nFROM a\nRUN x\n# hadolint shell=pwsh\nFROM b\nRUN y\nFROM c\nRUN z\n"
    assert shells(text) == ["bash", "bash", "pwsh", "pwsh", "bash", "bash"]


def test_shell_pragma_before_global_args() -> None:
    text = "# escape=`\n# hadolint shell=powershell\n\nARG V=1\nFROM w:$V\nRUN a\n"
    assert shells(text) == ["powershell"] * 3


def test_shell_pragma_is_not_an_ignore_pragma() -> None:
    assert suppressed_lines("FROM a\n# hadolint shell=pwsh\nRUN x\n") == []
