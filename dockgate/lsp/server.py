"""dockgate's language server: live diagnostics, suppression actions and rule docs for Dockerfiles.

The fast rules run on every change of the buffer and answer at once; the
ShellCheck pass runs after a short pause in typing, in a worker thread, and
its SC diagnostics are merged in when they are ready. A run that a newer
version of the buffer has overtaken is dropped. Configuration is found the
way `dockgate check` finds it for that file, and read again when a
configuration or build-context file changes or the client's settings do.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path
from pygls.workspace import PositionCodec, TextDocument

from dockgate import __version__
from dockgate.api import fix_text, lint_text
from dockgate.dockerfile.model import DockerfileSyntaxError, Document, Span
from dockgate.dockerfile.parser import parse
from dockgate.engine.discovery import is_dockerfile_name
from dockgate.engine.fixing import applicable, apply_edits, in_line_ending, line_ending
from dockgate.engine.registry import all_rule_metas
from dockgate.engine.suppression_comments import (
    suppress_in_file,
    suppress_on_instruction,
)
from dockgate.errors import UserError
from dockgate.lazy_pattern import LazyPattern
from dockgate.lsp.conversions import BYTE_ORDER_MARK, code_point_range, diagnostic
from dockgate.rule_api.config import ConfigResolver, load_config
from dockgate.rule_api.findings import Applicability, Finding, Fix
from dockgate.rule_api.rule import RuleMeta

SHELLCHECK_DELAY = 0.4
"""Seconds of quiet typing before the ShellCheck pass starts."""

MAX_BUFFER_CHARS = 4_000_000
"""A larger buffer gets one diagnostic instead of a lint (the CLI lints it; an editor must not stall)."""

WATCHED_FILES = (
    "**/.dockgate.toml",
    "**/pyproject.toml",
    "**/.dockerignore",
    # Every YAML file: .hadolint.yaml, compose files, CI workflows and Kubernetes manifests, whatever their names.
    "**/*.yaml",
    "**/*.yml",
    "**/.env",
    "**/*.sh",
    "**/*.bash",
    "**/*.mk",
    "**/[Mm]akefile",
    "**/GNUmakefile",
    "**/[Jj]ustfile",
    "**/.justfile",
    "**/package.json",
    "**/README*",
)
"""The files whose change can change a Dockerfile's findings: configuration and build context."""

FIX_ALL_KIND = f"{types.CodeActionKind.SourceFixAll.value}.dockgate"
"""The kind of the "fix all safe findings" action, which editors run on save."""

_CODE_IN_COMMENT = LazyPattern(r"\b(?:DL|DG|SC)\d{4}\b")


_SETTINGS_KEYS = ("configPath", "select", "ignore", "shellcheck")


@dataclass
class Settings:
    """What the client may set (`initializationOptions` or `workspace/didChangeConfiguration`, under `dockgate`)."""

    config_path: str | None = None
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    shellcheck: bool = True

    @classmethod
    def in_payload(cls, value: Any) -> bool:
        """Whether the client's payload holds dockgate's settings: a `dockgate` section, or that section alone.

        Editors also send `workspace/didChangeConfiguration` with an empty or
        another tool's payload (eglot does on connecting); that must not reset
        what `initializationOptions` set.
        """
        return isinstance(value, dict) and ("dockgate" in value or any(key in value for key in _SETTINGS_KEYS))

    @classmethod
    def from_client(cls, value: Any) -> Settings:
        section = value.get("dockgate", value) if isinstance(value, dict) else {}
        if not isinstance(section, dict):
            section = {}

        def codes(key: str) -> list[str]:
            listed = section.get(key) or []
            return [str(code) for code in listed] if isinstance(listed, list) else [str(listed)]

        config_path = section.get("configPath")
        return cls(
            config_path=str(config_path) if config_path else None,
            select=codes("select"),
            ignore=codes("ignore"),
            shellcheck=section.get("shellcheck", True) is not False,
        )


@dataclass
class DocumentFindings:
    """The findings of one buffer version: the fast rules', and ShellCheck's once they are in."""

    version: int | None
    fast: list[Finding]
    shellcheck: list[Finding] = field(default_factory=list)

    @property
    def all(self) -> list[Finding]:
        return sorted(self.fast + self.shellcheck, key=Finding.sort_key)


