"""Proposing an ``archrules.toml`` for an existing project (``archrules init``).

Everything is inferred from the files as they are, read the way ``archrules check`` reads
them (``modules.discover``, ``facts.extract_facts``, the import graph of a
``ProjectModel``); nothing is imported or executed. Each proposed rule carries its
evidence, printed as ``# evidence:`` comments above it.

* Layers, per main package (a top-level package that is not tests, docs, examples...;
  a package whose only child is a package is looked through, down to the first level with
  several children): its direct children are the units. A unit imports another when one
  of its modules imports a module of the other, directly or through modules that are in
  no unit (the package's ``__init__``, other packages), exactly as an ``indirect`` layers
  rule sees it; such an import counts once per unit it leads to. Without import cycles a
  unit's layer is its height (a unit importing no other unit is at the bottom, an importer
  above everything it imports) and no import breaks the order. Condensing a cycle
  (strongly connected component) into one layer of siblings would break every import
  among its members, which the evidence counts; the units are rather ordered greedily so
  that few imports go backwards (any order of a cycle puts some of its imports downward),
  and the imports that break that order are counted and the heaviest named. If they are
  more than ``WEAK_SHARE`` of the imports between the units, the units in cycles are left
  out (modules in no layer are unconstrained) and the rest is layered again; if fewer
  than two layers remain, no layers rule is proposed. Children with no import between
  them at all are proposed as ``independent``. Units that neither import nor are
  imported by another unit are left out.
* Naming, per package of a main package: a pattern is proposed for classes, functions or
  modules when it holds for at least ``THRESHOLD`` of at least ``MIN_NAMES`` names
  defined below the package, and differs from what an enclosing package already got. A
  common suffix (``*Error``, ``*Repository``, ``*_command``) is preferred to a style
  (``snake_case``, ``PascalCase``, ``UPPER_CASE``). What is counted follows
  ``core.conventions`` (ADR-0007): classes at module level and in classes; functions at
  module level and methods, dunder names left out; modules by their last name part.
* Size: ``max-module-lines`` and ``max-function-lines`` at the ``PERCENTILE``-th
  percentile (nearest rank) of the main packages' modules (physical lines) and functions
  (from the ``def`` line to the last line, without decorators, docstring, blank lines and
  comment-only lines), so that about 5 % of them are reported.

The proposal is then checked with the engine: it must load without a problem, and each
rule's evidence ends with the number of violations ``archrules check`` reports for it.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from archrules.core.adr import load_adrs
from archrules.core.config import Config, find_configs_below, load_config, toml_value
from archrules.core.conventions import is_dunder, name_matches
from archrules.core.expressions import NAME_STYLES
from archrules.core.facts import decode_source, extract_facts
from archrules.core.files import read_bytes
from archrules.core.graph import reach_masks, strongly_connected
from archrules.core.model import ProjectModel
from archrules.core.modules import discover
from archrules.core.types import FileFacts

THRESHOLD = 0.9  # a naming pattern must hold for this share of the names
MIN_NAMES = 3  # ... of at least this many names
PERCENTILE = 95  # size limits
WEAK_SHARE = 0.1  # more of the imports than this breaking the order: weak evidence
# top-level names that are not the product: no rule is proposed for them
NOT_MAIN = frozenset(
    {
        "bench",
        "benchmark",
        "benchmarks",
        "conftest",
        "doc",
        "docs",
        "example",
        "examples",
        "noxfile",
        "scripts",
        "setup",
        "tasks",
        "test",
        "testing",
        "tests",
        "tools",
    }
)
_MAX_LISTED = 3  # counter-examples listed in an evidence comment
_MAX_NAMES = 8  # units listed in an evidence comment
_WIDTH = 96  # evidence comments are wrapped at this width


class InferError(Exception):
    """The project cannot be analysed (not a directory, no package found)."""


# --- what is read from the files ---------------------------------------------------------


@dataclass(frozen=True)
class _Module:
    name: str
    path: Path
    facts: FileFacts

    @property
    def classes(self) -> list[str]:
        """The class names a naming rule checks: at module level and in classes."""
        return [
            d.name for d in self.facts.definitions if d.kind == "class" and d.scope != "function"
        ]

    @property
    def functions(self) -> list[str]:
        """The function names a naming rule checks: module level and methods, no dunders."""
        return [
            d.name
            for d in self.facts.definitions
            if d.kind == "function" and d.scope != "function" and not is_dunder(d.name)
        ]

    @property
    def sizes(self) -> list[tuple[str, int]]:
        """Every function's (qualname, lines), as a size rule counts them."""
        return [(d.qualname, d.line_count) for d in self.facts.definitions if d.kind == "function"]


