"""What the engine hands to reporters: one `Finding` per problem, with its level."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from dockgate.linter.model import Span


class Level(str, enum.Enum):
    """How serious a finding is; `off` disables a rule."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    STYLE = "style"
    OFF = "off"

    @property
    def rank(self) -> int:
        """Higher is more serious; used for failure thresholds and sorting."""
        return _RANKS[self]

    @classmethod
    def parse(cls, text: str) -> Level:
        """A level name; hadolint's `ignore` and `none` mean `off`."""
        lowered = text.strip().lower()
        lowered = {"ignore": "off", "none": "off"}.get(lowered, lowered)
        return cls(lowered)


_RANKS = {Level.ERROR: 4, Level.WARNING: 3, Level.INFO: 2, Level.STYLE: 1, Level.OFF: 0}


@dataclass(slots=True)
class Violation:
    """What a rule yields: a message and where it is. The engine adds the rest."""

    message: str
    span: Span
    instruction_line: int | None = None
    """First line of the instruction the problem is in; defaults to the span's line."""
    code: str | None = None
    """For a rule family (ShellCheck): the member code, such as SC2086."""
    level: Level | None = None
    """For a rule family: the member's default level."""


@dataclass(slots=True)
class Finding:
    """A violation stamped by the engine with its rule, level, file and fingerprint."""

    code: str
    name: str
    level: Level
    message: str
    file: str
    span: Span
    instruction_line: int
    aliases: tuple[str, ...]
    fingerprint: str = ""

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.span.line, self.span.column, self.code)
