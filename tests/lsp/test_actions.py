"""Quick fixes (``actions.py``): allow with the rule's ADR, exceptions extended or
replaced, imports from the interface, a new ADR recorded, CRLF documents."""

from __future__ import annotations

from lsprotocol import types
from pytest_lsp import LanguageClient
from tests.lsp.support import (
    apply_edits,
    by_rule,
    change_document,
    code_actions,
    diagnostics,
    encoding_of,
    open_document,
    proj,
    text_edits,
    wait_for,
)


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


async def test_the_proposed_adr_file_name_keeps_both_module_names(client: LanguageClient) -> None:
    web = proj(client) / "src/shop/web/customer_notification_preferences.py"
    web.write_text("")
    path = proj(client) / "src/shop/domain/loyalty_programme_membership.py"
    text = "from shop.web import customer_notification_preferences\n"
    path.write_text(text)
    uri = open_document(client, path)
    found = await wait_for(client, uri, lambda d: bool(by_rule(d, "clean-architecture")))
    actions = await code_actions(client, uri, by_rule(found, "clean-architecture")[0])
    record = next(a for a in actions if a.title.startswith("Record a new ADR"))
    assert record.edit is not None and record.edit.document_changes
    create = record.edit.document_changes[0]
    assert isinstance(create, types.CreateFile)
    name = create.uri.rsplit("/", 1)[-1]
    assert name == (
        "0011-allow-loyalty-programme-membership-to-import-customer-notification-preferences.md"
    )
