"""The labels a Dockerfile sets, and the ones the configured label schema constrains.

Shared by the label rules (DL3048-DL3058); not a rule itself. hadolint
compares label text as written (`LABEL version=$VERSION` fails a semver
check); here keys and values are expanded as BuildKit expands them, and a
pair whose key or value depends on something the file does not fix (an ARG
without default, the base image's environment) is left alone.
"""

from __future__ import annotations

from typing import Iterator, NamedTuple

from dockgate.dockerfile.model import Instruction, Span, Word
from dockgate.rule_api.config import LabelType
from dockgate.rule_api.rule import LintContext


class LabelPair(NamedTuple):
    """One `key=value` of a LABEL instruction."""

    instruction: Instruction
    key: str | None
    """The expanded key; None when it depends on a value the file does not fix."""
    value: str | None
    """The expanded value; None when it depends on a value the file does not fix."""
    key_word: Word
    value_word: Word

    @property
    def pair_span(self) -> Span:
        """From the key to the end of the value (`key=""` for an empty value)."""
        return self.key_word.span.covering(self.value_word.span)


def label_pairs(context: LintContext, *, include_onbuild: bool = False) -> Iterator[LabelPair]:
    """Every pair of every LABEL, in file order; with `include_onbuild`, `ONBUILD LABEL` pairs too.

    An ONBUILD trigger runs in a later build whose variables are unknown, so
    its pairs count as known only when they use no variable.
    """
    for instruction in context.document.instructions:
        triggered = instruction.sub
        if instruction.keyword == "LABEL":
            yield from _pairs(context, instruction, deferred=False)
        elif include_onbuild and triggered is not None and triggered.keyword == "LABEL":
            yield from _pairs(context, triggered, deferred=True)


def _pairs(context: LintContext, instruction: Instruction, *, deferred: bool) -> Iterator[LabelPair]:
    semantics = context.semantics
    args = instruction.args
    definitions = semantics.definitions(instruction)
    for definition, index in zip(definitions, range(0, len(args) - 1, 3)):
        key = semantics.expand_in(instruction, args[index].value)
        value = definition.value
        known_key = None if deferred and key.referenced else key.value
        known_value = None if value is None or (deferred and value.referenced) else value.value
        yield LabelPair(instruction, known_key, known_value, args[index], args[index + 1])


def label_schema(context: LintContext) -> dict[str, LabelType]:
    """The configured schema: label name → type (empty when none is configured)."""
    return context.config.label_schema


def schema_labels_of_type(context: LintContext, label_type: LabelType) -> Iterator[LabelPair]:
    """The pairs the schema gives `label_type` whose value is known and not empty (DL3051 reports empty ones)."""
    names = {name for name, named_type in label_schema(context).items() if named_type is label_type}
    if not names:
        return
    for pair in label_pairs(context):
        if pair.key in names and pair.value is not None and pair.value.strip():
            yield pair
