"""The result cache: a file's findings kept on disk, keyed by everything they depend on.

A key is a digest of the file's text (as decoded: text, encoding, byte-order
mark), the names it is linted under, the configuration in force (a stable
serialisation of every field, and the file it came from), what the rules read
from its build context (`analysis.build_context`), dockgate's version and
the ShellCheck binary's identity: its path, size and modification time (or `none` when
ShellCheck is off for that file or there is no binary).
Change any of them and the file is linted again.

Entries are JSON files under `<cache dir>/v<format>/<version>/`, one per key,
written to a temporary file and renamed into place, so concurrent runs only
ever see whole entries. `<version>` names the dockgate that wrote them (its
version and modules, as in the key); every run touches its own version's
folder, and the first entry a run writes removes the folders of versions no run
has used for a day, so upgrades and edited checkouts do not grow the cache
without bound. An entry is believed only if it parses, has this format and
names the key it is stored under, and every field has the expected type;
anything else is linted afresh. Nothing in an entry is executed (no pickle).

Beside them, `<version>/configs/` keeps the settings of the configuration files pydantic
has validated (`ValidatedConfigFiles`), so that a run whose configuration did
not change neither imports pydantic nor builds its model.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
from pathlib import Path
from typing import Any, Sequence

import dockgate
from dockgate import __version__
from dockgate.analysis.build_context import ContextInputs
from dockgate.dockerfile.span import Span
from dockgate.engine.lint_job import LintJob
from dockgate.engine.registry import DockerfileRule
from dockgate.rule_api.config import Config
from dockgate.rule_api.findings import Applicability, Edit, Finding, Fix, Level, RelatedLocation

CACHE_FORMAT = 1
"""Bump when the entry layout or the key's recipe changes."""

DEFAULT_CACHE_DIR_NAME = ".dockgate_cache"
UNUSED_VERSION_LIFETIME = 24 * 60 * 60
"""Seconds after its last use that another version's entries are removed."""
SHELLCHECK_RULE_CODE = "SC"
"""The rule whose findings depend on the ShellCheck binary's version."""


def default_cache_dir(working_directory: Path) -> Path:
    """`.dockgate_cache` at the project root: the nearest folder up with a `.git`, else `working_directory`."""
    for directory in (working_directory, *working_directory.parents):
        if (directory / ".git").exists():
            return directory / DEFAULT_CACHE_DIR_NAME
    return working_directory / DEFAULT_CACHE_DIR_NAME


class CacheCorrupt(Exception):
    """An entry that is not what this version of dockgate writes."""


class ResultCache:
    """Findings per file, looked up by `key(job)` and stored with `put`."""

    def __init__(self, directory: Path, rules: Sequence[DockerfileRule]) -> None:
        self.directory = directory
        self._entries = version_directory(directory)
        self._shellcheck_rule = next((rule.meta for rule in rules if rule.meta.code == SHELLCHECK_RULE_CODE), None)
        self._shellcheck_binary: str | None = None
        self._config_digests: dict[int, tuple[Config, str]] = {}
        self._context_inputs = ContextInputs(left_out=directory)
        self._writable = True

    def key(self, job: LintJob) -> str:
        """The digest of every input the findings for `job` depend on."""
        context_dir = job.build_context or (job.path.parent if job.path is not None else None)
        dockerfile_name = Path(job.display_path).name
        parts = [
            str(CACHE_FORMAT),
            _dockgate_version(),
            self._shellcheck_for(job.config),
            job.display_path,
            str(job.path),
            str(job.build_context),
            self._config_digest(job.config),
            _source_digest(job),
            self._context_inputs.digest(context_dir, dockerfile_name) if context_dir is not None else "",
        ]
        return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()

    def get(self, key: str) -> list[Finding] | None:
        """The findings stored under `key`; None when there is no entry or it cannot be believed."""
        try:
            data = json.loads(self._entry_path(key).read_bytes())
            if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT or data.get("key") != key:
                raise CacheCorrupt
            findings = data.get("findings")
            if not isinstance(findings, list):
                raise CacheCorrupt
            return [_finding(item) for item in findings]
        except (OSError, ValueError, TypeError, KeyError, RecursionError, CacheCorrupt):
            return None

    def put(self, key: str, findings: Sequence[Finding]) -> None:
        """Store `findings` under `key`; a cache that cannot be written is left alone for the rest of the run."""
        if not self._writable:
            return
        entry = json.dumps({"format": CACHE_FORMAT, "key": key, "findings": [_encoded(finding) for finding in findings]})
        self._writable = _write_entry(self.directory, self._entry_path(key), entry)

    def put_batch(self, keys: Sequence[str | None], found: Sequence[Sequence[Finding]], notices: Sequence[str]) -> None:
        """Store a linted batch's findings, file by file; a batch with notices (ShellCheck missing,
        a RUN too large for it) is not complete, so nothing of it is stored and it is linted again next time."""
        if notices:
            return
        for key, findings in zip(keys, found):
            if key is not None:
                self.put(key, findings)

    def _entry_path(self, key: str) -> Path:
        return self._entries / key[:2] / f"{key[2:]}.json"

    def _shellcheck_for(self, config: Config) -> str:
        if self._shellcheck_rule is None or config.level_for(self._shellcheck_rule) is Level.OFF:
            return "none"
        if self._shellcheck_binary is None:
            from dockgate.analysis.shellcheck import shellcheck_identity  # only when ShellCheck is on

            self._shellcheck_binary = shellcheck_identity() or "none"
        return self._shellcheck_binary

    def _config_digest(self, config: Config) -> str:
        known = self._config_digests.get(id(config))
        if known is not None and known[0] is config:
            return known[1]
        serialised = json.dumps([str(config.source), config.settings()], sort_keys=True)
        digest = hashlib.sha256(serialised.encode("utf-8", "surrogatepass")).hexdigest()
        self._config_digests[id(config)] = (config, digest)
        return digest


