"""Document sync and files changed outside the editor (``documents.py``): files changed
on disk, unsaved config edits, ADR status changes, a config file created and deleted,
documents that are garbage or unknown."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient
from tests.lsp.support import (
    by_rule,
    change_document,
    diagnostics,
    encoding_of,
    is_pull,
    open_document,
    proj,
    start_client,
    wait_for,
)


async def test_files_changed_on_disk_take_effect(client: LanguageClient) -> None:
    receipt = proj(client) / "src/shop/domain/receipt.py"
    uri = open_document(client, receipt)
    await wait_for(client, uri, lambda d: bool(by_rule(d, "clean-architecture")))
    formatting = proj(client) / "src/shop/utils/formatting.py"
    formatting.write_text("def format_money(money):\n    return str(money)\n")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=formatting.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    await wait_for(client, uri, lambda d: not by_rule(d, "clean-architecture"))
    # a new module on disk: an import of it from the domain is now first-party
    new = proj(client) / "src/shop/web/widgets.py"
    new.write_text("WIDTH = 3\n")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=new.as_uri(), type=types.FileChangeType.Created)]
        )
    )
    change_document(client, uri, 2, receipt.read_text() + "\nfrom shop.web.widgets import WIDTH\n")
    found = await wait_for(client, uri, lambda d: bool(by_rule(d, "clean-architecture")))
    assert any("shop.web.widgets" in d.message for d in found)
    if not is_pull(client) and client.capabilities and client.capabilities.workspace:
        watched = client.capabilities.workspace.did_change_watched_files
        if watched and watched.dynamic_registration:
            methods = [r.method for r in client.registrations]  # type: ignore[attr-defined]
            assert types.WORKSPACE_DID_CHANGE_WATCHED_FILES in methods


async def test_unsaved_config_edits_recheck_and_errors_keep_the_last_config(
    client: LanguageClient,
) -> None:
    cart = proj(client) / "src/shop/domain/cart.py"
    cart_uri = open_document(client, cart)
    await wait_for(client, cart_uri, lambda d: bool(by_rule(d, "clean-architecture")))
    config = proj(client) / "archrules.toml"
    text = config.read_text()
    config_uri = open_document(client, config)
    broken = text.replace("[project]\n", '[project]\nrootz = ["src"]\n', 1)
    change_document(client, config_uri, 2, broken)
    found = await wait_for(client, config_uri, lambda d: any("rootz" in x.message for x in d))
    problem = next(x for x in found if "rootz" in x.message)
    assert problem.range.start.line == broken.split("\n").index('rootz = ["src"]')
    # the last valid config still runs
    assert by_rule(await diagnostics(client, cart_uri), "clean-architecture")
    # a valid edit that drops the rule's layers takes effect without saving
    relaxed = text.replace('  "shop.domain",\n]', "]", 1)
    assert relaxed != text
    change_document(client, config_uri, 3, relaxed)
    await wait_for(client, cart_uri, lambda d: not by_rule(d, "clean-architecture"))
    await wait_for(client, config_uri, lambda d: not any("rootz" in x.message for x in d))


async def test_garbage_and_unknown_documents_do_not_hurt(client: LanguageClient) -> None:
    enc = encoding_of(client)
    path = proj(client) / "src/shop/domain/money.py"
    uri = open_document(client, path)
    garbage = "\x00\ufeff from \udcff import (((\n\r\n\t😀😀 import shop.web.forms  \x0c\n" * 3
    change_document(client, uri, 2, garbage)
    await asyncio.sleep(0.2)
    unknown = (proj(client) / "nowhere/nothing.py").as_uri()
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=unknown),
            position=types.Position(line=99, character=99),
        )
    )
    assert hover is None
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri="untitled:Untitled-1"),
            range=types.Range(
                start=types.Position(line=0, character=0), end=types.Position(line=5, character=0)
            ),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    assert not actions
    # an emoji before the import: the range is in the client's encoding
    text = 'X = "😀"; import shop.web.forms\n'
    change_document(client, uri, 3, text)
    found = await wait_for(
        client,
        uri,
        lambda d: any(x.range.start.line == 0 for x in by_rule(d, "clean-architecture")),
    )
    d = by_rule(found, "clean-architecture")[0]
    before = text[: text.index("shop.web.forms")]
    expected = len(before.encode("utf-8")) if enc == "utf-8" else len(before) + 1
    assert d.range.start.character == expected
    status = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="archrules.server.status", arguments=[])
    )
    assert status["version"]


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
