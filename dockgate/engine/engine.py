"""The engine: parse files, run the enabled rules, stamp and filter their findings.

Rules only say what is wrong and where. The engine decides the level (from
the configuration), drops what is suppressed or ignored, adds the file,
aliases and a fingerprint, and sorts.

Files are linted in batches: a rule module may define
`prepare_batch(contexts) -> list[str]` to do expensive work once for many
files (the ShellCheck pass runs a few processes for a whole batch rather than
one per RUN); it returns notices for the user.

Built images go through `lint_image`: the image rules run on one image, and
a finding whose history entry matches an instruction of the Dockerfile given
with the image is placed on that instruction.
"""

from __future__ import annotations

import hashlib
import importlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Callable, Iterable

from dockgate.rule_api.config import Config
from dockgate.rule_api.findings import Finding, ImageViolation, Level, Violation
from dockgate.dockerfile.model import Document, DockerfileSyntaxError
from dockgate.dockerfile.parser import parse
from dockgate.rule_api.rule import CheckFunction, ImageContext, LintContext, RuleMeta
from dockgate.dockerfile.source import SourceText
from dockgate.rule_api.suppressions import BUILDKIT_RULES, Suppressions

if TYPE_CHECKING:
    from dockgate.image.image import Image
    from dockgate.dockerfile.model import Instruction

PARSE_ERROR_CODE = "DL1000"
INVALID_UTF8_CODE = "DG0004"

BatchPreparer = Callable[[list[LintContext]], list[str]]


@dataclass(frozen=True, slots=True)
class LoadedRule:
    meta: RuleMeta
    check: CheckFunction
    prepare_batch: BatchPreparer | None = None


@dataclass(frozen=True, slots=True)
class FamilyMember:
    """One code of a rule family (ShellCheck's SC2086), as configuration and suppressions see it."""

    code: str
    name: str
    aliases: tuple[str, ...]
    level: Level


@dataclass(slots=True)
class LintJob:
    """One file to lint: what to call it, its text, and the configuration in force."""

    display_path: str
    source: SourceText
    config: Config
    path: Path | None = None
    """The file on disk (None for standard input): per-file ignores and the build context."""
    build_context: Path | None = None
    """The build context given by `--context`; by default the folder of `path`."""


@dataclass(slots=True)
class ImageJob:
    """One image to lint, and the Dockerfile (if any) its findings are placed on."""

    image: Image
    config: Config
    dockerfile_path: str | None = None
    """The Dockerfile as the user named it; findings it explains are reported there."""
    dockerfile: Document | None = None


def load_rules(module_names: Iterable[str]) -> list[LoadedRule]:
    """Import each rule module of the registry and pair its metadata with its check."""
    rules = []
    for module_name in module_names:
        module: ModuleType = importlib.import_module(module_name)
        rules.append(LoadedRule(module.RULE, module.check, getattr(module, "prepare_batch", None)))
    return rules


def all_rules(target: str | None = None) -> list[LoadedRule]:
    """Every registered rule, or only those for `target` ("dockerfile" or "image")."""
    from dockgate.rules import DOCKERFILE_RULE_MODULES, IMAGE_RULE_MODULES, RULE_MODULES

    modules = {"dockerfile": DOCKERFILE_RULE_MODULES, "image": IMAGE_RULE_MODULES}.get(target or "", RULE_MODULES)
    return load_rules(modules)


