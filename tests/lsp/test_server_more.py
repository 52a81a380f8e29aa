"""More of the server: jedi-backed hover, the config file, baseline, multi-root and nested
projects, workspace diagnostics, ADR edits, lifecycle."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any

from lsprotocol import types
from pytest_lsp import LanguageClient
from tests.lsp.support import (
    apply_edits,
    by_rule,
    change_document,
    code_actions,
    diagnostics,
    encoding_of,
    hover_text,
    is_pull,
    open_document,
    proj,
    start_client,
    text_edits,
    wait_for,
    wait_indexed,
)


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


async def test_adr_status_change_on_disk_rechecks_exceptions(client: LanguageClient) -> None:
    reports = proj(client) / "src/shop/services/reports.py"
    uri = open_document(client, reports)
    await wait_for(client, uri, lambda d: bool(by_rule(d, "exception-adr")))
    adr = proj(client) / "docs/adr/0004-store-data-in-sqlite.md"
    lines = adr.read_text().split("\n")
    at = next(i for i, x in enumerate(lines) if x.startswith("Superceded by"))
    lines[at] = "Accepted"
    adr.write_text("\n".join(lines))
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=adr.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    await wait_for(client, uri, lambda d: not by_rule(d, "exception-adr"))


async def test_baseline_hides_known_violations_unless_disabled(client: LanguageClient) -> None:
    root = proj(client)
    subprocess.run(
        [sys.executable, "-m", "archrules", "baseline", "--no-cache"],
        cwd=root,
        check=True,
        capture_output=True,
    )
    assert (root / "archrules-baseline.json").is_file()
    cart = root / "src/shop/domain/cart.py"
    uri = open_document(client, cart)
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[
                types.FileEvent(
                    uri=(root / "archrules-baseline.json").as_uri(),
                    type=types.FileChangeType.Created,
                )
            ]
        )
    )
    await wait_for(client, uri, lambda d: not by_rule(d, "clean-architecture"))
    client.set_configuration({"baseline": False}, section="archrules")
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"archrules": {"baseline": False}})
    )
    await wait_for(client, uri, lambda d: bool(by_rule(d, "clean-architecture")))


async def test_workspace_diagnostics_cover_closed_files(client: LanguageClient) -> None:
    if not is_pull(client) or str(client.profile).startswith("neovim"):  # type: ignore[attr-defined]
        return
    await wait_indexed(client)
    report = await client.workspace_diagnostic_async(
        types.WorkspaceDiagnosticParams(previous_result_ids=[])
    )
    uris = {
        item.uri
        for item in report.items
        if isinstance(item, types.WorkspaceFullDocumentDiagnosticReport) and item.items
    }
    assert (proj(client) / "src/shop/domain/customer.py").as_uri() in uris
    assert (proj(client) / "src/shop/orders/fulfilment.py").as_uri() in uris


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


async def test_a_new_config_file_is_picked_up(tmp_path: Path) -> None:
    root = tmp_path / "late"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "top.py").write_text("")
    (root / "pkg" / "bottom.py").write_text("import pkg.top\n")
    client = await start_client([root.as_uri()], "neovim@v0.7.0")
    try:
        uri = open_document(client, root / "pkg" / "bottom.py")
        await asyncio.sleep(0.3)
        assert not await diagnostics(client, uri)
        (root / "archrules.toml").write_text(
            '[project]\nroots = ["."]\n[[layers]]\nname = "late"\n'
            'layers = ["pkg.top", "pkg.bottom"]\n'
        )
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[
                    types.FileEvent(
                        uri=(root / "archrules.toml").as_uri(), type=types.FileChangeType.Created
                    )
                ]
            )
        )
        await wait_for(client, uri, lambda d: [x.code for x in d] == ["late"])
        (root / "archrules.toml").unlink()
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[
                    types.FileEvent(
                        uri=(root / "archrules.toml").as_uri(), type=types.FileChangeType.Deleted
                    )
                ]
            )
        )
        await wait_for(client, uri, lambda d: not d)
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


def _read_message(stream: IO[bytes]) -> dict[str, Any]:
    length = 0
    while True:
        line = stream.readline().strip()
        if not line:
            break
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    message: dict[str, Any] = json.loads(stream.read(length))
    return message


def test_garbage_on_stdin_does_not_kill_the_server(tmp_path: Path) -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "archrules", "server"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert server.stdin is not None and server.stdout is not None
        junk = b"Content-Length: 5\r\n\r\n{{{{{"
        ping = json.dumps(
            {"jsonrpc": "2.0", "id": 7, "method": "initialize", "params": {"capabilities": {}}}
        ).encode()
        server.stdin.write(junk + b"Content-Length: %d\r\n\r\n%s" % (len(ping), ping))
        server.stdin.flush()
        reply = _read_message(server.stdout)
        while reply.get("id") != 7:  # the junk is reported first (window/showMessage)
            reply = _read_message(server.stdout)
        assert "capabilities" in reply["result"]
    finally:
        server.kill()
        server.wait()


def test_server_help_and_bad_tcp_address() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "archrules", "server", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0 and "--tcp" in out.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "archrules", "server", "--tcp", "nowhere"],
        capture_output=True,
        check=False,
        text=True,
        timeout=30,
    )
    assert bad.returncode == 2 and "HOST:PORT" in bad.stderr
    env = dict(os.environ)
    unwritable = subprocess.run(
        [sys.executable, "-m", "archrules", "server", "--log-file", "/nonexistent/dir/log"],
        capture_output=True,
        check=False,
        text=True,
        timeout=30,
        env=env,
    )
    assert unwritable.returncode == 2 and "/nonexistent/dir/log" in unwritable.stderr
    assert shutil.which("true") is not None


async def test_allow_keeps_comments_and_extends_exceptions(client: LanguageClient) -> None:
    path = proj(client) / "src/shop/domain/money.py"
    base = path.read_text()
    text = (
        base
        + "\n\ndef late():\n    import shop.web.forms  # needed for the legacy form\n"
        + "    # archrules: allow[no-cycles] ADR-0006\n    import shop.services.checkout\n"
    )
    uri = open_document(client, path, text)
    found = await wait_for(client, uri, lambda d: len(by_rule(d, "clean-architecture")) == 2)
    lines = text.split("\n")
    first, second = sorted(by_rule(found, "clean-architecture"), key=lambda d: d.range.start.line)
    allow = next(a for a in await code_actions(client, uri, first) if a.title.startswith("Allow"))
    fixed = apply_edits(text, text_edits(allow, uri), encoding_of(client))
    new_lines = fixed.split("\n")
    at = first.range.start.line
    assert new_lines[at] == "    # archrules: allow[clean-architecture] ADR-0002"
    assert new_lines[at + 1] == lines[at]  # the user's comment is kept
    allow = next(a for a in await code_actions(client, uri, second) if a.title.startswith("Allow"))
    extended = apply_edits(text, text_edits(allow, uri), encoding_of(client))
    assert "# archrules: allow[no-cycles, clean-architecture] ADR-0006" in extended
    change_document(client, uri, 2, fixed)
    await wait_for(client, uri, lambda d: len(by_rule(d, "clean-architecture")) == 1)


async def test_record_adr_action_creates_the_next_adr_and_cites_it(client: LanguageClient) -> None:
    path = proj(client) / "src/shop/domain/cart.py"
    uri = open_document(client, path)
    found = await wait_for(client, uri, lambda d: bool(by_rule(d, "clean-architecture")))
    actions = await code_actions(client, uri, by_rule(found, "clean-architecture")[0])
    record = [a for a in actions if a.title.startswith("Record a new ADR")]
    assert record, [a.title for a in actions]  # every profile here supports file creation
    edit = record[0].edit
    assert edit is not None and edit.document_changes
    create, content, source = edit.document_changes
    assert isinstance(create, types.CreateFile) and create.uri.endswith(
        "/docs/adr/0011-allow-shop-domain-cart-to-import-shop-web-forms.md"
    )
    assert isinstance(content, types.TextDocumentEdit)
    body = content.edits[0].new_text
    assert "status: proposed" in body and "clean-architecture" in body
    assert "# Allow shop.domain.cart to import shop.web.forms" in body
    assert isinstance(source, types.TextDocumentEdit)
    assert "allow[clean-architecture] ADR-0011" in source.edits[0].new_text


async def test_crlf_documents_get_crlf_comment_lines(client: LanguageClient) -> None:
    path = proj(client) / "src/shop/domain/money.py"
    text = "X = 1\r\nimport shop.web.forms  # legacy\r\n"
    uri = open_document(client, path, text)
    found = await wait_for(client, uri, lambda d: bool(by_rule(d, "clean-architecture")))
    d = by_rule(found, "clean-architecture")[0]
    assert d.range.start.line == 1
    allow = next(a for a in await code_actions(client, uri, d) if a.title.startswith("Allow"))
    [edit] = text_edits(allow, uri)
    assert edit.new_text.endswith("ADR-0002\r\n")


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


async def test_convention_findings_live_with_hover_related_and_allow(
    client: LanguageClient,
) -> None:
    feeds = proj(client) / "src/shop/web/feeds.py"
    text = feeds.read_text()
    uri = open_document(client, feeds)
    found = await wait_for(client, uri, lambda d: bool(by_rule(d, "no-copies")))
    copy = by_rule(found, "no-copies")[0]
    assert copy.related_information
    assert copy.related_information[0].location.uri.endswith("/web/serializers.py")
    assert "ADR-0009" in copy.message
    value = await hover_text(client, uri, copy.range.start.line, copy.range.start.character + 1)
    assert "no-copies" in value and "Code conventions checked in CI" in value
    allow = next(
        a for a in await code_actions(client, uri, copy) if a.title.startswith("Allow no-copies")
    )
    fixed = apply_edits(text, text_edits(allow, uri), encoding_of(client))
    change_document(client, uri, 2, fixed)
    await wait_for(client, uri, lambda d: not by_rule(d, "no-copies"))
    # typing a copy of a function flags it as it is typed
    serializers = proj(client) / "src/shop/web/serializers.py"
    body = serializers.read_text()
    start = body.index("def order_to_dict")
    end = body.index("\ndef ", start + 1) if "\ndef " in body[start + 1 :] else len(body)
    twin = body[start:end].replace("def order_to_dict", "def order_as_dict", 1)
    change_document(client, uri, 3, fixed + "\n\n" + twin + "\n")
    await wait_for(
        client,
        uri,
        lambda d: any("order_as_dict" in x.message for x in by_rule(d, "no-copies")),
    )
