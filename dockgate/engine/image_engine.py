"""Linting built images: the image rules run on one image, and a finding whose
history entry matches an instruction of the Dockerfile given with the image is
placed on that instruction."""

from __future__ import annotations

from typing import Sequence

from dockgate.dockerfile.model import Document, Instruction
from dockgate.dockerfile.source import SourceText
from dockgate.engine.dockerfile_engine import DockerfileEngine
from dockgate.engine.registry import DockerfileRule, LoadedImageRule
from dockgate.engine.stamping import fingerprint, identity
from dockgate.image.attribution import attribute, final_stage_from
from dockgate.image.image import Image
from dockgate.records import Record
from dockgate.rule_api.config import Config
from dockgate.rule_api.findings import Finding, ImageViolation, Level
from dockgate.rule_api.rule import ImageContext, RuleMeta


class ImageJob(Record):
    """One image to lint, and the Dockerfile (if any) its findings are placed on."""

    __slots__ = ("image", "config", "dockerfile_path", "dockerfile")

    image: Image
    config: Config
    dockerfile_path: str | None
    """The Dockerfile as the user named it; findings it explains are reported there."""
    dockerfile: Document | None

    def __init__(self, image: Image, config: Config, dockerfile_path: str | None = None, dockerfile: Document | None = None) -> None:
        self.image = image
        self.config = config
        self.dockerfile_path = dockerfile_path
        self.dockerfile = dockerfile


class ImageEngine:
    """Lints images with a fixed set of image rules; `dockerfile_rules` serve rules that lint history as a Dockerfile."""

    def __init__(self, rules: Sequence[LoadedImageRule], dockerfile_rules: Sequence[DockerfileRule] = ()) -> None:
        self.rules = list(rules)
        self._dockerfile_rules = list(dockerfile_rules)
        self._history_engines: dict[tuple[str, ...], tuple[DockerfileEngine, Config]] = {}

    def lint_dockerfile(self, display_path: str, text: str, codes: Sequence[str]) -> list[Finding]:
        """The Dockerfile rules `codes`, at their default levels, on `text` (the user's config applies later)."""
        key = tuple(codes)
        if key not in self._history_engines:
            rules = [rule for rule in self._dockerfile_rules if rule.meta.code in key]
            self._history_engines[key] = (DockerfileEngine(rules), Config().merged_with(select=list(key)))
        engine, config = self._history_engines[key]
        return engine.lint(display_path, SourceText(text), config)

    def lint(self, job: ImageJob) -> tuple[list[Finding], list[str]]:
        """All findings for one image, sorted, and notices (such as layer rules skipped)."""
        image, config = job.image, job.config
        context = ImageContext(image=image, config=config, lint_dockerfile=self.lint_dockerfile)
        instructions = attribute(image, job.dockerfile) if job.dockerfile is not None else {}
        config_instruction = final_stage_from(job.dockerfile) if job.dockerfile is not None else None
        findings: list[Finding] = []
        notices: list[str] = []
        for rule in self.rules:
            level = config.level_for(rule.meta)
            if level is Level.OFF:
                continue
            if rule.meta.needs_layers and image.layers is None:
                notice = f"{image.name}: {image.source} has no layer contents; the layer rules were skipped"
                if notice not in notices:
                    notices.append(notice)
                continue
            for violation in rule.check(context):
                finding = _stamp(rule.meta, level, violation, job, instructions, config_instruction)
                if finding is not None:
                    findings.append(finding)
        findings.sort(key=Finding.sort_key)
        return findings, notices


def _stamp(
    meta: RuleMeta,
    level: Level,
    violation: ImageViolation,
    job: ImageJob,
    instructions: dict[int, Instruction],
    config_instruction: Instruction | None,
) -> Finding | None:
    # DG4007's members are Dockerfile rule codes: selecting or ignoring DG4007 covers them all.
    who = identity(meta, level, violation.code, violation.level, job.config, member_aliases=(meta.code,))
    if who is None:
        return None
    reported_level = who.level
    if violation.code is None and violation.level is not None and level is meta.level and violation.level.rank < level.rank:
        # A rule may lower one finding (a distribution-standard setuid binary) unless the user set its level.
        reported_level = violation.level
    location = violation.location
    instruction = instructions.get(location.history) if location.history is not None else None
    if instruction is None and location.layer is not None and job.image.layers is not None:
        history = job.image.layers[location.layer].history_index
        instruction = instructions.get(history) if history is not None else None
    if location.layer is None and location.history is None and location.path is None:
        # About the image's config (user, health check, labels), which the final stage's FROM starts.
        instruction = config_instruction
    subject = "\0".join(str(part) for part in (location.layer_digest, location.history, location.path))
    return Finding(
        code=who.code,
        name=who.name,
        level=reported_level,
        message=violation.message,
        file=job.dockerfile_path if instruction is not None and job.dockerfile_path else job.image.name,
        span=instruction.span if instruction is not None else None,
        instruction_line=instruction.line if instruction is not None else None,
        aliases=who.aliases,
        fingerprint=fingerprint(who.code, job.image.name, subject, violation.message),
        image=location,
    )
