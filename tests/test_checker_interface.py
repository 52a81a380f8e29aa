"""The interface rule on in-memory graphs: outsiders may import only the exposed modules."""

from __future__ import annotations

from graph_support import MemoryGraph, check, checkers_from_toml, direct

API = """
[[interface]]
name = "billing-api"
module = "app.billing"
expose = {expose}
{extra}
"""


def api(expose: str = '["app.billing", "app.billing.api"]', extra: str = "") -> str:
    return API.format(expose=expose, extra=extra)


def test_outsiders_may_import_exactly_the_exposed_modules() -> None:
    graph = {"app.web": ["app.billing", "app.billing.api", "app.billing.api.v2"]}
    assert check(api(), graph) == ["app.web -> app.billing.api.v2"]


def test_a_violation_names_what_the_module_exposes() -> None:
    found = direct(checkers_from_toml(api()), MemoryGraph({"app.web": ["app.billing.gateway"]}))
    assert [v.message for v in found] == [
        "app.web imports app.billing.gateway, which is internal to app.billing "
        "(it exposes app.billing, app.billing.api)"
    ]


def test_the_module_itself_may_import_its_internals() -> None:
    graph = {"app.billing.api": ["app.billing.gateway"], "app.billing": ["app.billing.db.x"]}
    assert check(api(), graph) == []


def test_a_trailing_double_star_exposes_everything_below() -> None:
    graph = {"app.web": ["app.billing.api.v2.x", "app.billing.db"]}
    assert check(api('["app.billing.api.**"]'), graph) == ["app.web -> app.billing.db"]


def test_the_package_itself_is_internal_unless_exposed() -> None:
    graph = {"app.web": ["app.billing", "app.billing.api"]}
    assert check(api('["app.billing.api"]'), graph) == ["app.web -> app.billing"]


def test_ignores_and_externals() -> None:
    graph = {"app.web": ["app.billing.gateway"], "app.cli": ["app.billing.gateway", "stripe"]}
    assert check(api(extra='ignore = ["app.web -> app.billing.**"]'), graph) == [
        "app.cli -> app.billing.gateway"
    ]
