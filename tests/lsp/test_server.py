"""The language server driven over stdio by a real LSP client (pytest-lsp)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "dockgate", "server"])

DOCKERFILE = "FROM ubuntu\nMAINTAINER me\nRUN echo héllo 😀 && cd /tmp\n"


async def start_session(
    lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory, general: types.GeneralClientCapabilities | None = None
) -> None:
    """Initialize as an editor with dynamic file watching would, ShellCheck off (the fast rules are under test)."""
    root = tmp_path_factory.mktemp("workspace")
    registrations: list[types.Registration] = []

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        registrations.extend(params.registrations)

    params = types.InitializeParams(
        capabilities=types.ClientCapabilities(
            general=general,
            workspace=types.WorkspaceClientCapabilities(
                did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True)
            )
        ),
        root_uri=root.as_uri(),
        initialization_options={"dockgate": {"shellcheck": False}},
    )
    await lsp_client.initialize_session(params)
    lsp_client.root = root  # type: ignore[attr-defined]
    lsp_client.registrations = registrations  # type: ignore[attr-defined]


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    await start_session(lsp_client, tmp_path_factory)
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=SERVER)
async def utf8_client(lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    general = types.GeneralClientCapabilities(position_encodings=[types.PositionEncodingKind.Utf8, types.PositionEncodingKind.Utf16])
    await start_session(lsp_client, tmp_path_factory, general)
    yield
    await lsp_client.shutdown_session()


def open_document(client: LanguageClient, path: Path, text: str) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="dockerfile", version=1, text=text)
        )
    )
    return uri


@pytest.mark.asyncio
async def test_open_publishes_exact_diagnostics(client: LanguageClient) -> None:
    uri = open_document(client, client.root / "Dockerfile", DOCKERFILE)  # type: ignore[attr-defined]
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    diagnostics = {d.code: d for d in client.diagnostics[uri]}
    maintainer = diagnostics["DL4000"]
    assert (maintainer.range.start.line, maintainer.range.start.character) == (1, 0)
    assert maintainer.source == "dockgate"
    assert list(maintainer.tags or []) == [types.DiagnosticTag.Deprecated]
    assert maintainer.code_description is not None and "dl4000" in maintainer.code_description.href
    # The `cd` after an emoji: UTF-16 counts the emoji as two units.
    cd = diagnostics["DL3003"]
    line = DOCKERFILE.splitlines()[2]
    assert cd.range.start.character == len(line[: line.index("cd /tmp")].encode("utf-16-le")) // 2


def apply_edit(text: str, edit: types.WorkspaceEdit, version: int | None = None) -> str:
    """Apply a single-document edit (positions in UTF-16, as this client negotiated by default);
    `version`, when given, is the buffer version the edit must be for."""
    assert edit.document_changes is not None
    change = edit.document_changes[0]
    assert isinstance(change, types.TextDocumentEdit)
    if version is not None:
        assert change.text_document.version == version
    lines = text.splitlines(keepends=True)

    def offset(position: types.Position) -> int:
        before = "".join(lines[: position.line])
        line = lines[position.line] if position.line < len(lines) else ""
        units = 0
        for index, char in enumerate(line):
            if units >= position.character:
                return len(before) + index
            units += len(char.encode("utf-16-le")) // 2
        return len(before) + len(line)

    for text_edit in sorted(change.edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start, end = offset(text_edit.range.start), offset(text_edit.range.end)
        text = text[:start] + text_edit.new_text + text[end:]
    return text


async def diagnostics_after(client: LanguageClient, uri: str) -> dict[str, types.Diagnostic]:
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return {str(d.code): d for d in client.diagnostics[uri]}


@pytest.mark.asyncio
async def test_change_relints_the_unsaved_buffer(client: LanguageClient) -> None:
    uri = open_document(client, client.root / "Dockerfile", DOCKERFILE)  # type: ignore[attr-defined]
    assert "DL4000" in await diagnostics_after(client, uri)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=types.Position(line=1, character=0), end=types.Position(line=2, character=0)),
                    text="",
                )
            ],
        )
    )
    assert "DL4000" not in await diagnostics_after(client, uri)


@pytest.mark.asyncio
async def test_pull_diagnostics(client: LanguageClient) -> None:
    uri = open_document(client, client.root / "Dockerfile", DOCKERFILE)  # type: ignore[attr-defined]
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    assert "DL4000" in {item.code for item in report.items}


@pytest.mark.asyncio
async def test_suppression_actions_apply_and_silence(client: LanguageClient) -> None:
    text = "FROM ubuntu:22.04\n# hadolint ignore=DL3008\nMAINTAINER me\n"
    uri = open_document(client, client.root / "Dockerfile", text)  # type: ignore[attr-defined]
    maintainer = (await diagnostics_after(client, uri))["DL4000"]
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=maintainer.range,
            context=types.CodeActionContext(diagnostics=[maintainer]),
        )
    )
    assert actions is not None
    by_title = {action.title: action for action in actions if isinstance(action, types.CodeAction)}
    on_line = by_title["Suppress DL4000 on this line"]
    assert on_line.edit is not None
    fixed = apply_edit(text, on_line.edit)
    assert fixed == "FROM ubuntu:22.04\n# hadolint ignore=DL3008,DL4000\nMAINTAINER me\n"
    in_file = by_title["Suppress DL4000 in this file"]
    assert in_file.edit is not None
    assert apply_edit(text, in_file.edit).startswith("# hadolint global ignore=DL4000\nFROM ubuntu:22.04\n")
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=fixed)],
        )
    )
    assert "DL4000" not in await diagnostics_after(client, uri)


@pytest.mark.asyncio
async def test_hover_shows_rule_documentation(client: LanguageClient) -> None:
    text = "FROM ubuntu:22.04\n# hadolint ignore=DL3008\nMAINTAINER me\n"
    uri = open_document(client, client.root / "Dockerfile", text)  # type: ignore[attr-defined]
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    on_diagnostic = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=2, character=3))
    )
    assert on_diagnostic is not None and isinstance(on_diagnostic.contents, types.MarkupContent)
    assert on_diagnostic.contents.value.startswith("**DL4000 ")
    assert "## What it does" in on_diagnostic.contents.value
    in_comment = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=1, character=20))
    )
    assert in_comment is not None and isinstance(in_comment.contents, types.MarkupContent)
    assert in_comment.contents.value.startswith("**DL3008 ")


@pytest.mark.asyncio
async def test_config_file_change_is_read_again(client: LanguageClient) -> None:
    root: Path = client.root  # type: ignore[attr-defined]
    uri = open_document(client, root / "Dockerfile", DOCKERFILE)
    assert "DL4000" in await diagnostics_after(client, uri)
    config = root / ".dockgate.toml"
    config.write_text('ignore = ["DL4000"]\n', encoding="utf-8")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Created)])
    )
    assert "DL4000" not in await diagnostics_after(client, uri)


@pytest.mark.asyncio
async def test_settings_change_applies(client: LanguageClient) -> None:
    uri = open_document(client, client.root / "Dockerfile", DOCKERFILE)  # type: ignore[attr-defined]
    assert "DL3006" in await diagnostics_after(client, uri)
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"dockgate": {"ignore": ["DL3006"], "shellcheck": False}})
    )
    found = await diagnostics_after(client, uri)
    assert "DL3006" not in found and "DL4000" in found
    # A payload without dockgate's section (eglot sends one on connecting) keeps the settings.
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"yaml": {"format": True}}))
    assert "DL3006" not in await diagnostics_after(client, uri)


@pytest.mark.asyncio
async def test_binary_buffer_does_not_kill_the_server(client: LanguageClient) -> None:
    uri = open_document(client, client.root / "Dockerfile", "FROM ubuntu\n\x00\x00")  # type: ignore[attr-defined]
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    second = open_document(client, client.root / "Containerfile", DOCKERFILE)  # type: ignore[attr-defined]
    assert "DL4000" in await diagnostics_after(client, second)
    assert uri in client.diagnostics


@pytest.mark.asyncio
async def test_utf8_positions_when_the_client_offers_them(utf8_client: LanguageClient) -> None:
    assert utf8_client.capabilities is not None
    uri = open_document(utf8_client, utf8_client.root / "Dockerfile", DOCKERFILE)  # type: ignore[attr-defined]
    cd = (await diagnostics_after(utf8_client, uri))["DL3003"]
    line = DOCKERFILE.splitlines()[2]
    start = len(line[: line.index("cd /tmp")].encode("utf-8"))
    assert (cd.range.start.character, cd.range.end.character) == (start, start + 2)


def replace_buffer(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def code_actions(
    client: LanguageClient, uri: str, diagnostics: list[types.Diagnostic], only: list[str] | None = None
) -> dict[str, types.CodeAction]:
    where = diagnostics[0].range if diagnostics else types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0))
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=where,
            context=types.CodeActionContext(diagnostics=diagnostics, only=only),
        )
    )
    return {action.title: action for action in actions or [] if isinstance(action, types.CodeAction)}


# DG1004 (instruction keywords in one casing) is the fixable rule here: `run` and `copy` are
# lowercase among uppercase keywords.
MIXED_CASE = "FROM alpine:3.20\nrun echo 😀 done\n\ncopy a.txt /a.txt\nMAINTAINER me\n"


@pytest.mark.asyncio
async def test_quick_fix_from_the_rules_fix(client: LanguageClient) -> None:
    uri = open_document(client, client.root / "Dockerfile", MIXED_CASE)  # type: ignore[attr-defined]
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    casing = [d for d in client.diagnostics[uri] if d.code == "DG1004"]
    assert [(d.range.start.line, d.range.start.character, d.range.end.character) for d in casing] == [(1, 0, 3), (3, 0, 4)]
    actions = await code_actions(client, uri, [casing[1]])
    fix = actions["DG1004: Write the keyword in uppercase"]
    assert fix.kind == types.CodeActionKind.QuickFix and fix.is_preferred
    assert list(fix.diagnostics or []) == [casing[1]]
    assert fix.edit is not None
    fixed = apply_edit(MIXED_CASE, fix.edit, version=1)
    assert fixed == MIXED_CASE.replace("copy", "COPY")
    # The suppressions are offered beside the fix, not preferred.
    assert not actions["Suppress DG1004 on this line"].is_preferred
    replace_buffer(client, uri, 2, fixed)
    remaining = await diagnostics_after(client, uri)
    assert [d.range.start.line for d in client.diagnostics[uri] if d.code == "DG1004"] == [1]
    assert "DL4000" in remaining


@pytest.mark.asyncio
async def test_no_fix_is_offered_for_an_older_buffer(client: LanguageClient) -> None:
    uri = open_document(client, client.root / "Dockerfile", MIXED_CASE)  # type: ignore[attr-defined]
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    casing = [d for d in client.diagnostics[uri] if d.code == "DG1004"]
    # The client asks with diagnostics of version 1 about a buffer that has become version 2
    # (the line moved down): the old range no longer names a finding, so no fix is offered.
    replace_buffer(client, uri, 2, "\n" + MIXED_CASE)
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    actions = await code_actions(client, uri, casing[:1])
    assert not any(title.startswith("DG1004:") for title in actions)


@pytest.mark.asyncio
async def test_fix_all_applies_every_safe_fix(client: LanguageClient) -> None:
    uri = open_document(client, client.root / "Dockerfile", MIXED_CASE)  # type: ignore[attr-defined]
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    # What an editor sends on save: only the fix-all kind, without diagnostics.
    actions = await code_actions(client, uri, [], only=[types.CodeActionKind.SourceFixAll])
    assert list(actions) == ["Fix all safe dockgate findings"]
    fix_all = actions["Fix all safe dockgate findings"]
    assert fix_all.kind == "source.fixAll.dockgate" and fix_all.edit is not None
    fixed = apply_edit(MIXED_CASE, fix_all.edit, version=1)
    # DG1004's casing and DL4000's label, the safe fixes in the file.
    assert fixed == MIXED_CASE.replace("run", "RUN").replace("copy", "COPY").replace(
        "MAINTAINER me", 'LABEL org.opencontainers.image.authors="me"'
    )
    # Asked for quick fixes only, the fix-all action is left out.
    quick = await code_actions(client, uri, [], only=[types.CodeActionKind.QuickFix])
    assert "Fix all safe dockgate findings" not in quick
    replace_buffer(client, uri, 2, fixed)
    assert "DG1004" not in await diagnostics_after(client, uri)
    assert await code_actions(client, uri, [], only=[types.CodeActionKind.SourceFixAll]) == {}


@pytest.mark.asyncio
async def test_byte_order_mark_is_a_character_of_the_buffer(client: LanguageClient) -> None:
    # A client that sends the UTF-8 byte-order mark holds it as line 1's first character: the
    # ranges and edits count it, although dockgate's own columns (as an editor shows the line) do not.
    text = "\ufefffrom alpine:3.20\nMAINTAINER me\n"
    uri = open_document(client, client.root / "Dockerfile", text)  # type: ignore[attr-defined]
    casing = (await diagnostics_after(client, uri))["DG1004"]
    assert (casing.range.start.line, casing.range.start.character, casing.range.end.character) == (0, 1, 5)
    actions = await code_actions(client, uri, [casing])
    fix = actions["DG1004: Write the keyword in uppercase"].edit
    assert fix is not None
    assert apply_edit(text, fix, version=1) == "\ufeffFROM alpine:3.20\nMAINTAINER me\n"
    on_line = actions["Suppress DG1004 on this line"].edit
    assert on_line is not None
    assert apply_edit(text, on_line) == "\ufeff# hadolint ignore=DG1004\nfrom alpine:3.20\nMAINTAINER me\n"
    fix_all = (await code_actions(client, uri, [], only=[types.CodeActionKind.SourceFixAll]))["Fix all safe dockgate findings"]
    assert fix_all.edit is not None
    assert apply_edit(text, fix_all.edit) == '\ufeffFROM alpine:3.20\nLABEL org.opencontainers.image.authors="me"\n'


@pytest.mark.asyncio
async def test_related_information_names_the_broad_copy(client: LanguageClient) -> None:
    text = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\n"
    uri = open_document(client, client.root / "Dockerfile", text)  # type: ignore[attr-defined]
    broad_copy = (await diagnostics_after(client, uri))["DG3001"]
    assert broad_copy.range.start.line == 3
    [related] = broad_copy.related_information or []
    assert related.location.uri == uri
    where = related.location.range
    assert (where.start.line, where.start.character, where.end.line, where.end.character) == (2, 0, 2, 8)
    assert related.message == "`COPY . .` copies the sources before the install"


@pytest.mark.asyncio
async def test_fix_on_save_applies_the_safe_fixes_only(client: LanguageClient) -> None:
    # DG1004's casing fix is safe; DL3003's move of `cd` into a WORKDIR is unsafe and stays out.
    text = "FROM alpine:3.20\nrun cd /src && make\n"
    path: Path = client.root / "Dockerfile"  # type: ignore[attr-defined]
    uri = open_document(client, path, text)
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    # The editor's save: ask for the fix-all action, apply its edit to the buffer, then write it.
    fix_all = (await code_actions(client, uri, [], only=[types.CodeActionKind.SourceFixAll]))["Fix all safe dockgate findings"]
    assert fix_all.edit is not None
    saved = apply_edit(text, fix_all.edit, version=1)
    assert saved == "FROM alpine:3.20\nRUN cd /src && make\n"
    replace_buffer(client, uri, 2, saved)
    path.write_text(saved, encoding="utf-8")
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    remaining = await diagnostics_after(client, uri)
    assert "DG1004" not in remaining
    # The unsafe fix is still there, offered as a quick fix that is not preferred.
    actions = await code_actions(client, uri, [remaining["DL3003"]])
    unsafe = next(action for title, action in actions.items() if title.startswith("DL3003:"))
    assert unsafe.title.endswith("(unsafe)") and not unsafe.is_preferred
