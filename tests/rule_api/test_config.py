"""Configuration: discovery, dockgate's and hadolint's formats, errors, selectors, command-line merge."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from dockgate.rule_api.config import Config, ConfigError, LabelType, load_config, read_config_file, selector_matches
from dockgate.rule_api.findings import Level
from dockgate.rule_api.rule import RuleMeta

DOCS = "## What it does\nx\n## Why is this bad?\nx\n## Example\nx\n## Use instead\nx\n"


def rule(code: str, name: str = "some-rule", level: Level = Level.WARNING, aliases: tuple[str, ...] = ()) -> RuleMeta:
    return RuleMeta(code=code, name=name, summary="s", level=level, aliases=aliases, documentation=DOCS)


PIN_APT = rule("DL3008", "pin-apt-versions", aliases=("CKV_DOCKER_9",))
FROM_AS = rule("DG2001", "from-as-casing", aliases=("FromAsCasing",))
INLINE_PRAGMA = rule("DL1001", "no-inline-ignore", level=Level.OFF)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def config_for(file: Path | None) -> Config:
    return load_config(None, False).for_file(file)


def error_of(path: Path) -> str:
    with pytest.raises(ConfigError) as raised:
        read_config_file(path)
    return str(raised.value)


# ---------------------------------------------------------------- discovery


def test_no_configuration_anywhere_gives_defaults(tree: Path) -> None:
    config = config_for(tree / "a" / "Dockerfile")
    assert config.settings() == Config().settings()
    assert config.source is None
    assert config.failure_threshold is Level.INFO


def test_walks_up_from_the_file_not_from_the_current_directory(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tree / "repo" / ".dockgate.toml", 'ignore = ["DL3008"]\n')
    write(tree / "elsewhere" / "x", "")
    monkeypatch.chdir(tree / "elsewhere")
    config = config_for(tree / "repo" / "services" / "api" / "Dockerfile")
    assert config.ignore == ["DL3008"]
    assert config.source == tree / "repo" / ".dockgate.toml"


def test_nearest_configuration_wins(tree: Path) -> None:
    write(tree / ".dockgate.toml", 'ignore = ["outer"]\n')
    write(tree / "inner" / ".dockgate.toml", 'ignore = ["inner"]\n')
    assert config_for(tree / "inner" / "deep" / "Dockerfile").ignore == ["inner"]
    assert config_for(tree / "Dockerfile").ignore == ["outer"]


def test_dockgate_toml_beats_pyproject_in_the_same_directory(tree: Path) -> None:
    write(tree / ".dockgate.toml", 'ignore = ["from-dockgate-toml"]\n')
    write(tree / "pyproject.toml", '[tool.dockgate]\nignore = ["from-pyproject"]\n')
    assert config_for(tree / "Dockerfile").ignore == ["from-dockgate-toml"]


def test_pyproject_table_is_read(tree: Path) -> None:
    write(tree / "pyproject.toml", '[project]\nname = "x"\n\n[tool.dockgate]\nno-fail = true\n')
    config = config_for(tree / "Dockerfile")
    assert config.no_fail is True
    assert config.source == tree / "pyproject.toml"


def test_pyproject_without_our_table_does_not_count(tree: Path) -> None:
    write(tree / ".dockgate.toml", "strict-labels = true\n")
    write(tree / "sub" / "pyproject.toml", '[tool.ruff]\nline-length = 100\n# dockgate is mentioned\n')
    assert config_for(tree / "sub" / "Dockerfile").strict_labels is True


def test_unrelated_invalid_pyproject_is_not_parsed(tree: Path) -> None:
    write(tree / "pyproject.toml", "this is [not toml\n")
    assert config_for(tree / "Dockerfile").settings() == Config().settings()


def test_hadolint_yaml_is_used_when_no_dockgate_configuration_is_found(tree: Path) -> None:
    write(tree / "sub" / ".hadolint.yaml", "ignored: [DL3008]\n")
    assert config_for(tree / "sub" / "Dockerfile").ignore == ["DL3008"]


def test_dockgate_configuration_higher_up_beats_a_nearer_hadolint_yaml(tree: Path) -> None:
    write(tree / ".dockgate.toml", 'ignore = ["dockgate"]\n')
    write(tree / "sub" / ".hadolint.yaml", "ignored: [hadolint]\n")
    assert config_for(tree / "sub" / "Dockerfile").ignore == ["dockgate"]


def test_hadolint_yaml_beats_yml(tree: Path) -> None:
    write(tree / ".hadolint.yml", "ignored: [yml]\n")
    write(tree / ".hadolint.yaml", "ignored: [yaml]\n")
    assert config_for(tree / "Dockerfile").ignore == ["yaml"]
    (tree / ".hadolint.yaml").unlink()
    assert config_for(tree / "Dockerfile").ignore == ["yml"]


def test_stdin_looks_from_the_current_directory(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tree / "project" / ".dockgate.toml", "no-fail = true\n")
    (tree / "project" / "src").mkdir()
    monkeypatch.chdir(tree / "project" / "src")
    assert config_for(None).no_fail is True


def test_relative_paths_are_resolved_against_the_current_directory(tree: Path) -> None:
    write(tree / "app" / ".dockgate.toml", "no-fail = true\n")
    assert config_for(Path("app/Dockerfile")).no_fail is True
    assert config_for(Path("Dockerfile")).no_fail is False


def test_each_directory_is_read_once(tree: Path) -> None:
    config_file = write(tree / ".dockgate.toml", 'ignore = ["first"]\n')
    resolver = load_config(None, False)
    first = resolver.for_file(tree / "a" / "Dockerfile")
    config_file.write_text('ignore = ["second"]\n')
    assert resolver.for_file(tree / "a" / "Dockerfile.prod") is first
    assert resolver.for_file(tree / "b" / "Dockerfile") is first


def test_a_broken_discovered_file_is_an_error(tree: Path) -> None:
    write(tree / ".dockgate.toml", "slect = []\n")
    with pytest.raises(ConfigError, match=r"^\.dockgate\.toml: unknown key 'slect'"):
        config_for(tree / "Dockerfile")


# ------------------------------------------------------- explicit and none


def test_no_config_ignores_every_file(tree: Path) -> None:
    write(tree / ".dockgate.toml", "no-fail = true\n")
    assert load_config(None, True).for_file(tree / "Dockerfile").source is None
    assert load_config(tree / ".dockgate.toml", True).for_file(None).no_fail is False


def test_explicit_toml_is_used_for_every_file(tree: Path) -> None:
    explicit = write(tree / "conf" / "lint.toml", 'select = ["DL"]\n')
    write(tree / "app" / ".dockgate.toml", "no-fail = true\n")
    resolver = load_config(explicit, False)
    assert resolver.for_file(tree / "app" / "Dockerfile").select == ["DL"]
    assert resolver.for_file(None).select == ["DL"]


def test_explicit_pyproject_reads_its_table(tree: Path) -> None:
    explicit = write(tree / "pyproject.toml", "[tool.dockgate]\nfailure-threshold = 'error'\n")
    assert load_config(explicit, False).for_file(None).failure_threshold is Level.ERROR


def test_explicit_pyproject_without_table_is_an_error(tree: Path) -> None:
    explicit = write(tree / "pyproject.toml", "[project]\nname = 'x'\n")
    assert error_of(explicit) == f"{explicit}: no [tool.dockgate] table"


def test_explicit_yaml_is_read_as_hadolint(tree: Path) -> None:
    explicit = write(tree / "hadolint-config.yml", "failure-threshold: warning\n")
    assert load_config(explicit, False).for_file(None).failure_threshold is Level.WARNING


def test_explicit_file_of_unknown_kind_or_missing(tree: Path) -> None:
    assert "unknown configuration format" in error_of(write(tree / "config.ini", ""))
    assert error_of(tree / "missing.toml") == f"{tree / 'missing.toml'}: cannot read: No such file or directory"


def test_explicit_file_errors_surface_at_load(tree: Path) -> None:
    explicit = write(tree / "bad.toml", "no-fail = 'yes'\n")
    with pytest.raises(ConfigError, match="'no-fail'"):
        load_config(explicit, False)


# -------------------------------------------------------- dockgate's format


def test_every_key(tree: Path) -> None:
    config = read_config_file(
        write(
            tree / ".dockgate.toml",
            """
