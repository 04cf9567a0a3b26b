"""The rule API: metadata every rule declares, and the context it checks.

A rule module defines `RULE` (a `RuleMeta` whose `documentation` is the
module docstring) and `check(context)`, a generator of `Violation`s. An
image rule (`target="image"`) gets an `ImageContext` and yields
`ImageViolation`s instead.
"""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Literal, NamedTuple, Sequence

from dockgate.lazy_pattern import LazyPattern
from dockgate.rule_api.findings import (
    Applicability,
    Finding,
    ImageViolation,
    Level,
    Violation,
)

if TYPE_CHECKING:
    from dockgate.analysis.file_search import FileSearch
    from dockgate.analysis.semantics import SemanticModel
    from dockgate.analysis.shell import RunScript
    from dockgate.analysis.what_ships import Judges, WhatShips
    from dockgate.dockerfile.model import DockerfileSyntaxError, Document
    from dockgate.dockerfile.source import SourceText
    from dockgate.image.filesystem import LayeredFilesystem
    from dockgate.image.image import Image
    from dockgate.rule_api.config import Config
    from dockgate.rule_api.suppressions import Suppressions


REQUIRED_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead")
"""The `## ` sections every rule's documentation has, in this order."""
OPTIONAL_SECTIONS = ("Options", "Fix safety", "References")
"""The sections that follow them where they apply, in this order."""
_SECTION = LazyPattern(r"^## (.+?)\s*$", re.MULTILINE)


def _section_text(documentation: str, title: str) -> str | None:
    """The text of the documentation's `## title` section, or None without one."""
    parts = _SECTION.split(documentation)
    # split() alternates text and titles: [before, title, text, title, text, ...]
    for index in range(1, len(parts), 2):
        if parts[index] == title:
            return parts[index + 1]
    return None


class RuleMetaError(ValueError):
    """A rule module declares metadata that breaks the rules for rules (raised as the registry loads it)."""


_CODE = LazyPattern(r"[A-Z]{2}(\d{4})?")

Precision = Literal["very-high", "high", "medium", "low"]
"""How often a rule's findings are real problems, in the words SARIF and GitHub code scanning use:
very-high (a fact about the file, as Docker reads it), high (a pattern that is rarely wrong),
medium (a guess from names or habits), low (a hint that is often wrong). docs/rule-precision.md
gives each rule's value and why."""
PRECISIONS: tuple[Precision, ...] = ("very-high", "high", "medium", "low")

_FAMILIES = (("DL1000", "core"), ("DG0", "core"), ("DG1", "buildkit"), ("DG2", "security"), ("DG3", "build"),
             ("DG4", "image"), ("DG5", "layers"), ("DL", "hadolint"), ("SC", "shellcheck"))
"""Code prefix -> family, most specific first; the families are the folders of `dockgate/rules/`
(ShellCheck's SC codes run from the hadolint folder but are a family of their own)."""
_NAME = LazyPattern(r"[a-z0-9]+(-[a-z0-9]+)*")


class RuleMeta(NamedTuple):
    """Everything about a rule except its check; rule modules give every field by keyword.

    A named tuple, checked by `checked_rule_meta` as the registry imports the rule's module:
    rule metadata is our own code, not input, and every start-up builds a hundred of them
    from the rule index, where pydantic's model building (or a dataclass) would cost milliseconds.
    """

    code: str
    """Stable forever: configs and suppressions name it. Two letters alone name a family
    (ShellCheck's `SC`) whose findings carry their own codes."""
    name: str
    summary: str
    level: Level
    documentation: str
    """Markdown: what it does, why it matters, an example, what to use instead."""
    security_severity: float | None = None
    """0.1-10.0, like a CVSS score; set exactly on the rules tagged `security`."""
    tags: tuple[str, ...] = ()
    """Topics beyond the family: `security`, CWE ids spelt `CWE-NNN`, `cache`, `image-size`, ..."""
    precision: Precision = "high"
    """How often a finding is a real problem (see `Precision`)."""
    aliases: tuple[str, ...] = ()
    """The ids other tools give the same check (hadolint, BuildKit, Trivy, Checkov, ...)."""
    options: tuple[str, ...] = ()
    """The configuration keys the rule reads (from `config.RULE_OPTIONS`); its documentation's
    `## Options` section describes each."""
    fix: Applicability | None = None
    """Whether the rule's findings carry a fix, and the most cautious applicability its fixes have."""
    target: Literal["dockerfile", "image"] = "dockerfile"
    """What the rule checks: a Dockerfile, or a built image (`dockgate image`)."""
    reads: Literal["document", "source", "suppressions"] = "document"
    """A Dockerfile rule's input: the parsed document (a `LintContext`), the text alone
    (a `SourceContext`; such rules also run on files that do not parse), or the file's
    suppression comments once every other rule has run (a `SuppressionContext`)."""
    needs_layers: bool = False
    """An image rule that reads layer contents: skipped for sources without them."""
    same_finding_as: str | None = None
    """The code of a rule that reports the same problem at the same place: where both report it,
    the engine keeps that rule's finding, with this rule's code and aliases among its aliases."""
    judges: Judges = "every-stage"
    """The stages whose findings count (`dockgate.analysis.what_ships`): `image` for rules about the
    image people run (the target and the stages it is built FROM), `build` for rules about how the
    build runs (the target and every stage it depends on), `every-stage` for the rest."""

    @property
    def is_security(self) -> bool:
        return self.security_severity is not None

    @property
    def family(self) -> str | None:
        """The rule's family (`hadolint`, `buildkit`, `security`, `shellcheck`, ...), from its code."""
        return next((family for prefix, family in _FAMILIES if self.code.startswith(prefix)), None)

    @property
    def all_tags(self) -> tuple[str, ...]:
        """The family, `security` for a security rule, then the rule's own tags; each once."""
        leading = ([self.family] if self.family else []) + (["security"] if self.is_security else [])
        return tuple(dict.fromkeys(leading + list(self.tags)))

    @property
    def help_uri(self) -> str:
        return f"https://github.com/dockgate/dockgate/blob/main/docs/rules.md#{self.code.lower()}"

    def plain_documentation(self) -> str:
        """The documentation with Markdown headings and fences turned into plain text."""
        text = re.sub(r"^#+\s*", "", self.documentation.strip(), flags=re.MULTILINE)
        return re.sub(r"^```\w*\n?", "", text, flags=re.MULTILINE)


