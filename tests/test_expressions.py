"""Module expressions, import expressions and name globs: every form."""

from __future__ import annotations

import pytest

from archrules.core.expressions import ExpressionError, ImportExpr, ModuleExpr, glob_match


@pytest.mark.parametrize(
    ("expr", "module", "root"),
    [
        ("shop.web", "shop.web", "shop.web"),
        ("shop.web", "shop.web.forms", "shop.web"),
        ("shop.web", "shop.webshop", None),
        ("shop.web", "shop", None),
        ("shop.*", "shop.orders", "shop.orders"),
        ("shop.*", "shop.orders.models.x", "shop.orders"),
        ("shop.*", "shop", None),
        ("shop.**.models", "shop.models", "shop.models"),
        ("shop.**.models", "shop.a.b.models", "shop.a.b.models"),
        ("shop.**.models", "shop.a.b.models.user", "shop.a.b.models"),
        ("shop.**.models", "shop.a.b", None),
        ("shop.**", "shop", "shop"),
        ("shop.**", "shop.x.y", "shop"),
        ("*.api", "billing.api.v1", "billing.api"),
    ],
)
def test_module_expression_forms(expr: str, module: str, root: str | None) -> None:
    parsed = ModuleExpr.parse(expr)
    assert parsed.match_root(module) == root
    assert parsed.matches(module) is (root is not None)
    assert parsed.matches_exactly(module) is (root == module)


@pytest.mark.parametrize("bad", ["", "shop..web", "shop.web-ui", "1shop", "shop.w*b", "shop."])
def test_bad_module_expressions(bad: str) -> None:
    with pytest.raises(ExpressionError):
        ModuleExpr.parse(bad)


def test_expression_properties() -> None:
    assert ModuleExpr.parse(" shop.* ").text == "shop.*"
    assert ModuleExpr.parse("shop.*").is_wildcard
    assert not ModuleExpr.parse("shop.web").is_wildcard
    assert ModuleExpr.parse("shop.web").top == "shop"
    within = ModuleExpr.parse("web").within(ModuleExpr.parse("shop.*"))
    assert within.text == "shop.*.web"
    assert within.matches("shop.orders.web.views")


def test_import_expressions() -> None:
    expr = ImportExpr.parse("shop.web.legacy -> shop.domain.**")
    assert expr.matches("shop.web.legacy.views", "shop.domain.order")
    assert not expr.matches("shop.web.views", "shop.domain.order")
    with pytest.raises(ExpressionError):
        ImportExpr.parse("shop.web shop.domain")


@pytest.mark.parametrize(
    ("pattern", "name", "expected"),
    [
        ("*Repository", "OrderRepository", True),
        ("*Repository", "OrderRepo", False),
        ("Order?", "Orders", True),
        ("Order?", "Order", False),
        ("*", "", True),
        ("a*b*c", "aXbYc", True),
        ("a*b*c", "aXbY", False),
        ("**x", "x", True),
        ("a" + "*a" * 30 + "b", "a" * 60, False),  # no exponential backtracking
    ],
)
def test_glob(pattern: str, name: str, expected: bool) -> None:
    assert glob_match(pattern, name) is expected
