"""The server's ``workspace/executeCommand`` names never clash with an editor's own commands.

vscode-languageclient registers every command the server advertises as a VS Code command; one
that shares its id with a command the extension contributes makes the start fail ("command
already exists"). The server's commands therefore live under ``archrules.server.``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.lsp.raw import RawServer

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