class ValidatedConfigFiles:
    """The settings of configuration files pydantic has validated (`rule_api.config.ValidatedConfigs`),
    kept beside the findings: `<cache dir>/v<format>/configs/`, one entry per digest of a file's
    data and dockgate's version, believed only as findings are (format, key, every field's type)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._entries = version_directory(directory) / "configs"
        self._writable = True

    def get(self, digest: str) -> dict[str, Any] | None:
        key = self._key(digest)
        try:
            data = json.loads((self._entries / f"{key}.json").read_bytes())
        except (OSError, ValueError, RecursionError):
            return None
        if type(data) is not dict or data.get("format") != CACHE_FORMAT or data.get("key") != key:
            return None
        settings = data.get("settings")
        return settings if type(settings) is dict else None

    def put(self, digest: str, settings: dict[str, Any]) -> None:
        if self._writable:
            key = self._key(digest)
            entry = json.dumps({"format": CACHE_FORMAT, "key": key, "settings": settings})
            self._writable = _write_entry(self.directory, self._entries / f"{key}.json", entry)

    @staticmethod
    def _key(digest: str) -> str:
        return hashlib.sha256(f"{CACHE_FORMAT}\0{_dockgate_version()}\0config\0{digest}".encode()).hexdigest()


def version_directory(cache_directory: Path) -> Path:
    """Where this dockgate keeps its entries in `cache_directory`, marked as used by this run."""
    directory = cache_directory / f"v{CACHE_FORMAT}" / _dockgate_version()[:16]
    _mark_used(directory)
    return directory


@functools.cache
def _mark_used(directory: Path) -> None:
    """Once per run and folder: a folder that does not exist yet is marked by its creation."""
    with contextlib.suppress(OSError):
        os.utime(directory)


@functools.cache
def _remove_unused_versions(cache_directory: Path) -> None:
    """Once per run: the entries of other dockgate versions that no run has used for a day."""
    import shutil
    import time

    versions = cache_directory / f"v{CACHE_FORMAT}"
    current = _dockgate_version()[:16]
    oldest_kept = time.time() - UNUSED_VERSION_LIFETIME
    with contextlib.suppress(OSError):
        for folder in os.scandir(versions):
            if folder.name != current and folder.is_dir(follow_symlinks=False) and folder.stat().st_mtime < oldest_kept:
                # Another run may be removing it too, or still reading it: both only miss entries.
                shutil.rmtree(folder.path, ignore_errors=True)


def _write_entry(cache_directory: Path, target: Path, entry: str) -> bool:
    """Write one entry atomically (a temporary file renamed into place); False when the cache cannot be written."""
    import tempfile  # only when something is written: a cached run writes nothing

    try:
        if not target.parent.is_dir():
            target.parent.mkdir(parents=True, exist_ok=True)
        ignore_everything = cache_directory / ".gitignore"
        if not ignore_everything.exists():
            # A cache is nobody's source: keep it out of git without touching the project's .gitignore.
            ignore_everything.write_text("# written by dockgate\n*\n", encoding="utf-8")
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(entry)
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    except OSError:
        return False
    _remove_unused_versions(cache_directory)
    return True

@functools.cache
def _dockgate_version() -> str:
    """The version, and the size and modification time of every module (an edited checkout is another dockgate)."""
    package = os.path.dirname(dockgate.__file__)
    # os.walk and plain strings: pathlib's rglob and relative_to cost a cold start several milliseconds.
    modules = []
    for folder, subfolders, names in os.walk(package):
        subfolders[:] = [name for name in subfolders if name != "__pycache__"]
        for name in names:
            if name.endswith(".py"):
                module = os.path.join(folder, name)
                status = os.stat(module)
                relative = module[len(package) + 1 :].replace(os.sep, "/")
                modules.append(f"{relative}\0{status.st_size}\0{status.st_mtime_ns}\0")
    digest = hashlib.sha256(__version__.encode())
    digest.update("".join(sorted(modules)).encode())
    return digest.hexdigest()


def _source_digest(job: LintJob) -> str:
    source = job.source
    digest = hashlib.sha256(f"{source.encoding}\0{source.byte_order_mark.hex()}\0{source.invalid_utf8_line}\0".encode())
    digest.update(source.text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _encoded(finding: Finding) -> list[Any]:
    if finding.image is not None:
        raise ValueError("image findings are not cached")
    fix = finding.fix
    encoded_fix = (
        None
        if fix is None
        else [fix.message, fix.applicability.value, [[_encoded_span(edit.span), edit.content] for edit in fix.edits]]
    )
    return [
        finding.code,
        finding.name,
        finding.level.value,
        finding.message,
        finding.file,
        None if finding.span is None else _encoded_span(finding.span),
        finding.instruction_line,
        list(finding.aliases),
        finding.fingerprint,
        encoded_fix,
        [[_encoded_span(related.span), related.message] for related in finding.related],
    ]


def _encoded_span(span: Span) -> list[int]:
    return [span.line, span.column, span.end_line, span.end_column]


def _finding(item: Any) -> Finding:
    # Exact type checks, written out: a warm run decodes tens of thousands of these.
    if type(item) is not list or len(item) != 11:
        raise CacheCorrupt
    code, name, level, message, file, span, instruction_line, aliases, fingerprint, fix, related = item
    if not (type(code) is type(name) is type(level) is type(message) is type(file) is type(fingerprint) is str):
        raise CacheCorrupt
    if type(aliases) is not list or any(type(alias) is not str for alias in aliases):
        raise CacheCorrupt
    if instruction_line is not None and type(instruction_line) is not int:
        raise CacheCorrupt
    if type(related) is not list:
        raise CacheCorrupt
    return Finding(
        code=code,
        name=name,
        level=_LEVELS[level],
        message=message,
        file=file,
        span=None if span is None else _span(span),
        instruction_line=instruction_line,
        aliases=tuple(aliases),
        fingerprint=fingerprint,
        fix=None if fix is None else _fix(fix),
        related=tuple([_related(place) for place in related]) if related else (),
    )


_LEVELS = {level.value: level for level in Level}
"""Level by name; an unknown name is a KeyError, which `get` treats as a corrupt entry."""


def _related(item: Any) -> RelatedLocation:
    if type(item) is not list or len(item) != 2 or type(item[1]) is not str:
        raise CacheCorrupt
    return RelatedLocation(_span(item[0]), item[1])


def _fix(item: Any) -> Fix:
    if type(item) is not list or len(item) != 3 or type(item[2]) is not list:
        raise CacheCorrupt
    message, applicability, edits = item
    decoded_edits = []
    for edit in edits:
        if type(edit) is not list or len(edit) != 2 or type(edit[1]) is not str:
            raise CacheCorrupt
        decoded_edits.append(Edit(_span(edit[0]), edit[1]))
    if type(message) is not str or type(applicability) is not str:
        raise CacheCorrupt
    return Fix(message, Applicability(applicability), tuple(decoded_edits))


def _span(item: Any) -> Span:
    if type(item) is not list or len(item) != 4:
        raise CacheCorrupt
    line, column, end_line, end_column = item
    if not (type(line) is type(column) is type(end_line) is type(end_column) is int):
        raise CacheCorrupt
    return Span(line, column, end_line, end_column)
