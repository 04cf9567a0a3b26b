"""The rule registry (`dockgate.rules`): every rule's metadata, and its module loaded when it runs.

The metadata comes from the generated rule index (`dockgate.rules.index`, see
`engine.rule_index`), so knowing the rules costs no rule module import; a rule's
module (its check, and everything the check imports) is imported the first
time an engine runs the rule.
"""

from __future__ import annotations

import importlib
from functools import cache
from types import ModuleType
from typing import Any, Callable, Iterable, NamedTuple

from dockgate.rule_api.findings import Applicability, Level
from dockgate.rule_api.rule import (
    CheckFunction,
    ImageCheckFunction,
    LintContext,
    RuleMeta,
    SourceCheckFunction,
    SuppressionCheckFunction,
    checked_rule_meta,
)

BatchPreparer = Callable[[list[LintContext]], list[str]]
"""A rule module's optional `prepare_batch(contexts) -> notices`: expensive work done once for many files."""


# Named tuples, not frozen dataclasses: immutable records all the same, and a start-up builds
# them in a few microseconds where a frozen dataclass costs about a millisecond.
class LoadedRule(NamedTuple):
    meta: RuleMeta
    check: CheckFunction
    prepare_batch: BatchPreparer | None = None


class LoadedSourceRule(NamedTuple):
    meta: RuleMeta
    check: SourceCheckFunction


class LoadedSuppressionRule(NamedTuple):
    meta: RuleMeta
    check: SuppressionCheckFunction


class LoadedImageRule(NamedTuple):
    meta: RuleMeta
    check: ImageCheckFunction


LoadedDockerfileRule = LoadedRule | LoadedSourceRule | LoadedSuppressionRule


class RegisteredRule(NamedTuple):
    """A Dockerfile rule of the registry: its metadata from the index, its module imported by `load`."""

    meta: RuleMeta
    module_name: str
    prepares_batch: bool
    """The module defines `prepare_batch` (known without importing it)."""

    def load(self) -> LoadedDockerfileRule:
        return _loaded_rule(self.module_name, self.meta)


DockerfileRule = LoadedDockerfileRule | RegisteredRule
"""What a `DockerfileEngine` runs: a registered rule (loaded when it first runs), or a rule already loaded."""


def load_rules(module_names: Iterable[str]) -> list[LoadedDockerfileRule]:
    """Import each Dockerfile rule module and pair its metadata with its check."""
    return [_loaded_rule(module_name) for module_name in module_names]


@cache
def _loaded_rule(module_name: str, indexed: RuleMeta | None = None) -> LoadedDockerfileRule:
    module: ModuleType = importlib.import_module(module_name)
    # The index was generated from checked metadata: a RULE equal to its entry needs no second check.
    meta = module.RULE if module.RULE == indexed else checked_rule_meta(module.RULE)
    if meta.reads == "source":
        return LoadedSourceRule(meta, module.check)
    if meta.reads == "suppressions":
        return LoadedSuppressionRule(meta, module.check)
    return LoadedRule(meta, module.check, getattr(module, "prepare_batch", None))


def load_image_rules(module_names: Iterable[str]) -> list[LoadedImageRule]:
    """Import each image rule module and pair its metadata with its check."""
    rules = []
    for module_name in module_names:
        module: ModuleType = importlib.import_module(module_name)
        rules.append(LoadedImageRule(checked_rule_meta(module.RULE), module.check))
    return rules


def _indexed_meta(fields: dict[str, Any]) -> RuleMeta:
    values = dict(fields)
    values["level"] = Level(values["level"])
    if values.get("fix") is not None:
        values["fix"] = Applicability(values["fix"])
    return RuleMeta(**values)


@cache
def dockerfile_rules() -> tuple[RegisteredRule, ...]:
    """Every registered Dockerfile rule, in registry order, none of them imported yet."""
    from dockgate.rules.index import DOCKERFILE_RULES

    return tuple(RegisteredRule(_indexed_meta(fields), module_name, batched) for module_name, batched, fields in DOCKERFILE_RULES)


@cache
def dockerfile_rule_metas() -> tuple[RuleMeta, ...]:
    """The metadata of every registered Dockerfile rule, in registry order; no rule module is imported."""
    return tuple(rule.meta for rule in dockerfile_rules())


@cache
def image_rules() -> tuple[LoadedImageRule, ...]:
    """Every registered image rule, in registry order (imports the image model); loaded once."""
    from dockgate.rules import IMAGE_RULE_MODULES

    return tuple(load_image_rules(IMAGE_RULE_MODULES))


@cache
def _image_rule_metas() -> tuple[RuleMeta, ...]:
    from dockgate.rules.index import IMAGE_RULES

    return tuple(_indexed_meta(fields) for _, _, fields in IMAGE_RULES)


def all_rule_metas() -> list[RuleMeta]:
    """The metadata of every rule, Dockerfile and image, sorted by code; no rule module is imported."""
    return sorted([*dockerfile_rule_metas(), *_image_rule_metas()], key=lambda meta: meta.code)
