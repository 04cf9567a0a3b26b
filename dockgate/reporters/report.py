"""What reporters need to know about a lint run besides its findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from dockgate import __version__

if TYPE_CHECKING:
    from dockgate.rule_api.rule import RuleMeta


@dataclass(frozen=True)
class Report:
    """The run around the findings: enabled rules, file count, output options."""

    rules: list[RuleMeta] = field(default_factory=list)
    """Every enabled rule; SARIF lists them all in `driver.rules`."""
    files_checked: int = 0
    """How many files (or, for `dockgate image`, images) were checked."""
    checked_noun: tuple[str, str] = ("file", "files")
    """Singular and plural of what was checked, for the text summary."""
    color: bool = False
    """ANSI colour in the text format; the CLI decides (TTY, NO_COLOR)."""
    sarif_category: str | None = None
    """Becomes SARIF `run.automationDetails.id`, to keep separate uploads apart."""
    root: Path = field(default_factory=Path.cwd)
    """SARIF URIs are relative to this directory (the repository checkout)."""
    tool_version: str = __version__