# --- the proposal ------------------------------------------------------------------------


@dataclass(frozen=True)
class ProposedRule:
    kind: str  # the config table: layers, independent, naming, size
    name: str
    evidence: tuple[str, ...]  # comment lines, without the leading "# "
    items: tuple[tuple[str, str], ...]  # (key, TOML value text)

    def render(self) -> str:
        lines: list[str] = []
        for i, item in enumerate(self.evidence):
            first = "# evidence: " if i == 0 else "#   "
            lines += textwrap.wrap(
                item,
                _WIDTH,
                initial_indent=first,
                subsequent_indent="#     ",
                break_long_words=False,
                break_on_hyphens=False,
            )
        lines.append(f"[[{self.kind}]]")
        lines.append(f"name = {toml_value(self.name)}")
        lines += [f"{key} = {value}" for key, value in self.items]
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Proposal:
    root_dir: Path
    roots: tuple[str, ...]  # relative to root_dir, "/"-separated
    packages: tuple[str, ...]  # the main packages analysed
    files: int
    rules: tuple[ProposedRule, ...]
    notes: tuple[str, ...] = ()  # what was not proposed, and why

    def render(self) -> str:
        head = [
            "# archrules.toml proposed by `archrules init` from the code as it is: "
            f"{self.files} files, packages {', '.join(self.packages)}.",
            "# Each rule holds for that code unless its evidence says otherwise. Review it:",
            "# say what each rule is for (description), cite the decision that explains it",
            '# (adr = "ADR-NNNN"), then run `archrules check`.',
        ]
        head += [f"# note: {note}" for note in self.notes]
        parts = ["\n".join(head) + "\n", f"[project]\nroots = {toml_value(self.roots)}\n"]
        parts += [rule.render() for rule in self.rules]
        return "\n".join(parts)


# --- layers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layering:
    """The units of one package ordered by their imports."""

    base: str
    levels: tuple[tuple[str, ...], ...]  # top to bottom; each a layer of siblings
    downward: int  # imports (direct, or starting a chain) going down the layers
    against: int  # imports going up, or between siblings: they break the order
    breaking: tuple[tuple[str, str, int], ...]  # (importer unit, imported unit, imports)
    cycles: tuple[tuple[tuple[str, ...], int], ...]  # import cycles: members, imports among them
    isolated: tuple[str, ...]  # units with no import to or from another unit


def _children(modules: Iterable[str], base: str) -> list[str]:
    prefix = base + "."
    return sorted(
        {prefix + m[len(prefix) :].split(".")[0] for m in modules if m.startswith(prefix)}
    )


def _unit_imports(model: ProjectModel, base: str, units: Sequence[str]) -> dict[str, Counter[str]]:
    """unit -> unit it imports -> number of imports, directly or through modules in no
    unit (as an indirect layers rule follows chains)."""
    index = {unit: i for i, unit in enumerate(units)}
    prefix = base + "."
    unit_cache: dict[str, str | None] = {}

    def unit_of(module: str) -> str | None:
        if module not in unit_cache:
            unit: str | None = None
            if module.startswith(prefix):
                candidate = prefix + module[len(prefix) :].split(".", maxsplit=1)[0]
                unit = candidate if candidate in index else None
            unit_cache[module] = unit
        return unit_cache[module]

    def is_free(module: str) -> bool:
        return model.is_first_party(module) and unit_of(module) is None

    def bits(module: str) -> int:
        unit = unit_of(module)
        return 0 if unit is None else 1 << index[unit]

    modules = sorted(model.modules())
    masks = reach_masks([m for m in modules if is_free(m)], model.successors, is_free, bits)
    found: dict[str, Counter[str]] = {unit: Counter() for unit in units}
    for module in modules:
        source = unit_of(module)
        if source is None:
            continue
        for imported in sorted(model.successors(module)):
            count = len(model.edges_between(module, imported))
            target = unit_of(imported)
            if target is not None:
                reached = [target]
            elif is_free(imported):
                mask = masks.get(imported, 0)
                reached = [u for u in units if mask >> index[u] & 1]
            else:
                reached = []
            for unit in reached:
                if unit != source:
                    found[source][unit] += count
    return found


