"""Document sync and files changed outside the editor: each event re-reads one file into
the engine (an open document's text at the next check, the newest version winning), then
one coalesced check publishes what changed."""

from __future__ import annotations

from lsprotocol import types

from archrules.lsp.server import ArchrulesServer


def register(server: ArchrulesServer) -> None:
    def update(uri: str, version: int | None, *, typing: bool) -> None:
        path = server.document_path(uri)
        if path is not None:
            server.document_changed(path, version if version is not None else 0, typing=typing)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    @server.guard("textDocument/didOpen")
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        update(params.text_document.uri, params.text_document.version, typing=False)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    @server.guard("textDocument/didChange")
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        update(params.text_document.uri, params.text_document.version, typing=True)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    @server.guard("textDocument/didSave")
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        path = server.document_path(params.text_document.uri)
        if path is not None and path.suffix == ".md":  # an ADR: read it again from disk
            server.engine.disk_changed(path)
            server.schedule_check()

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    @server.guard("textDocument/didClose")
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        path = server.document_path(params.text_document.uri)
        if path is None:
            return
        server.flush()
        server.versions.pop(path, None)
        server.last_change.pop(path, None)
        server.engine.close(path)
        server.schedule_check()

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @server.guard("workspace/didChangeWatchedFiles")
    def did_change_watched(params: types.DidChangeWatchedFilesParams) -> None:
        for change in params.changes:
            path = server.document_path(change.uri)
            if path is not None:
                server.engine.disk_changed(path)
        server.start_indexing()
        server.schedule_check()
