"""dockgate's configuration: which rules run at which level, and their options.

Sources, nearest first:

* `--no-config`: defaults only.
* `--config FILE`: that file alone. `.toml` is dockgate's format
  (`pyproject.toml`: its `[tool.dockgate]` table); `.yaml`/`.yml` is
  hadolint's format.
* Otherwise discovery, done for each linted file (standard input: from the
  current directory): walk up from the file's directory to the filesystem
  root; the nearest directory with a `.dockgate.toml`, or a `pyproject.toml`
  holding a `[tool.dockgate]` table, wins (`.dockgate.toml` first when a
  directory has both). Only when there is no dockgate configuration on the
  whole way up is a `.hadolint.yaml` (then `.hadolint.yml`) looked for the
  same way.

hadolint looks for `.hadolint.yaml` in the current directory (then in the
user's home); dockgate walks up from the Dockerfile instead, so
`dockgate check .` at a repository root honours `services/api/.hadolint.yaml`
for `services/api/Dockerfile`. hadolint's per-user files are not read.

The command line goes on top (`Config.merged_with`).

Keys (kebab-case in TOML):

| key | type | meaning |
|---|---|---|
| `select` | list of selectors | rules to run; default: every rule whose default level is not `off` |
| `ignore` | list of selectors | rules to leave out (wins over `select`) |
| `levels` | table selector → level | report those rules at that level; enables an opt-in rule |
| `failure-threshold` | level | exit 1 on findings at or above it (default `info`) |
| `no-fail` | bool | always exit 0 |
| `trusted-registries` | list | registries DL3026 allows |
| `label-schema` | table label → type | required labels: text, url, semver, hash, rfc3339, spdx, email |
| `strict-labels` | bool | labels outside the schema are findings (DL3050) |
| `disable-ignore-pragma` | bool | `# dockgate: ignore` and `# hadolint ignore` comments have no effect |
| `per-file-ignores` | table glob → selectors | rules left out for matching files |
| `exclude` | list of globs | files a directory search skips (a file named on the command line is still linted) |
| `target` | stage name | the stage the build produces, as `docker build --target` names it (default: the final stage); rules about the image and the build judge it and the stages it needs |

A selector is a rule code (`DL3008`), a rule name (`pin-apt-versions`), an
alias (another tool's id, `FromAsCasing`), or a code prefix (`DL3`, `DG`).
Matching is case-sensitive.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Protocol

from dockgate.errors import UserError
from dockgate.lazy_pattern import LazyPattern
from dockgate.rule_api.findings import Level
from dockgate.rule_api.setting_values import (
    LabelType as LabelType,  # rules import it from here
)
from dockgate.rule_api.setting_values import (
    check_selector,
    parse_label_type,
    parse_level,
)

DOCKGATE_CONFIG_NAME = ".dockgate.toml"
PYPROJECT_NAME = "pyproject.toml"
HADOLINT_CONFIG_NAMES = (".hadolint.yaml", ".hadolint.yml")

_CODE_PREFIX = LazyPattern(r"[A-Z]{2}\d{0,3}")
_EXACT_MATCH = 10
"""Specificity of a selector that names a rule outright: more than any code prefix."""


class ConfigError(UserError):
    """A configuration the user wrote that cannot be used; the message names the file and key."""


class RuleIdentity(Protocol):
    """What a selector is matched against: a rule's metadata, or a finding stamped with it."""

    @property
    def code(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def aliases(self) -> tuple[str, ...]: ...


class LeveledRule(RuleIdentity, Protocol):
    """A rule identity with the level it reports at when nothing configures it."""

    @property
    def level(self) -> Level: ...


def selector_matches(selector: str, rule: RuleIdentity) -> bool:
    """Whether `selector` names `rule` by code, name, alias or code prefix."""
    return _specificity(selector, rule) is not None


_FAMILY_MEMBER = LazyPattern(r"[A-Z]{2}\d{4}")


def is_known(selector: str, rules: Sequence[RuleIdentity]) -> bool:
    """Whether `selector` names at least one of `rules`, or a member of a rule family among them
    (`SC2086`, `shellcheck-sc2086`: ShellCheck's codes are not known in advance)."""
    for rule in rules:
        if selector_matches(selector, rule):
            return True
        if len(rule.code) == 2:
            if _FAMILY_MEMBER.fullmatch(selector) and selector.startswith(rule.code):
                return True
            if selector.startswith(f"{rule.name}-{rule.code.lower()}"):
                return True
    return False


def _specificity(selector: str, rule: RuleIdentity) -> int | None:
    """How closely `selector` names `rule` (None: not at all); a name beats a longer prefix beats a shorter."""
    if selector == rule.code or selector == rule.name or selector in rule.aliases:
        return _EXACT_MATCH
    if _CODE_PREFIX.fullmatch(selector) and rule.code.startswith(selector):
        return len(selector)
    return None


RULE_OPTIONS = frozenset({"trusted-registries", "label-schema", "strict-labels"})
"""The configuration keys that are options of particular rules; a rule declares those it reads
in `RuleMeta.options`. (`.hadolint.yaml` spells the first `trustedRegistries`.)"""


_SETTINGS = (
    "select", "ignore", "levels", "failure_threshold", "no_fail", "trusted_registries", "label_schema",
    "strict_labels", "disable_ignore_pragma", "per_file_ignores", "exclude", "target",
)  # fmt: skip
"""`Config`'s settings: what a user can configure, and what the result cache keys on."""


class Config:
    """The settings in force for one file; see the module documentation for the keys.

    A plain class, so that a run without a configuration file never imports pydantic: what a
    user wrote is validated by `rule_api.config_file.ConfigFile` before it becomes a Config. Level
    and label-type names given here from Python (`levels={"DL3008": "error"}`) are converted.
    Frozen: thousands of files share one Config, and what is worked out from it is kept.
    """

    __slots__ = (*_SETTINGS, "source", "_level_by_code", "_ignores_by_path", "_merged")

    select: list[str] | None
    """None: every rule whose default level is not `off`."""
    ignore: list[str]
    levels: dict[str, Level]
    failure_threshold: Level
    no_fail: bool
    trusted_registries: list[str]
    label_schema: dict[str, LabelType]
    strict_labels: bool
    disable_ignore_pragma: bool
    per_file_ignores: dict[str, list[str]]
    exclude: list[str]
    target: str | None
    """The stage `docker build --target` builds; None: the final stage (`analysis.what_ships`)."""
    source: Path | None
    """The file this configuration was read from (None: defaults)."""
    _level_by_code: dict[str, Level]
    _ignores_by_path: dict[Path, list[str]]
    _merged: dict[tuple[Any, ...], Config]

    def __init__(
        self,
        *,
        select: Iterable[str] | None = None,
        ignore: Iterable[str] = (),
        levels: Mapping[str, Level | str] | None = None,
        failure_threshold: Level | str = Level.INFO,
        no_fail: bool = False,
        trusted_registries: Iterable[str] = (),
        label_schema: Mapping[str, LabelType | str] | None = None,
        strict_labels: bool = False,
        disable_ignore_pragma: bool = False,
        per_file_ignores: Mapping[str, list[str]] | None = None,
        exclude: Iterable[str] = (),
        target: str | None = None,
        source: Path | None = None,
    ) -> None:
        initialise = partial(object.__setattr__, self)  # round this class's own refusal to set attributes
        initialise("select", None if select is None else list(select))
        initialise("ignore", list(ignore))
        initialise("levels", {selector: parse_level(level) for selector, level in (levels or {}).items()})
        initialise("failure_threshold", parse_level(failure_threshold))
        initialise("no_fail", no_fail)
        initialise("trusted_registries", list(trusted_registries))
        initialise("label_schema", {label: parse_label_type(label_type) for label, label_type in (label_schema or {}).items()})
        initialise("strict_labels", strict_labels)
        initialise("disable_ignore_pragma", disable_ignore_pragma)
        initialise("per_file_ignores", dict(per_file_ignores or {}))
        initialise("exclude", list(exclude))
        initialise("target", target)
        initialise("source", source)
        initialise("_level_by_code", {})
        initialise("_ignores_by_path", {})
        initialise("_merged", {})

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Config is frozen: {name!r} cannot be set")

    def __eq__(self, other: object) -> bool:
        if type(other) is not Config:
            return NotImplemented
        return self.settings() == other.settings() and self.source == other.source

    __hash__ = None  # type: ignore[assignment]  # its settings are lists and dicts

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in self.settings().items())
        return f"Config({fields}, source={self.source!r})"

    def __reduce__(self) -> tuple[Callable[..., Config], tuple[dict[str, Any], Path | None]]:
        # Pickled for the process pool's workers: rebuilt from its settings, without what was worked out.
        return _rebuilt_config, (self.settings(), self.source)

    def settings(self) -> dict[str, Any]:
        """Every setting (not `source`) under its Python name, as JSON-ready data: what the result cache keys on."""
        return {name: getattr(self, name) for name in _SETTINGS}

    def level_for(self, rule: LeveledRule) -> Level:
        """The level `rule` reports at here; `off` when it is not selected or is ignored."""
        level = self._level_by_code.get(rule.code)
        if level is None:
            level = self._level_by_code[rule.code] = self._work_out_level(rule)
        return level

    def _work_out_level(self, rule: LeveledRule) -> Level:
        if any(selector_matches(selector, rule) for selector in self.ignore):
            return Level.OFF
        if self.select is not None and not any(selector_matches(selector, rule) for selector in self.select):
            return Level.OFF
        best: tuple[int, Level] | None = None
        for selector, level in self.levels.items():
            specificity = _specificity(selector, rule)
            if specificity is not None and (best is None or specificity >= best[0]):
                best = (specificity, level)
        if best is not None:
            return best[1]
        # An opt-in rule named outright in `select` runs; a prefix does not switch opt-in rules on.
        if rule.level is Level.OFF and self.select is not None:
            if any(_specificity(selector, rule) == _EXACT_MATCH for selector in self.select):
                return Level.WARNING
        return rule.level

    def ignored_for_path(self, rule: RuleIdentity, path: Path | None) -> bool:
        """Whether `per-file-ignores` leaves `rule` out for the file at `path` (None: stdin, never)."""
        if not self.per_file_ignores or path is None:
            return False
        selectors = self._ignores_by_path.get(path)
        if selectors is None:
            selectors = self._ignores_by_path[path] = self._per_file_selectors(path)
        return any(selector_matches(selector, rule) for selector in selectors)

    def excludes(self, path: Path) -> bool:
        """Whether an `exclude` glob matches the file at `path`."""
        return bool(self.exclude) and any(self._glob_matches(glob, path) for glob in self.exclude)

    def _per_file_selectors(self, path: Path) -> list[str]:
        selectors: list[str] = []
        for glob, glob_selectors in self.per_file_ignores.items():
            if self._glob_matches(glob, path):
                selectors.extend(glob_selectors)
        return selectors

    def _glob_matches(self, glob: str, path: Path) -> bool:
        """Globs are relative to the configuration file's folder (the current one without a file);
        as in .gitignore, a glob without a slash (a leading one anchors) matches the file name at any depth."""
        base = self.source.parent if self.source is not None else Path.cwd()
        absolute = Path(os.path.abspath(path))
        try:
            relative = absolute.relative_to(os.path.abspath(base)).as_posix()
        except ValueError:
            relative = absolute.as_posix()
        subject = relative if "/" in glob.rstrip("/") else absolute.name
        return _glob_regex(glob).fullmatch(subject) is not None

    def merged_with(
        self,
        *,
        select: Iterable[str] = (),
        ignore: Iterable[str] = (),
        levels: Mapping[str, str] | None = None,
        failure_threshold: str | None = None,
        no_fail: bool = False,
        trusted_registries: Iterable[str] = (),
        require_labels: Iterable[str] = (),
        strict_labels: bool = False,
        disable_ignore_pragma: bool = False,
        target: str | None = None,
    ) -> Config:
        """This configuration with the command line on top.

        `select` replaces the configured list (when not empty); `ignore`,
        `trusted_registries` and `require_labels` (`NAME:TYPE`, empty type =
        text) add to it; `levels` (selector → level name) overrides entry by
        entry; the flags can only switch things on. Raises ConfigError naming
        the option for a bad level or label type. `target` replaces the configured one.
        """
        key = (
            tuple(select),
            tuple(ignore),
            tuple((levels or {}).items()),
            failure_threshold,
            no_fail,
            tuple(trusted_registries),
            tuple(require_labels),
            strict_labels,
            disable_ignore_pragma,
            target,
        )
        merged = self._merged.get(key)
        if merged is not None:
            return merged
        update: dict[str, Any] = {
            "ignore": [*self.ignore, *_option_selectors("--ignore", key[1])],
            "levels": {**self.levels, **_option_levels(levels or {})},
            "trusted_registries": list(dict.fromkeys([*self.trusted_registries, *key[5]])),
            "label_schema": {**self.label_schema, **dict(_option_label(text) for text in key[6])},
            "no_fail": self.no_fail or no_fail,
            "strict_labels": self.strict_labels or strict_labels,
            "disable_ignore_pragma": self.disable_ignore_pragma or disable_ignore_pragma,
        }
        if key[0]:
            update["select"] = _option_selectors("--select", key[0])
        if target is not None:
            update["target"] = target
        if failure_threshold is not None:
            update["failure_threshold"] = _option_level("--failure-threshold", failure_threshold)
        merged = Config(**{**self.settings(), **update}, source=self.source)
        self._merged[key] = merged
        return merged


