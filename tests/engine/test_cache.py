"""The result cache: a hit gives the findings a fresh lint gives, and any changed input is linted again."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

import dockgate.engine.cache as cache_module
from dockgate.api import lint_paths
from dockgate.engine.cache import (
    CACHE_FORMAT,
    ResultCache,
    ValidatedConfigFiles,
    default_cache_dir,
    installed_files_digest,
)
from dockgate.engine.dockerfile_engine import DockerfileEngine
from dockgate.engine.lint_job import LintJob
from dockgate.engine.registry import dockerfile_rules
from dockgate.rule_api import config_file
from dockgate.rule_api.config import ConfigError, ConfigResolver, load_config
from dockgate.rule_api.findings import Finding, Level

# DG1004 (fixable, with edits), DL4000, DG1018 (reads .dockerignore), DG2006 (reads the context's file names)
# and DG3004 (reads compose.yaml) all have something to say about this file.
DOCKERFILE = "FROM alpine:3.20\nrun apk add curl\nMAINTAINER me\nCOPY config/ /etc/app/\nCOPY . /src/\n"


class LintCounter:
    """Counts the files the engine really lints (not found in the cache)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.files = 0
        original = DockerfileEngine.lint_batch

        def counting(engine: DockerfileEngine, jobs: list[LintJob]) -> tuple[list[list[Finding]], list[str]]:
            self.files += len(jobs)
            return original(engine, jobs)

        monkeypatch.setattr(DockerfileEngine, "lint_batch", counting)

    def take(self) -> int:
        files, self.files = self.files, 0
        return files


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Dockerfile").write_text(DOCKERFILE, encoding="utf-8")
    (tmp_path / "app" / "config").mkdir()
    (tmp_path / "app" / "config" / "settings.ini").write_text("a=1\n", encoding="utf-8")
    (tmp_path / "app" / ".dockerignore").write_text("config/\n", encoding="utf-8")
    return tmp_path


@pytest.fixture
def counter(monkeypatch: pytest.MonkeyPatch) -> LintCounter:
    return LintCounter(monkeypatch)


def cached_lint(project: Path) -> list[Finding]:
    return lint_paths([project / "app"], ConfigResolver(), cache_dir=project / "cache", workers=1).findings


def fresh_lint(project: Path) -> list[Finding]:
    return lint_paths([project / "app"], ConfigResolver(), workers=1).findings


def codes(findings: list[Finding]) -> set[str]:
    return {finding.code for finding in findings}


def test_a_hit_gives_exactly_the_fresh_findings_fixes_included(project: Path, counter: LintCounter) -> None:
    first = cached_lint(project)
    assert counter.take() == 1
    second = cached_lint(project)
    assert counter.take() == 0
    assert second == first == fresh_lint(project)
    assert any(finding.fix is not None and finding.fix.edits for finding in second)
    assert {"DG1004", "DL4000", "DG1018"} <= codes(second)


def test_a_changed_file_is_linted_again(project: Path, counter: LintCounter) -> None:
    cached_lint(project)
    (project / "app" / "Dockerfile").write_text(DOCKERFILE.replace("MAINTAINER me\n", ""), encoding="utf-8")
    counter.take()
    findings = cached_lint(project)
    assert counter.take() == 1
    assert "DL4000" not in codes(findings)
    assert findings == fresh_lint(project)


def test_a_changed_configuration_is_linted_again(project: Path, counter: LintCounter) -> None:
    cached_lint(project)
    (project / "app" / ".dockgate.toml").write_text('ignore = ["DL4000"]\n', encoding="utf-8")
    counter.take()
    findings = cached_lint(project)
    assert counter.take() == 1
    assert "DL4000" not in codes(findings)
    assert findings == fresh_lint(project)


def test_command_line_overrides_are_part_of_the_key(project: Path, counter: LintCounter) -> None:
    lint_paths([project / "app"], ConfigResolver(), cache_dir=project / "cache", workers=1)
    counter.take()
    findings = lint_paths(
        [project / "app"], ConfigResolver(overrides={"ignore": ["DG1004"]}), cache_dir=project / "cache", workers=1
    ).findings
    assert counter.take() == 1
    assert "DG1004" not in codes(findings)


