from __future__ import annotations

from pytest_lsp import LanguageClient
from tests.lsp.support import open_document, rules, wait_for


async def test_open_file_gets_its_violation(client: LanguageClient) -> None:
    path = client.project / "src/shop/domain/cart.py"  # type: ignore[attr-defined]
    uri = open_document(client, path)
    found = await wait_for(client, uri, lambda d: "clean-architecture" in rules(d))
    d = next(d for d in found if d.code == "clean-architecture")
    assert d.source == "archrules"
    assert "shop.web.forms" in d.message and "shop.domain.cart" in d.message
    assert "Layered architecture" in d.message
    assert d.code_description is not None and d.code_description.href.endswith(".md")
    assert d.range.start.line == 10