def _rebuilt_config(settings: dict[str, Any], source: Path | None) -> Config:
    return Config(**settings, source=source)


def _option_selectors(option: str, selectors: Iterable[str]) -> list[str]:
    checked = []
    for selector in selectors:
        try:
            checked.append(check_selector(selector))
        except ValueError as error:
            raise ConfigError(f"{option}: {error}") from None
    return checked


def _option_level(option: str, text: str) -> Level:
    try:
        return parse_level(text)
    except ValueError as error:
        raise ConfigError(f"{option}: {error}") from None


def _option_levels(levels: Mapping[str, str]) -> dict[str, Level]:
    return {
        _option_selectors("--level", [selector])[0]: _option_level(f"--level {selector}", level)
        for selector, level in levels.items()
    }


def _option_label(text: str) -> tuple[str, LabelType]:
    name, _, type_name = text.partition(":")
    if not name.strip():
        raise ConfigError(f"--require-label: {text!r} names no label (expected NAME:TYPE)")
    try:
        return name.strip(), parse_label_type(type_name or "text")
    except ValueError as error:
        raise ConfigError(f"--require-label {name.strip()}: {error}") from None


@lru_cache(maxsize=256)
def _glob_regex(glob: str) -> re.Pattern[str]:
    """A glob as a regex: `*` and `?` stay inside one path segment, `**` crosses segments."""
    glob = glob.removeprefix("./").lstrip("/")
    parts: list[str] = []
    index = 0
    while index < len(glob):
        if glob.startswith("**/", index):
            parts.append("(?:.*/)?")
            index += 3
        elif glob.startswith("**", index):
            parts.append(".*")
            index += 2
        elif glob[index] == "*":
            parts.append("[^/]*")
            index += 1
        elif glob[index] == "?":
            parts.append("[^/]")
            index += 1
        elif glob[index] == "[" and (close := glob.find("]", index + 2)) != -1:
            body = glob[index + 1 : close].replace("\\", "\\\\").replace("[", "\\[")
            parts.append("[^" + body[1:] + "]" if body.startswith("!") else "[" + body + "]")
            index = close + 1
        else:
            parts.append(re.escape(glob[index]))
            index += 1
    return re.compile("".join(parts))


