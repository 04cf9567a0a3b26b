"""Linting Dockerfiles: parse, run the enabled rules, stamp and filter their findings.

Rules only say what is wrong and where. The engine decides the level (from
the configuration), drops what is suppressed or ignored, adds the file,
aliases and a fingerprint, and sorts.

Files are linted in batches: a rule module may define
`prepare_batch(contexts) -> list[str]` to do expensive work once for many
files (the ShellCheck pass runs a few processes for a whole batch rather than
one per RUN); it returns notices for the user.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator, NamedTuple, Sequence, TypeVar

from dockgate.analysis.file_search import FileSearch
from dockgate.dockerfile.model import DockerfileSyntaxError
from dockgate.dockerfile.parser import parse
from dockgate.dockerfile.source import SourceText, wide_encoding_error
from dockgate.engine.lint_job import LintJob
from dockgate.engine.registry import (
    DockerfileRule,
    LoadedRule,
    LoadedSourceRule,
    LoadedSuppressionRule,
    RegisteredRule,
    dockerfile_rule_metas,
)
from dockgate.engine.stamping import fingerprint, identity
from dockgate.errors import kept_as_result
from dockgate.rule_api.config import Config
from dockgate.rule_api.findings import Finding, Level, Violation
from dockgate.rule_api.rule import (
    LintContext,
    RuleMeta,
    SourceContext,
    SuppressionContext,
)
from dockgate.rule_api.suppressions import BUILDKIT_RULES, CheckOptions, Suppressions


class DockerfileEngine:
    """Lints Dockerfiles with a fixed set of rules."""

    def __init__(self, rules: Sequence[DockerfileRule]) -> None:
        self.rules = list(rules)
        """Every rule, in registry order: what the engine reports as enabled."""
        self._may_run: dict[int, tuple[Config, frozenset[int]]] = {}
        self._rule_sets: dict[frozenset[int], _RuleSet] = {}
        self.same_finding_as = {rule.meta.code: rule.meta.same_finding_as for rule in rules if rule.meta.same_finding_as}
        """Code -> the code whose finding at the same place stands for it (`RuleMeta.same_finding_as`)."""

    def lint(self, display_path: str, source: SourceText, config: Config, *, path: Path | None = None) -> list[Finding]:
        """All findings for one file, sorted; a file that does not parse gets one DL1000."""
        findings, _ = self.lint_batch([LintJob(display_path, source, config, path)])
        return findings[0]

    def lint_batch(self, jobs: Sequence[LintJob]) -> tuple[list[list[Finding]], list[str]]:
        """Findings for each job (in order), and notices from batch preparation."""
        rule_set = self._rules_for([job.config for job in jobs])
        search = FileSearch()
        batch_rules = [
            rule
            for rule in rule_set.document_rules
            if rule.prepare_batch is not None and any(job.config.level_for(rule.meta) is not Level.OFF for job in jobs)
        ]
        if not batch_rules:
            # Nothing to prepare for the batch: each file's model is dropped as soon as its findings
            # are made, rather than a batch of models kept alive for the garbage collector to walk.
            return [self._findings(rule_set, _parse(job, search), job) for job in jobs], []
        parsed = [_parse(job, search) for job in jobs]
        notices: list[str] = []
        for rule in batch_rules:
            assert rule.prepare_batch is not None
            enabled = [
                context
                for context, job in zip(parsed, jobs)
                if isinstance(context, LintContext) and job.config.level_for(rule.meta) is not Level.OFF
            ]
            if enabled:
                notices.extend(rule.prepare_batch(enabled))
        return [self._findings(rule_set, context, job) for context, job in zip(parsed, jobs)], notices

    def _rules_for(self, configs: Iterable[Config]) -> _RuleSet:
        """The rules that may run under one of `configs`, loaded (a rule module is imported when it first runs)."""
        indices: set[int] = set()
        for config in configs:
            known = self._may_run.get(id(config))
            if known is None or known[0] is not config:
                known = (config, frozenset(index for index, rule in enumerate(self.rules) if _may_run(rule.meta, config)))
                self._may_run[id(config)] = known
            indices.update(known[1])
        key = frozenset(indices)
        rule_set = self._rule_sets.get(key)
        if rule_set is None:
            rule_set = self._rule_sets[key] = _RuleSet([self.rules[index] for index in sorted(key)])
        return rule_set

    def _findings(self, rules: _RuleSet, parsed: LintContext | SourceContext, job: LintJob) -> list[Finding]:
        source_context = SourceContext(job.display_path, job.source, job.config, _syntax_error(parsed))
        document_context = parsed if isinstance(parsed, LintContext) else None
        levels = self._levels(rules, job, document_context)
        findings: list[Finding] = []
        rules_run: list[RuleMeta] = []
        for source_rule, level in levels.source_rules:
            rules_run.append(source_rule.meta)
            findings.extend(_stamped(source_rule.meta, level, source_rule.check(source_context), job, document_context))
        if document_context is not None:
            for rule, level in levels.document_rules:
                meta = rule.meta
                rules_run.append(meta)
                violations = rule.check(document_context)
                if meta.judges != "every-stage":
                    violations = _in_judged_stages(meta, document_context, violations)
                # Most rules find nothing in most files: their findings are made one by one, not by a
                # generator set up for every rule.
                for violation in violations:
                    finding = _finding(meta, level, violation, job, document_context)
                    if finding is not None:
                        findings.append(finding)
            findings = _one_finding_per_problem(findings, self.same_finding_as)
            findings.extend(self._suppression_findings(levels, document_context, job, rules_run))
        if not job.keep_suppressed:
            findings = [finding for finding in findings if finding.suppression is None]
        findings.sort(key=Finding.sort_key)
        return findings

    def _levels(self, rules: _RuleSet, job: LintJob, context: LintContext | None) -> _Levels:
        """The rules that run on this file, each with its level.

        The levels depend on the configuration, the file's `# check=` directive and, with
        `per-file-ignores`, its path; thousands of files share the first two, so their
        levels are worked out once.
        """
        if job.config.per_file_ignores and job.path is not None:
            return self._work_out_levels(rules, job, context)
        key = (id(job.config), context.suppressions.check if context is not None else None)
        known = rules.levels.get(key)
        if known is None or known[0] is not job.config:
            known = rules.levels[key] = (job.config, self._work_out_levels(rules, job, context))
        return known[1]

    def _work_out_levels(self, rules: _RuleSet, job: LintJob, context: LintContext | None) -> _Levels:
        return _Levels(
            self._leveled(rules.source_rules, job, context),
            self._leveled(rules.document_rules, job, context),
            self._leveled(rules.suppression_rules, job, context),
        )

    def _leveled(self, rules: Sequence[_AnyRule], job: LintJob, context: LintContext | None) -> list[tuple[_AnyRule, Level]]:
        with_levels = ((rule, self._level(rule.meta, job, context)) for rule in rules)
        return [(rule, level) for rule, level in with_levels if level is not Level.OFF]

    def _suppression_findings(
        self, levels: _Levels, context: LintContext, job: LintJob, rules_run: list[RuleMeta]
    ) -> Iterator[Finding]:
        for rule, level in levels.suppression_rules:
            checked = SuppressionContext(
                job.display_path, context.document, context.suppressions, rules_run, dockerfile_rule_metas()
            )
            yield from _stamped(rule.meta, level, rule.check(checked), job, context)

    @staticmethod
    def _level(meta: RuleMeta, job: LintJob, context: LintContext | None) -> Level:
        """The level a rule runs at for this file; OFF when it does not run."""
        level = job.config.level_for(meta)
        if level is Level.OFF and context is not None and _enabled_as_experimental(meta, context):
            level = Level.WARNING
        if level is Level.OFF or job.config.ignored_for_path(meta, job.path):
            return Level.OFF
        if context is not None and _buildkit_errors(meta, context):
            return Level.ERROR
        return level


class _RuleSet:
    """Rules loaded and sorted by what they read, in registry order."""

    def __init__(self, rules: Sequence[DockerfileRule]) -> None:
        loaded = [rule.load() if isinstance(rule, RegisteredRule) else rule for rule in rules]
        self.document_rules = [rule for rule in loaded if isinstance(rule, LoadedRule)]
        self.source_rules = [rule for rule in loaded if isinstance(rule, LoadedSourceRule)]
        self.suppression_rules = [rule for rule in loaded if isinstance(rule, LoadedSuppressionRule)]
        """Run last: they read which suppression comments the other rules' findings used."""
        self.levels: dict[tuple[int, CheckOptions | None], tuple[Config, _Levels]] = {}
        """`DockerfileEngine._levels` worked out, by configuration and `# check=` directive."""