def test_a_changed_dockerignore_is_linted_again(project: Path, counter: LintCounter) -> None:
    assert "DG1018" in codes(cached_lint(project))
    (project / "app" / ".dockerignore").write_text("*.log\n", encoding="utf-8")
    counter.take()
    findings = cached_lint(project)
    assert counter.take() == 1
    assert "DG1018" not in codes(findings)
    assert findings == fresh_lint(project)


def test_a_new_credential_file_in_the_context_is_linted_again(project: Path, counter: LintCounter) -> None:
    assert "DG2006" not in codes(cached_lint(project))
    (project / "app" / ".env").write_text("TOKEN=x\n", encoding="utf-8")
    counter.take()
    findings = cached_lint(project)
    assert counter.take() == 1
    assert "DG2006" in codes(findings)


def test_a_new_compose_file_is_linted_again(project: Path, counter: LintCounter) -> None:
    assert "DG3004" not in codes(cached_lint(project))
    compose = "services:\n  web:\n    build: .\n    ports: ['8000:8000']\n"
    (project / "app" / "compose.yaml").write_text(compose, encoding="utf-8")
    counter.take()
    findings = cached_lint(project)
    assert counter.take() == 1
    assert "DG3004" in codes(findings)


def test_a_compose_file_up_the_repository_and_its_env_are_keys(
    project: Path, counter: LintCounter, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / ".git").mkdir()
    monkeypatch.delenv("DOCKGATE_TEST_APP_PORT", raising=False)
    compose = "services:\n  web:\n    build: ./app\n    ports: ['8000:${DOCKGATE_TEST_APP_PORT:-8000}']\n"
    (project / "compose.yaml").write_text(compose, encoding="utf-8")
    (project / "app" / "Dockerfile").write_text("FROM alpine:3.20\nEXPOSE 8000\n", encoding="utf-8")
    assert "DG3004" not in codes(cached_lint(project))
    counter.take()
    (project / ".env").write_text("DOCKGATE_TEST_APP_PORT=9000\n", encoding="utf-8")
    assert "DG3004" in codes(cached_lint(project))
    assert counter.take() == 1
    (project / ".env").write_text("DOCKGATE_TEST_APP_PORT=8000\n", encoding="utf-8")
    assert "DG3004" not in codes(cached_lint(project))
    assert counter.take() == 1
    monkeypatch.setenv("DOCKGATE_TEST_APP_PORT", "7000")  # the environment wins over .env
    assert "DG3004" in codes(cached_lint(project))
    assert counter.take() == 1
    assert "DG3004" in codes(cached_lint(project))
    assert counter.take() == 0


def test_a_changed_script_that_runs_the_image_is_linted_again(project: Path, counter: LintCounter) -> None:
    (project / "app" / "Dockerfile").write_text("FROM alpine:3.20\nEXPOSE 8000\n", encoding="utf-8")
    script = project / "app" / "run.sh"
    script.write_text("docker build -t app . && docker run -p 8000:8000 app\n", encoding="utf-8")
    assert "DG3004" not in codes(cached_lint(project))
    counter.take()
    script.write_text("docker build -t app . && docker run -p 8000:9000 app\n", encoding="utf-8")
    assert "DG3004" in codes(cached_lint(project))
    assert counter.take() == 1


def test_a_new_or_changed_kubernetes_manifest_is_linted_again(project: Path, counter: LintCounter) -> None:
    (project / ".git").mkdir()
    (project / "app" / "Dockerfile").write_text("FROM alpine:3.20\nEXPOSE 8000\n", encoding="utf-8")
    (project / "app" / "build.sh").write_text("docker build -t app .\n", encoding="utf-8")
    assert "DG3004" not in codes(cached_lint(project))
    counter.take()
    manifest = project / "k8s" / "base" / "deployment.yaml"
    manifest.parent.mkdir(parents=True)
    deployment = "kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - {name: app, image: ghcr.io/acme/app:1, ports: [{containerPort: %d}]}\n"
    manifest.write_text(deployment % 9000, encoding="utf-8")
    assert "DG3004" in codes(cached_lint(project))
    assert counter.take() == 1
    manifest.write_text(deployment % 8000, encoding="utf-8")
    assert "DG3004" not in codes(cached_lint(project))
    assert counter.take() == 1
    assert "DG3004" not in codes(cached_lint(project))
    assert counter.take() == 0