# ------------------------------------------------------------------ loading


class ConfigResolver:
    """Finds the configuration for each linted file, reading each directory's files once.

    `overrides` (the keyword arguments of `Config.merged_with`: the command line) go on
    top of every file's configuration.
    """

    def __init__(
        self, fixed: Config | None = None, overrides: Mapping[str, Any] | None = None, validated: ValidatedConfigs | None = None
    ) -> None:
        self._fixed = fixed
        self._fixed_merged: Config | None = None
        self._overrides = dict(overrides or {})
        self._validated = validated
        self._by_directory: dict[Path, Config] = {}
        self._dockgate_by_directory: dict[Path, Config | None] = {}
        self._hadolint_by_directory: dict[Path, Config | None] = {}

    def for_file(self, path: Path | None) -> Config:
        """The configuration for the file at `path`; None (stdin) looks from the current directory."""
        if self._fixed is not None:
            # One configuration for every file: merged once, and the same object for all (the
            # result cache digests each configuration object once).
            if self._fixed_merged is None:
                self._fixed_merged = self._fixed.merged_with(**self._overrides)
            return self._fixed_merged
        directory = Path(os.path.abspath(path.parent if path is not None else Path.cwd()))
        config = self._by_directory.get(directory)
        if config is None:
            found = (
                _nearest(directory, self._dockgate_by_directory, partial(_dockgate_config_in, validated=self._validated))
                or _nearest(directory, self._hadolint_by_directory, partial(_hadolint_config_in, validated=self._validated))
                or default_config()
            )
            config = self._by_directory[directory] = found.merged_with(**self._overrides)
        return config