select = ["DL", "DG2"]
ignore = ["DL3008"]
failure-threshold = "warning"
no-fail = true
trusted-registries = ["docker.io", "ghcr.io"]
strict-labels = true
disable-ignore-pragma = true

[levels]
DL3009 = "error"
pin-pip-versions = "ignore"

[label-schema]
maintainer = "email"
version = "SemVer"

[per-file-ignores]
"legacy/**" = ["DL"]
""",
        )
    )
    assert config.select == ["DL", "DG2"]
    assert config.ignore == ["DL3008"]
    assert config.levels == {"DL3009": Level.ERROR, "pin-pip-versions": Level.OFF}
    assert config.failure_threshold is Level.WARNING
    assert config.no_fail and config.strict_labels and config.disable_ignore_pragma
    assert config.trusted_registries == ["docker.io", "ghcr.io"]
    assert config.label_schema == {"maintainer": LabelType.EMAIL, "version": LabelType.SEMVER}
    assert config.per_file_ignores == {"legacy/**": ["DL"]}


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("slect = []", "unknown key 'slect' (did you mean 'select'?)"),
        ("colour = true", "unknown key 'colour'"),
        (
            "failure-threshold = 'bogus'",
            "'failure-threshold': 'bogus' is not a level (error, warning, info, style, off)",
        ),
        ("[levels]\nDL3008 = 'loud'", "'levels.DL3008': 'loud' is not a level (error, warning, info, style, off)"),
        ("[levels]\n'DL 3008' = 'error'", "'levels.\"DL 3008\"': 'DL 3008' is not a rule selector"),
        ("select = 'DL3008'", "'select': input should be a valid list, got 'DL3008'"),
        ("ignore = ['DL3008', '']", "'ignore[1]': '' is not a rule selector"),
        ("no-fail = 'yes'", "'no-fail': input should be a valid boolean, got 'yes'"),
        ("[label-schema]\nowner = 'name'", "'label-schema.owner': 'name' is not a label type (text, url, semver"),
        ("[per-file-ignores]\n'a/*' = 'DL3008'", "'per-file-ignores.\"a/*\"': input should be a valid list"),
        ("trusted-registries = [1]", "'trusted-registries[0]': input should be a valid string, got 1"),
        ("[rule-options.DL3026]\nallow-digests = true", "unknown key 'rule-options'"),
        ("select = [", ".dockgate.toml: invalid TOML: "),
    ],
)
def test_errors_name_the_file_and_the_key(tree: Path, toml: str, message: str) -> None:
    write(tree / ".dockgate.toml", toml + "\n")
    with pytest.raises(ConfigError) as raised:
        config_for(tree / "Dockerfile")
    assert str(raised.value).startswith(".dockgate.toml: ")
    assert message in str(raised.value)


def test_pyproject_errors_name_the_full_key(tree: Path) -> None:
    write(tree / "pyproject.toml", "[tool.dockgate]\nslect = ['DL']\n")
    with pytest.raises(ConfigError, match=r"^pyproject\.toml: unknown key 'tool\.dockgate\.slect'"):
        config_for(tree / "Dockerfile")
    write(tree / "pyproject.toml", "[tool]\ndockgate = 3\n")
    with pytest.raises(ConfigError, match=r"^pyproject\.toml: 'tool\.dockgate' must be a table"):
        config_for(tree / "x" / "Dockerfile")


def test_discovered_file_outside_the_current_directory_is_named_in_full(tree: Path, monkeypatch) -> None:
    write(tree / "repo" / ".dockgate.toml", "slect = []\n")
    (tree / "other").mkdir()
    monkeypatch.chdir(tree / "other")
    with pytest.raises(ConfigError, match=f"^{tree / 'repo' / '.dockgate.toml'}: unknown key"):
        config_for(tree / "repo" / "Dockerfile")


# -------------------------------------------------------- hadolint's format


def test_hadolint_keys_are_converted(tree: Path) -> None:
    config = read_config_file(
        write(
            tree / ".hadolint.yaml",
            """
