"""``archrules.server.graph``: the language server hands out the same HTML page as
``archrules graph --format html`` (one source: core.picture, render.picture), from the
editor's unsaved text."""

from __future__ import annotations

from typing import Any

from lsprotocol import types
from pytest_lsp import LanguageClient
from tests.lsp.support import by_rule, open_document, proj, wait_for, wait_indexed

from archrules.core.picture import build_picture
from archrules.core.project import open_project
from archrules.render.picture import render_html


async def graph(client: LanguageClient, *args: Any) -> dict[str, Any]:
    result: dict[str, Any] = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="archrules.server.graph", arguments=list(args))
    )
    return result


async def test_graph_command_is_the_cli_page_and_follows_the_buffer(
    client: LanguageClient,
) -> None:
    root = proj(client)
    cart = open_document(client, root / "src/shop/domain/cart.py")
    await wait_for(client, cart, lambda d: bool(by_rule(d, "clean-architecture")))
    await wait_indexed(client)
    shown = await graph(client, root.as_uri())
    fresh = open_project(root / "archrules.toml", cache_dir=None)
    assert fresh.model is not None
    assert shown["html"] == render_html(build_picture(fresh.model))
    assert (shown["violations"], shown["indexing"]) == (12, False)
    assert shown["config"] == str(root / "archrules.toml")
    assert (await graph(client))["html"] == shown["html"]  # no argument: the first project

    money = root / "src/shop/domain/money.py"
    text = money.read_text(encoding="utf-8") + "\nimport shop.web.app\n"
    uri = open_document(client, money, text)
    after = await graph(client, {"uri": uri})
    # the unsaved import is in the picture (with the chains and cycles it closes)
    assert after["violations"] > shown["violations"]
    assert "shop/domain/money.py" not in shown["html"]
    assert "shop/domain/money.py" in after["html"]
