"""dockgate's public Python API: lint a text, files and folders, or a built image.

Nothing here prints or exits. Errors the user can cause (a bad config file,
an unusable image) raise `dockgate.errors.UserError` subclasses; a file that
cannot be read during `lint_paths` is reported in the result's `problems`
instead, so one bad file does not hide the others' findings.

    >>> from dockgate.api import lint_text
    >>> [finding.code for finding in lint_text("FROM ubuntu\\nMAINTAINER me\\n")]
    ['DL3006', 'DL4000']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Callable, Iterable, Iterator, Sequence

from dockgate.dockerfile.source import (
    SourceError,
    SourceText,
    decode,
    read_source,
    read_stream,
)
from dockgate.engine.cache import ResultCache
from dockgate.engine.discovery import find_dockerfiles
from dockgate.engine.lint_job import LintJob
from dockgate.engine.noqa import NoqaResult, add_noqa
from dockgate.engine.registry import (
    all_rule_metas,
    dockerfile_rule_metas,
    dockerfile_rules,
    image_rules,
)
from dockgate.engine.selectors import checked_config
from dockgate.errors import UsageError
from dockgate.rule_api.config import Config, ConfigResolver, load_config
from dockgate.rule_api.findings import Finding, Level
from dockgate.rule_api.rule import RuleMeta

if TYPE_CHECKING:
    from dockgate.dockerfile.model import Document
    from dockgate.engine.dockerfile_engine import DockerfileEngine
    from dockgate.engine.fixing import FixOutcome

# The engine (parser, suppression comments, stamping) and the fixer are imported where a file
# is linted or fixed: a run whose files are all in the result cache needs neither.

__all__ = [
    "FixResult",
    "FixRunResult",
    "FixedFile",
    "LintResult",
    "NoqaFile",
    "NoqaResult",
    "NoqaRunResult",
    "RewrittenFile",
    "RunProgress",
    "add_noqa_paths",
    "add_noqa_text",
    "fix_paths",
    "fix_text",
    "lint_image",
    "lint_paths",
    "lint_text",
    "load_config",
]

BATCH_SIZE = 500
"""Files linted together: enough for batch work (ShellCheck) to pay off, few enough to bound memory."""
POOL_MIN_FILES = 50
"""Runs with more files to lint than this use every CPU; smaller ones (pre-commit, an editor) stay in one process."""
MIN_POOL_BATCH_SIZE = 20
BATCHES_PER_PROCESS = 4


@dataclass
class LintResult:
    """What a run found, and what it could not do."""

    findings: list[Finding] = field(default_factory=list)
    checked: int = 0
    """Files (or images) linted."""
    rules: list[RuleMeta] = field(default_factory=list)
    """The rules enabled by the run's base configuration, for reporters (SARIF's rule list)."""
    failed: bool = False
    """Some finding is at or above its file's failure threshold."""
    problems: list[str] = field(default_factory=list)
    """Inputs that could not be linted, one line each: the run did not check everything."""
    notices: list[str] = field(default_factory=list)
    """Things the user should know (a pass skipped, a file left out)."""
    suppressed_findings: list[Finding] = field(default_factory=list)
    """With `include_suppressed`: the findings the files' comments suppress, each with its `suppression`."""


@dataclass
class FixResult:
    """What fixing a text did."""

    text: str
    """The fixed text; the original when there was nothing to fix."""
    fixed: list[Finding]
    """The findings whose fixes were applied (stamped on the text each was found in)."""
    remaining: list[Finding]
    """The findings of the fixed text."""
    unsafe_fixable: int
    """How many remaining findings `unsafe=True` would fix."""


@dataclass
class RewrittenFile:
    """One file of a fix or add-noqa run: what it was and the text the run makes of it."""

    display_path: str
    path: Path | None
    """None for standard input."""
    source: SourceText
    """The file as read: its text, encoding and byte-order mark, for writing it back."""
    text: str

    @property
    def changed(self) -> bool:
        return self.text != self.source.text


@dataclass
class FixedFile(RewrittenFile):
    fixed: list[Finding]


@dataclass
class FixRunResult(LintResult):
    """A lint run over the fixed texts, with the fixed files."""

    files: list[FixedFile] = field(default_factory=list)
    unsafe_fixable: int = 0
    """Remaining findings that `unsafe=True` would fix."""

    @property
    def fixed(self) -> int:
        return sum(len(file.fixed) for file in self.files)


