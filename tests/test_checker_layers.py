"""The layers rule on in-memory graphs: direct and indirect violations, siblings, closed
layers, containers, ignores, wildcards."""

from __future__ import annotations

from graph_support import MemoryGraph, check, checkers_from_toml, direct

LAYERS = """
[[layers]]
name = "stack"
layers = [["app.web", "app.cli"], "app.services", "app.domain"]
{extra}
"""


def layers(extra: str = "") -> str:
    return LAYERS.format(extra=extra)


def test_downward_imports_and_imports_of_unlayered_modules_are_fine() -> None:
    graph = {
        "app.web.views": ["app.services.orders", "app.domain.order", "app.util", "os"],
        "app.services.orders": ["app.domain.order", "requests"],
        "app.domain.order": ["app.domain.money"],
    }
    assert check(layers(), graph) == []


def test_an_upward_import_is_a_direct_violation_with_its_layers_named() -> None:
    graph = MemoryGraph({"app.domain.order": ["os", "app.services.orders"]})
    [found] = direct(checkers_from_toml(layers()), graph)
    assert (found.rule, found.importer, found.imported) == (
        "stack",
        "app.domain.order",
        "app.services.orders",
    )
    assert found.message == (
        "app.domain.order (layer app.domain) imports app.services.orders "
        "(layer app.services): a lower layer may not import a higher one"
    )
    assert found.range.line == 1  # the second import of the module
    assert found.path.name == "order.py"


def test_siblings_in_one_layer_may_not_import_each_other() -> None:
    assert check(layers(), {"app.cli.main": ["app.web.views"]}) == ["app.cli.main -> app.web.views"]


def test_a_chain_through_unlayered_modules_is_an_indirect_violation() -> None:
    graph = {
        "app.domain.order": ["app.util.a"],
        "app.util.a": ["app.util.b"],
        "app.util.b": ["app.web.views"],
    }
    assert check(layers(), graph) == [
        "app.domain.order -> app.util.a -> app.util.b -> app.web.views"
    ]


def test_an_indirect_violation_gives_the_chain_its_message_and_related_imports() -> None:
    graph = MemoryGraph({"app.domain.order": ["app.util"], "app.util": ["app.services.x"]})
    (checker,) = checkers_from_toml(layers())
    [found] = checker.check_graph(graph)
    assert found.message == (
        "app.domain.order (layer app.domain) reaches app.services.x (layer app.services) "
        "through app.util: a lower layer may not import a higher one"
    )
    assert found.chain == ("app.domain.order", "app.util", "app.services.x")
    assert [r.message for r in found.related] == [
        "app.domain.order imports app.util",
        "app.util imports app.services.x",
    ]
    assert found.path.name == "order.py" and found.imported == "app.util"


def test_a_chain_passes_through_free_modules_only() -> None:
    """cli -> services is allowed; the chain services -> util -> web is the services
    module's finding, not also one of cli's through a layered module."""
    graph = {
        "app.cli.main": ["app.services.x"],
        "app.services.x": ["app.util"],
        "app.util": ["app.web.views"],
    }
    assert check(layers(), graph) == ["app.services.x -> app.util -> app.web.views"]


def test_the_shortest_chain_is_reported_once_per_forbidden_layer() -> None:
    graph = {
        "app.domain.order": ["app.util.long"],
        "app.util.long": ["app.util.longer", "app.util.short"],
        "app.util.longer": ["app.util.short"],
        "app.util.short": ["app.web.a", "app.cli.b"],
    }
    assert check(layers(), graph) == [
        "app.domain.order -> app.util.long -> app.util.short -> app.cli.b",
        "app.domain.order -> app.util.long -> app.util.short -> app.web.a",
    ]


def test_indirect_false_reports_direct_imports_only() -> None:
    graph = {"app.domain.order": ["app.util"], "app.util": ["app.web.views"]}
    assert check(layers("indirect = false"), graph) == []
    assert check(layers("indirect = false"), {"app.domain.order": ["app.web.views"]}) == [
        "app.domain.order -> app.web.views"
    ]


def test_closed_layers_may_import_only_the_layer_directly_below() -> None:
    graph = {"app.web.views": ["app.domain.order"], "app.cli.main": ["app.services.x"]}
    assert check(layers(), graph) == []
    assert check(layers("closed = true"), graph) == ["app.web.views -> app.domain.order"]
    [found] = direct(checkers_from_toml(layers("closed = true")), MemoryGraph(graph))
    assert found.message.endswith(
        "layers are closed: a layer may import only the layer directly below it"
    )


def test_the_most_specific_layer_expression_wins() -> None:
    config = """
    [[layers]]
    name = "nested"
    layers = ["app.api", "app"]
    """
    # app.api.x is in layer app.api, not in the enclosing app
    assert check(config, {"app.core": ["app.api.x"]}) == ["app.core -> app.api.x"]
    assert check(config, {"app.api.x": ["app.core"]}) == []


def test_ignored_imports_are_neither_violations_nor_links_of_a_chain() -> None:
    extra = 'ignore = ["app.domain.order -> app.web.views", "app.util -> app.web.*"]'
    assert check(layers(extra), {"app.domain.order": ["app.web.views"]}) == []
    graph = {"app.domain.order": ["app.util"], "app.util": ["app.web.views"]}
    assert check(layers(extra), graph) == []
    # the other side of the ignore still counts
    assert check(layers(extra), {"app.domain.other": ["app.web.views"]}) == [
        "app.domain.other -> app.web.views"
    ]


CONTAINERS = """
[[layers]]
name = "slices"
containers = ["app.*"]
layers = ["web", "domain"]
"""


def test_containers_repeat_the_layers_in_each_container_and_leave_crossings_alone() -> None:
    graph = {
        "app.orders.domain": ["app.orders.web"],
        "app.billing.web": ["app.billing.domain", "app.orders.web"],
        "app.billing.domain": ["app.orders.web"],  # another container: not constrained
    }
    assert check(CONTAINERS, graph) == ["app.orders.domain -> app.orders.web"]


def test_a_chain_that_leaves_a_container_and_comes_back_is_a_violation() -> None:
    graph = {
        "app.orders.domain": ["app.billing.web"],
        "app.billing.web": ["app.orders.web"],
    }
    assert check(CONTAINERS, graph) == ["app.orders.domain -> app.billing.web -> app.orders.web"]


def test_wildcard_layer_expressions() -> None:
    config = """
    [[layers]]
    name = "models-last"
    layers = ["app.*.views", "app.**.models"]
    """
    graph = {"app.shop.deep.models": ["app.blog.views"], "app.blog.views": ["app.blog.models"]}
    assert check(config, graph) == ["app.shop.deep.models -> app.blog.views"]


def test_a_third_party_package_named_as_a_layer_is_never_a_target() -> None:
    """Layers judge first-party imports: a direct import of a package named as a layer is
    not reported, so a chain into it is not either (it used to be: the chain search marked
    packages for forbidden's sake)."""
    config = '[[layers]]\nname = "stack"\nlayers = ["requests", "app.web"]\n'
    assert check(config, {"app.web.x": ["requests"]}) == []
    assert check(config, {"app.web.x": ["app.util"], "app.util": ["requests"]}) == []
