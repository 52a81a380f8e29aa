"""The protected rule on in-memory graphs: outside a protected package, only the allowed
importers (and their submodules) may import it, directly; chains are not its business."""

from __future__ import annotations

from graph_support import MemoryGraph, check, checkers_from_toml, direct

DB = """
[[protected]]
name = "db-behind-repos"
modules = ["app.db"]
{allow}
{extra}
"""


def db(allow: str = 'allow = ["app.repos", "app.main"]', extra: str = "") -> str:
    return DB.format(allow=allow, extra=extra)


def test_only_the_allowed_importers_and_the_package_itself_may_import_it() -> None:
    graph = {
        "app.db.models": ["app.db.session"],
        "app.repos.orders": ["app.db.models"],
        "app.main": ["app.db"],
        "app.web": ["app.db", "app.db.models", "app.repos.orders", "sqlite3"],
    }
    assert check(db(), graph) == ["app.web -> app.db", "app.web -> app.db.models"]


def test_the_finding_names_who_may_import_it() -> None:
    [found] = direct(checkers_from_toml(db()), MemoryGraph({"app.web": ["app.db.session"]}))
    assert found.message == (
        "app.web imports app.db.session, which is protected: "
        "only app.repos, app.main may import app.db"
    )
    [alone] = direct(checkers_from_toml(db(allow="")), MemoryGraph({"app.web": ["app.db"]}))
    assert alone.message.endswith("only no other module may import app.db")


def test_a_chain_through_an_allowed_importer_is_fine() -> None:
    graph = {"app.web": ["app.repos.orders"], "app.repos.orders": ["app.db"]}
    assert check(db(), graph) == []


def test_a_wildcard_protects_each_match_from_the_others() -> None:
    config = '[[protected]]\nname = "p"\nmodules = ["app.plugins.*"]\n'
    graph = {
        "app.plugins.a": ["app.plugins.b", "app.plugins.a.inner"],
        "app.plugins.b.x": ["app.plugins.b.y"],
    }
    assert check(config, graph) == ["app.plugins.a -> app.plugins.b"]


def test_ignores() -> None:
    graph = {"app.legacy": ["app.db.session"], "app.web": ["app.db.session"]}
    assert check(db(extra='ignore = ["app.legacy -> app.db.**"]'), graph) == [
        "app.web -> app.db.session"
    ]
