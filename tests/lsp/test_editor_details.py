"""Editor details (issue 11, B13): the proposed ADR file name keeps both modules; hover on
an import that names its own module says what the rules say, or nothing."""

from __future__ import annotations

from lsprotocol import types
from pytest_lsp import LanguageClient
from tests.lsp.support import by_rule, code_actions, hover_text, open_document, proj, wait_for


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


async def test_hover_on_an_import_of_its_own_module_says_something_or_nothing(
    client: LanguageClient,
) -> None:
    path = proj(client) / "src/shop/utils/extra.py"
    text = "import shop\nfrom shop.domain import cart\n"
    path.write_text(text)
    uri = open_document(client, path)
    await wait_for(client, uri, lambda d: True)
    # `shop` is in no layer, the module neither: nothing worth saying
    assert await hover_text(client, uri, 0, 8) == ""
    # `cart` is the module shop.domain.cart: its layer, and that the import is fine
    value = await hover_text(client, uri, 1, text.split("\n")[1].index("cart") + 1)
    assert "is defined in" not in value
    assert value == "`shop.domain.cart` is in layer `shop.domain`; this import breaks no rule"
