"""Stages, stage inheritance and ARG/ENV scoping (reference buildkit.md §B6).

Undefined-variable cases mirror BuildKit's check tests (testUnmatchedVars,
testUndeclaredArg in the conformance data).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dockgate.dockerfile.model import DockerfileSyntaxError, Instruction
from dockgate.dockerfile.parser import parse
from dockgate.analysis.semantics import AUTOMATIC_PLATFORM_ARGS, DEFAULT_PATH, SemanticModel


def model_of(text: str) -> SemanticModel:
    return SemanticModel(parse(text))


def at_line(model: SemanticModel, line: int) -> Instruction:
    """The instruction starting on `line` (an ONBUILD's trigger when asked for twice)."""
    return next(instruction for instruction in model.document.walk() if instruction.line == line)


def values_of(model: SemanticModel, line: int) -> dict[str, str | None]:
    """key -> expanded value of the ARG/ENV/LABEL on `line`."""
    return {
        definition.key: definition.value.value if definition.value else None
        for definition in model.definitions(at_line(model, line))
    }


# ------------------------------------------------------------------ stages


def test_stages_names_and_instructions() -> None:
    model = model_of("FROM alpine AS Builder\nRUN make\nCOPY . .\nFROM scratch\nCOPY --from=builder /a /a\n")
    first, second = model.stages
    assert (first.index, first.name, first.base_name) == (0, "builder", "alpine")
    assert first.name_word is not None and first.name_word.value == "Builder"
    assert [instruction.keyword for instruction in first.instructions] == ["RUN", "COPY"]
    assert (second.name, second.name_word, second.base_name) == (None, None, "scratch")
    assert model.final_stage is second
    assert model.stage_of(at_line(model, 2)) is first
    assert model.stage_of(first.from_instruction) is first


def test_no_stages() -> None:
    model = model_of("ARG A=1\n")
    assert model.stages == []
    assert model.final_stage is None
    assert model.stage_of(at_line(model, 1)) is None


def test_base_stage_is_an_earlier_stage() -> None:
    model = model_of("FROM alpine AS base\nFROM base AS child\nFROM child\nFROM later\nFROM alpine AS later\n")
    base, child, grandchild, forward, later = model.stages
    assert child.base_stage is base
    assert grandchild.base_stage is child
    assert base.base_stage is None
    # Only stages before the FROM count: `later` here is an image.
    assert forward.base_stage is None


def test_duplicate_stage_name_later_wins() -> None:
    model = model_of("FROM alpine AS dup\nFROM debian AS dup\nFROM dup\n")
    assert model.stages[2].base_stage is model.stages[1]
    assert model.resolve_stage("DUP") is model.stages[1]


def test_from_looks_up_the_stage_name_as_written() -> None:
    # BuildKit matches the FROM text against lower-cased stage names without lower-casing it.
    model = model_of("FROM alpine AS base\nFROM Base\nFROM BASE AS x\n")
    assert model.stages[1].base_stage is None
    assert model.stages[2].base_stage is None


def test_a_stage_does_not_name_itself() -> None:
    model = model_of("FROM alpine AS app\nFROM app AS app\nFROM app\n")
    assert model.stages[1].base_stage is model.stages[0]
    assert model.stages[2].base_stage is model.stages[1]


def test_from_names_a_stage_through_a_global_arg() -> None:
    model = model_of("ARG BASE=builder\nFROM alpine AS builder\nFROM ${BASE}\n")
    assert model.stages[1].base_stage is model.stages[0]


def test_resolve_stage_by_index_and_name() -> None:
    model = model_of("FROM alpine AS one\nFROM alpine AS two\nFROM scratch\n")
    assert model.resolve_stage("0") is model.stages[0]
    assert model.resolve_stage("2") is model.stages[2]
    assert model.resolve_stage("3") is None
    assert model.resolve_stage("Two") is model.stages[1]
    assert model.resolve_stage("alpine") is None
    assert model.is_stage_reference("one")
    assert not model.is_stage_reference("golang:1.22")


def test_onbuild_trigger_belongs_to_its_stage() -> None:
    model = model_of("FROM alpine\nENV A=1\nONBUILD ENV B=$A\nENV A=2\n")
    onbuild = at_line(model, 3)
    assert onbuild.sub is not None
    assert model.stage_of(onbuild.sub) is model.stages[0]
    assert model.variables_before(onbuild.sub)["A"] == "1"
    assert values_of(model, 3) == {}
    assert [definition.key for definition in model.definitions(onbuild.sub)] == ["B"]
    assert model.definitions(onbuild.sub)[0].value.value == "1"
    # The trigger runs in a child build, not here.
    assert "B" not in model.variables_before(at_line(model, 4))


def test_base_name_uses_global_defaults() -> None:
    model = model_of('ARG REPO=library/alpine\nARG TAG="3.19"\nFROM ${REPO}:$TAG\n')
    stage = model.stages[0]
    assert (stage.base_name, stage.base_name_known) == ("library/alpine:3.19", True)


@pytest.mark.parametrize(
    ("text", "base_name", "known"),
    [
        # InvalidDefaultArgInFrom territory: an ARG without default expands to nothing
        ("ARG VERSION\nFROM busybox:$VERSION\n", "busybox:", False),
        ("ARG TAG\nFROM alpine:${TAG:-3.14}\n", "alpine:3.14", False),
        ('ARG VARIANT=""\nFROM busybox:stable${VARIANT}\n', "busybox:stable", True),
        ("ARG DEBUG\nFROM scra${DEBUG:-tch}\n", "scratch", False),
        ("FROM ${TARGETARCH}/alpine\n", "/alpine", False),
        ("FROM alpine:$UNDECLARED\n", "alpine:", True),
    ],
)
def test_base_name_with_unknown_values(text: str, base_name: str, known: bool) -> None:
    stage = model_of(text).stages[0]
    assert (stage.base_name, stage.base_name_known) == (base_name, known)


def test_base_image_unknown() -> None:
    model = model_of("FROM scratch AS empty\nFROM empty AS child\nFROM alpine AS img\nFROM img\n")
    assert [model.is_base_image_unknown(stage) for stage in model.stages] == [False, False, True, True]


# ------------------------------------------------------------------ global ARGs and FROM


def test_global_args_chain_and_automatic_args() -> None:
    model = model_of("ARG A=1\nARG B=$A-x C\nARG D=$TARGETARCH\nARG A\nFROM scratch\n")
    assert model.global_args == {"A": "1", "B": "1-x", "C": None, "D": None}
    visible = model.variables_before(model.stages[0].from_instruction)
    assert {name: visible[name] for name in ("A", "B", "C", "D")} == {"A": "1", "B": "1-x", "C": None, "D": None}
    assert all(name in visible and visible[name] is None for name in AUTOMATIC_PLATFORM_ARGS)


def test_global_arg_sees_only_earlier_globals() -> None:
    model = model_of("ARG A=$B\nARG B=2\nFROM scratch\n")
    assert model.global_args["A"] == ""
    assert model.definitions(at_line(model, 1))[0].value.undefined == ["B"]


@pytest.mark.parametrize(
    ("text", "undefined"),
    [
        ("ARG base=scratch\nFROM $base\n", []),
        ("ARG BUILDPLATFORM=linux/amd64\nFROM --platform=$BUILDPLATFORM scratch\n", []),
        ("FROM --platform=$BUILDPLATFORM scratch\n", []),
        ("ARG DEBUG\nFROM scratch${DEBUG}\n", []),
        ("ARG MY_OS=linux\nARG MY_ARCH=amd64\nFROM --platform=linux/${MYARCH} busybox\n", ["MYARCH"]),
        ("ARG tag=latest\nFROM busybox:${tag}${version} AS b\n", ["version"]),
        ("FROM alpine:${TAG:-3.19}\n", ["TAG"]),
    ],
)
def test_from_undefined_arguments(text: str, undefined: list[str]) -> None:
    model = model_of(text)
    from_instruction = model.stages[0].from_instruction
    texts = [from_instruction.args[0].value] + [flag.value or "" for flag in from_instruction.flags]
    found = [name for text in texts for name in model.expand_in(from_instruction, text).undefined]
    assert found == undefined


# ------------------------------------------------------------------ stage scopes


def test_global_args_are_not_visible_in_a_stage() -> None:
    model = model_of("ARG VERSION=1\nFROM scratch\nENV V=$VERSION\n")
    assert "VERSION" not in model.variables_before(at_line(model, 3))
    evaluation = model.definitions(at_line(model, 3))[0].value
    assert (evaluation.value, evaluation.undefined) == ("", ["VERSION"])


def test_bare_arg_imports_the_global_default() -> None:
    model = model_of("ARG VERSION=1\nFROM scratch\nARG VERSION\nENV V=$VERSION\n")
    assert model.variables_before(at_line(model, 4))["VERSION"] == "1"
    assert values_of(model, 4) == {"V": "1"}


def test_bare_arg_without_global_declares_only() -> None:
    # testUnmatchedVars/1: an ARG without value makes the name defined, its value unknown.
    model = model_of("FROM scratch\nARG foo\nCOPY Dockerfile${foo} .\n")
    copy = at_line(model, 3)
    assert model.variables_before(copy) == {"PATH": DEFAULT_PATH, "foo": None}
    evaluation = model.expand_in(copy, copy.args[0].value)
    assert (evaluation.value, evaluation.with_defaults, evaluation.undefined) == (None, "Dockerfile", [])


def test_platform_args_need_a_stage_arg() -> None:
    model = model_of("FROM alpine\nCOPY $TARGETARCH .\nARG TARGETARCH\nCOPY $TARGETARCH .\n")
    first, second = at_line(model, 2), at_line(model, 4)
    assert model.expand_in(first, "$TARGETARCH").undefined == ["TARGETARCH"]
    evaluation = model.expand_in(second, "$TARGETARCH")
    assert (evaluation.undefined, evaluation.value) == ([], None)
    assert model.variables_before(second)["TARGETARCH"] is None


def test_stage_arg_visible_from_its_line_on() -> None:
    # testUnmatchedVars/4
    model = model_of("FROM alpine\nCOPY $foo .\nARG foo=bar\nCOPY $foo .\n")
    assert model.expand_in(at_line(model, 2), "$foo").undefined == ["foo"]
    evaluation = model.expand_in(at_line(model, 4), "$foo")
    assert (evaluation.value, evaluation.undefined) == ("bar", [])


def test_near_miss_is_undefined() -> None:
    # testUnmatchedVars/5 and /6
    model = model_of("FROM alpine\nARG DIR_ASSETS=assets/\nCOPY $DIR_ASSET .\nENV PATH=$PAHT:/tmp/bin\n")
    assert model.expand_in(at_line(model, 3), "$DIR_ASSET").undefined == ["DIR_ASSET"]
    assert model.definitions(at_line(model, 4))[0].value.undefined == ["PAHT"]


def test_fallback_forms_still_count_as_undefined() -> None:
    model = model_of("FROM scratch\nCOPY ${MISSING:-default} .\n")
    evaluation = model.expand_in(at_line(model, 2), "${MISSING:-default}")
    assert (evaluation.value, evaluation.undefined) == ("default", ["MISSING"])


def test_path_is_defined_by_default() -> None:
    # testUnmatchedVars/3 and the default PATH of scratch.
    model = model_of("FROM scratch\nENV PATH=$PATH:/opt/bin\nFROM alpine\nENV PATH=$PATH:/opt/bin\n")
    assert values_of(model, 2) == {"PATH": DEFAULT_PATH + ":/opt/bin"}
    evaluation = model.definitions(at_line(model, 4))[0].value
    assert (evaluation.value, evaluation.undefined) == (None, [])


def test_env_pairs_see_the_environment_before_the_instruction() -> None:
    model = model_of("FROM scratch\nENV a=old\nENV a=new b=$a\nENV c=$a\n")
    assert values_of(model, 3) == {"a": "new", "b": "old"}
    assert values_of(model, 4) == {"c": "new"}


def test_arg_pairs_are_set_one_by_one() -> None:
    model = model_of("FROM scratch\nARG a=1 b=$a\n")
    assert values_of(model, 2) == {"a": "1", "b": "1"}


def test_env_overrides_arg() -> None:
    model = model_of("FROM scratch\nARG X=arg\nENV X=env\nARG X\nENV Y=$X\n")
    assert values_of(model, 5) == {"Y": "env"}


def test_arg_with_default_after_env_sets_the_value() -> None:
    # convert.go dispatchArg adds an ARG with a value to the environment, replacing an ENV.
    model = model_of("FROM scratch\nENV X=env\nARG X=arg\nENV Y=$X\n")
    assert values_of(model, 4) == {"Y": "arg"}


def test_child_stage_inherits_args_and_env() -> None:
    # testUnmatchedVars/2
    model = model_of("FROM alpine AS base\nARG foo=Dockerfile\nENV bar=1\nARG baz\nFROM base\nCOPY $foo$bar$baz .\n")
    copy = at_line(model, 6)
    visible = model.variables_before(copy)
    assert {name: visible[name] for name in ("foo", "bar", "baz")} == {"foo": "Dockerfile", "bar": "1", "baz": None}
    assert model.expand_in(copy, copy.args[0].value).undefined == []


def test_sibling_stage_does_not_inherit() -> None:
    model = model_of("FROM scratch AS a\nENV A=1\nFROM scratch AS b\nCOPY $A .\n")
    assert model.expand_in(at_line(model, 4), "$A").undefined == ["A"]


def test_unknown_base_image_makes_undefined_values_unknown() -> None:
    model = model_of("FROM alpine\nENV X=$FROM_IMAGE\nFROM scratch\nENV X=$FROM_IMAGE\n")
    in_alpine = model.definitions(at_line(model, 2))[0].value
    in_scratch = model.definitions(at_line(model, 4))[0].value
    assert (in_alpine.value, in_alpine.with_defaults, in_alpine.undefined) == (None, "", ["FROM_IMAGE"])
    assert (in_scratch.value, in_scratch.undefined) == ("", ["FROM_IMAGE"])


def test_value_derived_from_unknown_is_unknown() -> None:
    model = model_of("FROM scratch\nARG V\nENV A=v$V\nENV B=$A\n")
    assert values_of(model, 3) == {"A": None}
    assert values_of(model, 4) == {"B": None}
    # Without build arguments BuildKit would compute v, and B from it.
    assert model.definitions(at_line(model, 3))[0].value.with_defaults == "v"
    assert model.definitions(at_line(model, 4))[0].value.with_defaults == "v"


# ------------------------------------------------------------------ definitions


def test_env_legacy_form_and_quotes() -> None:
    model = model_of('FROM scratch\nENV GREETING hello "big" world\nENV A="x y" B=\'$NOPE\' C=\\$D\n')
    assert values_of(model, 2) == {"GREETING": 'hello big world'}
    assert values_of(model, 3) == {"A": "x y", "B": "$NOPE", "C": "$D"}


def test_label_values_do_not_change_the_environment() -> None:
    model = model_of('FROM scratch\nENV N=app\nLABEL name="$N" "org.example.v"=1\nENV M=$name\n')
    assert values_of(model, 3) == {"name": "app", "org.example.v": "1"}
    assert model.definitions(at_line(model, 4))[0].value.undefined == ["name"]


def test_arg_definitions_keep_their_words() -> None:
    model = model_of('FROM scratch\nARG A="x" B\n')
    definitions = model.definitions(at_line(model, 2))
    assert [(definition.key, definition.word.value) for definition in definitions] == [("A", 'A="x"'), ("B", "B")]
    assert definitions[0].value is not None and definitions[0].value.value == "x"
    assert definitions[1].value is None


def test_other_instructions_define_nothing() -> None:
    model = model_of("FROM scratch\nRUN A=1\n")
    assert model.definitions(at_line(model, 2)) == []


def test_expansion_error_is_kept() -> None:
    model = model_of("FROM scratch\nENV A=${B:?required} C=1\nENV D=$A$C\n")
    evaluation = model.definitions(at_line(model, 2))[0].value
    assert evaluation.value is None
    assert evaluation.error is not None and evaluation.error.message == "B: required"
    assert values_of(model, 3) == {"D": None}


def test_heredoc_body_expansion() -> None:
    model = model_of("FROM scratch\nARG NAME=world\nCOPY <<EOF /greeting\nhello '$NAME' $MISSING\nEOF\n")
    copy = at_line(model, 3)
    body = copy.heredocs[0].content
    evaluation = model.expand_in(copy, body, heredoc=True)
    assert evaluation.value == "hello 'world' \n"
    assert evaluation.undefined == ["MISSING"]


def test_backtick_escape_document() -> None:
    model = model_of("# escape=`\nFROM scratch\nENV DIR=\"C:\\app `$HOME\" Q=a`\"b\n")
    assert values_of(model, 3) == {"DIR": "C:\\app $HOME", "Q": "a\"b"}


def test_instruction_of_another_document_is_refused() -> None:
    model = model_of("FROM scratch\n")
    other = parse("FROM scratch\nRUN x\n").instructions[1]
    with pytest.raises(ValueError):
        model.variables_before(other)


_LINES = st.sampled_from(
    [
        "ARG A=1",
        "ARG B",
        "ARG C=$A${B:-x}",
        "ARG TARGETARCH",
        "FROM scratch",
        "FROM alpine AS one",
        "FROM one AS two",
        "FROM ${A}",
        "FROM --platform=$BUILDPLATFORM two",
        "ENV A=2 D=$A",
        "ENV E ${A:+$B} f",
        "ENV F=${A:?}",
        "LABEL k=$D",
        "ONBUILD ENV G=$A",
        "ONBUILD ARG H=1",
        "COPY --from=one $A /",
        "RUN echo $A",
        "ENV BAD=${",
    ]
)


@settings(max_examples=200, deadline=None)
@given(lines=st.lists(_LINES, max_size=12))
def test_any_document_can_be_queried(lines: list[str]) -> None:
    try:
        document = parse("\n".join(lines) + "\n")
    except DockerfileSyntaxError:
        return
    model = SemanticModel(document)
    for instruction in document.walk():
        visible = model.variables_before(instruction)
        for definition in model.definitions(instruction):
            if definition.value is not None:
                assert not set(definition.value.undefined) & set(visible)
        assert not set(model.expand_in(instruction, "$A${B:-$C}").undefined) & set(visible)
        stage = model.stage_of(instruction)
        if stage is not None:
            model.is_base_image_unknown(stage)
