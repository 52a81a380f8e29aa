"""``workspace/executeCommand`` (``commands.py``): status, explaining a file, creating an ADR;
and the server's command names never clash with an editor's own commands.

vscode-languageclient registers every command the server advertises as a VS Code command; one
that shares its id with a command the extension contributes makes the start fail ("command
already exists"). The server's commands therefore live under ``archrules.server.``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient
from tests.lsp.raw import RawServer
from tests.lsp.support import (
    by_rule,
    open_document,
    proj,
    wait_for,
    wait_indexed,
)

VSCODE_PACKAGE = Path(__file__).parents[2] / "clients" / "vscode" / "package.json"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RawServer]:
    started = RawServer(env={"ARCHRULES_CACHE_DIR": str(tmp_path / "cache")})
    yield started
    started.kill()


def test_advertised_commands_are_the_servers_own_and_clash_with_no_extension_command(
    server: RawServer, tmp_path: Path
) -> None:
    reply = server.initialize(tmp_path)
    advertised = reply["result"]["capabilities"]["executeCommandProvider"]["commands"]
    assert sorted(advertised) == [
        "archrules.server.createAdr",
        "archrules.server.explainFile",
        "archrules.server.graph",
        "archrules.server.status",
    ]
    contributed = {
        c["command"] for c in json.loads(VSCODE_PACKAGE.read_text())["contributes"]["commands"]
    }
    assert contributed and not contributed & set(advertised)
    assert server.status()["version"]


async def test_commands_status_explain_and_create_adr(client: LanguageClient) -> None:
    cart = proj(client) / "src/shop/domain/cart.py"
    uri = open_document(client, cart)
    await wait_for(client, uri, lambda d: bool(by_rule(d, "clean-architecture")))
    status = await wait_indexed(client)
    assert status["files"] >= 40 and status["configs"][0].endswith("archrules.toml")
    assert any(t["event"] == "check" for t in status["timings"])
    explained = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="archrules.server.explainFile", arguments=[uri])
    )
    assert explained["module"] == "shop.domain.cart"
    assert explained["layer"] == "shop.domain"
    assert "clean-architecture" in explained["markdown"]
    created = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="archrules.server.createAdr",
            arguments=[{"title": "Use Kafka for events", "uri": uri}],
        )
    )
    assert created["uri"].endswith("/docs/adr/0011-use-kafka-for-events.md")
    edit = client.applied_edits[-1]  # type: ignore[attr-defined]
    assert isinstance(edit.document_changes[0], types.CreateFile)
    # nothing was written by the server itself: the editor applies the edit
    assert not (proj(client) / "docs/adr/0011-use-kafka-for-events.md").exists()
