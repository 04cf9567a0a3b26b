"""One file to lint, as the API, the result cache and the engines pass it around.

Apart from `engine.dockerfile_engine`, so that a run whose files are all in the
cache never imports the engine (the parser, the suppression comments, stamping).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dockgate.dockerfile.source import SourceText
from dockgate.rule_api.config import Config


@dataclass(slots=True)
class LintJob:
    """One file to lint: what to call it, its text, and the configuration in force."""

    display_path: str
    source: SourceText
    config: Config
    path: Path | None = None
    """The file on disk, or the one standard input stands for (`--stdin-filename`); None for
    unnamed standard input. Per-file ignores and the default build context follow it."""
    build_context: Path | None = None
    """The build context given by `--context`; by default the folder of `path`."""
    from_stdin: bool = False
    """The text came from standard input: there is no file at `path` to write a fix to."""
    keep_suppressed: bool = False
    """Keep the findings the file's comments suppress, each with its `suppression` (for SARIF)."""
