"""The external rule on in-memory graphs: the third-party packages a scope may import."""

from __future__ import annotations

from graph_support import MemoryGraph, check, checkers_from_toml, direct

DOMAIN = """
[[external]]
name = "domain-deps"
in = ["app.domain"]
{allow}
{extra}
"""


def domain(allow: str = 'allow = ["attrs"]', extra: str = "") -> str:
    return DOMAIN.format(allow=allow, extra=extra)


def test_only_allowed_third_party_packages_in_scope_and_stdlib_always() -> None:
    graph = {
        "app.domain.order": ["attrs", "attrs.validators", "os.path", "requests.adapters"],
        "app.web": ["requests"],
    }
    assert check(domain(), graph) == ["app.domain.order -> requests.adapters"]


def test_the_finding_names_the_package_and_what_is_allowed() -> None:
    graph = MemoryGraph({"app.domain.order": ["requests.adapters", "requests"]})
    found = direct(checkers_from_toml(domain()), graph)
    assert [v.message for v in found] == [
        "app.domain.order imports the third-party package requests, "
        "not allowed here (allowed: attrs)"
    ] * 2
    # one finding per (importer, package): two imports of one package are the same finding
    assert {v.key for v in found} == {("app.domain.order", "requests")}


def test_without_allow_no_third_party_package_is_allowed() -> None:
    graph = MemoryGraph({"app.domain.order": ["attrs"]})
    [found] = direct(checkers_from_toml(domain(allow="")), graph)
    assert found.message.endswith("(allowed: no third-party package)")


def test_first_party_imports_and_chains_are_not_its_business() -> None:
    graph = {"app.domain.order": ["app.util"], "app.util": ["requests"]}
    assert check(domain(), graph) == []


def test_ignores() -> None:
    graph = {"app.domain.order": ["requests"], "app.domain.money": ["requests"]}
    assert check(domain(extra='ignore = ["app.domain.order -> requests"]'), graph) == [
        "app.domain.money -> requests"
    ]