_AnyRule = TypeVar("_AnyRule", LoadedRule, LoadedSourceRule, LoadedSuppressionRule)


class _Levels(NamedTuple):
    """The rules of a `_RuleSet` that run on a file, each with the level it runs at."""

    source_rules: list[tuple[LoadedSourceRule, Level]]
    document_rules: list[tuple[LoadedRule, Level]]
    suppression_rules: list[tuple[LoadedSuppressionRule, Level]]


def _may_run(meta: RuleMeta, config: Config) -> bool:
    """Whether the rule can run on some file under `config`: it is on there, or it is one of
    BuildKit's experimental checks, which a file's `# check=experimental=` switches on."""
    if config.level_for(meta) is not Level.OFF:
        return True
    return meta.level is Level.OFF and any(alias in BUILDKIT_RULES for alias in meta.aliases)


def _parse(job: LintJob, search: FileSearch) -> LintContext | SourceContext:
    """The document's context, or a source context holding the syntax error."""
    unreadable = wide_encoding_error(job.source)
    if unreadable is not None:
        return SourceContext(job.display_path, job.source, job.config, unreadable)
    try:
        document = parse(job.source.text)
    except DockerfileSyntaxError as error:
        return SourceContext(job.display_path, job.source, job.config, kept_as_result(error))
    return LintContext(
        path=job.display_path,
        document=document,
        source=job.source,
        config=job.config,
        suppressions=Suppressions.from_document(document, job.config.disable_ignore_pragma),
        build_context=job.build_context or (job.path.parent if job.path is not None else None),
        file_search=search,
    )