def _greedy_order(nodes: Sequence[str], imports: dict[str, Counter[str]]) -> list[str]:
    """Importers first, with few imports going backwards: Eades, Lin and Smyth's greedy
    heuristic for a small feedback arc set, weighted by the number of imports. Sinks go
    to the end and sources to the front as they appear; otherwise the unit whose imports
    outweigh most what imports it goes next. A graph without cycles comes out in a
    topological order."""
    remaining = set(nodes)
    incoming: dict[str, Counter[str]] = {u: Counter() for u in nodes}
    for u in nodes:
        for v, n in imports[u].items():
            incoming[v][u] += n
    head: list[str] = []
    tail: list[str] = []

    def weight(edges: Counter[str]) -> int:
        return sum(n for v, n in edges.items() if v in remaining)

    while remaining:
        ordered = sorted(remaining)
        sink = next((u for u in ordered if weight(imports[u]) == 0), None)
        if sink is not None:
            tail.append(sink)
            remaining.discard(sink)
            continue
        source = next((u for u in ordered if weight(incoming[u]) == 0), None)
        if source is None:
            source = max(ordered, key=lambda u: weight(imports[u]) - weight(incoming[u]))
        head.append(source)
        remaining.discard(source)
    return _sift(head + tail[::-1], imports, incoming)


def _sift(
    order: list[str], imports: dict[str, Counter[str]], incoming: dict[str, Counter[str]]
) -> list[str]:
    """Local search: move each unit to the place where the fewest imports go backwards,
    until no move helps (each move lowers that number, so it ends)."""
    improved = True
    while improved:
        improved = False
        for unit in list(order):
            rest = [u for u in order if u != unit]
            here = order.index(unit)
            # backward imports involving `unit` when placed before rest[i]
            cost = sum(incoming[unit][v] for v in rest)
            best, best_at, current = cost, 0, cost if here == 0 else None
            for i, v in enumerate(rest, 1):
                cost += imports[unit][v] - incoming[unit][v]
                if i == here:
                    current = cost
                if cost < best:
                    best, best_at = cost, i
            assert current is not None
            if best < current:
                rest.insert(best_at, unit)
                order = rest
                improved = True
    return order


def _levels(
    placed: Sequence[str], height: dict[str, int], imports: dict[str, Counter[str]]
) -> tuple[tuple[tuple[str, ...], ...], int, list[tuple[str, str, int]]]:
    """Layers from heights (highest on top), the imports going down, those breaking it."""
    top = max((height[u] for u in placed), default=-1)
    levels = tuple(tuple(u for u in placed if height[u] == h) for h in range(top, -1, -1))
    downward = 0
    breaking: list[tuple[str, str, int]] = []
    for u in placed:
        for v, n in sorted(imports[u].items()):
            if height[u] > height[v]:
                downward += n
            else:
                breaking.append((u, v, n))
    breaking.sort(key=lambda b: (-b[2], b[0], b[1]))
    return levels, downward, breaking


def infer_layering(model: ProjectModel, base: str, units: Sequence[str]) -> Layering:
    """Order ``units`` (children of ``base``) by their imports: see the module docstring.

    Without import cycles, a unit's layer is its height in the import graph. With cycles,
    condensing each into one layer of siblings breaks every import among its members
    (``Layering.cycles`` counts them); a greedy order of the units breaks only some of them
    (any order of a cycle puts at least one of its imports downward), so the layers come
    from that order: a unit's height counting only the imports that go forward in it."""
    imports = _unit_imports(model, base, units)
    imported_by: set[str] = {v for u in units for v in imports[u]}
    isolated = tuple(u for u in units if not imports[u] and u not in imported_by)
    placed = [u for u in units if u not in isolated]
    components = strongly_connected(placed, lambda u: sorted(imports[u]))  # sinks first
    component_of = {u: i for i, members in enumerate(components) for u in members}
    component_height: dict[int, int] = {}
    cycles: list[tuple[tuple[str, ...], int]] = []
    for i, members in enumerate(components):
        below = [component_of[v] for u in members for v in imports[u] if component_of[v] != i]
        component_height[i] = 1 + max(component_height[j] for j in below) if below else 0
        if len(members) > 1:
            inside = sum(n for u in members for v, n in imports[u].items() if component_of[v] == i)
            cycles.append((tuple(sorted(members)), inside))
    height = {u: component_height[component_of[u]] for u in placed}
    if cycles:
        order = _greedy_order(placed, imports)
        position = {u: i for i, u in enumerate(order)}
        for u in reversed(order):
            below = [height[v] for v in imports[u] if position[v] > position[u]]
            height[u] = 1 + max(below) if below else 0
    levels, downward, breaking = _levels(placed, height, imports)
    against = sum(n for _, _, n in breaking)
    return Layering(
        base, levels, downward, against, tuple(breaking), tuple(sorted(cycles)), isolated
    )