def test_another_dockgate_or_shellcheck_version_lints_again(
    project: Path, counter: LintCounter, monkeypatch: pytest.MonkeyPatch
) -> None:
    cached_lint(project)
    counter.take()
    monkeypatch.setattr(cache_module, "_dockgate_version", lambda: "another dockgate")
    cached_lint(project)
    assert counter.take() == 1
    monkeypatch.setattr(ResultCache, "_shellcheck_for", lambda self, config: "another shellcheck")
    cached_lint(project)
    assert counter.take() == 1
    cached_lint(project)
    assert counter.take() == 0


def fake_install(site: Path, record: str | None) -> Path:
    package = site / "dockgate"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("__version__ = '9.9'\n", encoding="utf-8")
    (package / "rules.py").write_text("RULES = []\n", encoding="utf-8")
    if record is not None:
        (site / "dockgate-9.9.dist-info").mkdir()
        (site / "dockgate-9.9.dist-info" / "RECORD").write_text(record, encoding="utf-8")
    return package


def test_a_wheel_install_is_identified_by_its_record(tmp_path: Path) -> None:
    record = "dockgate/__init__.py,sha256=aaa,20\ndockgate/rules.py,sha256=bbb,11\n"
    package = fake_install(tmp_path, record)
    first = installed_files_digest(str(package), "9.9")
    assert first.startswith("record")
    (package / "rules.py").write_text("RULES = [1]\n", encoding="utf-8")
    assert installed_files_digest(str(package), "9.9") == first  # the RECORD stands for the files it lists
    (tmp_path / "dockgate-9.9.dist-info" / "RECORD").write_text(record.replace("bbb", "ccc"), encoding="utf-8")
    assert installed_files_digest(str(package), "9.9") != first  # a reinstall writes a new one


@pytest.mark.parametrize("record", [None, "__editable__.dockgate-9.9.pth,sha256=ddd,50\n"], ids=["checkout", "editable"])
def test_without_a_record_of_its_modules_an_edited_module_is_another_dockgate(tmp_path: Path, record: str | None) -> None:
    package = fake_install(tmp_path, record)
    first = installed_files_digest(str(package), "9.9")
    assert first.startswith("modules")
    (package / "rules.py").write_text("RULES = [1, 2]\n", encoding="utf-8")
    assert installed_files_digest(str(package), "9.9") != first


def entries(cache_dir: Path) -> list[Path]:
    return sorted((cache_dir / f"v{CACHE_FORMAT}").rglob("*.json"))


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],
        lambda text: "not json",
        lambda text: json.dumps({**json.loads(text), "format": CACHE_FORMAT + 1}),
        lambda text: json.dumps({**json.loads(text), "key": "0" * 64}),
        lambda text: json.dumps({**json.loads(text), "findings": [["DL4000", "x", "error", 1, 2, 3, 4, 5, 6, 7]]}),
        lambda text: json.dumps({**json.loads(text), "findings": [[1, 2]]}),
        lambda text: "[" * 100_000 + "]" * 100_000,
    ],
    ids=["truncated", "not-json", "other-format", "foreign-key", "wrong-types", "wrong-shape", "too-deep"],
)
def test_a_corrupt_or_foreign_entry_is_ignored_and_replaced(project: Path, counter: LintCounter, damage: object) -> None:
    expected = cached_lint(project)
    [entry] = entries(project / "cache")
    assert callable(damage)
    entry.write_text(damage(entry.read_text(encoding="utf-8")), encoding="utf-8")
    counter.take()
    assert cached_lint(project) == expected
    assert counter.take() == 1
    assert cached_lint(project) == expected
    assert counter.take() == 0


