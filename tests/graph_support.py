"""An import graph in memory, for unit tests of the import-rule checkers: no files, no
parser, no model. Rules come from config text through the public entry points
(``load_config``, ``kinds.compile_rules``), never from checker classes by name."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from archrules.core.config import load_config
from archrules.core.kinds import compile_rules
from archrules.core.rule import Rule
from archrules.core.rules import Category, Checker, Edge
from archrules.core.types import Range, Violation

ROOT = Path("/virtual")


def rules_from_toml(text: str) -> list[Rule]:
    """The rules of an ``archrules.toml`` given as text; the config must be clean."""
    result = load_config(ROOT / "archrules.toml", textwrap.dedent(text))
    assert result.config is not None, result.problems
    assert not result.problems, result.problems
    return list(result.config.rules)


def checkers_from_toml(text: str) -> list[Checker]:
    """The import checkers of the rules (the ones that see the import graph)."""
    return compile_rules(rules_from_toml(text)).imports


class MemoryGraph:
    """The ``Graph`` the checkers ask, built from ``{"app.a": ["app.b", "os"], ...}``.

    First-party modules are the keys, the imported modules under the keys' top-level
    packages, the packages above all of them, and ``extra_modules``. Any other import is
    stdlib (Python's own module names) or third-party. The n-th import of a module is on
    line n (0-based), so each edge has its own range."""

    def __init__(
        self, imports: Mapping[str, Sequence[str]], extra_modules: Iterable[str] = ()
    ) -> None:
        tops = {m.partition(".")[0] for m in [*imports, *extra_modules]}
        known = {*imports, *extra_modules}
        targets = {m for found in imports.values() for m in found}
        known.update(m for m in targets if m.partition(".")[0] in tops)
        self._tops = tops
        self._known = {p for m in known for p in _with_parents(m)}
        self._succ: dict[str, dict[str, list[Edge]]] = {}
        self._pred: dict[str, set[str]] = {}
        for module, targets in imports.items():
            self.set_imports(module, targets)

    def set_imports(self, module: str, targets: Sequence[str]) -> None:
        """Replace what ``module`` imports (first-party targets must be known modules: the
        module set stays the same, as ``Checker.update_graph`` expects)."""
        for old in self._succ.pop(module, {}):
            self._pred[old].discard(module)
        succ: dict[str, list[Edge]] = {}
        for line, imported in enumerate(targets):
            category = self.category(imported)
            assert category != "first-party" or imported in self._known, imported
            edge = Edge(
                importer=module,
                imported=imported,
                path=file_of(module),
                range=Range(line, 7, line, 7 + len(imported)),
                stmt_line=line,
                category=category,
            )
            succ.setdefault(imported, []).append(edge)
            self._pred.setdefault(imported, set()).add(module)
        if succ:
            self._succ[module] = succ

    def category(self, module: str) -> Category:
        top = module.partition(".")[0]
        if top in self._tops:
            return "first-party"
        return "stdlib" if top in sys.stdlib_module_names else "third-party"

    def edges(self) -> Iterator[Edge]:
        for module in sorted(self._succ):
            for found in self._succ[module].values():
                yield from found

    # --- the Graph protocol --------------------------------------------------------

    def modules(self) -> Iterable[str]:
        return self._known

    def successors(self, module: str) -> Iterable[str]:
        return self._succ.get(module, {}).keys()

    def edges_between(self, importer: str, imported: str) -> Sequence[Edge]:
        return self._succ.get(importer, {}).get(imported, ())

    def is_first_party(self, module: str) -> bool:
        return module in self._known

    def predecessors(self, module: str) -> Iterable[str]:
        return self._pred.get(module, ())


def _with_parents(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:n]) for n in range(1, len(parts) + 1)]


def file_of(module: str) -> Path:
    return ROOT / (module.replace(".", "/") + ".py")


def direct(checkers: Collection[Checker], graph: MemoryGraph) -> list[Violation]:
    """What ``check_import`` says of every edge, as the model asks it."""
    return [v for edge in graph.edges() for c in checkers if (v := c.check_import(edge))]


def everything(checkers: Collection[Checker], graph: MemoryGraph) -> list[Violation]:
    """Direct findings, then graph-wide ones (chains, cycles)."""
    return [*direct(checkers, graph), *(v for c in checkers for v in c.check_graph(graph))]


def chains(violations: Iterable[Violation]) -> list[str]:
    """Each finding as its chain, ``"a -> b -> c"``: what a user reads first."""
    return sorted(" -> ".join(v.chain) for v in violations)


def check(config: str, imports: Mapping[str, Sequence[str]]) -> list[str]:
    """Every finding of ``config`` on the graph ``imports``, as chains."""
    return chains(everything(checkers_from_toml(config), MemoryGraph(imports)))