def default_config() -> Config:
    """The defaults (there is nothing to validate)."""
    return Config()


def load_config(
    explicit: Path | None = None,
    no_config: bool = False,
    overrides: Mapping[str, Any] | None = None,
    validated: ValidatedConfigs | None = None,
) -> ConfigResolver:
    """The resolver for a run: defaults (`no_config` wins), one explicit file, or discovery,
    with `overrides` (the command line) on top. `validated` remembers the files already
    validated (see `ValidatedConfigs`).

    An explicit file and the overrides are read here, so their errors surface before any linting.
    """
    if no_config:
        resolver = ConfigResolver(default_config(), overrides)
    elif explicit is not None:
        resolver = ConfigResolver(read_config_file(explicit, validated), overrides)
    else:
        resolver = ConfigResolver(overrides=overrides, validated=validated)
    resolver.for_file(None)
    return resolver


def read_config_file(path: Path, validated: ValidatedConfigs | None = None) -> Config:
    """Read a configuration file named on the command line; its suffix says its format."""
    if path.name == PYPROJECT_NAME:
        config = _pyproject_config(path, _read_text(path, path), path, validated)
        if config is None:
            raise ConfigError(f"{path}: no [tool.dockgate] table")
        return config
    if path.suffix == ".toml":
        return _dockgate_config(path, _read_text(path, path), path, validated)
    if path.suffix in (".yaml", ".yml"):
        return _hadolint_config(path, _read_text(path, path), path, validated)
    raise ConfigError(f"{path}: unknown configuration format (expected .toml, or .yaml/.yml for hadolint's)")


