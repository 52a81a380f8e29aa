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
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Literal, Protocol

from archrules.core.expressions import ImportExpr, ModuleExpr
from archrules.core.graph import reach_masks, shortest_path
from archrules.core.rule import Field, Rule
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


# the keys the import rules share
INDIRECT_FIELD = Field(
    "indirect",
    "indirect",
    "boolean",
    "Indirect imports count too: a chain through modules the rule does not name.",
)
IGNORE_FIELD = Field(
    "ignore",
    "ignore",
    "imports",
    'Imports the rule allows, as "importer -> imported" module expressions (each side '
    "with what is below it).",
)
# both fill ``ignore``: the loader joins them (each ImportExpr knows if it is exact)
IGNORE_EXACT_FIELD = Field(
    "ignore-exact",
    "ignore",
    "exact-imports",
    'Imports the rule allows, as "importer -> imported" naming exact modules: nothing '
    "below them; '*' is one name part, '**' any number (import-linter's ignore_imports).",
)
WARN_UNMATCHED_FIELD = Field(
    "warn-unmatched-ignores",
    "warn_unmatched",
    "boolean",
    "Warn of an ignore or ignore-exact entry that matches no import (unmatched-ignore).",
)
IGNORE_FIELDS = (IGNORE_FIELD, IGNORE_EXACT_FIELD, WARN_UNMATCHED_FIELD)


@dataclass(frozen=True)
class IgnoringRule(Rule):
    """A rule with ``ignore`` and ``ignore-exact`` entries (the import rules)."""

    ignore: tuple[ImportExpr, ...] = ()
    warn_unmatched: bool = True

    def ignores(self) -> tuple[ImportExpr, ...]:
        return self.ignore if self.warn_unmatched else ()


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


def is_ignored(ignore: Sequence[ImportExpr], importer: str, imported: str) -> bool:
    return any(expr.matches(importer, imported) for expr in ignore)


def best_match(exprs: Iterable[tuple[ModuleExpr, int]], module: str) -> tuple[str, int] | None:
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


class ChainChecker(Checker):
    """Shared machinery for rules that also forbid indirect chains: a source module
    reaching a forbidden target through modules the rule does not constrain ("free")."""

    indirect: bool
    ignore: tuple[ImportExpr, ...]
    # may a chain end in a module that is not first-party (forbidden names packages); else
    # such a module is never a target, as ``check_import`` judges first-party imports only
    external_targets = False
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
            return [n for n in graph.successors(module) if not is_ignored(ignore, module, n)]

        def is_free(module: str) -> bool:
            return module in groups and groups[module] is None

        def bits(module: str) -> int:
            if module not in groups and not self.external_targets:
                return 0  # a third-party module is never a target of this rule
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
