"""What the engine hands to reporters: one `Finding` per problem, with its level and, if a rule can
mend it, a `Fix`."""

from __future__ import annotations

import enum
from typing import NamedTuple

from dockgate.dockerfile.span import Span
from dockgate.records import Record

# Value types are named tuples and the mutable records `Record`s, not dataclasses:
# a cached run imports this module on every start and decodes thousands of findings, and a
# dataclass costs its methods' generation at import and its frozen attribute setting per object.


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


class Applicability(str, enum.Enum):
    """Whether a fix may be applied without a person looking at it."""

    SAFE = "safe"
    """The built image behaves the same, or changes only in the way the rule asks for."""
    UNSAFE = "unsafe"
    """It may change what the image does; applied only with `--unsafe-fixes`."""


class Edit(NamedTuple):
    """Replace the text `span` covers (positioned like finding spans) with `content`.

    An empty span inserts; an empty `content` deletes. A newline in `content`
    is written as the file's own line ending.
    """

    span: Span
    content: str

    @classmethod
    def insert(cls, line: int, column: int, content: str) -> Edit:
        return cls(Span(line, column, line, column), content)

    @classmethod
    def insert_after(cls, span: Span, content: str) -> Edit:
        return cls.insert(span.end_line, span.end_column, content)

    @classmethod
    def insert_before(cls, span: Span, content: str) -> Edit:
        return cls.insert(span.line, span.column, content)

    @property
    def start(self) -> tuple[int, int]:
        return (self.span.line, self.span.column)

    @property
    def end(self) -> tuple[int, int]:
        return (self.span.end_line, self.span.end_column)


class Fix(NamedTuple):
    """How to mend a finding: a one-line description and the edits, which are applied together or not at all."""

    message: str
    applicability: Applicability
    edits: tuple[Edit, ...]

    @classmethod
    def safe(cls, message: str, *edits: Edit) -> Fix:
        return cls(message, Applicability.SAFE, edits)

    @classmethod
    def unsafe(cls, message: str, *edits: Edit) -> Fix:
        return cls(message, Applicability.UNSAFE, edits)

    def overlaps(self, other: Fix) -> bool:
        """Whether some edit of each touches the same text, or both insert at one place (their order would be a guess)."""
        return any(_edits_overlap(mine, theirs) for mine in self.edits for theirs in other.edits)


def _edits_overlap(first: Edit, second: Edit) -> bool:
    if first.start == second.start:
        return True
    return first.start < second.end and second.start < first.end


class RelatedLocation(NamedTuple):
    """Another place in the same file that a finding's message names, such as the instruction it conflicts with."""

    span: Span
    message: str
    """What that place is, in a few words (`the COPY that brings in the whole build context`)."""


class Violation(Record):
    """What a rule yields: a message and where it is. The engine adds the rest."""

    __slots__ = ("message", "span", "instruction_line", "code", "level", "fix", "related")

    message: str
    span: Span
    instruction_line: int | None
    """First line of the instruction the problem is in; defaults to the span's line."""
    code: str | None
    """For a rule family (ShellCheck): the member code, such as SC2086."""
    level: Level | None
    """For a rule family: the member's default level."""
    fix: Fix | None
    related: tuple[RelatedLocation, ...]
    """Other places in the file the message names."""

    def __init__(
        self,
        message: str,
        span: Span,
        instruction_line: int | None = None,
        code: str | None = None,
        level: Level | None = None,
        fix: Fix | None = None,
        related: tuple[RelatedLocation, ...] = (),
    ) -> None:
        self.message = message
        self.span = span
        self.instruction_line = instruction_line
        self.code = code
        self.level = level
        self.fix = fix
        self.related = related


class ImageLocation(NamedTuple):
    """Where in a built image a problem is: the image, and the layer, history entry or file."""

    image: str
    """The image as the user named it."""
    layer: int | None = None
    """0-based index of the layer."""
    layer_digest: str | None = None
    history: int | None = None
    """0-based index into the config's history."""
    path: str | None = None
    """A file inside the layer, without a leading slash."""

    def describe(self) -> str:
        """`layer 2 (sha256:0123456789ab) /root/.ssh/id_rsa`, `history 5`, or `config`."""
        parts = []
        if self.layer is not None:
            digest = f" ({self.layer_digest[:19]})" if self.layer_digest else ""
            parts.append(f"layer {self.layer}{digest}")
        elif self.history is not None:
            parts.append(f"history {self.history}")
        if self.path is not None:
            parts.append(f"/{self.path}")
        return " ".join(parts) or "config"


class Suppression(NamedTuple):
    """What silences a finding in its file; set only on findings kept with `include_suppressed`."""

    comment: Span | None
    """The ignore comment (`# hadolint ignore=...`, `# dockgate: ignore=...`); None for a BuildKit `# check=skip=` directive."""
    text: str
    """The comment or directive, as written."""


class ImageViolation(Record):
    """What an image rule yields: a message and where in the image it is."""

    __slots__ = ("message", "location", "code", "level")

    message: str
    location: ImageLocation
    code: str | None
    """For a rule family (DG4007 runs Dockerfile rules on history): the member code."""
    level: Level | None

    def __init__(self, message: str, location: ImageLocation, code: str | None = None, level: Level | None = None) -> None:
        self.message = message
        self.location = location
        self.code = code
        self.level = level


class Finding(Record):
    """A violation stamped by the engine with its rule, level, file and fingerprint."""

    __slots__ = ("code", "name", "level", "message", "file", "span", "instruction_line", "aliases", "fingerprint", "image", "fix", "suppression", "related")

    code: str
    name: str
    level: Level
    message: str
    file: str
    """The Dockerfile, or the image's name for an image finding no Dockerfile line explains."""
    span: Span | None
    """None only for an image finding that is not attributed to a Dockerfile instruction."""
    instruction_line: int | None
    aliases: tuple[str, ...]
    fingerprint: str
    image: ImageLocation | None
    """Set for findings about a built image, attributed to a Dockerfile or not."""
    fix: Fix | None
    suppression: Suppression | None
    """Set when a comment in the file suppresses the finding and the run keeps suppressed findings (SARIF)."""
    related: tuple[RelatedLocation, ...]
    """Other places in the same file the message names (LSP related information, SARIF related locations)."""

    def __init__(
        self,
        code: str,
        name: str,
        level: Level,
        message: str,
        file: str,
        span: Span | None,
        instruction_line: int | None,
        aliases: tuple[str, ...],
        fingerprint: str = "",
        image: ImageLocation | None = None,
        fix: Fix | None = None,
        suppression: Suppression | None = None,
        related: tuple[RelatedLocation, ...] = (),
    ) -> None:
        self.code = code
        self.name = name
        self.level = level
        self.message = message
        self.file = file
        self.span = span
        self.instruction_line = instruction_line
        self.aliases = aliases
        self.fingerprint = fingerprint
        self.image = image
        self.fix = fix
        self.suppression = suppression
        self.related = related

    def sort_key(self) -> tuple[str, int, int, str, tuple[int, int, str]]:
        line, column = (self.span.line, self.span.column) if self.span is not None else (0, 0)
        where = (-1, -1, "")
        if self.image is not None:
            image = self.image
            where = (image.layer if image.layer is not None else -1, image.history if image.history is not None else -1, image.path or "")
        return (self.file, line, column, self.code, where)

