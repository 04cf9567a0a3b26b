"""Rule selectors (`select`, `ignore`, levels and per-file ignores) checked against the rules
that exist, so that a misspelt code is an error instead of a setting that silently does nothing.

A selector names a rule by code, name or alias, a code prefix (`DL30`), or a member of a rule
family (`SC2086`, `shellcheck-sc2086`: ShellCheck's codes are not known in advance).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from dockgate.rule_api.config import Config, ConfigError, is_known
from dockgate.rule_api.rule import RuleMeta


def unknown_selector(selector: str, metas: Sequence[RuleMeta]) -> str | None:
    """None for a known selector, else a message with the closest real code or name."""
    if is_known(selector, metas):
        return None
    import difflib  # only for a selector that is wrong

    message = f"unknown rule {selector!r}"
    candidates = [word for meta in metas for word in (meta.code, meta.name)]
    close = difflib.get_close_matches(selector, candidates, n=1, cutoff=0.5)
    return f"{message} (did you mean {close[0]!r}?)" if close else message


def config_selectors(config: Config) -> Iterable[tuple[str, str]]:
    """Every selector a configuration holds, with the setting it is in."""
    for selector in config.select or ():
        yield "select", selector
    for selector in config.ignore:
        yield "ignore", selector
    for selector in config.levels:
        yield "levels", selector
    for pattern, selectors in config.per_file_ignores.items():
        for selector in selectors:
            yield f"per-file-ignores.{pattern!r}", selector


def selector_problems(config: Config, metas: Sequence[RuleMeta]) -> list[str]:
    """One message per selector in `config` that names no rule."""
    problems = []
    for setting, selector in config_selectors(config):
        problem = unknown_selector(selector, metas)
        if problem is not None:
            problems.append(f"{setting!r}: {problem}")
    return problems


def rules_for_selectors(selectors: Iterable[str], dockerfile_metas: Sequence[RuleMeta]) -> Sequence[RuleMeta]:
    """The rules to check `selectors` against: the Dockerfile rules, or every rule when some
    selector is not among them (a configuration shared with `dockgate image` names image rules;
    loading those costs an import, so only then)."""
    if all(is_known(selector, dockerfile_metas) for selector in selectors):
        return dockerfile_metas
    from dockgate.engine.registry import all_rule_metas

    return all_rule_metas()


def checked_config(config: Config, dockerfile_metas: Sequence[RuleMeta]) -> list[str]:
    """Check the selectors of `config`: a ConfigError for the first unknown one, with the closest
    real code; for a `.hadolint.yaml`, where hadolint itself accepts anything, warnings instead."""
    selectors = [selector for _, selector in config_selectors(config)]
    problems = selector_problems(config, rules_for_selectors(selectors, dockerfile_metas))
    if not problems:
        return []
    source = config.source
    where = str(source) if source is not None else "configuration"
    if source is not None and source.suffix in (".yaml", ".yml"):
        return [f"{where}: {problem}; it has no effect" for problem in problems]
    raise ConfigError(f"{where}: {problems[0]}")
