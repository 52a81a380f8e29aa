"""``[[layers]]``: layers top to bottom; a layer may not import a higher one (and, when
closed, only the layer just below), siblings of one layer may not import each other."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import ClassVar

from archrules.core.expressions import ModuleExpr
from archrules.core.rule import Field, Role, code_list
from archrules.core.rules import IGNORE_FIELDS, ChainChecker, Edge, Graph, IgnoringRule, is_ignored
from archrules.core.types import Range, Violation


@dataclass(frozen=True)
class LayersRule(IgnoringRule):
    KIND: ClassVar[str] = "layers"
    DOC: ClassVar[str] = (
        "Layers, top to bottom: a module may import the layers below its own, never one "
        "above; the modules of one layer written as an array are siblings that may not "
        "import each other."
    )
    IMPORTS: ClassVar[bool] = True
    CHAINS: ClassVar[bool] = True
    EXAMPLE: ClassVar[str] = 'layers = ["app.web", "app.services", "app.domain"]\n'
    FIELDS: ClassVar[tuple[Field, ...]] = (
        Field(
            "layers",
            "layers",
            "layers",
            "The layers, top to bottom: each a module expression, an array of sibling "
            "expressions that may not import each other, or a table { modules = [...], "
            "independent = false } of siblings that may (import-linter's 'a : b').",
            required=True,
        ),
        Field(
            "containers",
            "containers",
            "modules",
            "Packages inside each of which the layers repeat; layer names are then "
            "relative to each container.",
        ),
        Field(
            "closed",
            "closed",
            "boolean",
            "A layer may import only the layer directly below it.",
        ),
        Field(
            "indirect",
            "indirect",
            "boolean",
            "Indirect imports count too: a chain through modules the rule does not name.",
        ),
        Field(
            "optional",
            "optional",
            "modules",
            "Layers (as written in 'layers') that may match no module: no config error "
            "when they are missing (import-linter's '(name)').",
        ),
        Field(
            "exhaustive",
            "exhaustive",
            "boolean",
            "Every child of each container must be in a layer (needs 'containers'); a child "
            "in no layer is a finding of the rule.",
        ),
        Field(
            "exhaustive-ignores",
            "exhaustive_ignores",
            "names",
            "Children of the containers that 'exhaustive' leaves out.",
            valid=re.compile(r"(?!\d)\w+"),
            what="the name of a container's child",
        ),
        *IGNORE_FIELDS,
    )

    # top to bottom; each layer is a tuple of sibling expressions that may not import
    # each other (a plain string in the config is a layer of one)
    layers: tuple[tuple[ModuleExpr, ...], ...] = ()
    containers: tuple[ModuleExpr, ...] = ()
    closed: bool = False
    indirect: bool = True
    # the indices of the layers written { modules = [...], independent = false }: their
    # siblings may import each other
    open_layers: frozenset[int] = frozenset()
    optional: tuple[ModuleExpr, ...] = ()
    exhaustive: bool = False
    exhaustive_ignores: tuple[str, ...] = ()

    def checker(self) -> LayersChecker:
        return LayersChecker(self)

    def checks_nothing(self) -> str | None:
        if len(self.layers) == 1 and len(self.layers[0]) < 2:
            return "has a single layer: it checks nothing (list two layers or more)"
        return None

    def validate(self, problem: Callable[[Range, str], None]) -> None:
        named = {expr.text for layer in self.layers for expr in layer}
        for expr in self.optional:
            if expr.text not in named:
                problem(expr.range, f"'{expr.text}' in 'optional' is not a layer")
        if self.exhaustive and not self.containers:
            problem(self.range, f"rule {self.name}: 'exhaustive' needs 'containers'")

    def module_findings(self, modules: Collection[str]) -> list[tuple[Range, str, tuple[str, ...]]]:
        """With ``exhaustive``: each container's children that are in no layer."""
        if not self.exhaustive:
            return []
        named = {expr.parts[0] for layer in self.layers for expr in layer}
        named.update(self.exhaustive_ignores)
        found: list[tuple[Range, str, tuple[str, ...]]] = []
        for container in self.containers:
            roots = sorted({r for m in modules if (r := container.match_root(m)) is not None})
            for root in roots:
                children = {
                    m[len(root) + 1 :].split(".")[0] for m in modules if m.startswith(root + ".")
                }
                left = sorted(children - named)
                if left:
                    message = (
                        f"{root} has children in no layer: {', '.join(left)}; rule {self.name} "
                        "is exhaustive (list them as layers, or in 'exhaustive-ignores')"
                    )
                    found.append((container.range, message, (root, *left)))
        return found

    def unmatched(
        self, matches_any: Callable[[ModuleExpr], bool], first_party: Callable[[str], bool]
    ) -> list[ModuleExpr]:
        """Containers and layers that match nothing (unless ``optional``); with
        containers, a layer found in no container."""
        must_match = list(self.containers)
        missing: list[ModuleExpr] = []
        optional = {expr.text for expr in self.optional}
        for layer in self.layers:
            for expr in layer:
                if expr.text in optional:
                    continue
                if not self.containers:
                    must_match.append(expr)
                elif not any(matches_any(expr.within(c)) for c in self.containers):
                    missing.append(expr)
        return [e for e in must_match if not matches_any(e)] + missing

    def explain(self, module: str, checker: object) -> Role | None:
        assert isinstance(checker, LayersChecker)
        pos = checker.position(module)
        if pos is None:
            return None
        count = len(self.layers)
        siblings = tuple(e.text for i, e in enumerate(self.layers[pos.layer]) if i != pos.sibling)
        below = range(pos.layer + 1, pos.layer + 2 if self.closed else count)
        where = f" in {pos.container}" if pos.container else ""
        open_layer = pos.layer in self.open_layers
        return Role(
            self,
            f"layer {pos.name}{where} ({pos.layer + 1} of {count})",
            self._names(below) + (siblings if open_layer else ()),
            self._names(range(pos.layer)) + (() if open_layer else siblings),
            layer=pos.name,
        )

    def _names(self, indexes: range) -> tuple[str, ...]:
        return tuple(expr.text for i in indexes for expr in self.layers[i])

    def summary(self) -> str:
        bands = " > ".join(
            (" : " if i in self.open_layers else " | ").join(f"`{e.text}`" for e in layer)
            for i, layer in enumerate(self.layers)
        )
        inside = (
            f" inside each of {code_list(e.text for e in self.containers)}"
            if self.containers
            else ""
        )
        reach = "only the layer just below" if self.closed else "only layers below"
        indirect = " (indirect imports count too)" if self.indirect else ""
        return (
            f"layers, top to bottom{inside}: {bands}; a layer may import {reach}, "
            f"never one above; `|` siblings do not import each other, `:` siblings may{indirect}"
        )

    def components(self) -> list[ModuleExpr]:
        return [
            full
            for layer in self.layers
            for expr in layer
            for full in ([expr.within(c) for c in self.containers] or [expr])
        ]


