"""Fuzz targets: each takes arbitrary bytes, runs one part of dockgate on them and checks its invariants.

A target raises AssertionError when an invariant breaks; any other exception than the
documented error types of the code under test escapes too, so both show up as crashes, in
the pytest run (tests/fuzz/test_fuzz.py) and in a campaign (tests/fuzz/campaign.py) alike.
"""

from __future__ import annotations

import io
import json
import tempfile
from functools import cache
from pathlib import Path
from typing import Callable

import jsonschema  # type: ignore[import-untyped]

from dockgate.analysis.dockerignore import DockerIgnore, read_patterns
from dockgate.analysis.shell import parse_script
from dockgate.api import lint_text
from dockgate.dockerfile.expansion import ExpansionError, ShellLexer
from dockgate.dockerfile.model import DockerfileSyntaxError, Instruction, LineMap, Span
from dockgate.dockerfile.parser import parse, physical_lines
from dockgate.dockerfile.source import SourceError, decode
from dockgate.image.errors import ImageError
from dockgate.image.image import Layer
from dockgate.image.layers import scan_layer
from dockgate.image.models import (
    ImageConfig,
    ImageIndex,
    ImageManifest,
    InspectImage,
    load_json,
)
from dockgate.image.tar_reader import TarFormatError, TarReader
from dockgate.reporters import Report, render
from dockgate.rule_api.config import Config, ConfigError, read_config_file
from dockgate.rule_api.findings import Finding
from dockgate.rule_api.rule import RuleMeta

Target = Callable[[bytes], None]

PARSE_ERROR = "DL1000"
BYTE_ORDER_MARK = "\ufeff"

SARIF_SCHEMA = Path(__file__).parent.parent / "data" / "sarif-schema-2.1.0.json"


@cache
def _sarif_validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    return validator_class(schema)


@cache
def _every_rule() -> Config:
    """Every Dockerfile rule on, opt-in ones too; ShellCheck is left out (a process per input)."""
    return Config().merged_with(select=["DG", "DL"])


def _not_shellcheck(meta: RuleMeta) -> bool:
    return meta.code != "SC"


def text_of(data: bytes) -> str | None:
    """The Dockerfile text dockgate would lint from these bytes, None when it refuses them."""
    try:
        return decode(data).text
    except SourceError:
        return None


def check_span(span: Span, lines: list[str], what: str) -> None:
    """`span` lies inside the file of `lines` and ends at or after where it starts."""
    assert 1 <= span.line <= max(len(lines), 1), f"{what}: starts on line {span.line} of {len(lines)}"
    assert 1 <= span.end_line <= max(len(lines), 1), f"{what}: ends on line {span.end_line} of {len(lines)}"
    assert (span.end_line, span.end_column) >= (span.line, span.column), f"{what}: ends before it starts ({span})"
    for line_number, column in ((span.line, span.column), (span.end_line, span.end_column)):
        length = len(lines[line_number - 1]) if lines else 0
        assert 1 <= column <= length + 1, f"{what}: column {column} on line {line_number} of length {length}"


SpanTuple = tuple[int, int, int, int]


def _where(span: Span | None) -> SpanTuple:
    return (span.line, span.column, span.end_line, span.end_column) if span is not None else (0, 0, 0, 0)


def _key(finding: Finding) -> tuple[str, str, SpanTuple]:
    return (finding.code, finding.message, _where(finding.span))


def parser(data: bytes) -> None:
    """The parser accepts or rejects with DockerfileSyntaxError, and every span it makes is in the file."""
    text = text_of(data)
    if text is None:
        return
    lines = physical_lines(text)
    try:
        document = parse(text)
    except DockerfileSyntaxError as error:
        check_span(error.span, lines, f"syntax error {error.message!r}")
        return
    for top in document.instructions:
        instruction: Instruction | None = top
        while instruction is not None:
            check_span(instruction.span, lines, f"{instruction.keyword} instruction")
            check_span(instruction.keyword_span, lines, f"{instruction.keyword} keyword")
            for word in instruction.args:
                check_span(word.span, lines, f"{instruction.keyword} argument {word.value!r}")
            for flag in instruction.flags:
                check_span(flag.span, lines, f"{instruction.keyword} flag {flag.name!r}")
            for heredoc in instruction.heredocs:
                for span in (heredoc.marker_span, heredoc.body_span, heredoc.terminator_span):
                    if span is not None:
                        check_span(span, lines, f"{instruction.keyword} heredoc")
            instruction = instruction.sub


def lint(text: str) -> list[Finding]:
    return lint_text(text, config=_every_rule(), rule_filter=_not_shellcheck)


def engine(data: bytes) -> None:
    """Every rule on the text: spans in the file, the same findings twice, JSON and SARIF valid,
    and an ignore comment above an instruction takes away exactly the findings of its code there."""
    text = text_of(data)
    if text is None:
        return
    findings = lint(text)
    lines = physical_lines(text)
    for finding in findings:
        if finding.span is not None:
            check_span(finding.span, lines, f"{finding.code} finding {finding.message!r}")
    assert [_key(f) for f in lint(text)] == [_key(f) for f in findings], "a second run found something else"
    check_reports(findings)
    check_suppression(text, lines, findings)


def check_reports(findings: list[Finding]) -> None:
    report = Report(files_checked=1)
    json.loads(render("json", findings, report))
    log = json.loads(render("sarif", findings, report))
    errors = [f"{error.json_path}: {error.message}" for error in _sarif_validator().iter_errors(log)]
    assert not errors, f"SARIF log breaks the schema: {errors[:3]}"