def test_an_entry_moved_under_another_key_is_not_believed(project: Path) -> None:
    findings = fresh_lint(project)
    cache = ResultCache(project / "cache", dockerfile_rules())
    cache.put("a" * 64, findings)
    [entry] = entries(project / "cache")
    moved = entry.parent.parent / "bb" / ("b" * 62 + ".json")
    moved.parent.mkdir()
    moved.write_bytes(entry.read_bytes())
    assert cache.get("a" * 64) == findings
    assert cache.get("b" * 64) is None


def test_the_cache_folder_ignores_itself_in_git(project: Path) -> None:
    cached_lint(project)
    assert (project / "cache" / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"


def test_no_cache_dir_writes_nothing(project: Path) -> None:
    before = sorted(project.rglob("*"))
    lint_paths([project / "app"], ConfigResolver(), workers=1)
    assert sorted(project.rglob("*")) == before


def test_an_unwritable_cache_still_lints(project: Path) -> None:
    (project / "cache").write_text("a file where the folder should be", encoding="utf-8")
    assert cached_lint(project) == fresh_lint(project)


def test_concurrent_writers_leave_whole_entries(project: Path) -> None:
    expected = cached_lint(project)
    [entry] = entries(project / "cache")
    key = entry.parent.name + entry.stem
    cache = ResultCache(project / "cache", dockerfile_rules())
    seen: list[list[Finding] | None] = []

    def write_many() -> None:
        for _ in range(50):
            cache.put(key, expected)

    writers = [threading.Thread(target=write_many) for _ in range(4)]
    for writer in writers:
        writer.start()
    while any(writer.is_alive() for writer in writers):
        seen.append(cache.get(key))
    for writer in writers:
        writer.join()
    assert seen and all(found == expected for found in seen)
    assert not [path for path in entry.parent.iterdir() if path.name.startswith(".tmp-")]


def test_default_cache_dir_is_at_the_project_root(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    assert default_cache_dir(tmp_path / "sub" / "deeper") == tmp_path / ".dockgate_cache"
    assert default_cache_dir(tmp_path / "sub" / "deeper") == default_cache_dir(tmp_path)


def test_a_cache_inside_the_build_context_still_hits(project: Path, counter: LintCounter) -> None:
    # The cache's own entries are files of the context; counting them would change every key on every run.
    def lint() -> list[Finding]:
        return lint_paths([project / "app"], ConfigResolver(), cache_dir=project / "app" / ".dockgate_cache", workers=1).findings

    expected = lint()
    counter.take()
    assert lint() == expected
    assert counter.take() == 0
    assert lint() == expected
    assert counter.take() == 0


CONFIG_TEXT = 'ignore = ["DL4000"]\nlevels = { DG1004 = "error" }\nlabel-schema = { maintainer = "email" }\nper-file-ignores = { "x/**" = ["SC"] }\n'


def _config_entries(cache_dir: Path) -> list[Path]:
    return sorted((cache_dir / f"v{CACHE_FORMAT}").glob("*/configs/*.json"))


def test_a_validated_configuration_file_is_remembered_and_gives_the_same_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".dockgate.toml").write_text(CONFIG_TEXT, encoding="utf-8")
    cache_dir = tmp_path / "cache"
    fresh = load_config(tmp_path / ".dockgate.toml", validated=ValidatedConfigFiles(cache_dir)).for_file(None)
    assert len(_config_entries(cache_dir)) == 1
    # Remembered: pydantic's model is not used again for the same data.
    monkeypatch.setattr(config_file.ConfigFile, "model_validate", lambda data: pytest.fail("validated again"))
    remembered = load_config(tmp_path / ".dockgate.toml", validated=ValidatedConfigFiles(cache_dir)).for_file(None)
    assert remembered == fresh and remembered.source == fresh.source
    assert remembered.levels == {"DG1004": Level.ERROR} and remembered.ignore == ["DL4000"]


def test_a_changed_configuration_file_is_validated_again(tmp_path: Path) -> None:
    config_path = tmp_path / ".dockgate.toml"
    config_path.write_text(CONFIG_TEXT, encoding="utf-8")
    load_config(config_path, validated=ValidatedConfigFiles(tmp_path / "cache"))
    config_path.write_text(CONFIG_TEXT.replace('"error"', '"loud"'), encoding="utf-8")
    with pytest.raises(ConfigError, match="levels"):
        load_config(config_path, validated=ValidatedConfigFiles(tmp_path / "cache"))


@pytest.mark.parametrize(
    "damage",
    [
        lambda entry: entry.write_text("{not json", encoding="utf-8"),
        lambda entry: entry.write_text(entry.read_text(encoding="utf-8").replace('"error"', '"loud"'), encoding="utf-8"),
        lambda entry: entry.write_text(entry.read_text(encoding="utf-8").replace('["DL4000"]', '"DL4000"'), encoding="utf-8"),
        lambda entry: entry.write_text(entry.read_text(encoding="utf-8").replace('"no_fail": false', '"no_fail": 0'), encoding="utf-8"),
        lambda entry: entry.write_text(entry.read_text(encoding="utf-8").replace(', "exclude": []', ""), encoding="utf-8"),
    ],
)
def test_a_damaged_remembered_configuration_is_not_believed(tmp_path: Path, damage: Any) -> None:
    (tmp_path / ".dockgate.toml").write_text(CONFIG_TEXT, encoding="utf-8")
    cache_dir = tmp_path / "cache"
    fresh = load_config(tmp_path / ".dockgate.toml", validated=ValidatedConfigFiles(cache_dir)).for_file(None)
    [entry] = _config_entries(cache_dir)
    before = entry.read_text(encoding="utf-8")
    damage(entry)
    assert entry.read_text(encoding="utf-8") != before
    again = load_config(tmp_path / ".dockgate.toml", validated=ValidatedConfigFiles(cache_dir)).for_file(None)
    assert again == fresh


def test_a_cached_run_with_a_configuration_file_imports_neither_pydantic_nor_a_rule(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".dockgate.toml").write_text(CONFIG_TEXT, encoding="utf-8")
    (tmp_path / "Dockerfile").write_text(DOCKERFILE, encoding="utf-8")
    script = (
        "import sys\n"
        "from dockgate.cli.main import main\n"
        "code = main(['check', '--format', 'json', 'Dockerfile'])\n"
        "print(code, 'pydantic' in sys.modules, any(name.startswith('dockgate.rules.hadolint') for name in sys.modules), file=sys.stderr)\n"
    )
    runs = [subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=False) for _ in range(2)]
    assert [run.stderr.strip() for run in runs] == ["1 True True", "1 False False"]
    assert runs[0].stdout == runs[1].stdout


