"""The language server end to end, under every client profile of conftest.PROFILES."""

from __future__ import annotations

import asyncio

from lsprotocol import types
from pytest_lsp import LanguageClient
from tests.lsp.support import (
    apply_edits,
    by_rule,
    change_document,
    code_actions,
    diagnostics,
    encoding_of,
    is_pull,
    open_document,
    proj,
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


async def test_allow_quick_fix_inserts_the_exception_and_clears_the_diagnostic(
    client: LanguageClient,
) -> None:
    cart = proj(client) / "src/shop/domain/cart.py"
    text = cart.read_text()
    uri = open_document(client, cart)
    found = await wait_for(client, uri, lambda d: bool(by_rule(d, "clean-architecture")))
    d = by_rule(found, "clean-architecture")[0]
    actions = await code_actions(client, uri, d)
    assert actions
    titles = [a.title for a in actions if isinstance(a, types.CodeAction)]
    allow = next(
        a for a in actions if isinstance(a, types.CodeAction) and a.title.startswith("Allow")
    )
    assert allow.title == "Allow clean-architecture here (ADR-0002)"
    assert allow.kind == types.CodeActionKind.QuickFix
    assert allow.edit is not None and allow.edit.document_changes
    change = allow.edit.document_changes[0]
    assert isinstance(change, types.TextDocumentEdit)
    assert change.text_document.version == 1
    new_text = apply_edits(text, list(change.edits), encoding_of(client))  # type: ignore[arg-type]
    line = new_text.split("\n")[d.range.start.line]
    assert line.endswith("  # archrules: allow[clean-architecture] ADR-0002")
    assert line.startswith("from ..web.forms import CartForm")
    if any(t.startswith("Record a new ADR") for t in titles):
        record = next(
            a
            for a in actions
            if isinstance(a, types.CodeAction) and a.title.startswith("Record a new ADR")
        )
        assert record.edit is not None and record.edit.document_changes
        create = record.edit.document_changes[0]
        assert isinstance(create, types.CreateFile)
        assert create.uri.endswith(".md") and "/docs/adr/0011-" in create.uri
    change_document(client, uri, 2, new_text)
    await wait_for(client, uri, lambda d: not by_rule(d, "clean-architecture"))
    # ADR-0002 is accepted: the exception itself is fine
    assert not by_rule(await diagnostics(client, uri), "exception-adr")


async def test_fixes_for_exceptions(client: LanguageClient) -> None:
    enc = encoding_of(client)
    reports = proj(client) / "src/shop/services/reports.py"
    text = reports.read_text()
    uri = open_document(client, reports)
    found = await wait_for(client, uri, lambda d: bool(by_rule(d, "exception-adr")))
    d = by_rule(found, "exception-adr")[0]
    actions = await code_actions(client, uri, d)
    assert actions
    replace = next(a for a in actions if isinstance(a, types.CodeAction))
    assert replace.title == "Replace ADR-0004 by its successor ADR-0008"
    assert replace.edit is not None and replace.edit.document_changes
    edit = replace.edit.document_changes[0]
    assert isinstance(edit, types.TextDocumentEdit)
    fixed = apply_edits(text, list(edit.edits), enc)  # type: ignore[arg-type]
    assert "allow[pure-core] ADR-0008 the nightly" in fixed

    pricing = proj(client) / "src/shop/services/pricing.py"
    ptext = pricing.read_text()
    puri = open_document(client, pricing)
    found = await wait_for(client, puri, lambda d: bool(by_rule(d, "unused-exception")))
    d = by_rule(found, "unused-exception")[0]
    assert list(d.tags or []) == [types.DiagnosticTag.Unnecessary]
    actions = await code_actions(client, puri, d)
    assert actions
    remove = next(a for a in actions if isinstance(a, types.CodeAction))
    assert remove.title == "Remove the unused exception comment"
    assert remove.edit is not None and remove.edit.document_changes
    edit = remove.edit.document_changes[0]
    assert isinstance(edit, types.TextDocumentEdit)
    cleaned = apply_edits(ptext, list(edit.edits), enc)  # type: ignore[arg-type]
    assert "archrules: allow" not in cleaned
    assert "from shop.domain.product import Product" in cleaned
    change_document(client, puri, 2, cleaned)
    await wait_for(client, puri, lambda d: not by_rule(d, "unused-exception"))


async def test_interface_fix_imports_from_the_api(client: LanguageClient) -> None:
    path = proj(client) / "src/shop/cli/reports.py"
    text = path.read_text()
    uri = open_document(client, path)
    found = await wait_for(client, uri, lambda d: bool(by_rule(d, "billing-api")))
    d = by_rule(found, "billing-api")[0]
    actions = await code_actions(client, uri, d)
    assert actions
    fix = next(
        a
        for a in actions
        if isinstance(a, types.CodeAction) and a.title.startswith("Import Ledger from")
    )
    assert fix.edit is not None and fix.edit.document_changes
    edit = fix.edit.document_changes[0]
    assert isinstance(edit, types.TextDocumentEdit)
    fixed = apply_edits(text, list(edit.edits), encoding_of(client))  # type: ignore[arg-type]
    assert "from shop.billing.internal.ledger import Ledger" not in fixed
    change_document(client, uri, 2, fixed)
    await wait_for(client, uri, lambda d: not by_rule(d, "billing-api"))


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
