"""The acyclic rule on in-memory graphs: cycles among the matched packages, through modules
outside them too; cycles inside one package are its own business."""

from __future__ import annotations

from graph_support import MemoryGraph, chains, check, checkers_from_toml, file_of

NO_CYCLES = """
[[acyclic]]
name = "no-cycles"
modules = ["app.*"]
{extra}
"""


def no_cycles(extra: str = "") -> str:
    return NO_CYCLES.format(extra=extra)


def test_a_cycle_between_two_packages_reports_each_import_that_closes_it() -> None:
    graph = {"app.a.x": ["app.b.y"], "app.b.z": ["app.a.w"]}
    assert check(no_cycles(), graph) == ["app.a -> app.b -> app.a", "app.b -> app.a -> app.b"]
    [checker] = checkers_from_toml(no_cycles())
    messages = sorted(v.message for v in checker.check_graph(MemoryGraph(graph)))
    assert messages == [
        "app.a.x imports app.b.y, closing the import cycle app.a -> app.b -> app.a",
        "app.b.z imports app.a.w, closing the import cycle app.b -> app.a -> app.b",
    ]


def test_a_cycle_inside_one_package_and_a_dag_are_fine() -> None:
    graph = {"app.a.x": ["app.a.y", "app.b"], "app.a.y": ["app.a.x"], "app.b": ["app.c"]}
    assert check(no_cycles(), graph) == []


def test_a_cycle_through_an_unmatched_module_is_reported_from_the_matched_ones() -> None:
    config = """
    [[acyclic]]
    name = "pair"
    modules = ["app.a", "app.b"]
    """
    graph = {"app.a": ["app.b"], "app.b": ["app.other"], "app.other": ["app.a"]}
    assert check(config, graph) == [
        "app.a -> app.b -> app.other -> app.a",
        "app.b -> app.other -> app.a -> app.b",
    ]


def test_the_related_locations_walk_the_whole_cycle() -> None:
    graph = MemoryGraph({"app.a.x": ["app.b.y"], "app.b.y": ["app.c"], "app.c": ["app.a.x"]})
    [checker] = checkers_from_toml(no_cycles())
    first = min(checker.check_graph(graph), key=lambda v: v.chain)
    assert first.chain == ("app.a", "app.b", "app.c", "app.a")
    # one step per package of the cycle, each at an import that makes it
    assert [(r.message, r.path, r.range.line) for r in first.related] == [
        ("app.a imports app.b", file_of("app.a.x"), 0),
        ("app.b imports app.c", file_of("app.b.y"), 0),
        ("app.c imports app.a", file_of("app.c"), 0),
    ]


def test_an_ignored_import_breaks_the_cycle() -> None:
    graph = {"app.a.x": ["app.b.y"], "app.b.z": ["app.a.w"]}
    assert check(no_cycles('ignore = ["app.b.z -> app.a.*"]'), graph) == []


def test_imports_of_external_modules_make_no_cycle() -> None:
    graph = {"app.a": ["os", "requests"], "app.b": ["os", "app.a"]}
    assert chains(checkers_from_toml(no_cycles())[0].check_graph(MemoryGraph(graph))) == []