@dataclass(frozen=True, slots=True)
class BufferPositions:
    """Where dockgate's spans are in one version of a buffer, in code points and in the client's units.

    The lines are split once per request (pygls splits the whole text again
    each time they are asked for), and a range on ASCII lines is the same in
    every encoding, so only the others go through pygls's converter, which
    counts character by character: for the diagnostics of a long file, both
    cost more than the rest of publishing.
    """

    codec: PositionCodec
    lines: Sequence[str]
    ascii_lines: Sequence[bool]
    after_byte_order_mark: bool

    @classmethod
    def of(cls, document: TextDocument) -> BufferPositions:
        lines = document.lines
        return cls(document.position_codec, lines, [line.isascii() for line in lines], document.source.startswith(BYTE_ORDER_MARK))

    def code_points(self, span: Span) -> types.Range:
        return code_point_range(span, self.after_byte_order_mark)

    def client_range(self, span: Span) -> types.Range:
        return self.to_client(self.code_points(span))

    def to_client(self, code_points: types.Range) -> types.Range:
        start, end = code_points.start, code_points.end
        if self._ascii(start.line) and self._ascii(end.line):
            # Clipped to the line (with its newline), as pygls does.
            return types.Range(
                start=types.Position(line=start.line, character=min(start.character, len(self.lines[start.line]))),
                end=types.Position(line=end.line, character=min(end.character, len(self.lines[end.line]))),
            )
        return self.codec.range_to_client_units(self.lines, code_points)

    def _ascii(self, line: int) -> bool:
        """Whether the 0-based line is in the buffer and ASCII (past the end, pygls decides where it is)."""
        return line < len(self.ascii_lines) and self.ascii_lines[line]


def _is_shellcheck(meta: RuleMeta) -> bool:
    return meta.code == "SC"


def _is_fast(meta: RuleMeta) -> bool:
    return meta.code != "SC"


class DockgateLanguageServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("dockgate", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.settings = Settings()
        self.resolver: ConfigResolver | None = None
        self.findings: dict[str, DocumentFindings] = {}
        self.shellcheck_runs: dict[str, asyncio.Task[None]] = {}
        self.rules = {meta.code: meta for meta in all_rule_metas()}

    # ------------------------------------------------------------ configuration

    def configuration(self) -> ConfigResolver:
        if self.resolver is None:
            overrides = {"select": self.settings.select, "ignore": self.settings.ignore}
            config_path = Path(self.settings.config_path) if self.settings.config_path else None
            try:
                self.resolver = load_config(config_path, False, overrides)
            except UserError as error:
                self.log(types.MessageType.Error, f"configuration: {error}; using the defaults")
                self.resolver = load_config(None, True, overrides)
        return self.resolver

    def configuration_changed(self) -> None:
        self.resolver = None
        for uri in list(self.findings):
            self.lint(uri)

    def log(self, kind: types.MessageType, message: str) -> None:
        self.window_log_message(types.LogMessageParams(type=kind, message=f"dockgate: {message}"))

    # ------------------------------------------------------------ linting

    def lint(self, uri: str) -> DocumentFindings:
        """Lint the buffer with the fast rules, publish, and start the ShellCheck pass."""
        document = self.workspace.get_text_document(uri)
        findings = DocumentFindings(document.version, self._run(document, _is_fast))
        self.findings[uri] = findings
        self.publish(uri)
        self._schedule_shellcheck(document)
        return findings

    def _run(self, document: TextDocument, rule_filter: Any) -> list[Finding]:
        text = document.source
        if len(text) > MAX_BUFFER_CHARS:
            return []
        path = to_fs_path(document.uri)
        try:
            return lint_text(text, path, self.configuration(), rule_filter=rule_filter)
        except UserError as error:
            self.log(types.MessageType.Warning, f"{document.uri}: {error}")
        except Exception as error:  # one failing pass must not stop the server or hide the others
            self.log(types.MessageType.Error, f"{document.uri}: internal error {type(error).__name__}: {error}")
        return []

    def _schedule_shellcheck(self, document: TextDocument) -> None:
        previous = self.shellcheck_runs.pop(document.uri, None)
        if previous is not None:
            previous.cancel()
        if not self.settings.shellcheck or len(document.source) > MAX_BUFFER_CHARS:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self.shellcheck_runs[document.uri] = loop.create_task(self._shellcheck(document.uri, document.version))

    async def _shellcheck(self, uri: str, version: int | None) -> None:
        await asyncio.sleep(SHELLCHECK_DELAY)
        document = self.workspace.get_text_document(uri)
        if document.version != version:
            return
        found = await asyncio.get_running_loop().run_in_executor(None, self._run, document, _is_shellcheck)
        current = self.findings.get(uri)
        if current is None or current.version != version or self.workspace.get_text_document(uri).version != version:
            return  # the buffer moved on while ShellCheck ran
        current.shellcheck = found
        self.publish(uri)

    def publish(self, uri: str) -> None:
        findings = self.findings.get(uri)
        if findings is None:
            return
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, version=findings.version, diagnostics=self.diagnostics(uri))
        )

    def diagnostics(self, uri: str) -> list[types.Diagnostic]:
        document = self.workspace.get_text_document(uri)
        findings = self.findings.get(uri)
        if len(document.source) > MAX_BUFFER_CHARS:
            return [_too_large()]
        if findings is None:
            return []
        positions = BufferPositions.of(document)
        return [
            diagnostic(finding, finding.span, self.rules.get(finding.code), uri, positions.client_range)
            for finding in findings.all
            if finding.span is not None
        ]

    # ------------------------------------------------------------ code actions

    def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        document = self.workspace.get_text_document(uri)
        findings = self.findings.get(uri)
        if findings is None or findings.version != document.version:
            return []  # the diagnostics are of an older buffer: their edits might not apply
        try:
            parsed = parse(document.source)
        except DockerfileSyntaxError:
            return []
        wanted = _KindFilter(params.context.only)
        actions: list[types.CodeAction] = []
        if wanted(types.CodeActionKind.QuickFix):
            actions += self._fix_actions(document, findings, params.context.diagnostics)
            actions += self._suppression_actions(document, parsed, params.context.diagnostics)
        if wanted(FIX_ALL_KIND) and any(applicable(finding, unsafe=False) for finding in findings.fast):
            fix_all = self._fix_all_action(document)
            if fix_all is not None:
                actions.append(fix_all)
        return actions

    def _fix_actions(
        self, document: TextDocument, findings: DocumentFindings, diagnostics: Sequence[types.Diagnostic]
    ) -> list[types.CodeAction]:
        """A quick fix for each of the client's diagnostics whose finding has a fix that applies to this buffer."""
        positions = BufferPositions.of(document)
        by_place = {
            (finding.code, _place(positions.client_range(finding.span))): finding
            for finding in findings.all
            if finding.fix is not None and finding.span is not None
        }
        actions = []
        for client_diagnostic in _dockgate_diagnostics(diagnostics):
            finding = by_place.get((str(client_diagnostic.code), _place(client_diagnostic.range)))
            fix = finding.fix if finding is not None else None
            if fix is None or not _applies_cleanly(document.source, fix):
                continue
            safe = fix.applicability is Applicability.SAFE
            newline = line_ending(document.source)
            replacements = [(positions.code_points(edit.span), in_line_ending(edit.content, newline)) for edit in fix.edits]
            actions.append(
                types.CodeAction(
                    title=f"{client_diagnostic.code}: {fix.message}" + ("" if safe else " (unsafe)"),
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[client_diagnostic],
                    is_preferred=safe,
                    edit=self._workspace_edit(document, positions, replacements),
                )
            )
        return actions

    def _suppression_actions(
        self, document: TextDocument, parsed: Document, diagnostics: Sequence[types.Diagnostic]
    ) -> list[types.CodeAction]:
        # The lines as the parser saw them (without a byte-order mark), so the edits' columns are dockgate's.
        lines = document.source.removeprefix(BYTE_ORDER_MARK).splitlines(keepends=True)
        positions = BufferPositions.of(document)
        actions: list[types.CodeAction] = []
        offered: set[tuple[str, str]] = set()
        for client_diagnostic in _dockgate_diagnostics(diagnostics):
            code = str(client_diagnostic.code)
            line = client_diagnostic.range.start.line + 1
            edits = (
                ("line", f"Suppress {code} on this line", suppress_on_instruction(lines, parsed, line, code)),
                ("file", f"Suppress {code} in this file", suppress_in_file(lines, parsed, code)),
            )
            for scope, title, edit in edits:
                key = (f"{scope}:{line if scope == 'line' else ''}", code)
                if edit is None or key in offered:
                    continue
                offered.add(key)
                replacement = (positions.code_points(Span(edit.line, edit.column, edit.end_line, edit.end_column)), edit.text)
                actions.append(
                    types.CodeAction(
                        title=title,
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[client_diagnostic],
                        edit=self._workspace_edit(document, positions, [replacement]),
                    )
                )
        return actions

    def _fix_all_action(self, document: TextDocument) -> types.CodeAction | None:
        """All safe fixes of the fast rules (ShellCheck's findings carry none), as one edit of the changed lines."""
        try:
            fixed = fix_text(document.source, to_fs_path(document.uri), self.configuration(), rule_filter=_is_fast)
        except UserError as error:
            self.log(types.MessageType.Warning, f"{document.uri}: {error}")
            return None
        except Exception as error:  # a failing rule must not fail the request
            self.log(types.MessageType.Error, f"{document.uri}: internal error {type(error).__name__}: {error}")
            return None
        if not fixed.fixed or fixed.text == document.source:
            return None
        return types.CodeAction(
            title="Fix all safe dockgate findings",
            kind=FIX_ALL_KIND,
            edit=self._workspace_edit(document, BufferPositions.of(document), [_changed_lines(document.source, fixed.text)]),
        )

    def _workspace_edit(
        self, document: TextDocument, positions: BufferPositions, replacements: list[tuple[types.Range, str]]
    ) -> types.WorkspaceEdit:
        """Replace each code-point range of the buffer with its text, as an edit of this buffer version."""
        text_edits: list[types.TextEdit | types.AnnotatedTextEdit | types.SnippetTextEdit] = [
            types.TextEdit(range=positions.to_client(code_points), new_text=text) for code_points, text in replacements
        ]
        return types.WorkspaceEdit(
            document_changes=[
                types.TextDocumentEdit(
                    text_document=types.OptionalVersionedTextDocumentIdentifier(uri=document.uri, version=document.version),
                    edits=text_edits,
                )
            ]
        )

    # ------------------------------------------------------------ hover

    def hover(self, params: types.HoverParams) -> types.Hover | None:
        uri = params.text_document.uri
        document = self.workspace.get_text_document(uri)
        position = params.position
        line_text = document.lines[position.line] if position.line < len(document.lines) else ""
        stripped = line_text.lstrip()
        if stripped.startswith("#"):
            for match in _CODE_IN_COMMENT.finditer(line_text):
                start = document.position_codec.position_to_client_units(
                    document.lines, types.Position(line=position.line, character=match.start())
                ).character
                end = document.position_codec.position_to_client_units(
                    document.lines, types.Position(line=position.line, character=match.end())
                ).character
                if start <= position.character <= end:
                    return self._rule_hover(match.group(0))
        for client_diagnostic in self.diagnostics(uri):
            if _contains(client_diagnostic.range, position) and isinstance(client_diagnostic.code, str):
                return self._rule_hover(client_diagnostic.code)
        return None

    def _rule_hover(self, code: str) -> types.Hover | None:
        meta = self.rules.get(code)
        if meta is None:
            if code.startswith("SC"):
                text = f"**{code}** (ShellCheck): see https://www.shellcheck.net/wiki/{code}"
                return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text))
            return None
        text = f"**{meta.code} {meta.name}** ({meta.level.value}): {meta.summary}\n\n{meta.documentation.strip()}"
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text))