def check_suppression(text: str, lines: list[str], findings: list[Finding]) -> None:
    """Suppress the first suppressible finding's code with a comment above its instruction."""
    if any(f.code == PARSE_ERROR for f in findings):
        return  # a file Docker cannot parse has no instructions to suppress on
    target = next((f for f in findings if f.instruction_line is not None and f.span is not None), None)
    if target is None or target.instruction_line is None:
        return
    line = target.instruction_line
    previous = lines[line - 2] if line >= 2 else ""
    if previous.rstrip().endswith(("\\", "`")) or line > len(lines):
        return  # the comment would land inside a continuation, where Docker drops it
    comment = f"# hadolint ignore={target.code}"
    kept = lines[: line - 1] + [comment] + lines[line - 1 :]
    if line == 1 and kept[1].startswith(BYTE_ORDER_MARK):
        # A UTF-8 byte-order mark belongs to the start of the file, not to the instruction's line.
        kept[:2] = [BYTE_ORDER_MARK + comment, kept[1][1:]]
    suppressed = lint("\n".join(kept) + "\n")
    expected = sorted(
        (f.code, _where(_shifted(f.span, line)))
        for f in findings
        if not (f.code == target.code and f.instruction_line == line)
    )
    got = sorted((f.code, _where(f.span)) for f in suppressed)
    assert got == expected, f"ignoring {target.code} on line {line}: {sorted(set(got) ^ set(expected))[:4]}"


def _shifted(span: Span | None, inserted_at: int) -> Span | None:
    if span is None:
        return None
    def moved(number: int) -> int:
        return number + 1 if number >= inserted_at else number

    return Span(moved(span.line), span.column, moved(span.end_line), span.end_column)


def shell(data: bytes) -> None:
    """The shell reader (tokenizer or bashlex) on a script: words in order and inside it."""
    script = data.decode("utf-8", errors="replace")
    line_map = LineMap()
    line_map.add(0, 1, 0)
    flat = script.replace("\n", " ")  # one physical line, so spans map to offsets
    parsed = parse_script(flat, line_map)
    for command in parsed.commands:
        spans = [command.name_span] + [word.span for word in command.words]
        for span in spans:
            check_span(span, [flat], f"command {command.name!r}")


def expansion(data: bytes) -> None:
    """BuildKit's word expansion: a result or ExpansionError, with any escape token."""
    text = data.decode("utf-8", errors="replace")
    env = {"A": "x y", "B": "", "HOME": "/root", "P": "a*b?c"}
    for escape in ("\\", "`"):
        for lexer in (ShellLexer(escape), ShellLexer(escape, raw_quotes=True, raw_escapes=True, skip_unset=True)):
            try:
                result = lexer.process_word(text, env)
                assert all(name in result.referenced for name in result.unset), "an unset name was not looked up"
                lexer.process_words(text, env)
            except ExpansionError:
                pass


def config(data: bytes) -> None:
    """The configuration readers on any text: a Config or ConfigError."""
    text = data.decode("utf-8", errors="replace")
    with tempfile.TemporaryDirectory() as directory:
        for name in (".dockgate.toml", "pyproject.toml", ".hadolint.yaml"):
            path = Path(directory) / name
            path.write_text(text if name != "pyproject.toml" else "[tool.dockgate]\n" + text, encoding="utf-8")
            try:
                read_config_file(path)
            except ConfigError:
                pass


def dockerignore(data: bytes) -> None:
    """.dockerignore patterns: any text reads, and any path can be asked about."""
    text = data.decode("utf-8", errors="replace")
    ignore_text, _, paths = text.partition("\0")
    ignore = DockerIgnore(tuple(read_patterns(ignore_text)))
    for path in paths.split("\n")[:8] or ["a"]:
        ignore.excludes(path)
        ignore.excludes(path + "/x")


def image_json(data: bytes) -> None:
    """The manifest, index, config and inspect readers: a model or ImageError."""
    for model in (ImageIndex, ImageManifest, ImageConfig, InspectImage):
        try:
            load_json(data, model, "fuzzed document")
        except ImageError:
            pass


def layer(data: bytes) -> None:
    """The layer scanner on any blob: problems reported, nothing raised."""
    blob = Layer(index=0, digest="sha256:0", diff_id=None, size=len(data), media_type="", history_index=None, open=lambda: io.BytesIO(data))
    scan = scan_layer(blob)
    for entry in scan.entries.values():
        assert not entry.path.startswith("/") and ".." not in entry.path.split("/"), f"entry path {entry.path!r} leaves the image"


def tar_reader(data: bytes) -> None:
    """The tar header reader on any bytes: members with sane numbers, or one TarFormatError line."""
    reader = TarReader(io.BytesIO(data), (b"PRIVATE KEY-----",), 4096)
    try:
        while (member := reader.next()) is not None:
            assert min(member.size, member.mode, member.uid, member.gid) >= 0, f"negative field in {member}"
            head = reader.peek_data(4096)
            assert member.marked or b"PRIVATE KEY-----" not in head, f"a marker in {member.name!r} was missed"
    except TarFormatError as error:
        assert str(error) and "\n" not in str(error), f"bad message {error!r}"


TARGETS: dict[str, Target] = {
    "parser": parser,
    "engine": engine,
    "shell": shell,
    "expansion": expansion,
    "config": config,
    "dockerignore": dockerignore,
    "image_json": image_json,
    "layer": layer,
    "tar_reader": tar_reader,
}


def run(name: str, data: bytes) -> None:
    TARGETS[name](data)
