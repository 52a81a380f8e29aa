"""``ADR-NNNN`` in comments, docstrings and ``archrules.toml``: document links and
go-to-definition targets (the ADR file)."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from archrules.core.adr import Adr
from archrules.core.types import ADR_REFERENCE, Range, parse_adr_id
from archrules.lsp.convert import to_client_range
from archrules.lsp.server import ArchrulesServer


def adr_references(server: ArchrulesServer, path: Path) -> list[tuple[Range, Adr]]:
    state = server.state_for(path)
    adrs = state.adrs if state is not None else None
    if adrs is None:
        return []
    found: list[tuple[Range, Adr]] = []
    for number, line in enumerate(server.lines_of(path)):
        for match in ADR_REFERENCE.finditer(line):
            adr_number = parse_adr_id(match.group())
            adr = adrs.get(adr_number) if adr_number is not None else None
            if adr is not None:
                found.append((Range(number, match.start(), number, match.end()), adr))
    return found


def register(server: ArchrulesServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_LINK)
    @server.guard("textDocument/documentLink")
    def document_link(params: types.DocumentLinkParams) -> list[types.DocumentLink] | None:
        path = server.document_path(params.text_document.uri)
        if path is None:
            return None
        lines = server.lines_of(path)
        caps = server.client_capabilities.text_document
        tooltips = bool(caps and caps.document_link and caps.document_link.tooltip_support)
        return [
            types.DocumentLink(
                range=to_client_range(lines, r, server.encoding),
                target=server.uri(adr.path),
                tooltip=adr.title if tooltips else None,
            )
            for r, adr in adr_references(server, path)
        ]

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    @server.guard("textDocument/definition")
    def definition(params: types.DefinitionParams) -> types.Location | None:
        at = server.locate(params.text_document.uri, params.position)
        for r, adr in adr_references(server, at.path) if at is not None else ():
            if at is not None and r.line == at.line and r.col <= at.col <= r.end_col:
                start = types.Position(line=0, character=0)
                return types.Location(
                    uri=server.uri(adr.path), range=types.Range(start=start, end=start)
                )
        return None
