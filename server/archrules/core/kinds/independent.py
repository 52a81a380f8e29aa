"""``[[independent]]``: modules that may not import each other, directly or, unless
``indirect = false``, through others."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from archrules.core.expressions import ModuleExpr
from archrules.core.rule import Field, Role, code_list
from archrules.core.rules import (
    IGNORE_FIELDS,
    INDIRECT_FIELD,
    ChainChecker,
    Edge,
    IgnoringRule,
    best_match,
    is_ignored,
)
from archrules.core.types import Violation


@dataclass(frozen=True)
class IndependentRule(IgnoringRule):
    KIND: ClassVar[str] = "independent"
    DOC: ClassVar[str] = "Components that may not import each other."
    IMPORTS: ClassVar[bool] = True
    CHAINS: ClassVar[bool] = True
    EXAMPLE: ClassVar[str] = 'modules = ["app.billing", "app.shipping"]\n'
    FIELDS: ClassVar[tuple[Field, ...]] = (
        Field(
            "modules",
            "modules",
            "modules",
            "The components; a wildcard expression makes each module it matches one.",
            required=True,
        ),
        INDIRECT_FIELD,
        *IGNORE_FIELDS,
    )

    modules: tuple[ModuleExpr, ...] = ()
    indirect: bool = True

    def checker(self) -> IndependentChecker:
        return IndependentChecker(self)

    def checks_nothing(self) -> str | None:
        # one wildcard expression is enough: each module it matches is a component
        if len(self.modules) < 2 and not any(e.is_wildcard for e in self.modules):
            return "names fewer than two modules: it checks nothing"
        return None

    def unmatched(
        self, matches_any: Callable[[ModuleExpr], bool], first_party: Callable[[str], bool]
    ) -> list[ModuleExpr]:
        return [e for e in self.modules if not matches_any(e)]

    def explain(self, module: str, checker: object) -> Role | None:
        own = [e for e in self.modules if e.matches(module)]
        if not own:
            return None
        others = tuple(e.text for e in self.modules if e not in own)
        return Role(self, f"component {own[0].text}", (), others)

    def summary(self) -> str:
        indirect = " (indirect imports count too)" if self.indirect else ""
        return f"{code_list(e.text for e in self.modules)} do not import each other{indirect}"

    def components(self) -> list[ModuleExpr]:
        return list(self.modules)


class IndependentChecker(ChainChecker):
    def __init__(self, rule: IndependentRule) -> None:
        self.rule = rule
        self.indirect = rule.indirect
        self.ignore = rule.ignore
        self._exprs = [(expr, i) for i, expr in enumerate(rule.modules)]
        self._roots: list[str] = []
        self._root_ids: dict[str, int] = {}

    def root(self, module: str) -> str | None:
        best = best_match(self._exprs, module)
        return None if best is None else best[0]

    def group(self, module: str) -> int | None:
        root = self.root(module)
        if root is None:
            return None
        if root not in self._root_ids:
            self._root_ids[root] = len(self._roots)
            self._roots.append(root)
        return self._root_ids[root]

    def forbidden(self, source_group: int, target_group: int) -> bool:
        return source_group != target_group

    def check_import(self, edge: Edge) -> Violation | None:
        if edge.category != "first-party" or is_ignored(self.ignore, edge.importer, edge.imported):
            return None
        a, b = self.root(edge.importer), self.root(edge.imported)
        if a is None or b is None or a == b:
            return None
        return self._violation(
            edge,
            f"{edge.importer} imports {edge.imported}: {a} and {b} are independent",
        )

    def describe_chain(self, importer: str, target: str, chain: list[str]) -> str:
        return (
            f"{importer} reaches {target} through {', '.join(chain[1:-1])}: "
            f"{self.root(importer)} and {self.root(target)} are independent"
        )