def _nearest(
    directory: Path, cache: dict[Path, Config | None], config_in: Callable[[Path], Config | None]
) -> Config | None:
    """The configuration in `directory` or the nearest ancestor that has one, filling `cache` on the way."""
    visited: list[Path] = []
    current = directory
    found: Config | None = None
    while True:
        if current in cache:
            found = cache[current]
            break
        found = config_in(current)
        if found is not None:
            cache[current] = found
            break
        visited.append(current)
        if current.parent == current:
            break
        current = current.parent
    for seen in visited:
        cache[seen] = found
    return found


def _dockgate_config_in(directory: Path, validated: ValidatedConfigs | None) -> Config | None:
    dedicated = directory / DOCKGATE_CONFIG_NAME
    if dedicated.is_file():
        return _dockgate_config(dedicated, _read_text(dedicated, _shown(dedicated)), _shown(dedicated), validated)
    pyproject = directory / PYPROJECT_NAME
    if pyproject.is_file():
        return _pyproject_config(pyproject, _read_text(pyproject, _shown(pyproject)), _shown(pyproject), validated)
    return None


def _hadolint_config_in(directory: Path, validated: ValidatedConfigs | None) -> Config | None:
    for name in HADOLINT_CONFIG_NAMES:
        candidate = directory / name
        if candidate.is_file():
            return _hadolint_config(candidate, _read_text(candidate, _shown(candidate)), _shown(candidate), validated)
    return None