def _layers_value(levels: Sequence[Sequence[str]]) -> str:
    entries = [toml_value(level[0]) if len(level) == 1 else toml_value(level) for level in levels]
    return "[\n" + "".join(f"  {entry},\n" for entry in entries) + "]"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def _names(names: Sequence[str]) -> str:
    listed = ", ".join(names[:_MAX_NAMES])
    more = len(names) - _MAX_NAMES
    return listed + (f" and {more:,} more" if more > 0 else "")


def _pairs(breaking: Sequence[tuple[str, str, int]]) -> str:
    listed = ", ".join(f"{u} -> {v} ({n:,})" for u, v, n in breaking[:_MAX_LISTED])
    more = len(breaking) - _MAX_LISTED
    return listed + (f" and {more:,} more" if more > 0 else "")


def _propose_layers(model: ProjectModel, base: str) -> tuple[ProposedRule | None, list[str]]:
    units = _children(model.modules(), base)
    if len(units) < 2:
        return None, [f"no layers proposed for {base}: it has fewer than two children"]
    full = infer_layering(model, base, units)
    total = full.downward + full.against
    if total == 0:
        independent = (
            f"no import between the {len(units)} direct children of {base}, directly or "
            "through other modules",
        )
        items = (
            ("description", toml_value(f"The direct children of {base} do not import each other.")),
            ("modules", toml_value([f"{base}.*"])),
        )
        return ProposedRule("independent", f"{base}-independent", independent, items), []
    layering = full
    left_out: list[str] = []
    if full.against > WEAK_SHARE * total:
        # weak evidence: layer only the units that are in no cycle
        cyclic = {u for members, _ in full.cycles for u in members}
        layering = infer_layering(model, base, [u for u in units if u not in cyclic])
        for members, inside in full.cycles:
            left_out.append(
                f"left out: {_names(members)} import each other in a cycle "
                f"({_plural(inside, 'import')} among them): the best order found for all the "
                f"children breaks {full.against:,} of their {total:,} imports"
            )
        if len(layering.levels) < 2:
            note = (
                f"no layers proposed for {base}: {len(cyclic)} of its {len(units)} children "
                f"are in import cycles; the best order found breaks {full.against:,} of the "
                f"{total:,} imports between them, and too few children are left without them"
            )
            return None, [note]
    evidence = [
        f"of the {_plural(layering.downward + layering.against, 'import')} from one child "
        f"of {base} to another (directly or through modules in no layer; an import counts "
        f"once per child it leads to), {layering.downward:,} go down these layers and "
        f"{layering.against:,} {'breaks' if layering.against == 1 else 'break'} them",
    ]
    if layering.breaking:
        evidence.append(
            f"ordered to break the fewest imports: {_pairs(layering.breaking)}; as layers "
            f"of siblings, the import cycles would break "
            f"{sum(n for _, n in layering.cycles):,}"
        )
    evidence += left_out
    if layering.isolated:
        evidence.append(
            f"left out: {_names(layering.isolated)} (no import to or from the other children)"
        )
    items = (
        (
            "description",
            toml_value(
                f"Inferred from the imports between the children of {base}: importers on top."
            ),
        ),
        ("layers", _layers_value(layering.levels)),
    )
    return ProposedRule("layers", f"{base}-layers", tuple(evidence), items), []


# --- naming --------------------------------------------------------------------------------

_CLASS_SUFFIX = re.compile(r"[A-Z][a-z0-9]+$")
_MODULE_SUFFIX = re.compile(r"(?<=[a-z0-9])_[a-z0-9]+$")


@dataclass(frozen=True)
class NamePattern:
    pattern: str  # a style or a suffix glob
    holds: int
    total: int
    exceptions: tuple[str, ...]


