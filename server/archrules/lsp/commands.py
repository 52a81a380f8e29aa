"""``workspace/executeCommand``: status, explain a file, create an ADR."""

from __future__ import annotations

from typing import Any

from lsprotocol import types

from archrules import __version__
from archrules.lsp.actions import new_adr_edits
from archrules.lsp.hover import module_markdown
from archrules.lsp.server import ArchrulesServer

STATUS = "archrules.server.status"
EXPLAIN_FILE = "archrules.server.explainFile"
CREATE_ADR = "archrules.server.createAdr"


def _uri_argument(args: tuple[Any, ...]) -> str | None:
    first = args[0] if args else None
    if isinstance(first, dict):
        first = first.get("uri")
    return first if isinstance(first, str) else None


def register(server: ArchrulesServer) -> None:
    @server.command(STATUS)
    @server.guard(STATUS)
    def status(*args: Any) -> dict[str, Any]:
        done, total = server.engine.progress()
        return {
            "version": __version__,
            "configs": [str(path) for path in sorted(server.engine.projects)],
            "files": sum(s.file_count for s in server.engine.projects.values()),
            "indexed": done,
            "discovered": total,
            "indexing": server.indexing,
            "openDocuments": len(server.versions),
            "inFlight": server.protocol.in_flight,
            "diagnosticsMode": "pull" if server.pull else "push",
            "positionEncoding": str(server.encoding),
            "timings": list(server.log.timings),
        }

    @server.command(EXPLAIN_FILE)
    @server.guard(EXPLAIN_FILE)
    def explain_file(*args: Any) -> dict[str, Any] | None:
        uri = _uri_argument(args)
        path = server.document_path(uri) if uri else None
        state = server.state_for(path) if path is not None else None
        # a file not read yet (the tree is still being walked) is named from its path
        module = state.module_of(path, unread=True) if state is not None and path else None
        if state is None or module is None:
            return {
                "module": None,
                "layer": None,
                "markdown": "This file is not a module of an archrules project.",
            }
        layer, markdown = module_markdown(state, module)
        return {"module": module, "layer": layer, "markdown": markdown}

    @server.command(CREATE_ADR)
    @server.guard(CREATE_ADR)
    async def create_adr(*args: Any) -> dict[str, Any] | None:
        options = args[0] if args and isinstance(args[0], dict) else {}
        title = str(options.get("title") or "").strip()
        if not title:
            server.show("archrules: an ADR needs a title", types.MessageType.Error)
            return None
        uri = options.get("uri")
        path = server.document_path(uri) if isinstance(uri, str) else None
        state = server.state_for(path) if path is not None else None
        if state is None and server.engine.projects:
            state = next(iter(server.engine.projects.values()))
        if state is None or state.adrs is None:
            server.show("archrules: no archrules project to add an ADR to", types.MessageType.Error)
            return None
        number, adr_path, changes = new_adr_edits(server, state, title, "", "")
        result = await server.workspace_apply_edit_async(
            types.ApplyWorkspaceEditParams(
                edit=types.WorkspaceEdit(document_changes=changes), label=f"Create ADR {number:04d}"
            )
        )
        if not result.applied:
            return None
        return {"uri": server.uri(adr_path), "number": number}
