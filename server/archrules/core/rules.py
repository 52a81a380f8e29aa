"""The import rules: each config rule compiled into a checker.

A checker has two parts:

* ``check_import`` judges one resolved import on its own (direct violations). It depends
  only on the import, the rule and the module set, so the model caches its results per
  file and recomputes them only for the file that changed.
* ``check_graph`` looks at the whole import graph (indirect chains, cycles). The model
  reruns it only when the set of import edges changed; when only some modules' imports
  changed (the module set did not), it calls ``update_graph`` with those modules, and the
  chain checkers search again only from the importers whose chains may pass through them
  (ADR-0019).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from pathlib import Path
from typing import Literal, Protocol

from archrules.core.config import (
    AcyclicRule,
    ExternalRule,
    ForbiddenRule,
    IndependentRule,
    InterfaceRule,
    LayersRule,
    Rule,
)
from archrules.core.expressions import ImportExpr, ModuleExpr
from archrules.core.graph import reach_masks, shortest_path, strongly_connected
from archrules.core.types import Range, Related, Violation

Category = Literal["first-party", "stdlib", "third-party"]


@dataclass(frozen=True)
class Edge:
    """One import statement resolved to the module it imports."""

    importer: str
    imported: str
    path: Path
    range: Range
    stmt_line: int
    category: Category


class Graph(Protocol):
    """What a checker may ask of the project's import graph."""

    def modules(self) -> Iterable[str]: ...  # first-party modules (files and namespace packages)

    def successors(self, module: str) -> Iterable[str]: ...  # distinct imported modules

    def edges_between(self, importer: str, imported: str) -> Sequence[Edge]: ...

    def is_first_party(self, module: str) -> bool: ...

    def predecessors(self, module: str) -> Iterable[str]: ...  # modules that import it


class Checker:
    rule: Rule

    def check_import(self, edge: Edge) -> Violation | None:
        return None

    def check_graph(self, graph: Graph) -> list[Violation]:
        return []

    def update_graph(self, graph: Graph, changed: Collection[str]) -> list[Violation]:
        """``check_graph`` after the imports of ``changed`` modules changed, the set of
        modules did not. A checker that keeps no state searches the whole graph again."""
        return self.check_graph(graph)

    def remap(self, change: Callable[[Violation], Violation]) -> None:
        """Apply ``change`` to the graph-wide findings a checker keeps between updates
        (ranges that followed their imports to another line)."""

    def _violation(
        self,
        edge: Edge,
        message: str,
        chain: tuple[str, ...] = (),
        related: tuple[Related, ...] = (),
    ) -> Violation:
        rule = self.rule
        return Violation(
            rule=rule.name,
            kind=rule.kind,
            severity=rule.severity,
            path=edge.path,
            range=edge.range,
            message=message,
            importer=edge.importer,
            imported=edge.imported,
            chain=chain or (edge.importer, edge.imported),
            adr=rule.adr,
            key=(edge.importer, edge.imported, *chain[2:]),
            related=related,
        )


def _ignored(ignore: Sequence[ImportExpr], importer: str, imported: str) -> bool:
    return any(expr.matches(importer, imported) for expr in ignore)


def _best_match(exprs: Iterable[tuple[ModuleExpr, int]], module: str) -> tuple[str, int] | None:
    """The most specific (longest root) expression matching the module: (root, tag)."""
    best: tuple[str, int] | None = None
    for expr, tag in exprs:
        root = expr.match_root(module)
        if root is not None and (best is None or len(root) > len(best[0])):
            best = (root, tag)
    return best


@dataclass(frozen=True)
class _ScopeTools:
    """The graph as one chain search sees it."""

    group: Callable[[str], int | None]
    succ: Callable[[str], Iterable[str]]
    is_free: Callable[[str], bool]
    bits: Callable[[str], int]


@dataclass
class _Scope:
    """One chain search's state, kept between updates: each first-party module's group
    (None: free), each free module's reach mask, and the findings by importer."""

    groups: dict[str, int | None]
    masks: dict[str, int]
    found: dict[str, list[Violation]]


