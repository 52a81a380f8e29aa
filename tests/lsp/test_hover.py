"""Hover (``hover.py``, with ``resolve.py`` for re-exports): the ADR quoted on a flagged
import, re-exports found by jedi, the config file's rules and ADRs, a module's own import."""

from __future__ import annotations

import asyncio

from lsprotocol import types
from pytest_lsp import LanguageClient
from tests.lsp.support import (
    by_rule,
    hover_text,
    open_document,
    proj,
    wait_for,
)


async def test_hover_quotes_the_adr(client: LanguageClient) -> None:
    cart = proj(client) / "src/shop/domain/cart.py"
    uri = open_document(client, cart)
    found = await wait_for(client, uri, lambda d: bool(by_rule(d, "clean-architecture")))
    d = by_rule(found, "clean-architecture")[0]
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=d.range.start
        )
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    text = hover.contents.value
    assert "clean-architecture" in text
    assert "ADR-0002: Layered architecture" in text and "accepted" in text
    assert "layer shop.domain" in text and "layer shop.web" in text
    assert "> " in text  # the decision, quoted
    # the first line of a module: its layer and what it may import
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=0, character=1),
        )
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "shop.domain.cart" in hover.contents.value
    assert "layer shop.domain" in hover.contents.value
    assert "may not import" in hover.contents.value


async def test_hover_explains_a_re_export_with_jedi(client: LanguageClient) -> None:
    path = proj(client) / "src/shop/cli/tools.py"
    text = "from shop.billing.api import PaymentGateway\n\nGATEWAY = PaymentGateway\n"
    path.write_text(text)
    uri = open_document(client, path)
    found = await wait_for(client, uri, lambda d: True)
    assert not by_rule(found, "billing-api")  # the import itself is allowed
    value = await hover_text(client, uri, 0, text.index("PaymentGateway") + 3)
    assert "shop.billing.internal.gateway" in value
    assert "billing-api" in value and "Re-exported" in value
    assert "ADR-0005" in value


async def test_config_file_hover_and_definition(client: LanguageClient) -> None:
    config = proj(client) / "archrules.toml"
    text = config.read_text()
    uri = open_document(client, config)
    lines = text.split("\n")
    line = next(i for i, x in enumerate(lines) if x.startswith('adr = "ADR-0002"'))
    value = await hover_text(client, uri, line, lines[line].index("ADR") + 1)
    assert "clean-architecture" in value and "Layered architecture" in value
    location = await client.text_document_definition_async(
        types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=line, character=lines[line].index("ADR") + 1),
        )
    )
    assert isinstance(location, types.Location)
    assert location.uri.endswith("0002-layered-architecture.md")


async def test_config_rule_name_hover_and_a_cancelled_request(client: LanguageClient) -> None:
    config = proj(client) / "archrules.toml"
    text = config.read_text()
    uri = open_document(client, config)
    lines = text.split("\n")
    line = next(i for i, x in enumerate(lines) if x == 'name = "pure-core"')
    value = await hover_text(client, uri, line, 9)
    assert "pure-core" in value and "ADR-0003" in value and "infrastructure" in value
    task = asyncio.ensure_future(
        client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=types.Position(line=line, character=9),
            )
        )
    )
    task.cancel()  # the client sends $/cancelRequest; the server must go on
    await asyncio.sleep(0.1)
    status = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="archrules.server.status", arguments=[])
    )
    assert status["openDocuments"] == 1


async def test_hover_on_an_import_of_its_own_module_says_something_or_nothing(
    client: LanguageClient,
) -> None:
    path = proj(client) / "src/shop/utils/extra.py"
    text = "import shop\nfrom shop.domain import cart\n"
    path.write_text(text)
    uri = open_document(client, path)
    await wait_for(client, uri, lambda d: True)
    # `shop` is in no layer, the module neither: nothing worth saying
    assert await hover_text(client, uri, 0, 8) == ""
    # `cart` is the module shop.domain.cart: its layer, and that the import is fine
    value = await hover_text(client, uri, 1, text.split("\n")[1].index("cart") + 1)
    assert "is defined in" not in value
    assert value == "`shop.domain.cart` is in layer `shop.domain`; this import breaks no rule"
