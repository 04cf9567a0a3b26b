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
from pathlib import Path
from typing import BinaryIO, Callable, Sequence

from dockgate.dockerfile.model import DockerfileSyntaxError, Document
from dockgate.dockerfile.parser import parse
from dockgate.dockerfile.source import SourceError, SourceText, decode, read_source
from dockgate.engine.discovery import find_dockerfiles
from dockgate.engine.dockerfile_engine import DockerfileEngine, LintJob
from dockgate.engine.fixing import fix_batch
from dockgate.engine.registry import all_rule_metas, dockerfile_rules, image_rules
from dockgate.engine.selectors import checked_config
from dockgate.errors import UsageError
from dockgate.rule_api.config import Config, ConfigResolver, load_config
from dockgate.rule_api.findings import Finding, Level
from dockgate.rule_api.rule import RuleMeta

__all__ = [
    "FixResult",
    "FixRunResult",
    "FixedFile",
    "LintResult",
    "fix_paths",
    "fix_text",
    "lint_image",
    "lint_paths",
    "lint_text",
    "load_config",
]

BATCH_SIZE = 500
"""Files linted together: enough for batch work (ShellCheck) to pay off, few enough to bound memory."""


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
class FixedFile:
    """One file of a fix run: what it was and what fixing makes of it."""

    display_path: str
    path: Path | None
    """None for standard input."""
    source: SourceText
    """The file as read: its text, encoding and byte-order mark, for writing it back."""
    text: str
    fixed: list[Finding]

    @property
    def changed(self) -> bool:
        return self.text != self.source.text


@dataclass
class FixRunResult(LintResult):
    """A lint run over the fixed texts, with the fixed files."""

    files: list[FixedFile] = field(default_factory=list)
    unsafe_fixable: int = 0
    """Remaining findings that `unsafe=True` would fix."""

    @property
    def fixed(self) -> int:
        return sum(len(file.fixed) for file in self.files)


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
    rules = dockerfile_rules()
    engine = DockerfileEngine([rule for rule in rules if rule_filter(rule.meta)] if rule_filter else rules)
    job = LintJob(where.as_posix() if where else "-", decode(text.encode("utf-8", "surrogatepass")), file_config, where, build_context)
    findings, _ = engine.lint_batch([job])
    return findings[0]


def lint_paths(
    paths: Sequence[str | Path],
    config: Config | ConfigResolver | None = None,
    *,
    build_context: Path | None = None,
    stdin: BinaryIO | None = None,
    stdin_filename: str | None = None,
) -> LintResult:
    """Lint files and folders (folders: every Dockerfile below them); `-` reads `stdin`."""
    result = LintResult()
    _run_paths(result, paths, config, build_context, stdin, stdin_filename, lambda engine, jobs: engine.lint_batch(jobs))
    return result


def fix_text(
    text: str,
    path: str | Path | None = None,
    config: Config | ConfigResolver | None = None,
    *,
    unsafe: bool = False,
    build_context: Path | None = None,
) -> FixResult:
    """Apply the fixes to a Dockerfile held in memory; `unsafe` adds the unsafe ones.

    `path` and `config` mean what they mean for `lint_text`.

        >>> fix_text("FROM alpine\\nrun apk add curl\\n").text
        'FROM alpine\\nRUN apk add --no-cache curl\\n'
    """
    where = Path(path) if path is not None else None
    file_config = _resolver(config).for_file(where)
    job = LintJob(where.as_posix() if where else "-", decode(text.encode("utf-8", "surrogatepass")), file_config, where, build_context)
    outcomes, _ = fix_batch(DockerfileEngine(dockerfile_rules()), [job], unsafe=unsafe)
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
) -> FixRunResult:
    """Work out the fixes for files and folders, as `lint_paths` finds them; nothing is written.

    The result's findings are those that remain after fixing; `files` holds
    each file's fixed text, for the caller to write or show.
    """
    result = FixRunResult()

    def fix_jobs(engine: DockerfileEngine, jobs: Sequence[LintJob]) -> tuple[list[list[Finding]], list[str]]:
        outcomes, notices = fix_batch(engine, jobs, unsafe=unsafe)
        for job, outcome in zip(jobs, outcomes):
            on_disk = None if job.from_stdin else job.path
            result.files.append(FixedFile(job.display_path, on_disk, job.source, outcome.text, outcome.fixed))
            result.unsafe_fixable += outcome.unsafe_fixable
        return [outcome.remaining for outcome in outcomes], notices

    _run_paths(result, paths, config, build_context, stdin, stdin_filename, fix_jobs)
    return result


def _run_paths(
    result: LintResult,
    paths: Sequence[str | Path],
    config: Config | ConfigResolver | None,
    build_context: Path | None,
    stdin: BinaryIO | None,
    stdin_filename: str | None,
    process: Callable[[DockerfileEngine, Sequence[LintJob]], tuple[list[list[Finding]], list[str]]],
) -> None:
    """Find and read the files, and have `process` lint (or fix) them in batches, into `result`."""
    resolver = _resolver(config)
    base_config = resolver.for_file(None)
    wanted = [str(path) for path in paths] or ["."]
    discovery = find_dockerfiles([Path(path) for path in wanted if path != "-"])
    engine = DockerfileEngine(dockerfile_rules())
    result.problems.extend(discovery.errors)
    result.notices.extend(discovery.notices)
    metas = [rule.meta for rule in engine.rules]
    configs_used: list[Config] = []

    def use(config: Config) -> Config:
        if all(config is not used for used in configs_used):
            result.notices.extend(checked_config(config, metas))
            configs_used.append(config)
        return config

    use(base_config)
    batch: list[LintJob] = []

    def flush() -> None:
        found_per_file, batch_notices = process(engine, batch)
        result.notices.extend(notice for notice in batch_notices if notice not in result.notices)
        for job, found in zip(batch, found_per_file):
            result.checked += 1
            result.findings.extend(found)
            result.failed = result.failed or fails(found, job.config)
        batch.clear()

    if "-" in wanted:
        if stdin is None:
            raise SourceError("- names standard input, but no input stream was given")
        try:
            stdin_source = decode(stdin.read(), stdin_filename or "-")
            # A buffer given a file name is configured as that file would be (config lookup, per-file ignores).
            named = Path(stdin_filename) if stdin_filename else None
            stdin_config = use(resolver.for_file(named)) if named is not None else base_config
            batch.append(LintJob(stdin_filename or "-", stdin_source, stdin_config, named, build_context, from_stdin=True))
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
        batch.append(LintJob(path.as_posix(), source, file_config, path, build_context))
        if len(batch) >= BATCH_SIZE:
            flush()
    flush()
    result.rules = _rules_in_run(metas, configs_used, result.findings, metas)


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
    result = LintResult(notices=checked_config(image_config, [rule.meta for rule in dockerfile_rules()]))
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
    try:
        return parse(read_source(name, f"--dockerfile {name}").text)
    except DockerfileSyntaxError as error:
        raise UsageError(f"--dockerfile {name}:{error.span.line}:{error.span.column}: {error.message}") from None
