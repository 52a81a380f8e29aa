"""Diagnostics (``diagnostics.py``): findings pushed or pulled, per client profile; the
latest version, files that republish others, baseline, workspace diagnostics, conventions."""

from __future__ import annotations

import asyncio
import subprocess
import sys

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
    text_edits,
    wait_for,
    wait_indexed,
)


async def test_typing_a_violating_import_adds_a_diagnostic(client: LanguageClient) -> None:
    path = proj(client) / "src/shop/domain/money.py"
    text = path.read_text()
    uri = open_document(client, path)
    await wait_for(client, uri, lambda d: not by_rule(d, "clean-architecture"), timeout=5)
    change_document(client, uri, 2, text + "\nfrom shop.services import checkout\n")
    found = await wait_for(client, uri, lambda d: bool(by_rule(d, "clean-architecture")))
    d = by_rule(found, "clean-architecture")[0]
    assert "shop.domain.money" in d.message and "shop.services.checkout" in d.message
    assert "layer shop.domain" in d.message and "layer shop.services" in d.message
    last_line = len((text + "\n").split("\n")) - 1
    assert d.range.start.line == last_line
    assert d.severity == types.DiagnosticSeverity.Error
    # and removing it again clears it
    change_document(client, uri, 3, text)
    await wait_for(client, uri, lambda d: not by_rule(d, "clean-architecture"))


async def test_pushed_diagnostics_carry_the_latest_version(client: LanguageClient) -> None:
    if is_pull(client):
        return  # pulled reports are computed for the current text on request
    path = proj(client) / "src/shop/domain/money.py"
    text = path.read_text()
    uri = open_document(client, path)
    for version in range(2, 12):
        extra = "\nfrom shop.web import forms\n" if version % 2 else ""
        change_document(client, uri, version, text + extra)
    await wait_for(client, uri, lambda d: bool(by_rule(d, "clean-architecture")))
    await asyncio.sleep(0.3)
    versions = [p.version for p in getattr(client, "published", []) if p.uri == uri and p.version]
    assert not versions or versions == sorted(versions)
    assert by_rule(await diagnostics(client, uri), "clean-architecture")


async def test_a_change_in_one_file_republishes_another(client: LanguageClient) -> None:
    receipt = proj(client) / "src/shop/domain/receipt.py"
    formatting = proj(client) / "src/shop/utils/formatting.py"
    receipt_uri = open_document(client, receipt)
    found = await wait_for(client, receipt_uri, lambda d: bool(by_rule(d, "clean-architecture")))
    chain = by_rule(found, "clean-architecture")[0]
    assert "shop.utils.formatting" in chain.message
    assert chain.related_information and len(chain.related_information) >= 1
    # the chain runs through formatting.py: cut it there, in an unsaved buffer
    formatting_uri = open_document(client, formatting)
    text = formatting.read_text().replace("from shop.services.pricing import gross\n", "")
    text = text.replace("gross(money)", "money")
    change_document(client, formatting_uri, 2, text)
    await wait_for(client, receipt_uri, lambda d: not by_rule(d, "clean-architecture"))


async def test_a_client_that_cannot_be_refreshed_gets_pushed_diagnostics(
    client: LanguageClient,
) -> None:
    caps = client.capabilities
    pulls = bool(caps and caps.text_document and caps.text_document.diagnostic)
    if not pulls or is_pull(client):
        return
    path = proj(client) / "src/shop/domain/cart.py"
    uri = open_document(client, path)
    await wait_for(client, uri, lambda d: bool(by_rule(d, "clean-architecture")))  # pushed
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    assert list(report.items) == []  # nothing twice: the pushed ones are the ones shown


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