@dataclass
class NoqaFile(RewrittenFile):
    suppressed: list[Finding]
    """The findings the added comments silence."""
    added: int
    """New comment lines."""
    extended: int
    """Ignore comments that were there and got more codes."""


@dataclass
class NoqaRunResult(LintResult):
    """A lint run (findings as they were) with each file's text with ignore comments added."""

    files: list[NoqaFile] = field(default_factory=list)

    @property
    def suppressed(self) -> int:
        return sum(len(file.suppressed) for file in self.files)


def _resolver(config: Config | ConfigResolver | None) -> ConfigResolver:
    if isinstance(config, ConfigResolver):
        return config
    return ConfigResolver(config) if config is not None else load_config()


def fails(findings: Sequence[Finding], config: Config) -> bool:
    """Whether these findings make the run fail under `config`'s threshold."""
    threshold = config.failure_threshold
    if config.no_fail or threshold is Level.OFF:
        return False
    return any(finding.level.rank >= threshold.rank for finding in findings)


def lint_text(
    text: str,
    path: str | Path | None = None,
    config: Config | ConfigResolver | None = None,
    *,
    build_context: Path | None = None,
    rule_filter: Callable[[RuleMeta], bool] | None = None,
) -> list[Finding]:
    """The findings for a Dockerfile held in memory (an editor buffer, a generated file), sorted.

    `path` names the file in findings and, for a real path, finds its
    configuration and build context; `config` None means the configuration
    files a `dockgate check` of that path would read. `rule_filter` runs only
    the rules it accepts (the language server runs ShellCheck apart).
    """
    where = Path(path) if path is not None else None
    file_config = _resolver(config).for_file(where)
    job = LintJob(where.as_posix() if where else "-", decode(text.encode("utf-8", "surrogatepass")), file_config, where, build_context)
    findings, _ = _engine(rule_filter).lint_batch([job])
    return findings[0]


def _engine(rule_filter: Callable[[RuleMeta], bool] | None) -> DockerfileEngine:
    from dockgate.engine.dockerfile_engine import DockerfileEngine

    rules = dockerfile_rules()
    return DockerfileEngine([rule for rule in rules if rule_filter(rule.meta)] if rule_filter else rules)


def lint_paths(
    paths: Sequence[str | Path],
    config: Config | ConfigResolver | None = None,
    *,
    build_context: Path | None = None,
    stdin: BinaryIO | None = None,
    stdin_filename: str | None = None,
    cache_dir: Path | None = None,
    workers: int | None = None,
    progress: Callable[[RunProgress], None] | None = None,
    include_suppressed: bool = False,
) -> LintResult:
    """Lint files and folders (folders: every Dockerfile below them); `-` reads `stdin`.

    `cache_dir` keeps each file's findings there and reuses them while
    nothing they depend on changes (standard input is never cached).
    `workers` is how many processes lint; None means one for a small run
    and every CPU for a large one. `progress` is called as files are done.
    `include_suppressed` keeps the findings the files' comments suppress in
    `LintResult.suppressed_findings` (the cache, which holds reported findings only, is not used then).
    """
    result = LintResult()
    run = _collect_jobs(result, paths, config, build_context, stdin, stdin_filename)
    for job in run.jobs:
        job.keep_suppressed = include_suppressed
    cache = ResultCache(cache_dir, dockerfile_rules()) if cache_dir is not None and not include_suppressed else None
    found_per_file: list[list[Finding] | None] = [None] * len(run.jobs)
    keys: list[str | None] = [None] * len(run.jobs)
    if cache is not None:
        for index, job in enumerate(run.jobs):
            if not job.from_stdin:
                key = keys[index] = cache.key(job)
                found_per_file[index] = cache.get(key)
    missing = [index for index, found in enumerate(found_per_file) if found is None]
    done = len(run.jobs) - len(missing)
    findings_so_far = sum(len(found) for found in found_per_file if found is not None)
    if progress is not None and missing:
        progress(RunProgress(done, len(run.jobs), findings_so_far))
    batches = _lint_batches(run, [run.jobs[index] for index in missing], [keys[index] for index in missing], missing, workers, cache)
    for batch, (batch_found, batch_notices) in batches:
        result.notices.extend(notice for notice in batch_notices if notice not in result.notices)
        for index, found in zip(batch, batch_found):
            found_per_file[index] = found
        done += len(batch)
        findings_so_far += sum(len(found) for found in batch_found)
        if progress is not None:
            progress(RunProgress(done, len(run.jobs), findings_so_far))
    for job, found_or_none in zip(run.jobs, found_per_file):
        assert found_or_none is not None, "every file is linted or found in the cache"
        _record(result, job, found_or_none)
    result.rules = _rules_in_run(run.metas, run.configs, result.findings + result.suppressed_findings, run.metas)
    return result


