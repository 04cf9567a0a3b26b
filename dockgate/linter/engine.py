"""The engine: parse a file, run the enabled rules, stamp and filter their findings.

Rules only say what is wrong and where. The engine decides the level (from
the configuration), drops what is suppressed or ignored, adds the file,
aliases and a fingerprint, and sorts.
"""

from __future__ import annotations

import hashlib
import importlib
from dataclasses import dataclass
from pathlib import Path

from dockgate.linter.config import Config
from dockgate.linter.findings import Finding, Level, Violation
from dockgate.linter.model import Document, DockerfileSyntaxError
from dockgate.linter.parser import parse
from dockgate.linter.rule import CheckFunction, LintContext, RuleMeta
from dockgate.linter.source import SourceText
from dockgate.linter.suppressions import Suppressions

PARSE_ERROR_CODE = "DL1000"
INVALID_UTF8_CODE = "DG0004"


@dataclass(frozen=True, slots=True)
class LoadedRule:
    meta: RuleMeta
    check: CheckFunction


def load_rules(module_names: tuple[str, ...]) -> list[LoadedRule]:
    """Import each rule module of the registry and pair its metadata with its check."""
    rules = []
    for module_name in module_names:
        module = importlib.import_module(module_name)
        rules.append(LoadedRule(module.RULE, module.check))
    return rules


def all_rules() -> list[LoadedRule]:
    from dockgate.rules import RULE_MODULES

    return load_rules(RULE_MODULES)


class Engine:
    """Lints one file at a time with a fixed set of rules."""

    def __init__(self, rules: list[LoadedRule]) -> None:
        self.rules = rules
        self.rules_by_code = {rule.meta.code: rule for rule in rules}

    def lint(
        self,
        display_path: str,
        source: SourceText,
        config: Config,
        *,
        config_path: Path | None = None,
        build_context: Path | None = None,
    ) -> list[Finding]:
        """All findings for one file, sorted; a file that does not parse gets one DL1000."""
        try:
            document: Document | None = parse(source.text)
            syntax_error = None
        except DockerfileSyntaxError as error:
            document, syntax_error = None, error
        suppressions = (
            Suppressions.from_document(document, config.disable_ignore_pragma) if document is not None else None
        )
        context = LintContext(
            path=display_path,
            document=document,
            syntax_error=syntax_error,
            config=config,
            build_context=build_context,
            source=source,
            suppressions=suppressions,
        )
        findings: list[Finding] = []
        for rule in self._rules_for(document):
            level = config.level_for(rule.meta)
            if level is Level.OFF or config.ignored_for_path(rule.meta, config_path):
                continue
            for violation in rule.check(context):
                finding = self._stamp(rule.meta, level, violation, display_path, document)
                if suppressions is not None and suppressions.suppresses(finding):
                    continue
                findings.append(finding)
        findings.sort(key=Finding.sort_key)
        return findings

    def _rules_for(self, document: Document | None) -> list[LoadedRule]:
        # A file that does not parse has nothing for the other rules to look at.
        if document is None:
            return [rule for rule in self.rules if rule.meta.code in (PARSE_ERROR_CODE, INVALID_UTF8_CODE)]
        return [rule for rule in self.rules if rule.meta.code != PARSE_ERROR_CODE]

    def _stamp(
        self, meta: RuleMeta, level: Level, violation: Violation, path: str, document: Document | None
    ) -> Finding:
        instruction_line = violation.instruction_line or violation.span.line
        return Finding(
            code=meta.code,
            name=meta.name,
            level=level,
            message=violation.message,
            file=path,
            span=violation.span,
            instruction_line=instruction_line,
            aliases=meta.aliases,
            fingerprint=_fingerprint(meta.code, path, violation, document),
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
