"""The independent rule on in-memory graphs: the listed modules may not import each other,
directly or through free modules; wildcards make each match its own island."""

from __future__ import annotations

from graph_support import MemoryGraph, check, checkers_from_toml, direct

CONTEXTS = """
[[independent]]
name = "contexts"
modules = ["app.orders", "app.billing", "app.catalog"]
{extra}
"""


def contexts(extra: str = "") -> str:
    return CONTEXTS.format(extra=extra)


def test_each_may_import_itself_and_shared_modules() -> None:
    graph = {
        "app.orders.a": ["app.orders.b", "app.shared"],
        "app.billing.a": ["app.shared", "os", "requests"],
        "app.shared": [],
    }
    assert check(contexts(), graph) == []


def test_a_direct_import_between_two_is_a_violation_in_either_direction() -> None:
    graph = MemoryGraph({"app.orders.a": ["app.billing.b"], "app.billing.b": ["app.catalog"]})
    found = direct(checkers_from_toml(contexts()), graph)
    assert [v.message for v in found] == [
        "app.billing.b imports app.catalog: app.billing and app.catalog are independent",
        "app.orders.a imports app.billing.b: app.orders and app.billing are independent",
    ]


def test_a_chain_through_a_shared_module_is_a_violation() -> None:
    graph = {"app.orders.a": ["app.shared"], "app.shared": ["app.billing.b"]}
    assert check(contexts(), graph) == ["app.orders.a -> app.shared -> app.billing.b"]
    assert check(contexts("indirect = false"), graph) == []


def test_a_wildcard_makes_each_match_independent() -> None:
    config = """
    [[independent]]
    name = "plugins"
    modules = ["app.plugins.*"]
    """
    graph = {
        "app.plugins.a.x": ["app.plugins.a.y", "app.plugins.b"],
        "app.plugins.c": ["app.core"],
        "app.core": ["app.plugins.a.x"],
    }
    assert check(config, graph) == [
        "app.plugins.a.x -> app.plugins.b",
        "app.plugins.c -> app.core -> app.plugins.a.x",
    ]


def test_ignores() -> None:
    graph = {"app.orders.a": ["app.billing.api"], "app.catalog.x": ["app.billing.api"]}
    assert check(contexts('ignore = ["app.* -> app.billing.api"]'), graph) == []
    assert check(contexts('ignore = ["app.orders.a -> app.billing.api"]'), graph) == [
        "app.catalog.x -> app.billing.api"
    ]


def test_a_third_party_package_named_as_a_component_is_never_a_target() -> None:
    config = '[[independent]]\nname = "apart"\nmodules = ["app.a", "requests"]\n'
    assert check(config, {"app.a.x": ["requests"]}) == []
    assert check(config, {"app.a.x": ["app.util"], "app.util": ["requests"]}) == []