class _ChainChecker(Checker):
    """Shared machinery for rules that also forbid indirect chains: a source module
    reaching a forbidden target through modules the rule does not constrain ("free")."""

    indirect: bool
    ignore: tuple[ImportExpr, ...]
    _scopes: dict[str, _Scope] | None = None

    def group(self, module: str) -> int | None:
        """Small int identifying the module's place in the rule, None if unconstrained."""
        raise NotImplementedError

    def scopes(self, graph: Graph) -> list[str]:
        """The separate chain searches to run: in each, a module is constrained only if
        ``in_scope`` says so; every other first-party module may be passed through."""
        return [""]

    def in_scope(self, module: str, scope: str) -> bool:
        return True

    def forbidden(self, source_group: int, target_group: int) -> bool:
        raise NotImplementedError

    def describe_chain(self, importer: str, target: str, chain: list[str]) -> str:
        raise NotImplementedError

    def _scope_group(self, scope: str) -> Callable[[str], int | None]:
        def group(module: str) -> int | None:
            g = self.group(module)
            return g if g is None or self.in_scope(module, scope) else None

        return group

    def check_graph(self, graph: Graph) -> list[Violation]:
        if not self.indirect:
            return []
        first_party = sorted(graph.modules())
        self._scopes = {}
        for scope in self.scopes(graph):
            scope_group = self._scope_group(scope)
            state = _Scope({m: scope_group(m) for m in first_party}, {}, {})
            tools = self._tools(graph, state, scope_group)
            state.masks = reach_masks(
                (m for m in first_party if state.groups[m] is None),
                tools.succ,
                tools.is_free,
                tools.bits,
            )
            for importer in first_party:
                self._search_from(graph, state, tools, importer)
            self._scopes[scope] = state
        return self._collect()

    def update_graph(self, graph: Graph, changed: Collection[str]) -> list[Violation]:
        """Only what ``changed`` can alter is searched again. A free module's reach mask
        changes only if it reaches a changed module through free modules (the paths up to
        the first changed module are the same before and after); an importer's findings
        change only if it changed or one of its imports is such a free module."""
        if not self.indirect:
            return []
        if self._scopes is None:
            return self.check_graph(graph)
        for scope, state in self._scopes.items():
            tools = self._tools(graph, state, self._scope_group(scope))
            reaching: set[str] = set()
            todo = [m for m in changed if tools.is_free(m)]
            while todo:
                module = todo.pop()
                if module not in reaching:
                    reaching.add(module)
                    todo.extend(p for p in graph.predecessors(module) if tools.is_free(p))
            if reaching:
                state.masks.update(
                    reach_masks(reaching, tools.succ, tools.is_free, tools.bits, state.masks)
                )
            importers = set(changed)
            importers.update(p for m in reaching for p in graph.predecessors(m))
            for importer in [m for m in importers if state.groups.get(m) is not None]:
                state.found.pop(importer, None)
                self._search_from(graph, state, tools, importer)
        return self._collect()

    def remap(self, change: Callable[[Violation], Violation]) -> None:
        for state in (self._scopes or {}).values():
            for importer, found in state.found.items():
                state.found[importer] = [change(v) for v in found]

    def _collect(self) -> list[Violation]:
        return [
            v
            for state in (self._scopes or {}).values()
            for importer in sorted(state.found)
            for v in state.found[importer]
        ]

    def _tools(
        self, graph: Graph, state: _Scope, scope_group: Callable[[str], int | None]
    ) -> _ScopeTools:
        groups = state.groups
        ignore = self.ignore

        def group(module: str) -> int | None:
            return groups[module] if module in groups else scope_group(module)

        def succ(module: str) -> Iterable[str]:
            if not ignore:
                return graph.successors(module)
            return [n for n in graph.successors(module) if not _ignored(ignore, module, n)]

        def is_free(module: str) -> bool:
            return module in groups and groups[module] is None

        def bits(module: str) -> int:  # externals too: forbidden may name packages
            g = group(module)
            return 0 if g is None else 1 << g

        return _ScopeTools(group, succ, is_free, bits)

    def _search_from(self, graph: Graph, state: _Scope, tools: _ScopeTools, importer: str) -> None:
        """The chain findings of one importer, into ``state.found``."""
        source = tools.group(importer)
        if source is None:
            return
        found: list[Violation] = []
        for hop in sorted(tools.succ(importer)):
            mask = state.masks.get(hop, 0) if tools.is_free(hop) else 0
            target_group = 0
            while mask:
                if mask & 1 and self.forbidden(source, target_group):
                    found.extend(
                        self._chain_violations(
                            graph,
                            importer,
                            hop,
                            target_group,
                            tools.succ,
                            tools.is_free,
                            tools.group,
                        )
                    )
                mask >>= 1
                target_group += 1
        if found:
            state.found[importer] = found

    def _chain_violations(
        self,
        graph: Graph,
        importer: str,
        hop: str,
        target_group: int,
        succ: Callable[[str], Iterable[str]],
        is_free: Callable[[str], bool],
        group: Callable[[str], int | None],
    ) -> list[Violation]:
        path = shortest_path(hop, succ, is_free, lambda m: group(m) == target_group)
        if path is None:  # pragma: no cover - the mask said it is reachable
            return []
        chain = (importer, *path)
        related = tuple(
            Related(e.path, e.range, f"{a} imports {b}")
            for a, b in pairwise(chain)
            for e in graph.edges_between(a, b)[:1]
        )
        message = self.describe_chain(importer, chain[-1], list(chain))
        return [
            self._violation(edge, message, chain, related)
            for edge in graph.edges_between(importer, hop)[:1]
        ]