def _syntax_error(parsed: LintContext | SourceContext) -> DockerfileSyntaxError | None:
    return parsed.syntax_error if isinstance(parsed, SourceContext) else None


def _stamped(
    meta: RuleMeta, level: Level, violations: Iterable[Violation], job: LintJob, context: LintContext | None
) -> Iterator[Finding]:
    """The rule's violations as findings, without those the configuration or the file's comments suppress."""
    for violation in violations:
        finding = _finding(meta, level, violation, job, context)
        if finding is not None:
            yield finding


def _finding(meta: RuleMeta, level: Level, violation: Violation, job: LintJob, context: LintContext | None) -> Finding | None:
    """A violation as a finding, or None when the configuration turns its code off."""
    who = identity(meta, level, violation.code, violation.level, job.config, job.path)
    if who is None:
        return None
    finding = Finding(
        code=who.code,
        name=who.name,
        level=who.level,
        message=violation.message,
        file=job.display_path,
        span=violation.span,
        instruction_line=violation.instruction_line or violation.span.line,
        aliases=who.aliases,
        fingerprint=fingerprint(who.code, job.display_path, _subject(violation, context), violation.message),
        fix=violation.fix,
        related=violation.related,
    )
    # Suppressed findings are dropped after `_one_finding_per_problem`: a comment naming
    # either of two rules that report one problem silences that problem.
    finding.suppression = context.suppressions.suppression_of(finding) if context is not None else None
    return finding


def _one_finding_per_problem(findings: list[Finding], same_finding_as: dict[str, str]) -> list[Finding]:
    """Drop a finding that another rule's finding at the same place stands for (`RuleMeta.same_finding_as`),
    adding its code and aliases to that finding's aliases and raising its level to the higher of the two.
    A comment that suppresses either suppresses the one kept."""
    if not same_finding_as:
        return findings
    by_place = {(finding.code, _place(finding)): finding for finding in findings}
    kept: list[Finding] = []
    for finding in findings:
        other_code = same_finding_as.get(finding.code)
        other = by_place.get((other_code, _place(finding))) if other_code is not None else None
        if other is None:
            kept.append(finding)
            continue
        other.suppression = other.suppression or finding.suppression
        other.aliases = tuple(dict.fromkeys([*other.aliases, finding.code, *finding.aliases]))
        if finding.level.rank > other.level.rank:
            other.level = finding.level
        if other.fix is None:
            other.fix = finding.fix
    return kept


def _place(finding: Finding) -> tuple[int, int, int | None] | None:
    """Where a finding starts, and its instruction's line."""
    if finding.span is None:
        return None
    return finding.span.line, finding.span.column, finding.instruction_line


def _in_judged_stages(meta: RuleMeta, context: LintContext, violations: Iterable[Violation]) -> Iterator[Violation]:
    """The violations on instructions of the stages the rule judges (`RuleMeta.judges`)."""
    if meta.judges == "every-stage":
        yield from violations
        return
    what_ships = context.what_ships
    for violation in violations:
        if what_ships.judges_line(meta.judges, violation.instruction_line or violation.span.line):
            yield violation


def _subject(violation: Violation, context: LintContext | None) -> str:
    """The text the finding is about, with its whitespace folded."""
    if context is None:
        return ""
    try:
        return " ".join(context.document.slice(violation.span).split())
    except IndexError:
        return ""


def _buildkit_errors(meta: RuleMeta, context: LintContext) -> bool:
    """`# check=error=true`: Docker fails the build on its own checks, so they are errors here too."""
    if not context.suppressions.check.error:
        return False
    return any(alias in BUILDKIT_RULES for alias in meta.aliases)


def _enabled_as_experimental(meta: RuleMeta, context: LintContext) -> bool:
    """BuildKit's `# check=experimental=Name` switches on a rule that is off by default."""
    if meta.level is not Level.OFF:
        return False
    return any(
        alias in BUILDKIT_RULES and context.suppressions.check.enables_experimental(alias) for alias in meta.aliases
    )