def best_pattern(names: Sequence[str], suffix_re: re.Pattern[str] | None) -> NamePattern | None:
    """A suffix glob that holds for THRESHOLD of the names, else the best such style."""
    if len(names) < MIN_NAMES:
        return None
    needed = math.ceil(THRESHOLD * len(names))
    candidates: list[tuple[str, list[str]]] = []
    if suffix_re is not None:
        suffixes = Counter(m.group() for n in names if (m := suffix_re.search(n)) is not None)
        for suffix, n in suffixes.most_common(1):
            if n >= needed:
                candidates.append((f"*{suffix}", [x for x in names if not x.endswith(suffix)]))
    if not candidates:
        for style in NAME_STYLES:
            misses = [x for x in names if not name_matches(style, x)]
            if len(names) - len(misses) >= needed:
                candidates.append((style, misses))
        candidates.sort(key=lambda c: len(c[1]))  # stable: NAME_STYLES order on ties
    if not candidates:
        return None
    pattern, misses = candidates[0]
    return NamePattern(pattern, len(names) - len(misses), len(names), tuple(sorted(set(misses))))


def _describe(kind: str, where: str, found: NamePattern) -> str:
    share = math.floor(100 * found.holds / found.total)
    pattern = found.pattern if found.pattern in NAME_STYLES else f"'{found.pattern}'"
    text = f"{kind}: {found.holds:,} of {found.total:,} in {where} ({share} %) match {pattern}"
    if found.exceptions:
        listed = ", ".join(found.exceptions[:_MAX_LISTED])
        more = len(found.exceptions) - _MAX_LISTED
        text += f"; not: {listed}" + (f" and {more:,} more" if more > 0 else "")
    return text


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _propose_naming(
    modules: Sequence[_Module], packages: Sequence[str], known: Iterable[str]
) -> list[ProposedRule]:
    """One naming rule per package that has a pattern of its own (see the module doc)."""
    parents = {m.rsplit(".", 1)[0] for m in known if "." in m}
    scopes = sorted(
        (p for p in parents if any(_within(p, top) for top in packages)),
        key=lambda p: (p.count("."), p),
    )
    # (package, key) -> the patterns in force there: its own and its ancestors' proposals
    in_force: dict[tuple[str, str], frozenset[str]] = {}
    rules: list[ProposedRule] = []
    for scope in scopes:
        inside = [m for m in modules if _within(m.name, scope)]
        names = {
            "classes": ([c for m in inside for c in m.classes], _CLASS_SUFFIX),
            "functions": ([f for m in inside for f in m.functions], None),
            "modules": ([m.name.rsplit(".", 1)[-1] for m in inside], _MODULE_SUFFIX),
        }
        parent = scope.rsplit(".", 1)[0] if "." in scope else None
        items: list[tuple[str, str]] = []
        evidence: list[str] = []
        for key, (found_names, suffix_re) in names.items():
            before = in_force.get((parent, key), frozenset()) if parent else frozenset()
            in_force[(scope, key)] = before
            found = best_pattern(found_names, suffix_re)
            if found is None or found.pattern in before:
                continue
            in_force[(scope, key)] = before | {found.pattern}
            items.append((key, toml_value(found.pattern)))
            evidence.append(_describe(key, scope, found))
        if items:
            rules.append(
                ProposedRule(
                    "naming",
                    f"{scope}-naming",
                    tuple(evidence),
                    (("in", toml_value([scope])), *items),
                )
            )
    return rules


# --- size ----------------------------------------------------------------------------------