ignored: [DL3008, SC2086]
override:
  error: [DL3001]
  warning: [DL3042]
  info: []
  style:
trustedRegistries: [docker.io, my-company.com:5000]
label-schema:
  author: text
  url: url
strict-labels: true
failure-threshold: style
no-fail: true
disable-ignore-pragma: true
format: json
formats: [tty, sarif]
no-color: true
verbose: true
""",
        )
    )
    assert config.ignore == ["DL3008", "SC2086"]
    assert config.levels == {"DL3001": Level.ERROR, "DL3042": Level.WARNING}
    assert config.trusted_registries == ["docker.io", "my-company.com:5000"]
    assert config.label_schema == {"author": LabelType.TEXT, "url": LabelType.URL}
    assert config.strict_labels and config.no_fail and config.disable_ignore_pragma
    assert config.failure_threshold is Level.STYLE


def test_hadolint_bare_string_registry_is_accepted(tree: Path) -> None:
    # hadolint's README allows it, hadolint itself rejects the file; we take it.
    config = read_config_file(write(tree / ".hadolint.yaml", "trustedRegistries: docker.io\n"))
    assert config.trusted_registries == ["docker.io"]


def test_hadolint_none_threshold_means_off(tree: Path) -> None:
    config = read_config_file(write(tree / ".hadolint.yaml", "failure-threshold: none\n"))
    assert config.failure_threshold is Level.OFF


def test_empty_hadolint_file_gives_defaults(tree: Path) -> None:
    assert read_config_file(write(tree / ".hadolint.yaml", "# nothing\n")).settings() == Config().settings()


@pytest.mark.parametrize(
    ("yaml", "message"),
    [
        ("ignore: [DL3008]", "unknown key 'ignore' (did you mean 'ignored'?)"),
        ("trusted-registries: [x]", "unknown key 'trusted-registries' (did you mean 'trustedRegistries'?)"),
        ("ignored: DL3008", "'ignored': input should be a valid list, got 'DL3008'"),
        ("trustedRegistries: {a: b}", "'trustedRegistries': input should be a valid list"),
        ("override:\n  fatal: [DL3008]", "'override.fatal': 'fatal' is not a level"),
        ("override:\n  error: DL3008", "'override.error': expected a list of rule codes, got 'DL3008'"),
        ("override: [DL3008]", "'override': expected a mapping"),
        ("failure-threshold: loud", "'failure-threshold': 'loud' is not a level (error, warning, info, style, off)"),
        ("label-schema:\n  a: bogus", "'label-schema.a': 'bogus' is not a label type"),
        ("no-fail: maybe", "'no-fail': input should be a valid boolean, got 'maybe'"),
        ("- DL3008", "expected a mapping of hadolint settings, got list"),
        ("ignored: [DL3008", "invalid YAML at line 2, column 1: expected ',' or ']'"),
    ],
)
def test_hadolint_errors_name_the_file_and_hadolints_key(tree: Path, yaml: str, message: str) -> None:
    write(tree / ".hadolint.yaml", yaml + "\n")
    with pytest.raises(ConfigError) as raised:
        config_for(tree / "Dockerfile")
    assert str(raised.value).startswith(".hadolint.yaml: ")
    assert message in str(raised.value)


# ---------------------------------------------------------------- selectors


@pytest.mark.parametrize(
    ("selector", "matches"),
    [
        ("DL3008", True),
        ("pin-apt-versions", True),
        ("CKV_DOCKER_9", True),
        ("DL3", True),
        ("DL30", True),
        ("DL", True),
        ("DL300", True),
        ("DL4", False),
        ("DG", False),
        ("dl3008", False),
        ("dl3", False),
        ("Pin-Apt-Versions", False),
        ("DL30080", False),
        ("D", False),
    ],
)
def test_selector_by_code_name_alias_or_prefix(selector: str, matches: bool) -> None:
    assert selector_matches(selector, PIN_APT) is matches


def test_default_levels() -> None:
    config = Config()
    assert config.level_for(PIN_APT) is Level.WARNING
    assert config.level_for(INLINE_PRAGMA) is Level.OFF


def test_select_restricts_and_ignore_wins() -> None:
    config = Config(select=["DL"], ignore=["from-as-casing"])
    assert config.level_for(PIN_APT) is Level.WARNING
    assert config.level_for(FROM_AS) is Level.OFF
    assert Config(select=["DL"], ignore=["DL3008"]).level_for(PIN_APT) is Level.OFF
    assert Config(select=["DG2"]).level_for(PIN_APT) is Level.OFF
    assert Config(ignore=["FromAsCasing"]).level_for(FROM_AS) is Level.OFF


def test_most_specific_level_wins() -> None:
    config = Config(levels={"DL3008": "error", "DL": "style", "DL30": "info"})
    assert config.level_for(PIN_APT) is Level.ERROR
    assert config.level_for(rule("DL3009")) is Level.INFO
    assert config.level_for(rule("DL4000")) is Level.STYLE
    assert Config(levels={"pin-apt-versions": "off"}).level_for(PIN_APT) is Level.OFF


def test_opt_in_rules_need_to_be_named() -> None:
    assert Config(levels={"DL1001": "info"}).level_for(INLINE_PRAGMA) is Level.INFO
    assert Config(select=["DL1001"]).level_for(INLINE_PRAGMA) is Level.WARNING
    assert Config(select=["no-inline-ignore"]).level_for(INLINE_PRAGMA) is Level.WARNING
    assert Config(select=["DL"]).level_for(INLINE_PRAGMA) is Level.OFF


# ------------------------------------------------------------ per-file ignores


def test_per_file_ignores_glob_relative_to_the_configuration(tree: Path) -> None:
    write(
        tree / "repo" / ".dockgate.toml",
        '[per-file-ignores]\n"legacy/**" = ["DL3008"]\n"*.dev.Dockerfile" = ["DG"]\n"/top/Dockerfile" = ["DL"]\n'
        '"/Dockerfile.root" = ["DL"]\n',
    )
    repo = tree / "repo"
    config = config_for(repo / "Dockerfile")
    assert config.ignored_for_path(PIN_APT, repo / "legacy" / "a" / "Dockerfile")
    assert not config.ignored_for_path(FROM_AS, repo / "legacy" / "a" / "Dockerfile")
    assert not config.ignored_for_path(PIN_APT, repo / "src" / "legacy" / "Dockerfile")
    assert config.ignored_for_path(FROM_AS, repo / "deep" / "er" / "app.dev.Dockerfile")
    assert config.ignored_for_path(PIN_APT, repo / "top" / "Dockerfile")
    assert not config.ignored_for_path(PIN_APT, repo / "other" / "top" / "Dockerfile")
    assert config.ignored_for_path(PIN_APT, repo / "Dockerfile.root")
    assert not config.ignored_for_path(PIN_APT, repo / "sub" / "Dockerfile.root")
    assert not config.ignored_for_path(PIN_APT, None)


def test_per_file_ignores_with_relative_paths(tree: Path) -> None:
    write(tree / ".dockgate.toml", '[per-file-ignores]\n"docker/Dockerfile.?" = ["DL3008"]\n')
    config = config_for(Path("docker/Dockerfile.a"))
    assert config.ignored_for_path(PIN_APT, Path("docker/Dockerfile.a"))
    assert not config.ignored_for_path(PIN_APT, Path("docker/Dockerfile.ab"))


def test_per_file_ignores_character_classes(tree: Path) -> None:
    config = read_config_file(write(tree / "c.toml", '[per-file-ignores]\n"Dockerfile.[!p]*" = ["DL3008"]\n'))
    assert config.ignored_for_path(PIN_APT, tree / "Dockerfile.dev")
    assert not config.ignored_for_path(PIN_APT, tree / "Dockerfile.prod")


# ---------------------------------------------------------- command line


def test_merge_command_line_on_top(tree: Path) -> None:
    config = read_config_file(
        write(
            tree / ".dockgate.toml",
            'select = ["DL"]\nignore = ["DL3009"]\ntrusted-registries = ["docker.io"]\n'
            '[levels]\nDL3008 = "info"\nDL3010 = "style"\n[label-schema]\nowner = "email"\n',
        )
    )
    merged = config.merged_with(
        select=["DL3008", "DG"],
        ignore=["DL3011"],
        levels={"DL3008": "error", "DL4000": "ignore"},
        failure_threshold="warning",
        no_fail=True,
        trusted_registries=["ghcr.io", "docker.io"],
        require_labels=["version:semver", "team:", "owner:url"],
        strict_labels=True,
        disable_ignore_pragma=True,
    )
    assert merged.select == ["DL3008", "DG"]
    assert merged.ignore == ["DL3009", "DL3011"]
    assert merged.levels == {"DL3008": Level.ERROR, "DL3010": Level.STYLE, "DL4000": Level.OFF}
    assert merged.failure_threshold is Level.WARNING
    assert merged.no_fail and merged.strict_labels and merged.disable_ignore_pragma
    assert merged.trusted_registries == ["docker.io", "ghcr.io"]
    assert merged.label_schema == {"owner": LabelType.URL, "version": LabelType.SEMVER, "team": LabelType.TEXT}
    assert merged.level_for(PIN_APT) is Level.ERROR
    assert merged.source == config.source
    # The original is untouched.
    assert config.select == ["DL"] and config.level_for(PIN_APT) is Level.INFO


def test_merge_with_nothing_keeps_the_configuration() -> None:
    config = Config(select=["DL"], no_fail=True, failure_threshold="error")
    merged = config.merged_with(select=[], ignore=[], levels={}, failure_threshold=None)
    assert merged.settings() == config.settings()


def test_merge_is_cached_per_set_of_overrides() -> None:
    config = Config()
    assert config.merged_with(ignore=["DL3008"]) is config.merged_with(ignore=["DL3008"])
    assert config.merged_with(ignore=["DL3008"]) is not config.merged_with(ignore=["DL3009"])


def test_merge_has_its_own_level_cache() -> None:
    config = Config()
    assert config.level_for(PIN_APT) is Level.WARNING
    assert config.merged_with(levels={"DL3008": "error"}).level_for(PIN_APT) is Level.ERROR
    assert config.level_for(PIN_APT) is Level.WARNING


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"failure_threshold": "loud"}, "--failure-threshold: 'loud' is not a level (error, warning, info, style, off)"),
        ({"levels": {"DL3008": "loud"}}, "--level DL3008: 'loud' is not a level"),
        ({"levels": {"": "error"}}, "--level: '' is not a rule selector"),
        ({"require_labels": ["owner:person"]}, "--require-label owner: 'person' is not a label type"),
        ({"require_labels": [":text"]}, "--require-label: ':text' names no label"),
        ({"select": ["DL 3008"]}, "--select: 'DL 3008' is not a rule selector"),
        ({"ignore": [""]}, "--ignore: '' is not a rule selector"),
    ],
)
def test_merge_errors_name_the_option(overrides: dict, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        Config().merged_with(**overrides)
    assert str(raised.value).startswith(message)


def test_the_file_schema_has_every_setting_of_config() -> None:
    from dockgate.rule_api.config_file import ConfigFile

    assert list(ConfigFile.model_fields) == list(Config().settings())


def test_settings_are_json_data() -> None:
    import json

    config = Config(levels={"DL3008": "error"}, label_schema={"owner": "email"}, failure_threshold="warning")
    assert json.loads(json.dumps(config.settings()))["levels"] == {"DL3008": "error"}
    assert config.levels == {"DL3008": Level.ERROR} and config.failure_threshold is Level.WARNING


def test_defaults_do_not_import_pydantic(tree: Path) -> None:
    # pydantic costs a cold start tens of milliseconds; without a file there is nothing to validate.
    import subprocess
    import sys

    script = (
        "import sys; from pathlib import Path; from dockgate.rule_api.config import load_config; "
        f"load_config().for_file(Path({str(tree / 'Dockerfile')!r})); print('pydantic' in sys.modules)"
    )
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert completed.stdout.strip() == "False"


def test_without_config_files_every_file_gets_one_configuration_object(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / ".dockgate.toml").write_text('ignore = ["DL3008"]\n', encoding="utf-8")
    resolver = load_config(no_config=True, overrides={"ignore": ["DL4000"]})
    first = resolver.for_file(tmp_path / "a" / "Dockerfile")
    assert resolver.for_file(tmp_path / "Dockerfile") is first is resolver.for_file(None)
    assert list(first.ignore) == ["DL4000"]  # the folder's file is not read, the command line is applied


def test_a_config_is_frozen() -> None:
    config = Config(ignore=["DL3008"])
    with pytest.raises(AttributeError, match="frozen"):
        config.ignore = []  # type: ignore[misc]


def test_configs_are_equal_by_settings_and_source() -> None:
    assert Config(levels={"DL3008": "error"}) == Config(levels={"DL3008": Level.ERROR})
    assert Config(ignore=["DL3008"]) != Config()
    assert Config(source=Path("a.toml")) != Config(source=Path("b.toml"))


def test_a_pickled_config_comes_back_equal_and_still_frozen() -> None:
    config = Config(select=["DG"], label_schema={"owner": "email"}, source=Path(".dockgate.toml"))
    config.level_for(PIN_APT)  # fills a cache that the copy does not need
    copy = pickle.loads(pickle.dumps(config))
    assert copy == config
    assert copy.level_for(PIN_APT) is Level.OFF
    with pytest.raises(AttributeError):
        copy.select = None  # type: ignore[misc]
