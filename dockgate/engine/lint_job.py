"""One file to lint, as the API, the result cache and the engines pass it around.

Apart from `engine.dockerfile_engine`, so that a run whose files are all in the
cache never imports the engine (the parser, the suppression comments, stamping).
"""

from __future__ import annotations

from pathlib import Path

from dockgate.dockerfile.source import SourceText
from dockgate.records import Record
from dockgate.rule_api.config import Config


class LintJob(Record):
    """One file to lint: what to call it, its text, and the configuration in force."""

    __slots__ = ("display_path", "source", "config", "path", "build_context", "from_stdin", "keep_suppressed")

    display_path: str
    source: SourceText
    config: Config
    path: Path | None
    """The file on disk, or the one standard input stands for (`--stdin-filename`); None for
    unnamed standard input. Per-file ignores and the default build context follow it."""
    build_context: Path | None
    """The build context given by `--context`; by default the folder of `path`."""
    from_stdin: bool
    """The text came from standard input: there is no file at `path` to write a fix to."""
    keep_suppressed: bool
    """Keep the findings the file's comments suppress, each with its `suppression` (for SARIF)."""

    def __init__(
        self,
        display_path: str,
        source: SourceText,
        config: Config,
        path: Path | None = None,
        build_context: Path | None = None,
        from_stdin: bool = False,
        keep_suppressed: bool = False,
    ) -> None:
        self.display_path = display_path
        self.source = source
        self.config = config
        self.path = path
        self.build_context = build_context
        self.from_stdin = from_stdin
        self.keep_suppressed = keep_suppressed

    def with_text(self, text: str) -> LintJob:
        """This job with its file's text replaced (what a fix makes of it)."""
        return LintJob(self.display_path, self.source.with_text(text), self.config, self.path, self.build_context, self.from_stdin, self.keep_suppressed)