class Engine:
    """Lints files with a fixed set of rules."""

    def __init__(self, rules: list[LoadedRule]) -> None:
        self.rules = [rule for rule in rules if rule.meta.target == "dockerfile"]
        self.image_rules = [rule for rule in rules if rule.meta.target == "image"]

    def lint(self, display_path: str, source: SourceText, config: Config, *, path: Path | None = None) -> list[Finding]:
        """All findings for one file, sorted; a file that does not parse gets one DL1000."""
        findings, _ = self.lint_batch([LintJob(display_path, source, config, path)])
        return findings[0]

    def lint_batch(self, jobs: list[LintJob]) -> tuple[list[list[Finding]], list[str]]:
        """Findings for each job (in order), and notices from batch preparation."""
        contexts = [self._context(job) for job in jobs]
        notices: list[str] = []
        for rule in self.rules:
            if rule.prepare_batch is None:
                continue
            enabled = [
                context
                for context, job in zip(contexts, jobs)
                if context.document is not None and job.config.level_for(rule.meta) is not Level.OFF
            ]
            if enabled:
                notices.extend(rule.prepare_batch(enabled))
        # Files of one directory share one Config: work out each rule's level once per Config.
        levels: dict[int, list[Level]] = {}
        for job in jobs:
            if id(job.config) not in levels:
                levels[id(job.config)] = [job.config.level_for(rule.meta) for rule in self.rules]
        return [
            self._findings(context, job, levels[id(job.config)]) for context, job in zip(contexts, jobs)
        ], notices

    def _context(self, job: LintJob) -> LintContext:
        try:
            document: Document | None = parse(job.source.text)
            syntax_error = None
        except DockerfileSyntaxError as error:
            document, syntax_error = None, error
        suppressions = (
            Suppressions.from_document(document, job.config.disable_ignore_pragma) if document is not None else None
        )
        return LintContext(
            path=job.display_path,
            document=document,
            syntax_error=syntax_error,
            config=job.config,
            build_context=job.build_context or (job.path.parent if job.path is not None else None),
            source=job.source,
            suppressions=suppressions,
        )

    def _findings(self, context: LintContext, job: LintJob, rule_levels: list[Level]) -> list[Finding]:
        config = job.config
        findings: list[Finding] = []
        for rule, level in zip(self.rules, rule_levels):
            if not _applies(rule, context.document):
                continue
            if level is Level.OFF and _enabled_as_experimental(rule.meta, context):
                level = Level.WARNING
            if level is Level.OFF or config.ignored_for_path(rule.meta, job.path):
                continue
            if _buildkit_errors(rule.meta, context):
                level = Level.ERROR
            for violation in rule.check(context):
                finding = self._stamp(rule.meta, level, violation, context, job.path)
                if finding is None:
                    continue
                if context.suppressions is not None and context.suppressions.suppresses(finding):
                    continue
                findings.append(finding)
        findings.sort(key=Finding.sort_key)
        return findings

    def _stamp(
        self, meta: RuleMeta, level: Level, violation: Violation, context: LintContext, path: Path | None
    ) -> Finding | None:
        code, name, aliases = meta.code, meta.name, meta.aliases
        if violation.code is not None:
            # A family member is configured on its own: `ignore = ["SC2086"]`, `--error SC2046`.
            member = FamilyMember(violation.code, f"{meta.name}-{violation.code.lower()}", (), violation.level or level)
            assert context.config is not None
            level = context.config.level_for(member)
            if level is Level.OFF or context.config.ignored_for_path(member, path):
                return None
            code, name, aliases = member.code, member.name, member.aliases
        return Finding(
            code=code,
            name=name,
            level=level,
            message=violation.message,
            file=context.path,
            span=violation.span,
            instruction_line=violation.instruction_line or violation.span.line,
            aliases=aliases,
            fingerprint=_fingerprint(code, context.path, violation, context.document),
        )


    def lint_image(self, job: ImageJob) -> tuple[list[Finding], list[str]]:
        """All findings for one image, sorted, and notices (such as layer rules skipped)."""
        image, config = job.image, job.config
        context = ImageContext(image=image, config=config)
        instructions: dict[int, Instruction] = {}
        if job.dockerfile is not None:
            from dockgate.image.attribution import attribute

            instructions = attribute(image, job.dockerfile)
        findings: list[Finding] = []
        notices: list[str] = []
        for rule in self.image_rules:
            level = config.level_for(rule.meta)
            if level is Level.OFF:
                continue
            if rule.meta.needs_layers and image.layers is None:
                notice = f"{image.name}: {image.source} has no layer contents; the layer rules were skipped"
                if notice not in notices:
                    notices.append(notice)
                continue
            for violation in rule.check(context):
                finding = self._stamp_image(rule.meta, level, violation, job, instructions)
                if finding is not None:
                    findings.append(finding)
        findings.sort(key=Finding.sort_key)
        return findings, notices

    def _stamp_image(
        self,
        meta: RuleMeta,
        level: Level,
        violation: ImageViolation,
        job: ImageJob,
        instructions: dict[int, Instruction],
    ) -> Finding | None:
        code, name, aliases = meta.code, meta.name, meta.aliases
        if violation.code is not None:
            # DG4007's members are Dockerfile rule codes: selecting or ignoring DG4007 covers them all.
            member = FamilyMember(
                violation.code, f"{meta.name}-{violation.code.lower()}", (meta.code,), violation.level or level
            )
            level = job.config.level_for(member)
            if level is Level.OFF:
                return None
            code, name, aliases = member.code, member.name, member.aliases
        elif violation.level is not None and level is meta.level and violation.level.rank < level.rank:
            # A rule may lower one finding (a distribution-standard setuid binary) unless the user set its level.
            level = violation.level
        location = violation.location
        instruction = instructions.get(location.history) if location.history is not None else None
        if instruction is None and location.layer is not None and job.image.layers is not None:
            history = job.image.layers[location.layer].history_index
            instruction = instructions.get(history) if history is not None else None
        subject = "\0".join(str(part) for part in (location.layer_digest, location.history, location.path))
        digest = hashlib.sha256("\0".join((code, job.image.name, subject, violation.message)).encode("utf-8", "replace"))
        return Finding(
            code=code,
            name=name,
            level=level,
            message=violation.message,
            file=job.dockerfile_path if instruction is not None and job.dockerfile_path else job.image.name,
            span=instruction.span if instruction is not None else None,
            instruction_line=instruction.line if instruction is not None else None,
            aliases=aliases,
            fingerprint=digest.hexdigest()[:32],
            image=location,
        )


def _applies(rule: LoadedRule, document: Document | None) -> bool:
    # A file that does not parse has nothing for the other rules to look at.
    if document is None:
        return rule.meta.code in (PARSE_ERROR_CODE, INVALID_UTF8_CODE)
    return rule.meta.code != PARSE_ERROR_CODE


def _buildkit_errors(meta: RuleMeta, context: LintContext) -> bool:
    """`# check=error=true`: Docker fails the build on its own checks, so they are errors here too."""
    if context.suppressions is None or not context.suppressions.check.error:
        return False
    return any(alias in BUILDKIT_RULES for alias in meta.aliases)


def _enabled_as_experimental(meta: RuleMeta, context: LintContext) -> bool:
    """BuildKit's `# check=experimental=Name` switches on a rule that is off by default."""
    if context.suppressions is None or meta.level is not Level.OFF:
        return False
    return any(
        alias in BUILDKIT_RULES and context.suppressions.check.enables_experimental(alias) for alias in meta.aliases
    )


def _fingerprint(code: str, path: str, violation: Violation, document: Document | None) -> str:
    """A key that survives code moving up or down: rule, file, and the text the finding is about."""
    subject = ""
    if document is not None:
        try:
            subject = " ".join(document.slice(violation.span).split())
        except IndexError:
            subject = ""
    digest = hashlib.sha256("\0".join((code, path, subject, violation.message)).encode("utf-8", "replace"))
    return digest.hexdigest()[:32]
