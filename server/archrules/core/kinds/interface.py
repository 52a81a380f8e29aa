"""``[[interface]]``: outside a package, only the modules it exposes may be imported."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from archrules.core.expressions import ModuleExpr
from archrules.core.rule import Field, Role, code_list
from archrules.core.rules import IGNORE_FIELDS, Checker, Edge, IgnoringRule, is_ignored
from archrules.core.types import Range, Violation


@dataclass(frozen=True)
class InterfaceRule(IgnoringRule):
    KIND: ClassVar[str] = "interface"
    DOC: ClassVar[str] = (
        "A package's public interface: outside it, only the modules it exposes may be imported."
    )
    IMPORTS: ClassVar[bool] = True
    EXAMPLE: ClassVar[str] = 'module = "app.billing"\nexpose = ["app.billing.api"]\n'
    FIELDS: ClassVar[tuple[Field, ...]] = (
        Field(
            "module",
            "module",
            "module",
            "The package; with a wildcard, each package it matches.",
            required=True,
        ),
        Field(
            "expose",
            "expose",
            "modules",
            "Its public modules, exact (a trailing '.**' adds all below).",
            required=True,
        ),
        *IGNORE_FIELDS,
    )

    module: ModuleExpr | None = None
    expose: tuple[ModuleExpr, ...] = ()  # exact modules; a trailing ".**" adds all below

    def checker(self) -> InterfaceChecker:
        return InterfaceChecker(self)

    def validate(self, problem: Callable[[Range, str], None]) -> None:
        module = self.module
        for expr in self.expose:
            parts = expr.parts[:-1] if expr.parts[-1] == "**" else expr.parts
            if not parts or any(part in ("*", "**") for part in parts):
                problem(
                    expr.range,
                    f"'{expr.text}' in 'expose' must name exact modules"
                    " (only a trailing '.**' is allowed)",
                )
            elif (
                module is not None
                and not module.is_wildcard
                and not module.matches(".".join(parts))
            ):
                problem(expr.range, f"'{expr.text}' in 'expose' is not inside '{module.text}'")

    def unmatched(
        self, matches_any: Callable[[ModuleExpr], bool], first_party: Callable[[str], bool]
    ) -> list[ModuleExpr]:
        return [] if self.module is None or matches_any(self.module) else [self.module]

    def explain(self, module: str, checker: object) -> Role | None:
        if self.module is None:
            return None
        if self.module.matches(module):
            public = any(e.matches_exactly(module) for e in self.expose)
            return Role(self, f"{'public' if public else 'internal'} part of {self.module.text}")
        exposed = tuple(e.text for e in self.expose)
        return Role(self, f"outside {self.module.text}: may use only its interface", exposed)

    def summary(self) -> str:
        module = self.module.text if self.module is not None else "?"
        return f"outside `{module}`, import only {code_list(e.text for e in self.expose)}"

    def components(self) -> list[ModuleExpr]:
        return [] if self.module is None else [self.module]


def expose_matches(expr: ModuleExpr, module: str) -> bool:
    """``expose`` names exact modules; a trailing ``.**`` adds everything below."""
    if expr.parts and expr.parts[-1] == "**":
        return expr.matches(module)
    parts = module.split(".")
    if len(parts) != len(expr.parts):
        return False
    return all(p in ("*", q) for p, q in zip(expr.parts, parts, strict=True))


class InterfaceChecker(Checker):
    def __init__(self, rule: InterfaceRule) -> None:
        self.rule = self._rule = rule

    def check_import(self, edge: Edge) -> Violation | None:
        rule = self._rule
        if rule.module is None or edge.category != "first-party":
            return None
        if is_ignored(rule.ignore, edge.importer, edge.imported):
            return None
        root = rule.module.match_root(edge.imported)
        if root is None or edge.importer == root or edge.importer.startswith(root + "."):
            return None
        if any(expose_matches(expr, edge.imported) for expr in rule.expose):
            return None
        exposed = ", ".join(expr.text for expr in rule.expose) or "nothing"
        return self._violation(
            edge,
            f"{edge.importer} imports {edge.imported}, which is internal to {root} "
            f"(it exposes {exposed})",
        )