def percentile(values: Sequence[int], p: int = PERCENTILE) -> int:
    """Nearest rank: the smallest value that at least p % of the values do not exceed."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p * len(ordered) / 100)) - 1]


def _longer(n: int) -> str:
    return "1 is longer" if n == 1 else f"{n:,} are longer"


def _propose_size(modules: Sequence[_Module], packages: Sequence[str]) -> ProposedRule:
    where = ", ".join(packages)
    items: list[tuple[str, str]] = [("in", toml_value(packages))]
    evidence: list[str] = []
    module_lines = [(m.facts.line_count, m.name) for m in modules]
    limit = percentile([n for n, _ in module_lines])
    longer = sorted((n, name) for n, name in module_lines if n > limit)
    text = (
        f"max-module-lines: {PERCENTILE} % of the {len(modules):,} modules in {where} have at "
        f"most {limit:,} lines; {_longer(len(longer))}"
    )
    if longer:
        text += f" (the longest: {longer[-1][1]}, {longer[-1][0]:,} lines)"
    items.append(("max-module-lines", str(limit)))
    evidence.append(text)
    functions = [(n, f"{m.name}.{q}") for m in modules for q, n in m.sizes]
    if functions:
        limit = percentile([n for n, _ in functions])
        longer = sorted(f for f in functions if f[0] > limit)
        text = (
            f"max-function-lines: {PERCENTILE} % of the {len(functions):,} functions have at "
            f"most {limit:,} lines (without decorators, docstring, blank and comment lines); "
            f"{_longer(len(longer))}"
        )
        if longer:
            text += f" (the longest: {longer[-1][1]}, {longer[-1][0]:,} lines)"
        items.append(("max-function-lines", str(limit)))
        evidence.append(text)
    return ProposedRule("size", "size-limits", tuple(evidence), tuple(items))


# --- the project ---------------------------------------------------------------------------


def _is_main(top: str) -> bool:
    return top not in NOT_MAIN and not top.startswith("test_") and not top.endswith("_test")


def _layering_base(known: Sequence[str], top: str) -> str:
    """Look through packages whose only child is a package (``company.product``)."""
    base = top
    while True:
        children = _children(known, base)
        if len(children) != 1 or not _children(known, children[0]):
            return base
        base = children[0]


def _violation_counts(root_dir: Path, text: str, modules: Sequence[_Module]) -> Counter[str]:
    """How many violations of each rule ``archrules check`` reports with the proposal."""
    result = load_config(root_dir / "archrules.toml", text)
    config = result.config
    if config is None or result.problems:  # pragma: no cover - a bug in this module
        raise InferError(f"the proposal does not load: {[p.message for p in result.problems]}")
    model = ProjectModel(config, load_adrs(None))
    for module in modules:
        model.set_facts(module.path, module.facts)
    problems = model.config_problems()
    if problems:  # pragma: no cover - a bug in this module
        raise InferError(f"the proposal does not fit the code: {problems[0].message}")
    return Counter(v.rule for v in model.violations())


def infer_project(root_dir: Path) -> Proposal:
    """Read the project under ``root_dir`` and propose its config (see the module doc)."""
    root_dir = root_dir.absolute()
    if not root_dir.is_dir():
        raise InferError(f"{root_dir}: not a directory")
    src = root_dir / "src"
    roots = [src] if src.is_dir() else [root_dir]
    rel_roots = ("src",) if src.is_dir() else (".",)
    nested = {p.parent for p in find_configs_below(root_dir) if p.parent != root_dir}
    discovery = discover(root_dir, roots, (), nested)
    if not discovery.files:
        raise InferError(f"no Python module found under {root_dir / rel_roots[0]}")
    config = Config(root_dir / "archrules.toml", root_dir, "", roots=tuple(roots))
    model = ProjectModel(config, load_adrs(None))
    modules: list[_Module] = []
    unreadable: list[str] = []
    for source in discovery.files:
        try:
            text = decode_source(read_bytes(source.path))
        except OSError as error:
            unreadable.append(f"{source.path} cannot be read ({error.strerror}): left out")
            continue
        module = _Module(source.module, source.path, extract_facts(text))
        model.set_facts(source.path, module.facts)
        modules.append(module)
    model.violations()  # resolves every import
    known = sorted(model.modules())
    packages = tuple(
        top
        for top in sorted({m.split(".")[0] for m in known})
        if _is_main(top) and _children(known, top)
    )
    if not packages:
        raise InferError(
            f"no Python package found under {root_dir / rel_roots[0]} (only loose modules, "
            "or only tests and docs): nothing to propose rules for"
        )
    main = [m for m in modules if any(_within(m.name, top) for top in packages)]
    rules: list[ProposedRule] = []
    notes: list[str] = unreadable
    for top in packages:
        rule, more = _propose_layers(model, _layering_base(known, top))
        notes += more
        if rule is not None:
            rules.append(rule)
    rules += _propose_naming(main, packages, known)
    rules.append(_propose_size(main, packages))
    proposal = Proposal(root_dir, rel_roots, packages, len(modules), tuple(rules), tuple(notes))
    # each rule's evidence ends with what the engine says of it
    counts = _violation_counts(root_dir, proposal.render(), modules)
    checked = tuple(
        _with_evidence(rule, f"archrules check: {_plural(counts[rule.name], 'violation')} now")
        for rule in rules
    )
    return Proposal(root_dir, rel_roots, packages, len(modules), checked, tuple(notes))


def _with_evidence(rule: ProposedRule, line: str) -> ProposedRule:
    return ProposedRule(rule.kind, rule.name, (*rule.evidence, line), rule.items)
