"""docs/output-formats.md shows real output of every format, and this test keeps it so.

Each example block in the document follows a marker line
`<!-- dockgate-example: NAME -->`; its content must be what dockgate writes
for the example project below, run from the project's root. After changing
a reporter, regenerate the blocks with

    python tests/test_output_format_docs.py

The project lives in a temporary folder; its file:// URI (SARIF) is shown as
`file:///home/user/project/`.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr
from io import StringIO
from pathlib import Path

from dockgate.cli.main import main

DOCUMENT = Path(__file__).resolve().parents[1] / "docs" / "output-formats.md"
EXAMPLE_DOCKERFILE = "FROM ubuntu\nRUN apt-get update && apt-get install -y curl\nCOPY . /app\n"
EXAMPLE_OPTIONS = ["--no-config", "--no-shellcheck", "--select", "DL3006,DL3008,DG2011"]
"""Three rules keep the examples short (SARIF lists every enabled rule)."""
SHOWN_PROJECT_URI = "file:///home/user/project/"
FORMATS = ("text", "json", "sarif", "github", "github-summary", "gitlab", "codeclimate", "checkstyle", "junit", "gnu", "sonarqube")
_BLOCK = re.compile(r"(<!-- dockgate-example: (?P<name>[\w-]+) -->\n```[\w-]*\n)(?P<content>.*?)(\n```)", re.DOTALL)


@contextmanager
def working_directory(directory: Path) -> Iterator[None]:
    previous = Path.cwd()
    os.chdir(directory)
    try:
        yield
    finally:
        os.chdir(previous)


def generated_examples(scratch: Path) -> dict[str, str]:
    """Example name -> what dockgate writes: each format, and an incomplete run's text."""
    project = scratch / "project"
    (project / ".git").mkdir(parents=True)
    (project / "web").mkdir()
    (project / "web" / "Dockerfile").write_text(EXAMPLE_DOCKERFILE, encoding="utf-8")
    examples = {}
    with working_directory(project), redirect_stderr(StringIO()):
        for name in FORMATS:
            output = scratch / f"example.{name}"
            main(["check", *EXAMPLE_OPTIONS, "--format", f"{name}={output}", "web/Dockerfile"])
            examples[name] = output.read_text(encoding="utf-8")
        output = scratch / "incomplete.text"
        main(["check", *EXAMPLE_OPTIONS, "--format", f"text={output}", "web/Dockerfile", "missing/Dockerfile"])
        examples["text-incomplete"] = output.read_text(encoding="utf-8")
    shown_uri = project.resolve().as_uri() + "/"
    # NUL bytes (Code Climate's separators) cannot stand in Markdown; they are shown as \0.
    return {name: text.rstrip("\n").replace(shown_uri, SHOWN_PROJECT_URI).replace("\0", "\\0") for name, text in examples.items()}


def documented_examples(document: str) -> dict[str, str]:
    return {match.group("name"): match.group("content") for match in _BLOCK.finditer(document)}


def regenerated(document: str, examples: dict[str, str]) -> str:
    return _BLOCK.sub(lambda match: match.group(1) + examples[match.group("name")] + match.group(4), document)


def test_every_format_has_an_example() -> None:
    assert set(documented_examples(DOCUMENT.read_text(encoding="utf-8"))) == {*FORMATS, "text-incomplete"}


def test_the_examples_are_what_dockgate_writes(tmp_path: Path) -> None:
    documented = documented_examples(DOCUMENT.read_text(encoding="utf-8"))
    generated = generated_examples(tmp_path)
    stale = sorted(name for name in documented if documented[name] != generated[name])
    assert stale == [], f"regenerate with `python {Path(__file__).relative_to(DOCUMENT.parents[1])}`: {stale}"


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as scratch:
        text = DOCUMENT.read_text(encoding="utf-8")
        DOCUMENT.write_text(regenerated(text, generated_examples(Path(scratch))), encoding="utf-8")
    sys.exit(0)