def test_entries_of_versions_unused_for_a_day_go_when_a_run_writes(project: Path) -> None:
    import os
    import time

    versions = project / "cache" / f"v{CACHE_FORMAT}"
    stale, recent = versions / "0123456789abcdef", versions / "fedcba9876543210"
    for folder in (stale, recent):
        (folder / "ab").mkdir(parents=True)
        (folder / "ab" / "entry.json").write_text("{}", encoding="utf-8")
    a_day_and_more = time.time() - cache_module.UNUSED_VERSION_LIFETIME - 60
    os.utime(stale, (a_day_and_more, a_day_and_more))
    (versions / "not-a-folder").write_text("", encoding="utf-8")
    cached_lint(project)
    assert not stale.exists()
    assert (recent / "ab" / "entry.json").exists()  # another version in use today (an editor, a pinned hook) keeps its entries
    assert (versions / "not-a-folder").exists()
    [current] = [folder for folder in versions.iterdir() if folder.is_dir() and folder != recent]
    assert list(current.rglob("*.json"))


def test_every_run_marks_its_version_used_even_when_it_writes_nothing(project: Path) -> None:
    import os
    import time

    cached_lint(project)
    versions = project / "cache" / f"v{CACHE_FORMAT}"
    [current] = list(versions.iterdir())
    long_ago = time.time() - 10 * cache_module.UNUSED_VERSION_LIFETIME
    os.utime(current, (long_ago, long_ago))
    subprocess.run(
        [sys.executable, "-m", "dockgate", "check", "--no-config", "--no-fail", "--cache-dir", str(project / "cache"), str(project / "app")],
        check=True, capture_output=True,
    )
    assert current.stat().st_mtime > time.time() - 600