def checked_rule_meta(meta: RuleMeta) -> RuleMeta:
    """`meta`, if it keeps the rules for rules; RuleMetaError naming every problem otherwise.

    The rule index is generated from checked metadata only (a test keeps it equal to the modules),
    and the registry checks a module's `RULE` that differs from its index entry as it imports the
    module, so a rule that breaks them never loads.
    """
    problems = [
        *_identity_problems(meta),
        *_documentation_problems(meta.documentation),
        *_option_problems(meta.options, meta.documentation),
    ]
    if problems:
        raise RuleMetaError(f"rule {meta.code!r}: " + "; ".join(problems))
    return meta


def _identity_problems(meta: RuleMeta) -> Iterator[str]:
    if not _CODE.fullmatch(meta.code):
        yield f"code {meta.code!r} is not two capital letters and four digits (or two letters for a family)"
    if not _NAME.fullmatch(meta.name):
        yield f"name {meta.name!r} is not lower-case words joined by '-'"
    if not 1 <= len(meta.summary) <= 1024:
        yield "the summary must have 1 to 1024 characters"
    if not isinstance(meta.level, Level):
        yield f"level {meta.level!r} is not a Level"
    if meta.security_severity is not None and not 0.1 <= meta.security_severity <= 10.0:
        yield f"security severity {meta.security_severity} is outside 0.1-10.0"
    if "security" in meta.tags and meta.security_severity is None:
        yield "a rule tagged 'security' needs a security_severity (GitHub ranks security alerts by it)"
    if meta.precision not in PRECISIONS:
        yield f"precision {meta.precision!r} is not one of {list(PRECISIONS)}"
    bad_cwes = [tag for tag in meta.tags if tag.upper().startswith("CWE") and not re.fullmatch(r"CWE-\d+", tag)]
    if bad_cwes:
        yield f"CWE tags {bad_cwes} are not spelt CWE-NNN"
    if meta.target not in ("dockerfile", "image") or meta.reads not in ("document", "source", "suppressions"):
        yield f"target {meta.target!r} or reads {meta.reads!r} is not one of the known values"
    from dockgate.analysis.what_ships import (
        JUDGES,  # checked as a rule module is imported, not for the rule index
    )

    if meta.judges not in JUDGES or (meta.judges != "every-stage" and meta.reads != "document"):
        yield f"judges {meta.judges!r} is not one of {list(JUDGES)}, or the rule does not read the document"


def _documentation_problems(text: str) -> Iterator[str]:
    sections = _SECTION.findall(text)
    required, optional = sections[: len(REQUIRED_SECTIONS)], sections[len(REQUIRED_SECTIONS) :]
    if tuple(required) != REQUIRED_SECTIONS or optional != [s for s in OPTIONAL_SECTIONS if s in optional]:
        yield (
            f"documentation sections are {sections}; expected exactly {list(REQUIRED_SECTIONS)}, "
            f"then any of {list(OPTIONAL_SECTIONS)} in that order"
        )