class _KindFilter:
    """Whether a code action kind was asked for: `only` lists kinds, a kind covering its dotted sub-kinds."""

    def __init__(self, only: Sequence[str] | None) -> None:
        self.only = only

    def __call__(self, kind: str) -> bool:
        return self.only is None or any(kind == wanted or kind.startswith(f"{wanted}.") for wanted in self.only)


def _dockgate_diagnostics(diagnostics: Sequence[types.Diagnostic]) -> list[types.Diagnostic]:
    return [d for d in diagnostics if d.source == "dockgate" and isinstance(d.code, str)]


def _place(client_range: types.Range) -> tuple[int, int, int, int]:
    start, end = client_range.start, client_range.end
    return (start.line, start.character, end.line, end.character)


def _applies_cleanly(text: str, fix: Fix) -> bool:
    """Whether the fix's edits fit this text and leave a Dockerfile that parses."""
    try:
        parse(apply_edits(text, fix.edits))
    except (ValueError, DockerfileSyntaxError):
        return False
    return True


def _changed_lines(old: str, new: str) -> tuple[types.Range, str]:
    """One replacement, in code points, turning `old` into `new`: the lines between their common first and last lines."""
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    head = 0
    while head < min(len(old_lines), len(new_lines)) and old_lines[head] == new_lines[head]:
        head += 1
    tail = 0
    while (
        tail < min(len(old_lines), len(new_lines)) - head
        and old_lines[len(old_lines) - 1 - tail] == new_lines[len(new_lines) - 1 - tail]
    ):
        tail += 1
    end_line = len(old_lines) - tail
    code_points = types.Range(start=types.Position(line=head, character=0), end=types.Position(line=end_line, character=0))
    return code_points, "".join(new_lines[head : len(new_lines) - tail])


