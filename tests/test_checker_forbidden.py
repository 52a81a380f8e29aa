"""The forbidden rule on in-memory graphs: sources, targets inside and outside them,
chains, external packages, ignores."""

from __future__ import annotations

from graph_support import MemoryGraph, check, checkers_from_toml, direct

PURE = """
[[forbidden]]
name = "pure"
from = ["app.domain"]
to = ["app.data", "sqlalchemy", "sqlite3"]
{extra}
"""


def pure(extra: str = "") -> str:
    return PURE.format(extra=extra)


def test_a_source_importing_a_target_is_a_violation_naming_the_target() -> None:
    graph = MemoryGraph({"app.domain.order": ["app.data.tables"]})
    [found] = direct(checkers_from_toml(pure()), graph)
    assert found.message == "app.domain.order may not import app.data.tables (forbidden: app.data)"


def test_other_modules_may_import_the_targets() -> None:
    graph = {"app.services.x": ["app.data.tables", "sqlalchemy.orm"], "app.domain.y": ["attrs"]}
    assert check(pure(), graph) == []


def test_external_targets_stdlib_and_third_party_directly_and_through_a_chain() -> None:
    graph = {
        "app.domain.order": ["sqlite3", "sqlalchemy.orm", "json"],
        "app.domain.money": ["app.util"],
        "app.util": ["sqlalchemy"],
    }
    assert check(pure(), graph) == [
        "app.domain.money -> app.util -> sqlalchemy",
        "app.domain.order -> sqlalchemy.orm",
        "app.domain.order -> sqlite3",
    ]


def test_a_chain_through_free_modules_reaches_a_target() -> None:
    graph = {
        "app.domain.order": ["app.util.a"],
        "app.util.a": ["app.util.b"],
        "app.util.b": ["app.data.tables"],
    }
    assert check(pure(), graph) == [
        "app.domain.order -> app.util.a -> app.util.b -> app.data.tables"
    ]
    [found] = checkers_from_toml(pure())[0].check_graph(MemoryGraph(graph))
    assert found.message == (
        "app.domain.order reaches app.data.tables (forbidden: app.data) "
        "through app.util.a, app.util.b"
    )
    assert check(pure("indirect = false"), graph) == []


def test_a_target_inside_the_source_forbids_only_what_lies_outside_the_importer() -> None:
    config = """
    [[forbidden]]
    name = "private"
    from = ["app.a"]
    to = ["app.*"]
    """
    graph = {"app.a.x": ["app.a.y", "app.b"], "app.a.y": []}
    assert check(config, graph) == ["app.a.x -> app.b"]


def test_a_narrow_target_inside_the_source_is_forbidden_to_its_siblings() -> None:
    config = """
    [[forbidden]]
    name = "secret"
    from = ["app.a"]
    to = ["app.a.secret"]
    """
    assert check(config, {"app.a.y": ["app.a.secret"], "app.a.secret": []}) == [
        "app.a.y -> app.a.secret"
    ]


def test_ignored_imports_neither_violate_nor_carry_a_chain() -> None:
    extra = 'ignore = ["app.domain.order -> app.data.**", "app.util -> sqlalchemy"]'
    graph = {
        "app.domain.order": ["app.data.tables"],
        "app.domain.money": ["app.util"],
        "app.util": ["sqlalchemy"],
    }
    assert check(pure(extra), graph) == []
    assert check(pure(), graph) == [
        "app.domain.money -> app.util -> sqlalchemy",
        "app.domain.order -> app.data.tables",
    ]


def test_wildcard_sources() -> None:
    config = """
    [[forbidden]]
    name = "no-models-to-views"
    from = ["app.**.models"]
    to = ["app.*.views"]
    """
    graph = {"app.shop.deep.models": ["app.blog.views"], "app.blog.views": ["app.blog.models"]}
    assert check(config, graph) == ["app.shop.deep.models -> app.blog.views"]