def _option_problems(options: tuple[str, ...], documentation: str) -> Iterator[str]:
    from dockgate.rule_api.config import RULE_OPTIONS

    unknown = [key for key in options if key not in RULE_OPTIONS]
    if unknown:
        yield f"options {unknown} are not configuration keys; known: {sorted(RULE_OPTIONS)}"
    section = _section_text(documentation, "Options")
    if (section is not None) != bool(options):
        yield "a rule has an '## Options' section exactly when it declares options"
    undocumented = [key for key in options if section is not None and f"`{key}`" not in section]
    if undocumented:
        yield f"the '## Options' section does not describe {undocumented}"


# The contexts are plain classes, not dataclasses: they are made only when a file is linted, and a
# cached run, which imports this module for `RuleMeta`, would pay for their generated methods.


class SourceContext:
    """What a source rule sees (`reads="source"`): the text, and the syntax error if it did not parse.

    Source rules also run on files that do not parse; every other rule gets a `LintContext`.
    """

    def __init__(self, path: str, source: SourceText, config: Config, syntax_error: DockerfileSyntaxError | None = None) -> None:
        self.path = path
        self.source = source
        self.config = config
        self.syntax_error = syntax_error


class LintContext:
    """What a Dockerfile rule sees: the parsed document, its text, and the configuration in force."""

    def __init__(
        self,
        path: str,
        document: Document,
        source: SourceText,
        config: Config,
        suppressions: Suppressions,
        batch_results: dict[str, Any] | None = None,
        build_context: Path | None = None,
        file_search: FileSearch | None = None,
    ) -> None:
        self.path = path
        self.document = document
        self.source = source
        self.config = config
        """The configuration in force for this file (trusted registries, label schema, rule options)."""
        self.suppressions = suppressions
        self.batch_results: dict[str, Any] = {} if batch_results is None else batch_results
        """What a rule's `prepare_batch` worked out for this file, under the rule's code."""
        self.build_context = build_context
        """Directory of the build context when the file is on disk (for .dockerignore)."""
        self.file_search = file_search
        """What the filesystem said about the files around this one, shared by the files of a batch
        (they look in the same folders); None: each search asks the filesystem afresh."""

    @cached_property
    def semantics(self) -> SemanticModel:
        from dockgate.analysis.semantics import SemanticModel

        return SemanticModel(self.document)

    @cached_property
    def what_ships(self) -> WhatShips:
        """The stages the image and the build are made of (`RuleMeta.judges`)."""
        from dockgate.analysis.what_ships import WhatShips

        return WhatShips(self.semantics, self.config.target)

    @cached_property
    def run_scripts(self) -> list[RunScript]:
        """Every RUN (ONBUILD triggers too) with its parsed shell script; none under a Windows
        image's default shell (analysis/windows_images.py)."""
        from dockgate.analysis.shell import run_scripts
        from dockgate.analysis.windows_images import windows_stage_starts

        shells: dict[int, str] = {}
        for instruction in self.document.instructions:
            shell = self.suppressions.shell_pragma_for(instruction)
            if shell is not None:
                shells[instruction.line] = shell
        return run_scripts(self.document, shells, windows_stage_starts(self.semantics))


class SuppressionContext:
    """What a rule about suppression comments sees, after every other rule has run on the file:
    which comments suppressed something, and the rules that ran."""

    def __init__(
        self, path: str, document: Document, suppressions: Suppressions, rules_run: Sequence[RuleMeta], known_rules: Sequence[RuleMeta]
    ) -> None:
        self.path = path
        self.document = document
        self.suppressions = suppressions
        self.rules_run = rules_run
        """The rules that ran on this file: only their codes could have been suppressed."""
        self.known_rules = known_rules
        """Every Dockerfile rule, on or off: a selector naming none of them is a typo."""


DockerfileLinter = Callable[[str, str, Sequence[str]], "list[Finding]"]
"""`lint(display_path, text, codes)`: the Dockerfile rules `codes` at their default levels, on a text."""


class ImageContext:
    """What an image rule sees: the image, its layers' files (read on first use), the options."""

    def __init__(self, image: Image, config: Config, lint_dockerfile: DockerfileLinter) -> None:
        self.image = image
        self.config = config
        self.lint_dockerfile = lint_dockerfile
        """Runs Dockerfile rules on a text (DG4007 lints the history as a Dockerfile); given by the engine."""

    @cached_property
    def filesystem(self) -> LayeredFilesystem:
        """Every layer's own entries, streamed once for all the layer rules of a run."""
        from dockgate.image.filesystem import scan_image

        return scan_image(self.image)


CheckFunction = Callable[[LintContext], Iterator[Violation]]
SourceCheckFunction = Callable[[SourceContext], Iterator[Violation]]
SuppressionCheckFunction = Callable[[SuppressionContext], Iterator[Violation]]
ImageCheckFunction = Callable[[ImageContext], Iterator[ImageViolation]]
