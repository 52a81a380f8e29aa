"""ADR references (``links.py``, ``completion.py``): document links and go-to-definition
to the ADR file, and completion of rule names and ADR ids in exception comments."""

from __future__ import annotations

from lsprotocol import types
from pytest_lsp import LanguageClient
from tests.lsp.support import (
    change_document,
    open_document,
    proj,
)


async def test_adr_links_definition_and_completion(client: LanguageClient) -> None:
    reports = proj(client) / "src/shop/services/reports.py"
    text = reports.read_text()
    uri = open_document(client, reports)
    links = await client.text_document_document_link_async(
        types.DocumentLinkParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert links and any(
        link.target and link.target.endswith("0004-store-data-in-sqlite.md") for link in links
    )
    line = next(i for i, x in enumerate(text.split("\n")) if "allow[pure-core] ADR-0004" in x)
    col = text.split("\n")[line].index("ADR-0004") + 2
    location = await client.text_document_definition_async(
        types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=line, character=col),
        )
    )
    assert isinstance(location, types.Location)
    assert location.uri.endswith("0004-store-data-in-sqlite.md")
    # completion of rule names inside allow[, then ADR ids after ]
    typed = text + "\nimport os  # archrules: allow["
    change_document(client, uri, 2, typed)
    last = len(typed.split("\n")) - 1
    items = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=last, character=len(typed.split("\n")[-1])),
        )
    )
    assert isinstance(items, types.CompletionList)
    labels = {i.label for i in items.items}
    assert {"clean-architecture", "pure-core", "unused-exception"} <= labels
    typed += "pure-core] "
    change_document(client, uri, 3, typed)
    items = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=last, character=len(typed.split("\n")[-1])),
        )
    )
    assert isinstance(items, types.CompletionList)
    details = {i.label: i.detail for i in items.items}
    assert "ADR-0003" in details and "accepted" in str(details["ADR-0003"])
    assert "superseded" in str(details["ADR-0004"])