@dataclass(frozen=True)
class RunProgress:
    """How far a `lint_paths` run has got."""

    done: int
    """Files linted or found in the cache."""
    total: int
    findings: int
    """Findings in the files done."""


def _lint_batches(
    run: _Run,
    jobs: list[LintJob],
    keys: list[str | None],
    indices: list[int],
    workers: int | None,
    cache: ResultCache | None,
) -> Iterator[tuple[list[int], tuple[list[list[Finding]], list[str]]]]:
    """The findings and notices of `jobs` in batches, each with the `indices` of its jobs, in order;
    each batch's findings are stored in `cache` under the jobs' `keys` where it was linted."""
    processes, size = _batching(len(jobs), workers)
    starts = range(0, len(jobs), size)
    if processes <= 1:
        for start in starts:
            found, notices = run.engine.lint_batch(jobs[start : start + size])
            if cache is not None:
                cache.put_batch(keys[start : start + size], found, notices)
            yield indices[start : start + size], (found, notices)
        return
    # Imported here: multiprocessing costs a one-file run (pre-commit, an editor) some 15 ms to import.
    from dockgate.engine.parallel import lint_in_processes

    batches = [(jobs[start : start + size], keys[start : start + size]) for start in starts]
    cache_directory = cache.directory if cache is not None else None
    yield from zip((indices[start : start + size] for start in starts), lint_in_processes(batches, processes, cache_directory))