def _contains(client_range: types.Range, position: types.Position) -> bool:
    start, end = client_range.start, client_range.end
    after_start = (position.line, position.character) >= (start.line, start.character)
    before_end = (position.line, position.character) <= (end.line, end.character)
    return after_start and before_end


def _too_large() -> types.Diagnostic:
    return types.Diagnostic(
        range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)),
        message=f"this buffer is larger than {MAX_BUFFER_CHARS:,} characters; run `dockgate check` on the file instead",
        severity=types.DiagnosticSeverity.Information,
        source="dockgate",
    )


def is_linted(document: TextDocument) -> bool:
    """Dockerfiles by language id, or by the file names `dockgate check` lints."""
    return document.language_id in ("dockerfile", "containerfile") or is_dockerfile_name(Path(to_fs_path(document.uri) or "").name)


def build_server() -> DockgateLanguageServer:
    server = DockgateLanguageServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: DockgateLanguageServer, params: types.InitializeParams) -> None:
        if params.initialization_options is not None:
            ls.settings = Settings.from_client(params.initialization_options)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: DockgateLanguageServer, params: types.InitializedParams) -> None:
        watching = ls.client_capabilities.workspace
        dynamic = watching is not None and watching.did_change_watched_files is not None and bool(
            watching.did_change_watched_files.dynamic_registration
        )
        if dynamic:
            options = types.DidChangeWatchedFilesRegistrationOptions(
                watchers=[types.FileSystemWatcher(glob_pattern=pattern) for pattern in WATCHED_FILES]
            )
            registration = types.Registration(
                id="dockgate-watched-files", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options
            )
            await ls.client_register_capability_async(types.RegistrationParams(registrations=[registration]))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: DockgateLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        document = ls.workspace.get_text_document(params.text_document.uri)
        if is_linted(document):
            ls.lint(document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: DockgateLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        if params.text_document.uri in ls.findings:
            ls.lint(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: DockgateLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
        if params.text_document.uri in ls.findings:
            ls.lint(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: DockgateLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.findings.pop(uri, None)
        run = ls.shellcheck_runs.pop(uri, None)
        if run is not None:
            run.cancel()
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(identifier="dockgate", inter_file_dependencies=False, workspace_diagnostics=False),
    )
    def pull_diagnostics(ls: DockgateLanguageServer, params: types.DocumentDiagnosticParams) -> types.DocumentDiagnosticReport:
        uri = params.text_document.uri
        document = ls.workspace.get_text_document(uri)
        current = ls.findings.get(uri)
        if current is None or current.version != document.version:
            if not is_linted(document) and current is None:
                return types.RelatedFullDocumentDiagnosticReport(items=[])
            ls.lint(uri)
        return types.RelatedFullDocumentDiagnosticReport(items=ls.diagnostics(uri))

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND]),
    )
    def code_action(ls: DockgateLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        return ls.code_actions(params)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: DockgateLanguageServer, params: types.HoverParams) -> types.Hover | None:
        return ls.hover(params)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched_files_changed(ls: DockgateLanguageServer, params: types.DidChangeWatchedFilesParams) -> None:
        ls.configuration_changed()

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def settings_changed(ls: DockgateLanguageServer, params: types.DidChangeConfigurationParams) -> None:
        if Settings.in_payload(params.settings):
            ls.settings = Settings.from_client(params.settings)
        ls.configuration_changed()

    return server