@dataclass(frozen=True)
class _Position:
    container: str  # the container instance ("" without containers)
    layer: int  # 0 is the top
    sibling: int
    name: str  # the layer expression as written, for messages


class LayersChecker(ChainChecker):
    def __init__(self, rule: LayersRule) -> None:
        self.rule = self._rule = rule
        self.indirect = rule.indirect
        self.ignore = rule.ignore
        self._positions: list[_Position] = []
        self._position_ids: dict[_Position, int] = {}
        self._cache: dict[str, _Position | None] = {}
        # (container expr or None, full layer expr, layer index, sibling index, text)
        self._exprs: list[tuple[ModuleExpr | None, ModuleExpr, int, int, str]] = []
        containers: Sequence[ModuleExpr | None] = rule.containers or (None,)
        for container in containers:
            for li, layer in enumerate(rule.layers):
                for si, expr in enumerate(layer):
                    full = expr if container is None else expr.within(container)
                    self._exprs.append((container, full, li, si, expr.text))

    def expressions(self) -> list[ModuleExpr]:
        return [full for _, full, _, _, _ in self._exprs]

    def position(self, module: str) -> _Position | None:
        if module in self._cache:
            return self._cache[module]
        best: tuple[int, _Position] | None = None
        for container, full, li, si, text in self._exprs:
            root = full.match_root(module)
            if root is None:
                continue
            container_root = "" if container is None else container.match_root(module) or ""
            pos = _Position(container_root, li, si, text)
            if best is None or len(root) > best[0]:
                best = (len(root), pos)
        result = best[1] if best else None
        self._cache[module] = result
        return result

    def scopes(self, graph: Graph) -> list[str]:
        """One chain search per container instance: a chain that leaves a container and
        comes back (``c1.x -> c2.x -> c1.w``) passes freely through the other containers'
        layers, since imports between containers are not constrained."""
        if not self._rule.containers:
            return [""]
        found = {pos.container for m in graph.modules() if (pos := self.position(m)) is not None}
        return sorted(found)

    def in_scope(self, module: str, scope: str) -> bool:
        pos = self.position(module)
        return pos is not None and pos.container == scope

    def group(self, module: str) -> int | None:
        pos = self.position(module)
        if pos is None:
            return None
        if pos not in self._position_ids:
            self._position_ids[pos] = len(self._positions)
            self._positions.append(pos)
        return self._position_ids[pos]

    def _why(self, a: _Position, b: _Position) -> str | None:
        if a.container != b.container:
            return None
        if a.layer == b.layer:
            if a.sibling != b.sibling and a.layer not in self._rule.open_layers:
                return "siblings in one layer may not import each other"
            return None
        if a.layer > b.layer:
            return "a lower layer may not import a higher one"
        if self._rule.closed and b.layer > a.layer + 1:
            return "layers are closed: a layer may import only the layer directly below it"
        return None

    def forbidden(self, source_group: int, target_group: int) -> bool:
        return self._why(self._positions[source_group], self._positions[target_group]) is not None

    def check_import(self, edge: Edge) -> Violation | None:
        if edge.category != "first-party" or is_ignored(self.ignore, edge.importer, edge.imported):
            return None
        a, b = self.position(edge.importer), self.position(edge.imported)
        if a is None or b is None:
            return None
        why = self._why(a, b)
        if why is None:
            return None
        message = (
            f"{edge.importer} (layer {a.name}) imports {edge.imported} (layer {b.name}): {why}"
        )
        return self._violation(edge, message)

    def describe_chain(self, importer: str, target: str, chain: list[str]) -> str:
        a, b = self.position(importer), self.position(target)
        assert a is not None and b is not None
        why = self._why(a, b)
        through = ", ".join(chain[1:-1])
        return (
            f"{importer} (layer {a.name}) reaches {target} (layer {b.name}) "
            f"through {through}: {why}"
        )