def _batching(jobs: int, workers: int | None) -> tuple[int, int]:
    """How many processes lint `jobs` files, and how many files go in a batch."""
    processes = 1
    if jobs > 1 and (workers > 1 if workers is not None else jobs > POOL_MIN_FILES):
        from dockgate.engine.parallel import available_cpus

        processes = workers if workers is not None else available_cpus()
    if processes <= 1:
        return 1, BATCH_SIZE
    # Several batches per process, so that one slow batch does not leave the other CPUs idle.
    return processes, max(MIN_POOL_BATCH_SIZE, min(BATCH_SIZE, -(-jobs // (processes * BATCHES_PER_PROCESS))))


def fix_text(
    text: str,
    path: str | Path | None = None,
    config: Config | ConfigResolver | None = None,
    *,
    unsafe: bool = False,
    build_context: Path | None = None,
    rule_filter: Callable[[RuleMeta], bool] | None = None,
) -> FixResult:
    """Apply the fixes to a Dockerfile held in memory; `unsafe` adds the unsafe ones.

    `path`, `config` and `rule_filter` mean what they mean for `lint_text`.

        >>> fix_text("FROM alpine\\nrun apk add curl\\n").text
        'FROM alpine\\nRUN apk add --no-cache curl\\n'
    """
    from dockgate.engine.fixing import fix_batch

    where = Path(path) if path is not None else None
    file_config = _resolver(config).for_file(where)
    job = LintJob(where.as_posix() if where else "-", decode(text.encode("utf-8", "surrogatepass")), file_config, where, build_context)
    outcomes, _ = fix_batch(_engine(rule_filter), [job], unsafe=unsafe)
    outcome = outcomes[0]
    return FixResult(outcome.text, outcome.fixed, outcome.remaining, outcome.unsafe_fixable)


def fix_paths(
    paths: Sequence[str | Path],
    config: Config | ConfigResolver | None = None,
    *,
    unsafe: bool = False,
    build_context: Path | None = None,
    stdin: BinaryIO | None = None,
    stdin_filename: str | None = None,
    workers: int | None = None,
) -> FixRunResult:
    """Work out the fixes for files and folders, as `lint_paths` finds them; nothing is written.

    The result's findings are those that remain after fixing; `files` holds
    each file's fixed text, for the caller to write or show. `workers` means
    what it means for `lint_paths`.
    """
    from dockgate.engine.fixing import fix_batch

    result = FixRunResult()
    run = _collect_jobs(result, paths, config, build_context, stdin, stdin_filename)
    processes, size = _batching(len(run.jobs), workers)
    batches = [run.jobs[start : start + size] for start in range(0, len(run.jobs), size)]
    if processes <= 1:
        fixed_batches: Iterable[tuple[list[FixOutcome], list[str]]] = (fix_batch(run.engine, jobs, unsafe=unsafe) for jobs in batches)
    else:
        from dockgate.engine.parallel import fix_in_processes

        fixed_batches = fix_in_processes(batches, processes, unsafe=unsafe)
    for jobs, (outcomes, notices) in zip(batches, fixed_batches):
        result.notices.extend(notice for notice in notices if notice not in result.notices)
        for job, outcome in zip(jobs, outcomes):
            on_disk = None if job.from_stdin else job.path
            result.files.append(FixedFile(job.display_path, on_disk, job.source, outcome.text, outcome.fixed))
            result.unsafe_fixable += outcome.unsafe_fixable
            _record(result, job, outcome.remaining)
    result.rules = _rules_in_run(run.metas, run.configs, result.findings, run.metas)
    return result


def add_noqa_text(
    text: str,
    path: str | Path | None = None,
    config: Config | ConfigResolver | None = None,
    *,
    build_context: Path | None = None,
) -> NoqaResult:
    """`text` with an ignore comment above each instruction that has findings, so that none remain
    but those no comment can silence (see `dockgate.engine.noqa`); `path` and `config` mean what
    they mean for `lint_text`.

        >>> add_noqa_text("FROM alpine:3.20\\nMAINTAINER me\\n").text
        '# dockgate: ignore=DG2011\\nFROM alpine:3.20\\n# hadolint ignore=DL4000\\nMAINTAINER me\\n'
    """
    return add_noqa(text, lint_text(text, path, config, build_context=build_context))


def add_noqa_paths(
    paths: Sequence[str | Path],
    config: Config | ConfigResolver | None = None,
    *,
    build_context: Path | None = None,
    stdin: BinaryIO | None = None,
    stdin_filename: str | None = None,
) -> NoqaRunResult:
    """Work out the ignore comments for files and folders, as `lint_paths` finds them; nothing is written.

    A file whose configuration switches ignore comments off (`disable-ignore-pragma`) is left as it is, with a notice.
    """
    result = NoqaRunResult()
    run = _collect_jobs(result, paths, config, build_context, stdin, stdin_filename)
    for start in range(0, len(run.jobs), BATCH_SIZE):
        jobs = run.jobs[start : start + BATCH_SIZE]
        found, notices = run.engine.lint_batch(jobs)
        for job, findings in zip(jobs, found):
            _record(result, job, findings)
            if job.config.disable_ignore_pragma:
                if findings:
                    notices.append(f"{job.display_path}: ignore comments are switched off (disable-ignore-pragma); no comment added")
                continue
            # A file with replaced bytes cannot be written back as it was.
            outcome = add_noqa(job.source.text, findings) if job.source.invalid_utf8_line is None else NoqaResult(job.source.text)
            on_disk = None if job.from_stdin else job.path
            result.files.append(
                NoqaFile(job.display_path, on_disk, job.source, outcome.text, outcome.suppressed, outcome.added, outcome.extended)
            )
        result.notices.extend(notice for notice in notices if notice not in result.notices)
    result.rules = _rules_in_run(run.metas, run.configs, result.findings, run.metas)
    return result


@dataclass
class _Run:
    """The files of a run, read, each with its configuration."""

    jobs: list[LintJob]
    metas: list[RuleMeta]
    configs: list[Config]
    """Every configuration in force for some file, each once."""

    @cached_property
    def engine(self) -> DockerfileEngine:
        """Every registered rule's engine, made when some file is linted."""
        from dockgate.engine.dockerfile_engine import DockerfileEngine

        return DockerfileEngine(dockerfile_rules())


def _collect_jobs(
    result: LintResult,
    paths: Sequence[str | Path],
    config: Config | ConfigResolver | None,
    build_context: Path | None,
    stdin: BinaryIO | None,
    stdin_filename: str | None,
) -> _Run:
    """Find and read the files, with their configurations; what cannot be read goes into `result`."""
    resolver = _resolver(config)
    base_config = resolver.for_file(None)
    wanted = [str(path) for path in paths] or ["."]
    discovery = find_dockerfiles([Path(path) for path in wanted if path != "-"])
    result.problems.extend(discovery.errors)
    result.notices.extend(discovery.notices)
    run = _Run([], list(dockerfile_rule_metas()), [])

    def use(config: Config) -> Config:
        if all(config is not used for used in run.configs):
            result.notices.extend(checked_config(config, run.metas))
            run.configs.append(config)
        return config

    use(base_config)
    if "-" in wanted:
        if stdin is None:
            raise SourceError("- names standard input, but no input stream was given")
        try:
            stdin_source = read_stream(stdin, stdin_filename or "-")
            # A buffer given a file name is configured as that file would be (config lookup, per-file ignores).
            named = Path(stdin_filename) if stdin_filename else None
            stdin_config = use(resolver.for_file(named)) if named is not None else base_config
            run.jobs.append(LintJob(stdin_filename or "-", stdin_source, stdin_config, named, build_context, from_stdin=True))
        except SourceError as error:
            result.problems.append(str(error))
    for path in discovery.files:
        file_config = use(resolver.for_file(path))
        if path not in discovery.named and file_config.excludes(path):
            continue
        try:
            source = read_source(str(path))
        except SourceError as error:
            result.problems.append(str(error))
            continue
        run.jobs.append(LintJob(path.as_posix(), source, file_config, path, build_context))
    return run


def _record(result: LintResult, job: LintJob, found: list[Finding]) -> None:
    result.checked += 1
    if job.keep_suppressed:
        result.suppressed_findings.extend(finding for finding in found if finding.suppression is not None)
        found = [finding for finding in found if finding.suppression is None]
    result.findings.extend(found)
    result.failed = result.failed or fails(found, job.config)


def _rules_in_run(
    metas: Sequence[RuleMeta], configs: list[Config], findings: list[Finding], catalogue: Sequence[RuleMeta]
) -> list[RuleMeta]:
    """The rules a report describes: those on under any configuration the run used (a folder's
    own config file may turn on a rule the top one leaves off), and the rule in `catalogue` of
    every code that fired (DG4007 reports Dockerfile rule codes from an image)."""
    fired = {finding.code for finding in findings}
    in_force = [meta for meta in metas if any(config.level_for(meta) is not Level.OFF for config in configs)]
    listed = {meta.code for meta in in_force}
    return in_force + [meta for meta in catalogue if meta.code in fired and meta.code not in listed]


def lint_image(
    sources: Sequence[str],
    config: Config | ConfigResolver | None = None,
    *,
    dockerfile: str | None = None,
    platform: str | None = None,
    insecure_registries: Sequence[str] = (),
    stdin: BinaryIO | None = None,
) -> LintResult:
    """Lint built images (docker-archive:, oci:, oci-archive:, inspect:, registry: sources, paths, references).

    `dockerfile` is the file the image was built from: findings it explains are placed on its lines.
    """
    # Imported here: `dockgate check` never loads the image model.
    from dockgate.engine.image_engine import ImageEngine, ImageJob
    from dockgate.image.errors import ImageError
    from dockgate.image.platforms import parse_platform
    from dockgate.image.sources import open_images

    image_config = _resolver(config).for_file(None)
    chosen_platform = parse_platform(platform) if platform else None
    dockerfile_document = _read_dockerfile(dockerfile) if dockerfile is not None else None
    dockerfile_path = Path(dockerfile).as_posix() if dockerfile is not None else None
    engine = ImageEngine(image_rules(), dockerfile_rules())
    result = LintResult(notices=checked_config(image_config, dockerfile_rule_metas()))
    for source in sources:
        try:
            images = open_images(
                source,
                platform=chosen_platform,
                insecure_registries=frozenset(insecure_registries),
                stdin=stdin if source == "-" else None,
            )
            for image in images:
                with image:
                    found, image_notices = engine.lint(ImageJob(image, image_config, dockerfile_path, dockerfile_document))
                result.notices.extend(notice for notice in image.notices + image_notices if notice not in result.notices)
                result.findings.extend(found)
                result.checked += 1
        except ImageError as error:
            result.problems.append(str(error))
    result.failed = fails(result.findings, image_config)
    result.rules = _rules_in_run([rule.meta for rule in engine.rules], [image_config], result.findings, all_rule_metas())
    return result


def _read_dockerfile(name: str) -> Document:
    """The Dockerfile an image was built from, parsed; one that cannot be used is a usage error."""
    from dockgate.dockerfile.model import DockerfileSyntaxError
    from dockgate.dockerfile.parser import parse

    try:
        return parse(read_source(name, f"--dockerfile {name}").text)
    except DockerfileSyntaxError as error:
        raise UsageError(f"--dockerfile {name}:{error.span.line}:{error.span.column}: {error.message}") from None
