"""What reporters need to know about a lint run besides its findings, and what several formats share.

`Report` is the run around the findings. `Report.path_of` gives the
repository-relative path CI systems want (GitLab, Code Climate, SonarQube,
SARIF); `unique_fingerprints` gives each finding a key that no other finding
of the run shares and that survives lines moving (GitLab, SARIF).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from dockgate import __version__

if TYPE_CHECKING:
    import xml.etree.ElementTree as ElementTree

    from dockgate.rule_api.findings import Finding
    from dockgate.rule_api.rule import RuleMeta

_XML_FORBIDDEN = "[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"
"""Characters XML 1.0 cannot hold (compiled where an XML format is written: most runs write none)."""

SHELLCHECK_WIKI = "https://www.shellcheck.net/wiki/"
"""ShellCheck documents each SC code on a page of this name."""


class Report:
    """The run around the findings: enabled rules, file count, what went wrong, output options.

    A plain class with keyword arguments, not a dataclass: every run makes one, and a cached
    one-file run would spend more on generating a dataclass's methods than on the report."""

    rules: list[RuleMeta]
    """Every enabled rule; SARIF lists them in `driver.rules` (with `sarif_rules="all"`)."""
    files_checked: int
    """How many files (or, for `dockgate image`, images) were checked."""
    checked_noun: tuple[str, str]
    """Singular and plural of what was checked, for the text summary."""
    color: bool
    """ANSI colour in the text format; the CLI decides (TTY, NO_COLOR)."""
    sarif_category: str | None
    """Becomes SARIF `run.automationDetails.id`, to keep separate uploads apart."""
    suppressed_findings: tuple[Finding, ...]
    """Findings the files' comments suppress, kept by `check --include-suppressed`: SARIF writes them
    with `suppressions`; the other formats leave them out."""
    sarif_rules: Literal["fired", "all"]
    """Which rules SARIF's `driver.rules` lists: those the results name (a small log), or every enabled rule."""
    root: Path
    """The source root (the repository checkout): reported paths are relative to it."""
    working_directory: Path
    """Where dockgate ran; relative paths in findings are relative to it."""
    tool_version: str
    problems: tuple[str, ...]
    """Inputs that could not be checked (the run exits 2): a report must not look clean."""
    notices: tuple[str, ...]
    """What the user should know about the run: a pass skipped, no Dockerfiles found."""
    source_url: str | None
    """Where the source root is browsable, ending in "/" (a commit's tree on GitHub); links to lines in the job summary."""

    def __init__(
        self,
        *,
        rules: list[RuleMeta] | None = None,
        files_checked: int = 0,
        checked_noun: tuple[str, str] = ("file", "files"),
        color: bool = False,
        sarif_category: str | None = None,
        suppressed_findings: tuple[Finding, ...] = (),
        sarif_rules: Literal["fired", "all"] = "fired",
        root: Path | None = None,
        working_directory: Path | None = None,
        tool_version: str = __version__,
        problems: tuple[str, ...] = (),
        notices: tuple[str, ...] = (),
        source_url: str | None = None,
    ) -> None:
        self.rules = [] if rules is None else rules
        self.files_checked = files_checked
        self.checked_noun = checked_noun
        self.color = color
        self.sarif_category = sarif_category
        self.suppressed_findings = suppressed_findings
        self.sarif_rules = sarif_rules
        self.root = Path.cwd() if root is None else root
        self.working_directory = Path.cwd() if working_directory is None else working_directory
        self.tool_version = tool_version
        self.problems = problems
        self.notices = notices
        self.source_url = source_url

    def with_color(self, color: bool) -> Report:
        """The same report, with `color` set."""
        copy = object.__new__(Report)
        copy.__dict__.update(self.__dict__)
        copy.color = color
        return copy

    @property
    def incomplete(self) -> bool:
        """Some input could not be checked, so the findings are not the whole story."""
        return bool(self.problems)

    @cached_property
    def _rules_by_code(self) -> dict[str, RuleMeta]:
        return {rule.code: rule for rule in self.rules}

    def rule(self, code: str) -> RuleMeta | None:
        """The enabled rule with this code; None for family members such as SC2086."""
        return self._rules_by_code.get(code)

    def path_of(self, file: str) -> str:
        """`file` as a POSIX path relative to the source root, or as given when it is not below it.

        The real path is tried first, so a symlink counts where it points;
        then the path as written, for a symlink that leads out of the root.
        """
        relative = self.relative_to_root(file)
        return relative if relative is not None else file.replace(os.sep, "/")

    def relative_to_root(self, file: str) -> str | None:
        """`file` relative to the source root, or None for a file outside it (or standard input)."""
        if file == "-":
            return None
        written = Path(file) if os.path.isabs(file) else self.working_directory / file
        pairs = ((written.resolve(), self.root.resolve()), (Path(os.path.abspath(written)), Path(os.path.abspath(self.root))))
        for candidate, base in pairs:
            if candidate.is_relative_to(base):
                return candidate.relative_to(base).as_posix()
        return None


def help_uri(code: str, rule: RuleMeta | None) -> str | None:
    """Where a rule is documented: its dockgate page, or ShellCheck's wiki for an SC code."""
    if rule is not None:
        return rule.help_uri
    if code.startswith("SC") and code[2:].isdigit():
        return f"{SHELLCHECK_WIKI}{code}"
    return None


def unique_fingerprints(findings: list[Finding], report: Report) -> list[str]:
    """One key per finding, in order: stable across runs and line moves, never shared within a run.

    The engine's fingerprint is about the rule, the instruction's text and the
    message, so the same problem in two identical RUNs shares it; the n-th
    such finding (in file order) gets `n` mixed in, as upload-sarif does for
    its line hashes. The engine's key names the file as it was given, so run
    dockgate the same way (from the repository root) for keys to match.
    """
    seen: Counter[str] = Counter()
    keys = []
    for finding in findings:
        base = finding.fingerprint or f"{finding.code}\0{report.path_of(finding.file)}\0{finding.message}"
        occurrence = seen[base]
        seen[base] += 1
        digest = hashlib.sha256(f"{base}\0{occurrence}".encode("utf-8", "replace"))
        keys.append(digest.hexdigest()[:32])
    return keys


def message_with_image(finding: Finding) -> str:
    """The finding's message; for an image finding, with where in the image it is appended."""
    if finding.image is None:
        return finding.message
    return f"{finding.message} [{finding.image.image}: {finding.image.describe()}]"


def xml_document(root: ElementTree.Element) -> str:
    """`root` as an indented UTF-8 XML document with its declaration (checkstyle, JUnit)."""
    # Imported here: the other formats, text above all, should not pay for the XML package.
    import xml.etree.ElementTree as ElementTree

    ElementTree.indent(root)
    text = ElementTree.tostring(root, encoding="unicode")
    # XML 1.0 cannot hold most control characters, even escaped; a message quoting one gets U+FFFD.
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + re.sub(_XML_FORBIDDEN, "\ufffd", text)
