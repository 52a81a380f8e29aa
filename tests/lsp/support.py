"""Helpers for the language-server tests: client profiles, document events, waiting for
diagnostics, applying edits."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities, make_test_lsp_client

REPO = Path(__file__).resolve().parents[2]
SHOP = REPO / "examples" / "shop"
# VS Code 1.65 pushes; "vscode-pull" is the same client with pull diagnostics, as VS Code
# has had since 1.74 (code-server 4.100 = VS Code 1.100). Neovim 0.11 negotiates UTF-8
# positions and pulls, but cannot be asked to pull again: the server pushes to it.
PROFILES = ["visual-studio-code", "vscode-pull", "neovim@v0.7.0", "neovim@v0.11.0"]


def server_command() -> list[str]:
    return [sys.executable, "-m", "archrules", "server", "--log-level", "debug"]


def capabilities_of(profile: str) -> types.ClientCapabilities:
    if profile != "vscode-pull":
        return client_capabilities(profile)
    caps = client_capabilities("visual-studio-code")
    assert caps.text_document is not None and caps.workspace is not None
    caps.text_document.diagnostic = types.DiagnosticClientCapabilities(
        dynamic_registration=True, related_document_support=True
    )
    caps.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
    return caps


def is_pull(client: LanguageClient) -> bool:
    """Whether the server uses pull diagnostics with this client: it pulls and can be asked
    to pull again (refreshSupport); otherwise the server pushes."""
    caps = client.capabilities
    return bool(
        caps
        and caps.text_document
        and caps.text_document.diagnostic
        and caps.workspace
        and caps.workspace.diagnostics
        and caps.workspace.diagnostics.refresh_support
    )


async def diagnostics(client: LanguageClient, uri: str) -> list[types.Diagnostic]:
    """The document's diagnostics as the client sees them: pulled, or the last pushed."""
    if is_pull(client):
        report = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
        assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
        return list(report.items)
    return list(client.diagnostics.get(uri, []))


async def wait_for(
    client: LanguageClient,
    uri: str,
    predicate: Callable[[list[types.Diagnostic]], bool],
    timeout: float = 15.0,
) -> list[types.Diagnostic]:
    """Poll until the document's diagnostics satisfy ``predicate``; fail on timeout."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    found: list[types.Diagnostic] = []
    while loop.time() < deadline:
        found = await diagnostics(client, uri)
        if predicate(found):
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out; last diagnostics for {uri}: {[d.message for d in found]}")


async def wait_indexed(client: LanguageClient, timeout: float = 30.0) -> dict[str, Any]:
    """Poll ``archrules.server.status`` until indexing is over; its last answer."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        status: dict[str, Any] = await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="archrules.server.status", arguments=[])
        )
        if not status["indexing"]:
            return status
        if loop.time() > deadline:
            raise AssertionError(f"still indexing after {timeout} s: {status}")
        await asyncio.sleep(0.05)


def open_document(
    client: LanguageClient, path: Path, text: str | None = None, version: int = 1
) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri,
                language_id="python" if path.suffix == ".py" else "toml",
                version=version,
                text=path.read_text(encoding="utf-8") if text is None else text,
            )
        )
    )
    return uri


def change_document(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def rules(found: list[types.Diagnostic]) -> list[Any]:
    return sorted(str(d.code) for d in found)


def _offset(text: str, position: types.Position, encoding: str = "utf-16") -> int:
    lines = text.split("\n")
    line = lines[position.line] if position.line < len(lines) else ""
    base = sum(len(x) + 1 for x in lines[: position.line])
    units = 0
    for col, ch in enumerate(line):
        if units >= position.character:
            return base + col
        units += len(ch.encode("utf-8")) if encoding == "utf-8" else (2 if ord(ch) > 0xFFFF else 1)
    return base + len(line)


def apply_edits(text: str, edits: list[types.TextEdit], encoding: str = "utf-16") -> str:
    """Apply LSP text edits to a text (LF line ends), as an editor would."""
    spans = [
        (_offset(text, e.range.start, encoding), _offset(text, e.range.end, encoding), e.new_text)
        for e in edits
    ]
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def encoding_of(client: LanguageClient) -> str:
    return "utf-8" if str(getattr(client, "profile", "")).endswith("0.11.0") else "utf-16"


def proj(client: LanguageClient) -> Path:
    """The client's private copy of the example project (set by the ``client`` fixture)."""
    return client.project  # type: ignore[attr-defined, no-any-return]


def by_rule(found: list[types.Diagnostic], rule: str) -> list[types.Diagnostic]:
    return [d for d in found if d.code == rule]


async def code_actions(
    client: LanguageClient, uri: str, d: types.Diagnostic
) -> list[types.CodeAction]:
    """The quick fixes offered for one diagnostic, as an editor asks for them."""
    found = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=d.range,
            context=types.CodeActionContext(diagnostics=[d]),
        )
    )
    return [a for a in found or [] if isinstance(a, types.CodeAction)]


def text_edits(action: types.CodeAction, uri: str) -> list[types.TextEdit]:
    """The action's edits of one document; fails if it has none."""
    assert action.edit is not None and action.edit.document_changes
    for change in action.edit.document_changes:
        if isinstance(change, types.TextDocumentEdit) and change.text_document.uri == uri:
            return [e for e in change.edits if isinstance(e, types.TextEdit)]
    raise AssertionError(f"no edit of {uri}")


async def hover_text(client: LanguageClient, uri: str, line: int, character: int) -> str:
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=line, character=character),
        )
    )
    if hover is None:
        return ""
    assert isinstance(hover.contents, types.MarkupContent)
    return hover.contents.value


async def start_client(root_uris: list[str], profile: str) -> LanguageClient:
    """A client of a fresh server, for tests that need their own folders."""
    client = make_test_lsp_client()

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def _register(params: types.RegistrationParams) -> None:
        return None

    await client.start_io(*server_command())
    await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities_of(profile),
            workspace_folders=[
                types.WorkspaceFolder(uri=u, name=f"f{i}") for i, u in enumerate(root_uris)
            ],
        )
    )
    return client
