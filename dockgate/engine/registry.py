"""Loading the rule modules the registry (`dockgate.rules`) lists."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import Callable, Iterable

from dockgate.rule_api.rule import (
    CheckFunction,
    ImageCheckFunction,
    LintContext,
    RuleMeta,
    SourceCheckFunction,
    SuppressionCheckFunction,
)

BatchPreparer = Callable[[list[LintContext]], list[str]]
"""A rule module's optional `prepare_batch(contexts) -> notices`: expensive work done once for many files."""


@dataclass(frozen=True, slots=True)
class LoadedRule:
    meta: RuleMeta
    check: CheckFunction
    prepare_batch: BatchPreparer | None = None


@dataclass(frozen=True, slots=True)
class LoadedSourceRule:
    meta: RuleMeta
    check: SourceCheckFunction


@dataclass(frozen=True, slots=True)
class LoadedSuppressionRule:
    meta: RuleMeta
    check: SuppressionCheckFunction


@dataclass(frozen=True, slots=True)
class LoadedImageRule:
    meta: RuleMeta
    check: ImageCheckFunction


DockerfileRule = LoadedRule | LoadedSourceRule | LoadedSuppressionRule


def load_rules(module_names: Iterable[str]) -> list[DockerfileRule]:
    """Import each Dockerfile rule module and pair its metadata with its check."""
    rules: list[DockerfileRule] = []
    for module_name in module_names:
        module: ModuleType = importlib.import_module(module_name)
        meta: RuleMeta = module.RULE
        if meta.reads == "source":
            rules.append(LoadedSourceRule(meta, module.check))
        elif meta.reads == "suppressions":
            rules.append(LoadedSuppressionRule(meta, module.check))
        else:
            rules.append(LoadedRule(meta, module.check, getattr(module, "prepare_batch", None)))
    return rules


def load_image_rules(module_names: Iterable[str]) -> list[LoadedImageRule]:
    """Import each image rule module and pair its metadata with its check."""
    rules = []
    for module_name in module_names:
        module: ModuleType = importlib.import_module(module_name)
        rules.append(LoadedImageRule(module.RULE, module.check))
    return rules


@cache
def dockerfile_rules() -> tuple[DockerfileRule, ...]:
    """Every registered Dockerfile rule, in registry order; loaded once (an editor lints on every change)."""
    from dockgate.rules import DOCKERFILE_RULE_MODULES

    return tuple(load_rules(DOCKERFILE_RULE_MODULES))


@cache
def image_rules() -> tuple[LoadedImageRule, ...]:
    """Every registered image rule, in registry order (imports the image model); loaded once."""
    from dockgate.rules import IMAGE_RULE_MODULES

    return tuple(load_image_rules(IMAGE_RULE_MODULES))


def all_rule_metas() -> list[RuleMeta]:
    """The metadata of every rule, Dockerfile and image, sorted by code."""
    metas = [rule.meta for rule in dockerfile_rules()] + [rule.meta for rule in image_rules()]
    return sorted(metas, key=lambda meta: meta.code)
