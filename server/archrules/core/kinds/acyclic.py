"""``[[acyclic]]``: no import cycle among the modules (each expression's match is one node:
a package with its submodules)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import ClassVar

from archrules.core.expressions import ModuleExpr
from archrules.core.graph import shortest_path, strongly_connected
from archrules.core.rule import Field, Role, code_list
from archrules.core.rules import (
    IGNORE_FIELDS,
    Checker,
    Edge,
    Graph,
    IgnoringRule,
    best_match,
    is_ignored,
)
from archrules.core.types import Related, Violation


@dataclass(frozen=True)
class AcyclicRule(IgnoringRule):
    KIND: ClassVar[str] = "acyclic"
    DOC: ClassVar[str] = "No import cycle among modules."
    IMPORTS: ClassVar[bool] = True
    EXAMPLE: ClassVar[str] = 'modules = ["app.*"]\n'
    FIELDS: ClassVar[tuple[Field, ...]] = (
        Field(
            "modules",
            "modules",
            "modules",
            "The modules; each module an expression matches is one node, with its submodules.",
            required=True,
        ),
        *IGNORE_FIELDS,
    )

    modules: tuple[ModuleExpr, ...] = ()

    def checker(self) -> AcyclicChecker:
        return AcyclicChecker(self)

    def checks_nothing(self) -> str | None:
        return None if self.modules else "names no modules: it checks nothing"

    def unmatched(
        self, matches_any: Callable[[ModuleExpr], bool], first_party: Callable[[str], bool]
    ) -> list[ModuleExpr]:
        return [e for e in self.modules if not matches_any(e)]

    def explain(self, module: str, checker: object) -> Role | None:
        if any(e.matches(module) for e in self.modules):
            return Role(self, "in an acyclic group: no import cycle through it")
        return None

    def summary(self) -> str:
        return f"no import cycle among {code_list(e.text for e in self.modules)}"

    def components(self) -> list[ModuleExpr]:
        return list(self.modules)


class AcyclicChecker(Checker):
    def __init__(self, rule: AcyclicRule) -> None:
        self.rule = self._rule = rule
        self._exprs = [(expr, i) for i, expr in enumerate(rule.modules)]

    def _node(self, module: str) -> tuple[str, bool]:
        best = best_match(self._exprs, module)
        return (module, False) if best is None else (best[0], True)

    def check_graph(self, graph: Graph) -> list[Violation]:
        node_of: dict[str, tuple[str, bool]] = {}
        for module in graph.modules():
            node_of[module] = self._node(module)
        members: dict[str, list[str]] = {}
        for module, (node, _) in node_of.items():
            members.setdefault(node, []).append(module)
        for module_list in members.values():
            module_list.sort()

        def node_succ(node: str) -> list[str]:
            out: set[str] = set()
            for module in members.get(node, ()):
                for nxt in graph.successors(module):
                    target = node_of.get(nxt)
                    if target is None or target[0] == node:
                        continue
                    if is_ignored(self._rule.ignore, module, nxt):
                        continue
                    out.add(target[0])
            return sorted(out)

        succ_cache = {node: node_succ(node) for node in sorted(members)}
        component_of: dict[str, int] = {}
        for i, nodes in enumerate(strongly_connected(sorted(members), succ_cache.__getitem__)):
            if len(nodes) > 1:
                for node in nodes:
                    component_of[node] = i
        found: list[Violation] = []
        matched = {node for node, is_matched in node_of.values() if is_matched}
        for node in sorted(component_of):
            if node not in matched:
                continue
            comp = component_of[node]
            for module in members[node]:
                for nxt in sorted(graph.successors(module)):
                    target = node_of.get(nxt)
                    if target is None or target[0] == node or component_of.get(target[0]) != comp:
                        continue
                    if is_ignored(self._rule.ignore, module, nxt):
                        continue
                    back = shortest_path(
                        target[0],
                        succ_cache.__getitem__,
                        lambda n, comp=comp: component_of.get(n) == comp,  # type: ignore[misc]
                        lambda n, node=node: n == node,  # type: ignore[misc]
                    )
                    cycle = (node, *(back or [target[0], node]))
                    related = tuple(
                        Related(edge.path, edge.range, f"{a} imports {b}")
                        for a, b in pairwise(cycle)
                        for edge in self._edges_between_nodes(graph, members, node_of, a, b)[:1]
                    )
                    for edge in graph.edges_between(module, nxt)[:1]:
                        message = (
                            f"{module} imports {nxt}, closing the import cycle "
                            + " -> ".join(cycle)
                        )
                        violation = self._violation(edge, message, cycle, related)
                        found.append(replace(violation, key=(module, nxt)))
        return found

    @staticmethod
    def _edges_between_nodes(
        graph: Graph,
        members: dict[str, list[str]],
        node_of: dict[str, tuple[str, bool]],
        a: str,
        b: str,
    ) -> list[Edge]:
        for module in members.get(a, ()):
            for nxt in sorted(graph.successors(module)):
                if node_of.get(nxt, ("", False))[0] == b:
                    return list(graph.edges_between(module, nxt))
        return []