# --- layers --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Position:
    container: str  # the container instance ("" without containers)
    layer: int  # 0 is the top
    sibling: int
    name: str  # the layer expression as written, for messages


class LayersChecker(_ChainChecker):
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
            if a.sibling != b.sibling:
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
        if edge.category != "first-party" or _ignored(self.ignore, edge.importer, edge.imported):
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


# --- forbidden -----------------------------------------------------------------------


class ForbiddenChecker(_ChainChecker):
    """A module's place in the rule is (is it a source, the roots of the target
    expressions that contain it). An import is forbidden when the importer is a source and
    the imported module lies in a target root the importer itself is not in: with
    ``from = ["p.a"]``, ``to = ["p.*"]``, ``p.a.x -> p.b`` is forbidden and
    ``p.a.x -> p.a.y`` is not (both are in the target ``p.a``); with ``to = ["p.a.x"]``,
    ``p.a.y -> p.a.x`` is forbidden."""

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
        if _ignored(self.ignore, edge.importer, edge.imported):
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


# --- independent ---------------------------------------------------------------------


class IndependentChecker(_ChainChecker):
    def __init__(self, rule: IndependentRule) -> None:
        self.rule = rule
        self.indirect = rule.indirect
        self.ignore = rule.ignore
        self._exprs = [(expr, i) for i, expr in enumerate(rule.modules)]
        self._roots: list[str] = []
        self._root_ids: dict[str, int] = {}

    def root(self, module: str) -> str | None:
        best = _best_match(self._exprs, module)
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
        if edge.category != "first-party" or _ignored(self.ignore, edge.importer, edge.imported):
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


# --- acyclic -------------------------------------------------------------------------


class AcyclicChecker(Checker):
    def __init__(self, rule: AcyclicRule) -> None:
        self.rule = self._rule = rule
        self._exprs = [(expr, i) for i, expr in enumerate(rule.modules)]

    def _node(self, module: str) -> tuple[str, bool]:
        best = _best_match(self._exprs, module)
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
                    if _ignored(self._rule.ignore, module, nxt):
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
                    if _ignored(self._rule.ignore, module, nxt):
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


# --- interface -----------------------------------------------------------------------


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
        if _ignored(rule.ignore, edge.importer, edge.imported):
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


# --- external ------------------------------------------------------------------------


class ExternalChecker(Checker):
    def __init__(self, rule: ExternalRule) -> None:
        self.rule = self._rule = rule
        self._allow = frozenset(rule.allow)

    def check_import(self, edge: Edge) -> Violation | None:
        rule = self._rule
        if edge.category != "third-party":
            return None
        if not any(expr.matches(edge.importer) for expr in rule.in_):
            return None
        if _ignored(rule.ignore, edge.importer, edge.imported):
            return None
        top = edge.imported.split(".")[0]
        if top in self._allow:
            return None
        allowed = ", ".join(sorted(self._allow)) or "no third-party package"
        violation = self._violation(
            edge,
            f"{edge.importer} imports the third-party package {top}, "
            f"not allowed here (allowed: {allowed})",
        )
        return replace(violation, key=(edge.importer, top))


def compile_rules(rules: Iterable[Rule]) -> list[Checker]:
    checkers: list[Checker] = []
    for rule in rules:
        if isinstance(rule, LayersRule):
            checkers.append(LayersChecker(rule))
        elif isinstance(rule, ForbiddenRule):
            checkers.append(ForbiddenChecker(rule))
        elif isinstance(rule, IndependentRule):
            checkers.append(IndependentChecker(rule))
        elif isinstance(rule, AcyclicRule):
            checkers.append(AcyclicChecker(rule))
        elif isinstance(rule, InterfaceRule):
            checkers.append(InterfaceChecker(rule))
        elif isinstance(rule, ExternalRule):
            checkers.append(ExternalChecker(rule))
        # naming, size, calls, duplicates, drift: core.conventions.compile_conventions
    return checkers
