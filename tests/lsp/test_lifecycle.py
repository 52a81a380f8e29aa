"""Initialize, settings, workspace folders and exit (``lifecycle.py``): severity overrides
and disabling, multi-root and nested configs, exiting when the client process dies."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient
from tests.lsp.support import (
    by_rule,
    diagnostics,
    is_pull,
    open_document,
    proj,
    start_client,
    wait_for,
    wait_indexed,
)


async def test_settings_override_severity_and_disable(client: LanguageClient) -> None:
    cart = proj(client) / "src/shop/domain/cart.py"
    uri = open_document(client, cart)
    await wait_for(client, uri, lambda d: bool(by_rule(d, "clean-architecture")))
    await asyncio.sleep(0.3)
    refreshes = client.diagnostic_refresh_count
    client.set_configuration({"severity": {"clean-architecture": "hint"}}, section="archrules")
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(
            settings={"archrules": {"severity": {"clean-architecture": "hint"}}}
        )
    )
    await wait_for(
        client,
        uri,
        lambda d: any(
            x.code == "clean-architecture" and x.severity == types.DiagnosticSeverity.Hint
            for x in d
        ),
    )
    if is_pull(client):  # the findings did not change, their severity did: pull again
        assert client.diagnostic_refresh_count > refreshes
    client.set_configuration({"enable": False}, section="archrules")
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"archrules": {"enable": False}})
    )
    await wait_for(client, uri, lambda d: not d)


def _mini(root: Path, package: str, layers: list[str]) -> None:
    root.mkdir(parents=True, exist_ok=True)
    quoted = ", ".join(f'"{package}.{x}"' for x in layers)
    (root / "archrules.toml").write_text(
        f'[project]\nroots = ["."]\n\n[[layers]]\nname = "{package}-layers"\nlayers = [{quoted}]\n'
    )
    (root / package).mkdir()
    (root / package / "__init__.py").write_text("")
    for x in layers:
        (root / package / f"{x}.py").write_text("")


async def test_multi_root_and_nested_configs(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    _mini(one, "alpha", ["top", "bottom"])
    _mini(two, "beta", ["top", "bottom"])
    _mini(two / "inner", "gamma", ["top", "bottom"])
    client = await start_client([one.as_uri(), two.as_uri()], "neovim@v0.7.0")
    try:
        status = await wait_indexed(client)  # folders are opened in the background
        assert len(status["configs"]) == 3
        for root, package in ((one, "alpha"), (two, "beta"), (two / "inner", "gamma")):
            path = root / package / "bottom.py"
            uri = open_document(client, path, f"import {package}.top\n")
            found = await wait_for(client, uri, bool)
            assert [d.code for d in found] == [f"{package}-layers"]
        # the nested project's files are not the outer one's
        outer = open_document(client, two / "inner" / "gamma" / "top.py", "import beta.top\n")
        await asyncio.sleep(0.3)
        assert not [d for d in await diagnostics(client, outer) if d.code == "beta-layers"]
        # a folder removed, a folder added
        client.workspace_did_change_workspace_folders(
            types.DidChangeWorkspaceFoldersParams(
                event=types.WorkspaceFoldersChangeEvent(
                    added=[types.WorkspaceFolder(uri=(tmp_path / "three").as_uri(), name="x")],
                    removed=[types.WorkspaceFolder(uri=one.as_uri(), name="f0")],
                )
            )
        )
        status = await wait_indexed(client)
        assert len(status["configs"]) == 3  # one/ stays: one of its files is open
    finally:
        await client.shutdown_session()
        await client.stop()


def test_server_exits_when_the_client_process_dies(tmp_path: Path) -> None:
    """An editor that dies without shutdown must not leave the server running."""
    parent = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    server = subprocess.Popen(
        [sys.executable, "-m", "archrules", "server", "--log-file", str(tmp_path / "log")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        body = json.dumps(
            {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "initialize",
                "params": {"processId": parent.pid, "rootUri": None, "capabilities": {}},
            }
        ).encode()
        initialized = json.dumps({"jsonrpc": "2.0", "method": "initialized", "params": {}}).encode()
        assert server.stdin is not None
        for message in (body, initialized):
            server.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(message), message))
        server.stdin.flush()
        time.sleep(1.0)
        assert server.poll() is None
        parent.kill()
        parent.wait()
        server.wait(timeout=15)
        assert "client-process-gone" in (tmp_path / "log").read_text()
    finally:
        for process in (parent, server):
            if process.poll() is None:
                process.kill()
