"""``[[forbidden]]``: the ``from`` modules may not import the ``to`` modules (first-party
modules or external packages), directly or, unless ``indirect = false``, through others."""

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
    is_ignored,
)
from archrules.core.types import Violation


@dataclass(frozen=True)
class ForbiddenRule(IgnoringRule):
    KIND: ClassVar[str] = "forbidden"
    DOC: ClassVar[str] = "Modules that may not import others (first-party or external)."
    IMPORTS: ClassVar[bool] = True
    CHAINS: ClassVar[bool] = True
    EXAMPLE: ClassVar[str] = 'from = ["app.domain"]\nto = ["app.web", "sqlalchemy"]\n'
    FIELDS: ClassVar[tuple[Field, ...]] = (
        Field("from", "from_", "modules", "The modules the rule restricts.", required=True),
        Field(
            "to",
            "to",
            "modules",
            "What they may not import: module expressions, or top-level names of "
            "external packages.",
            required=True,
        ),
        INDIRECT_FIELD,
        *IGNORE_FIELDS,
    )

    from_: tuple[ModuleExpr, ...] = ()
    to: tuple[ModuleExpr, ...] = ()
    indirect: bool = True

    def checker(self) -> ForbiddenChecker:
        return ForbiddenChecker(self)

    def checks_nothing(self) -> str | None:
        if self.from_ and self.to:
            return None
        return f"has an empty '{'from' if not self.from_ else 'to'}': it checks nothing"

    def unmatched(
        self, matches_any: Callable[[ModuleExpr], bool], first_party: Callable[[str], bool]
    ) -> list[ModuleExpr]:
        """External packages named in ``to`` may be absent: nothing need import them yet."""
        must_match = [*self.from_, *(e for e in self.to if first_party(e.top))]
        return [e for e in must_match if not matches_any(e)]

    def explain(self, module: str, checker: object) -> Role | None:
        if any(e.matches(module) for e in self.from_):
            return Role(self, "restricted", (), tuple(e.text for e in self.to))
        return None

    def summary(self) -> str:
        indirect = " (indirect imports count too)" if self.indirect else ""
        return (
            f"{code_list(e.text for e in self.from_)} must not import "
            f"{code_list(e.text for e in self.to)}{indirect}"
        )

    def components(self) -> list[ModuleExpr]:
        return [*self.from_, *self.to]


class ForbiddenChecker(ChainChecker):
    """A module's place in the rule is (is it a source, the roots of the target
    expressions that contain it). An import is forbidden when the importer is a source and
    the imported module lies in a target root the importer itself is not in: with
    ``from = ["p.a"]``, ``to = ["p.*"]``, ``p.a.x -> p.b`` is forbidden and
    ``p.a.x -> p.a.y`` is not (both are in the target ``p.a``); with ``to = ["p.a.x"]``,
    ``p.a.y -> p.a.x`` is forbidden."""

    external_targets = True

    def __init__(self, rule: ForbiddenRule) -> None:
        self.rule = rule
        self.indirect = rule.indirect
        self.ignore = rule.ignore
        self._from = rule.from_
        self._to = rule.to
        self._places: list[tuple[bool, frozenset[str]]] = []
        self._place_ids: dict[tuple[bool, frozenset[str]], int] = {}
        self._cache: dict[str, tuple[bool, frozenset[str]]] = {}

    def _place(self, module: str) -> tuple[bool, frozenset[str]]:
        place = self._cache.get(module)
        if place is None:
            roots = frozenset(
                root for expr in self._to if (root := expr.match_root(module)) is not None
            )
            place = (self.is_source(module), roots)
            self._cache[module] = place
        return place

    def is_source(self, module: str) -> bool:
        return any(expr.matches(module) for expr in self._from)

    def _target(self, module: str, importer: str) -> ModuleExpr | None:
        """The target expression that forbids ``importer`` to reach ``module``, if any."""
        own = self._place(importer)[1]
        for expr in self._to:
            root = expr.match_root(module)
            if root is not None and root not in own:
                return expr
        return None

    def group(self, module: str) -> int | None:
        place = self._place(module)
        if not place[0] and not place[1]:
            return None
        if place not in self._place_ids:
            self._place_ids[place] = len(self._places)
            self._places.append(place)
        return self._place_ids[place]

    def forbidden(self, source_group: int, target_group: int) -> bool:
        (is_source, own), (_, roots) = self._places[source_group], self._places[target_group]
        return is_source and not roots <= own

    def check_import(self, edge: Edge) -> Violation | None:
        if is_ignored(self.ignore, edge.importer, edge.imported):
            return None
        if not self._place(edge.importer)[0]:
            return None
        target = self._target(edge.imported, edge.importer)
        if target is None:
            return None
        return self._violation(
            edge, f"{edge.importer} may not import {edge.imported} (forbidden: {target.text})"
        )

    def describe_chain(self, importer: str, target: str, chain: list[str]) -> str:
        expr = self._target(target, importer)
        assert expr is not None
        return (
            f"{importer} reaches {target} (forbidden: {expr.text}) through {', '.join(chain[1:-1])}"
        )
