"""``[[protected]]``: a module that only some modules may import (directly): a database
package only the repositories use, a settings module only the composition root reads.
Like import-linter's protected contract, with packages as packages: a protected package's
own modules may import each other, and an allowed importer's submodules are allowed too."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from archrules.core.expressions import ModuleExpr
from archrules.core.rule import Field, Role, code_list
from archrules.core.rules import IGNORE_FIELDS, Checker, Edge, IgnoringRule, best_match, is_ignored
from archrules.core.types import Violation


@dataclass(frozen=True)
class ProtectedRule(IgnoringRule):
    KIND: ClassVar[str] = "protected"
    DOC: ClassVar[str] = (
        "Modules only some others may import directly: outside the protected package, "
        "only the allowed importers may import it."
    )
    IMPORTS: ClassVar[bool] = True
    EXAMPLE: ClassVar[str] = 'modules = ["app.db"]\nallow = ["app.repos"]\n'
    FIELDS: ClassVar[tuple[Field, ...]] = (
        Field(
            "modules",
            "modules",
            "modules",
            "The protected modules, each with its submodules; a wildcard protects each "
            "module it matches.",
            required=True,
        ),
        Field(
            "allow",
            "allow",
            "modules",
            "The only modules that may import them (with their submodules).",
        ),
        *IGNORE_FIELDS,
    )

    modules: tuple[ModuleExpr, ...] = ()
    allow: tuple[ModuleExpr, ...] = ()

    def checker(self) -> ProtectedChecker:
        return ProtectedChecker(self)

    def checks_nothing(self) -> str | None:
        return None if self.modules else "names no modules: it checks nothing"

    def unmatched(
        self, matches_any: Callable[[ModuleExpr], bool], first_party: Callable[[str], bool]
    ) -> list[ModuleExpr]:
        return [e for e in (*self.modules, *self.allow) if not matches_any(e)]

    def explain(self, module: str, checker: object) -> Role | None:
        own = [e for e in self.modules if e.matches(module)]
        if own:
            allowed = code_list(e.text for e in self.allow) or "no other module"
            return Role(self, f"protected ({own[0].text}): only {allowed} may import it")
        if any(e.matches(module) for e in self.allow):
            return Role(self, "allowed to import protected modules", self._texts())
        return Role(self, "may not import protected modules", (), self._texts())

    def _texts(self) -> tuple[str, ...]:
        return tuple(e.text for e in self.modules)

    def summary(self) -> str:
        allowed = code_list(e.text for e in self.allow) if self.allow else "no other module"
        return f"only {allowed} may import {code_list(self._texts())}"

    def components(self) -> list[ModuleExpr]:
        return [*self.modules, *self.allow]


class ProtectedChecker(Checker):
    def __init__(self, rule: ProtectedRule) -> None:
        self.rule = self._rule = rule
        self._exprs = [(expr, i) for i, expr in enumerate(rule.modules)]

    def check_import(self, edge: Edge) -> Violation | None:
        rule = self._rule
        if edge.category != "first-party":
            return None
        best = best_match(self._exprs, edge.imported)
        if best is None:
            return None
        root = best[0]
        if edge.importer == root or edge.importer.startswith(root + "."):
            return None
        if any(expr.matches(edge.importer) for expr in rule.allow):
            return None
        if is_ignored(rule.ignore, edge.importer, edge.imported):
            return None
        allowed = ", ".join(expr.text for expr in rule.allow) or "no other module"
        return self._violation(
            edge,
            f"{edge.importer} imports {edge.imported}, which is protected: "
            f"only {allowed} may import {root}",
        )
