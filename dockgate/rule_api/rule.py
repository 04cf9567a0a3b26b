"""The rule API: metadata every rule declares, and the context it checks.

A rule module defines `RULE` (a `RuleMeta` whose `documentation` is the
module docstring) and `check(context)`, a generator of `Violation`s. An
image rule (`target="image"`) gets an `ImageContext` and yields
`ImageViolation`s instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from dockgate.rule_api.findings import ImageViolation, Level, Violation
from dockgate.dockerfile.model import Document, DockerfileSyntaxError

if TYPE_CHECKING:
    from dockgate.image.filesystem import LayeredFilesystem
    from dockgate.image.image import Image
    from dockgate.rule_api.config import Config
    from dockgate.analysis.semantics import SemanticModel
    from dockgate.analysis.shell import RunScript
    from dockgate.dockerfile.source import SourceText
    from dockgate.rule_api.suppressions import Suppressions


class RuleMeta(BaseModel):
    """Everything about a rule except its check."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=r"^[A-Z]{2}(\d{4})?$")
    """Stable forever: configs and suppressions name it. Two letters alone name a family
    (ShellCheck's `SC`) whose findings carry their own codes."""
    name: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    summary: str = Field(min_length=1, max_length=1024)
    level: Level
    security_severity: float | None = Field(default=None, ge=0.1, le=10.0)
    tags: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    """The ids other tools give the same check (hadolint, BuildKit, Trivy, Checkov, ...)."""
    fixable: bool = False
    target: Literal["dockerfile", "image"] = "dockerfile"
    """What the rule checks: a Dockerfile, or a built image (`dockgate image`)."""
    needs_layers: bool = False
    """An image rule that reads layer contents: skipped for sources without them."""
    documentation: str = Field(min_length=1)
    """Markdown: what it does, why it matters, an example, what to use instead."""

    @field_validator("documentation")
    @classmethod
    def _documentation_has_sections(cls, text: str) -> str:
        for heading in ("## What it does", "## Why", "## Example", "## Use instead"):
            if heading not in text:
                raise ValueError(f"documentation lacks the section {heading!r}")
        return text

    @property
    def is_security(self) -> bool:
        return self.security_severity is not None

    @property
    def help_uri(self) -> str:
        return f"https://github.com/dockgate/dockgate/blob/main/docs/rules.md#{self.code.lower()}"

    def plain_documentation(self) -> str:
        """The documentation with Markdown headings and fences turned into plain text."""
        text = re.sub(r"^#+\s*", "", self.documentation.strip(), flags=re.MULTILINE)
        return re.sub(r"^```\w*\n?", "", text, flags=re.MULTILINE)


@dataclass
class LintContext:
    """What a rule sees: the parsed document (or the syntax error) and the options."""

    path: str
    document: Document | None
    syntax_error: DockerfileSyntaxError | None = None
    config: Config | None = None
    """The configuration in force for this file (trusted registries, label schema, rule options)."""
    source: SourceText | None = None
    suppressions: Suppressions | None = None
    batch_results: dict[str, Any] = field(default_factory=dict)
    """What a rule's `prepare_batch` worked out for this file, under the rule's code."""
    build_context: Path | None = None
    """Directory of the build context when the file is on disk (for .dockerignore)."""

    @cached_property
    def semantics(self) -> SemanticModel:
        from dockgate.analysis.semantics import SemanticModel

        assert self.document is not None
        return SemanticModel(self.document)

    @cached_property
    def run_scripts(self) -> list[RunScript]:
        """Every RUN (ONBUILD triggers too) with its parsed shell script."""
        from dockgate.analysis.shell import run_scripts

        assert self.document is not None
        shells: dict[int, str] = {}
        if self.suppressions is not None:
            for instruction in self.document.instructions:
                shell = self.suppressions.shell_pragma_for(instruction)
                if shell is not None:
                    shells[instruction.line] = shell
        return run_scripts(self.document, shells)


@dataclass
class ImageContext:
    """What an image rule sees: the image, its layers' files (read on first use), the options."""

    image: Image
    config: Config | None = None

    @cached_property
    def filesystem(self) -> LayeredFilesystem:
        """Every layer's own entries, streamed once for all the layer rules of a run."""
        from dockgate.image.filesystem import scan_image

        return scan_image(self.image)


CheckFunction = Callable[[LintContext], Iterator[Violation]]
ImageCheckFunction = Callable[[ImageContext], Iterator[ImageViolation]]