def _shown(path: Path) -> Path:
    """A discovered file as the user wants to see it: relative to the current directory when below it."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def _read_text(path: Path, shown: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"{shown}: cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{shown}: not UTF-8 text") from None


def _parse_toml(text: str, shown: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # tomllib joined the standard library in 3.11; tomli is the same parser
        import tomli as tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{shown}: invalid TOML: {error}") from None


def _dockgate_config(path: Path, text: str, shown: Path, validated: ValidatedConfigs | None = None) -> Config:
    return _validated(_parse_toml(text, shown), path, shown, remembered=validated)


def _pyproject_config(path: Path, text: str, shown: Path, validated: ValidatedConfigs | None = None) -> Config | None:
    """The `[tool.dockgate]` table of a pyproject.toml, or None when it has none."""
    # Most pyproject.toml files are about something else: skip them without parsing.
    if "dockgate" not in text:
        return None
    table = _parse_toml(text, shown).get("tool", {}).get("dockgate")
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ConfigError(f"{shown}: 'tool.dockgate' must be a table")
    return _validated(table, path, shown, key_prefix="tool.dockgate.", remembered=validated)


def _validated(
    data: dict[str, Any],
    path: Path,
    shown: Path,
    *,
    key_prefix: str = "",
    key_names: Mapping[str, str] | None = None,
    remembered: ValidatedConfigs | None = None,
) -> Config:
    """`data` as a Config, or a ConfigError naming the first bad key as the user spelt it.

    With `remembered`, data that pydantic has validated before is not validated again: its
    settings are taken from there (and what pydantic accepts is put there).
    """
    source = Path(os.path.abspath(path))
    digest = _data_digest(data) if remembered is not None else None
    if remembered is not None and digest is not None:
        settings = remembered.get(digest)
        if settings is not None and _are_settings(settings):
            return Config(**settings, source=source)
    # pydantic validates what users write; it is imported only when there is something to read.
    from pydantic import ValidationError

    from dockgate.rule_api.config_file import ConfigFile, known_keys

    try:
        validated = ConfigFile.model_validate(data)
    except ValidationError as error:
        raise ConfigError(_describe(error.errors()[0], shown, key_prefix, key_names or {}, known_keys())) from None
    config = Config(**dict(validated), source=source)
    if remembered is not None and digest is not None:
        remembered.put(digest, config.settings())
    return config


class ValidatedConfigs(Protocol):
    """Settings of configuration files that pydantic validated, by a digest of the data in the file
    (the result cache keeps them: a run whose configuration did not change does not import pydantic)."""

    def get(self, digest: str) -> dict[str, Any] | None: ...

    def put(self, digest: str, settings: dict[str, Any]) -> None: ...


def _data_digest(data: Any) -> str | None:
    """A digest of a configuration file's data; None for data that is not JSON (a TOML date), which is never remembered."""
    import hashlib
    import json

    try:
        serialised = json.dumps(data, sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError):
        return None
    return hashlib.sha256(serialised.encode("utf-8", "surrogatepass")).hexdigest()


def _are_settings(settings: dict[str, Any]) -> bool:
    """Whether remembered settings have exactly `Config`'s fields, each of its type (an entry
    on disk is believed only then); level and label-type names are checked by `Config`."""
    def strings(value: Any) -> bool:
        return type(value) is list and all(type(item) is str for item in value)

    def mapping(value: Any, check: Callable[[Any], bool]) -> bool:
        return type(value) is dict and all(type(key) is str and check(item) for key, item in value.items())

    def name(value: Any) -> bool:
        return type(value) is str

    checks: dict[str, Callable[[Any], bool]] = {
        "select": lambda value: value is None or strings(value),
        "ignore": strings,
        "levels": lambda value: mapping(value, lambda item: name(item) and item in _LEVEL_NAMES),
        "failure_threshold": lambda value: name(value) and value in _LEVEL_NAMES,
        "no_fail": lambda value: type(value) is bool,
        "trusted_registries": strings,
        "label_schema": lambda value: mapping(value, lambda item: name(item) and item in _LABEL_TYPE_NAMES),
        "strict_labels": lambda value: type(value) is bool,
        "disable_ignore_pragma": lambda value: type(value) is bool,
        "per_file_ignores": lambda value: mapping(value, strings),
        "exclude": strings,
        "target": lambda value: value is None or name(value),
    }
    return type(settings) is dict and settings.keys() == checks.keys() and all(check(settings[key]) for key, check in checks.items())


