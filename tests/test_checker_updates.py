"""``Checker.update_graph`` after some modules' imports changed gives what a fresh
``check_graph`` on the new graph gives: the chain findings, their messages and their
related locations, for every import-rule kind (the model's incremental path, ADR-0019)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archrules.core.types import Violation
from graph_support import MemoryGraph, checkers_from_toml

MODULES = ["app.a.x", "app.a.y", "app.b.x", "app.b.y", "app.c", "app.d.x", "app.d.y"]
TARGETS = [*MODULES, "app.a", "app.b", "app.d", "requests", "os"]

CONFIGS = {
    "layers": """
        [[layers]]
        name = "stack"
        layers = [["app.a", "app.d"], "app.b"]
        ignore = ["app.c -> app.d.y"]
        """,
    "closed-containers": """
        [[layers]]
        name = "slices"
        containers = ["app.*"]
        layers = ["x", "y"]
        closed = true
        """,
    "forbidden": """
        [[forbidden]]
        name = "no-b"
        from = ["app.a"]
        to = ["app.b", "requests"]
        """,
    "independent": """
        [[independent]]
        name = "islands"
        modules = ["app.a", "app.b", "app.d"]
        """,
    "acyclic": """
        [[acyclic]]
        name = "no-cycles"
        modules = ["app.*"]
        """,
}


def seen(found: Sequence[Violation]) -> list[tuple[object, ...]]:
    """A finding as a user sees it, related locations included."""
    return [(v.rule, v.chain, v.message, v.path, v.range, v.related) for v in found]


def fresh(config: str, imports: dict[str, list[str]]) -> list[tuple[object, ...]]:
    graph = MemoryGraph(imports, MODULES)
    return seen([v for c in checkers_from_toml(config) for v in c.check_graph(graph)])


def test_a_new_chain_a_removed_chain_and_a_longer_chain() -> None:
    imports: dict[str, list[str]] = {"app.a.x": ["app.c"], "app.c": []}
    graph = MemoryGraph(imports, MODULES)
    [checker] = checkers_from_toml(CONFIGS["forbidden"])
    assert checker.check_graph(graph) == []
    for module, targets, chains in [
        ("app.c", ["app.b.x"], [("app.a.x", "app.c", "app.b.x")]),
        ("app.c", ["app.d.x"], []),
        ("app.d.x", ["app.b.y"], [("app.a.x", "app.c", "app.d.x", "app.b.y")]),
        (  # one finding per import that starts a chain
            "app.a.x",
            ["app.d.x", "app.c"],
            [("app.a.x", "app.c", "app.d.x", "app.b.y"), ("app.a.x", "app.d.x", "app.b.y")],
        ),
    ]:
        imports[module] = targets
        graph.set_imports(module, targets)
        found = checker.update_graph(graph, {module})
        assert [v.chain for v in found] == chains
        assert seen(found) == fresh(CONFIGS["forbidden"], imports)


imports_of = st.dictionaries(
    st.sampled_from(MODULES), st.lists(st.sampled_from(TARGETS), max_size=3), max_size=7
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(sorted(CONFIGS)),
    start=imports_of,
    changes=st.lists(
        st.lists(
            st.tuples(st.sampled_from(MODULES), st.lists(st.sampled_from(TARGETS), max_size=3)),
            min_size=1,
            max_size=3,
        ),
        max_size=4,
    ),
)
def test_update_graph_equals_a_fresh_check(
    kind: str,
    start: dict[str, list[str]],
    changes: list[list[tuple[str, list[str]]]],
) -> None:
    config = CONFIGS[kind]
    imports = {m: [t for t in targets if t != m] for m, targets in start.items()}
    graph = MemoryGraph(imports, MODULES)
    checkers = checkers_from_toml(config)
    for checker in checkers:
        checker.check_graph(graph)
    for batch in changes:
        for module, targets in batch:
            imports[module] = [t for t in targets if t != module]
            graph.set_imports(module, imports[module])
        changed = {module for module, _ in batch}
        found = [v for c in checkers for v in c.update_graph(graph, changed)]
        assert seen(found) == fresh(config, imports)


def test_an_update_before_any_check_is_a_full_check_and_direct_only_rules_keep_nothing() -> None:
    imports = {"app.a.x": ["app.c"], "app.c": ["app.b.x"]}
    graph = MemoryGraph(imports, MODULES)
    [checker] = checkers_from_toml(CONFIGS["forbidden"])
    assert seen(checker.update_graph(graph, {"app.c"})) == fresh(CONFIGS["forbidden"], imports)
    [direct_only] = checkers_from_toml(CONFIGS["forbidden"] + "indirect = false\n")
    assert direct_only.check_graph(graph) == direct_only.update_graph(graph, {"app.c"}) == []


def test_remapped_findings_keep_their_new_ranges_until_searched_again() -> None:
    """The model moves kept chain findings when their lines move (an edit above them)."""
    imports = {"app.a.x": ["app.c"], "app.c": ["app.b.x"], "app.d.x": []}
    graph = MemoryGraph(imports, MODULES)
    [checker] = checkers_from_toml(CONFIGS["forbidden"])
    [before] = checker.check_graph(graph)
    checker.remap(lambda v: replace(v, range=v.range._replace(line=v.range.line + 2)))
    [after] = checker.update_graph(graph, {"app.d.x"})  # elsewhere: nothing searched again
    assert after.range.line == before.range.line + 2
    [again] = checker.update_graph(graph, {"app.a.x"})  # its importer: searched again
    assert again.range == before.range