_LEVEL_NAMES = frozenset(level.value for level in Level)
_LABEL_TYPE_NAMES = frozenset(label_type.value for label_type in LabelType)


def _describe(error: Any, shown: Path, key_prefix: str, key_names: Mapping[str, str], known_keys: list[str]) -> str:
    # A dict key that fails validation gets a "[key]" marker in its location: the key itself says enough.
    location = [part for part in error["loc"] if part != "[key]"]
    if location and location[0] in key_names:
        location[0] = key_names[location[0]]
    key = key_prefix + _dotted(location)
    if error["type"] == "extra_forbidden":
        return _unknown_key(shown, key, str(location[-1]), known_keys if len(location) == 1 else [])
    if error["type"] == "value_error":
        return f"{shown}: '{key}': {error['ctx']['error']}"
    message = error["msg"][:1].lower() + error["msg"][1:]
    return f"{shown}: '{key}': {message}, got {error['input']!r}"


def _dotted(location: list[Any]) -> str:
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            name = str(part) if re.fullmatch(r"[A-Za-z0-9_-]+", str(part)) else f'"{part}"'
            text += f".{name}" if text else name
    return text


def _unknown_key(shown: Path, key: str, name: str, known: list[str]) -> str:
    import difflib

    message = f"{shown}: unknown key '{key}'"
    close = difflib.get_close_matches(name, known, n=1)
    return f"{message} (did you mean '{close[0]}'?)" if close else message


# -------------------------------------------------------- hadolint's format

_HADOLINT_KEYS = {
    "ignored": "ignore",
    "override": "levels",
    "trustedRegistries": "trusted-registries",
    "label-schema": "label-schema",
    "strict-labels": "strict-labels",
    "failure-threshold": "failure-threshold",
    "no-fail": "no-fail",
    "disable-ignore-pragma": "disable-ignore-pragma",
}
# Output settings belong to dockgate's command line; hadolint files that set them still load.
_HADOLINT_IGNORED_KEYS = ("format", "formats", "no-color", "verbose")


def _hadolint_config(path: Path, text: str, shown: Path, validated: ValidatedConfigs | None = None) -> Config:
    """A `.hadolint.yaml` turned into the same Config; errors name hadolint's keys."""
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or " ".join(str(error).split())
        raise ConfigError(f"{shown}: invalid YAML{where}: {problem}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{shown}: expected a mapping of hadolint settings, got {type(data).__name__}")
    converted: dict[str, Any] = {}
    for key, value in data.items():
        if key in _HADOLINT_IGNORED_KEYS:
            continue
        if key not in _HADOLINT_KEYS:
            raise ConfigError(_unknown_key(shown, str(key), str(key), [*_HADOLINT_KEYS, *_HADOLINT_IGNORED_KEYS]))
        if value is None:
            continue
        if key == "override":
            value = _hadolint_overrides(value, shown)
        elif key == "trustedRegistries" and isinstance(value, str):
            # hadolint's README allows a single string but hadolint rejects it; we take it.
            value = [value]
        converted[_HADOLINT_KEYS[key]] = value
    return _validated(converted, path, shown, key_names={name: key for key, name in _HADOLINT_KEYS.items()}, remembered=validated)


def _hadolint_overrides(value: object, shown: Path) -> dict[str, Level]:
    """`override: {error: [DL3008], ...}` as dockgate's `levels` (selector → level)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"{shown}: 'override': expected a mapping of level → list of rules")
    levels: dict[str, Level] = {}
    for level_name, codes in value.items():
        try:
            level = parse_level(level_name)
        except ValueError as error:
            raise ConfigError(f"{shown}: 'override.{level_name}': {error}") from None
        if codes is None:
            continue
        if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
            raise ConfigError(f"{shown}: 'override.{level_name}': expected a list of rule codes, got {codes!r}")
        for code in codes:
            levels[code] = level
    return levels
