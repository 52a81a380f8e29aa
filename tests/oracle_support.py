"""Support for the differential test against import-linter (tests/test_oracle_importlinter.py).

A *case* is a small package tree, the import statements of its modules and one contract.
Both tools read the same files from a temporary directory:

* archrules through ``open_project`` on a generated ``archrules.toml``;
* import-linter through its contract classes, run in-process on a graph that grimp builds
  from the same files (grimp only parses them: nothing is imported or executed).

Each tool's findings are normalised into a ``Findings``: the verdict, the violating direct
imports, the indirect chains, and the pairs of rule "units" (layers, independent modules)
that some violation connects.
"""

from __future__ import annotations

import copy
import importlib
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grimp
import importlinter.configuration
from hypothesis import assume
from hypothesis import strategies as st
from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.contracts.independence import IndependenceContract
from importlinter.contracts.layers import LayersContract

from archrules.core.migrate.importlinter import import_expr
from archrules.core.project import open_project
from archrules.core.types import Violation

TOP = "oracleapp"  # the one top-level package of every generated tree
ATTRIBUTE = "thing"  # a name imported from a module that is not itself a module
EXTERNALS = ("json", "os")  # external packages some cases import (forbidden targets)

importlinter.configuration.configure()  # the forbidden contract times itself with settings.TIMER


# --- the case -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Tree:
    modules: tuple[str, ...]  # every module, the top package first
    packages: frozenset[str]  # those that are packages (a directory with __init__.py)

    def path(self, module: str) -> str:
        rel = module.replace(".", "/")
        return f"{rel}/__init__.py" if module in self.packages else f"{rel}.py"

    def children(self, module: str) -> list[str]:
        return [m for m in self.modules if parent(m) == module]


@dataclass(frozen=True)
class Stmt:
    importer: str
    text: str  # one import statement
    wrap: str = "plain"  # plain | function | type-checking
    # A statement naming a module that does not exist, two levels below an existing one
    # (``import m.ghost.deeper``, ``from m.ghost import thing``): archrules resolves it to the
    # nearest existing module ``m``; grimp, which drops the last part at most once, drops it.
    ghost_of: str | None = None
    target: str = ""  # the module the statement names ("" for an external package)


@dataclass(frozen=True)
class Layers:
    layers: tuple[tuple[str, ...], ...]  # top to bottom; names relative to each container
    containers: tuple[str, ...] = ()
    closed: bool = False
    indirect: bool = True
    open_levels: frozenset[int] = frozenset()  # levels whose siblings may import each other


@dataclass(frozen=True)
class Forbidden:
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    indirect: bool = True


@dataclass(frozen=True)
class Independence:
    modules: tuple[str, ...]  # module expressions (a name, or ``TOP.*``)
    indirect: bool = True


Contract = Layers | Forbidden | Independence


@dataclass(frozen=True)
class Case:
    tree: Tree
    stmts: tuple[Stmt, ...]
    contract: Contract
    check_type_checking: bool = False  # archrules "check" == grimp keeping them
    # import-linter's ignore_imports (exact modules, wildcards); archrules' ignore-exact
    ignores: tuple[str, ...] = ()

    @property
    def externals(self) -> bool:
        return isinstance(self.contract, Forbidden) and any(
            t.split(".")[0] != TOP for t in self.contract.targets
        )

    def sources(self) -> dict[str, str]:
        """File path (relative to the source root) -> text."""
        return self._render()[0]

    def lines(self) -> list[int]:
        """The 1-based line of each statement in its file."""
        return self._render()[1]

    def _render(self) -> tuple[dict[str, str], list[int]]:
        by_module: dict[str, list[int]] = {m: [] for m in self.tree.modules}
        for i, stmt in enumerate(self.stmts):
            by_module[stmt.importer].append(i)
        files: dict[str, str] = {}
        line_of = [0] * len(self.stmts)
        for module, indices in by_module.items():
            lines: list[str] = []
            if any(self.stmts[i].wrap == "type-checking" for i in indices):
                lines.append("from typing import TYPE_CHECKING")
            for i in indices:
                stmt = self.stmts[i]
                if stmt.wrap == "function":
                    lines.append(f"def f{i}():")
                elif stmt.wrap == "type-checking":
                    lines.append("if TYPE_CHECKING:")
                indent = "" if stmt.wrap == "plain" else "    "
                lines.append(indent + stmt.text)
                line_of[i] = len(lines)
            files[self.tree.path(module)] = "".join(f"{line}\n" for line in lines)
        return files, line_of

    def describe(self) -> str:
        """A readable dump, for failure messages."""
        out = [
            f"contract: {self.contract}",
            f"type-checking imports checked: {self.check_type_checking}",
            f"ignore_imports: {list(self.ignores)}",
        ]
        for path, text in sorted(self.sources().items()):
            out.append(f"--- {path}")
            out.extend(f"    {line}" for line in text.splitlines())
        return "\n".join(out)


def parent(module: str) -> str:
    return module.rpartition(".")[0]


def is_within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def unnested(modules: Iterable[str]) -> list[str]:
    """Keep, in order, each module that is neither inside nor above one kept before it."""
    kept: list[str] = []
    for m in modules:
        if not any(is_within(m, k) or is_within(k, m) for k in kept):
            kept.append(m)
    return kept


# --- strategies -----------------------------------------------------------------------------

LEVEL1 = ("a", "b", "c", "d", "e")
LEVEL2 = ("x", "y", "z", "w")
LEVEL3 = ("k", "m")


def odds(draw: st.DrawFn, k: int, n: int) -> bool:
    """True with probability k/n (``sampled_from`` draws evenly, ``integers`` favours ends)."""
    return draw(st.sampled_from(range(n))) < k


@st.composite
def trees(draw: st.DrawFn, containers: bool = False) -> Tree:
    """4-14 modules in up to three levels below TOP. With ``containers``, TOP holds two
    containers ``c1`` and ``c2`` whose children reuse LEVEL2 names (the layers), and a
    free package ``a`` beside them."""
    modules = [TOP]
    packages = {TOP}

    def add(module: str, package: bool) -> None:
        modules.append(module)
        if package:
            packages.add(module)

    if containers:
        for c in ("c1", "c2"):
            add(f"{TOP}.{c}", True)
            for n in draw(st.lists(st.sampled_from(LEVEL2), min_size=1, max_size=4, unique=True)):
                package = odds(draw, 1, 4)
                add(f"{TOP}.{c}.{n}", package)
                if package:
                    add(f"{TOP}.{c}.{n}.k", False)
        if draw(st.booleans()):
            add(f"{TOP}.a", True)
            add(f"{TOP}.a.x", False)
        return Tree(tuple(modules), frozenset(packages))

    for n in draw(st.lists(st.sampled_from(LEVEL1), min_size=2, max_size=4, unique=True)):
        m = f"{TOP}.{n}"
        package = odds(draw, 7, 10)
        add(m, package)
        if not package:
            continue
        for k in draw(st.lists(st.sampled_from(LEVEL2), max_size=3, unique=True)):
            mk = f"{m}.{k}"
            deep = odds(draw, 1, 6)
            add(mk, deep)
            if deep:
                for j in draw(
                    st.lists(st.sampled_from(LEVEL3), min_size=1, max_size=2, unique=True)
                ):
                    add(f"{mk}.{j}", False)
    assume(len(modules) >= 4)
    return Tree(tuple(modules), frozenset(packages))


def relative_statement(tree: Tree, importer: str, target: str, by_name: bool) -> str:
    """``from .x import y`` style statement importing ``target`` from ``importer``."""
    context = importer if importer in tree.packages else parent(importer)
    ctx, tgt = context.split("."), target.split(".")
    common = 0
    while common < min(len(ctx), len(tgt)) and ctx[common] == tgt[common]:
        common += 1
    dots = "." * (len(ctx) - common + 1)
    rest = tgt[common:]
    if by_name or not rest:
        return f"from {dots}{'.'.join(rest)} import {ATTRIBUTE}"
    return f"from {dots}{'.'.join(rest[:-1])} import {rest[-1]}"


FORMS = (
    "import",
    "import-as",
    "from-parent",
    "from-name",
    "multi",
    "star",
    "relative",
    "relative-name",
    "relative-beyond-top",
)
GHOST_FORMS = ("import-ghost", "import-ghost-deeper", "from-ghost", "relative-ghost")


@st.composite
def statements(
    draw: st.DrawFn,
    tree: Tree,
    focus: Sequence[str] = (),
    externals: bool = False,
    ghosts_allowed: bool = True,
) -> Stmt:
    """One import statement. Half the importers and targets are modules in ``focus`` (those
    the contract names), the other half any module, so that most cases break the contract
    and many through chains of unnamed modules."""

    def module() -> str:
        return draw(st.sampled_from(focus if focus and draw(st.booleans()) else tree.modules))

    ghost_of: str | None = None
    target = ""  # an external package: no module of the tree
    importer = module()
    if externals and odds(draw, 1, 6):
        text = draw(
            st.sampled_from(
                ["import json", "from json import loads", "import os.path", "from os import path"]
            )
        )
    else:
        target = module()
        ghosts = ghosts_allowed and odds(draw, 1, 10)
        form = draw(st.sampled_from(GHOST_FORMS if ghosts else FORMS))
        up = parent(target)
        if form in ("from-parent", "multi") and not up:
            form = "import"
        if form == "import":
            text = f"import {target}"
        elif form == "import-as":
            text = f"import {target} as alias"
        elif form == "from-parent":
            text = f"from {up} import {target.rpartition('.')[2]}"
        elif form == "multi":  # one module and one attribute of its parent
            text = f"from {up} import {ATTRIBUTE}, {target.rpartition('.')[2]}"
        elif form == "from-name":
            text = f"from {target} import {ATTRIBUTE}"
        elif form == "star":
            text = f"from {target} import *"
        elif form == "relative-beyond-top":  # one level too many: both tools drop it
            # (grimp 3.19 panics on two levels too many: not generated)
            context = importer if importer in tree.packages else parent(importer)
            text = f"from {'.' * (context.count('.') + 2)} import {ATTRIBUTE}"
        elif form == "import-ghost":  # one missing part: both tools fall back to `target`
            text = f"import {target}.ghost"
        elif form == "import-ghost-deeper":
            text, ghost_of = f"import {target}.ghost.deeper", target
        elif form == "from-ghost":
            text, ghost_of = f"from {target}.ghost import {ATTRIBUTE}", target
        elif form == "relative-ghost":
            text = relative_statement(tree, importer, f"{target}.ghost", True)
            ghost_of = target
        else:
            text = relative_statement(tree, importer, target, form == "relative-name")
    wrap = draw(st.sampled_from(["plain"] * 4 + ["function", "type-checking"]))
    return Stmt(importer, text, wrap, ghost_of, target)


def _levels(draw: st.DrawFn, names: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    """Cut an ordered list of layer names into levels of one to three siblings."""
    levels: list[tuple[str, ...]] = []
    i = 0
    while i < len(names):
        size = draw(st.sampled_from([1, 1, 1, 2, 2, 3]))
        levels.append(tuple(names[i : i + size]))
        i += size
    return tuple(levels)


@st.composite
def layers_contracts(draw: st.DrawFn, tree: Tree, containers: bool) -> Layers:
    closed = odds(draw, 1, 4)
    indirect = not odds(draw, 1, 6)
    if containers:
        cs = tuple(m for m in tree.modules if m.count(".") == 1 and m.split(".")[1].startswith("c"))
        names = sorted(
            {m.split(".")[2] for m in tree.modules if m.count(".") == 2 and parent(m) in cs}
        )
        assume(len(names) >= 2)
        chosen = draw(st.permutations(names))[: draw(st.integers(2, len(names)))]
        levels = _levels(draw, chosen)
        return Layers(levels, cs, closed, indirect, _open_levels(draw, levels))
    candidates = [m for m in tree.modules if m != TOP]
    chosen = unnested(draw(st.permutations(candidates)))[: draw(st.integers(2, 5))]
    assume(len(chosen) >= 2)
    levels = _levels(draw, chosen)
    return Layers(levels, (), closed, indirect, _open_levels(draw, levels))


def _open_levels(draw: st.DrawFn, levels: tuple[tuple[str, ...], ...]) -> frozenset[int]:
    """Some levels of siblings may import each other (import-linter's ``a : b``)."""
    return frozenset(i for i, level in enumerate(levels) if len(level) > 1 and odds(draw, 1, 3))


@st.composite
def ignores(draw: st.DrawFn, tree: Tree, stmts: Sequence[Stmt], focus: Sequence[str]) -> str:
    """An import-linter ``ignore_imports`` expression: an importer of some statement (or
    its parent's children, ``*``) and a module the contract names (or its descendants,
    ``**``), so that many match an import and cut a finding or a chain."""
    named = [s for s in stmts if s.target]
    if named and odds(draw, 3, 4):  # an import the case makes
        stmt = draw(st.sampled_from(named))
        importer, imported = stmt.importer, stmt.target
    else:
        importer = draw(st.sampled_from([s.importer for s in stmts] or list(tree.modules)))
        imported = draw(st.sampled_from(list(focus) or list(tree.modules)))
    if parent(importer) and odds(draw, 1, 4):
        importer = f"{parent(importer)}.*"
    if tree.children(imported) and odds(draw, 1, 4):
        imported = f"{imported}.**"
    return f"{importer} -> {imported}"


@st.composite
def forbidden_contracts(draw: st.DrawFn, tree: Tree) -> Forbidden:
    """A target never lies inside a source (difference 4b in the test's docstring); a
    wildcard target may cover a source."""
    candidates = unnested(draw(st.permutations([m for m in tree.modules if m != TOP])))
    assume(len(candidates) >= 2)
    n_sources = draw(st.integers(1, min(2, len(candidates) - 1)))
    sources = tuple(candidates[:n_sources])
    targets: list[str] = []
    for t in candidates[n_sources : n_sources + draw(st.integers(1, 2))]:
        wildcard = tree.children(t) and odds(draw, 1, 3)
        targets.append(f"{t}.*" if wildcard else t)
    if odds(draw, 1, 5):
        # a wildcard target that also covers a source (its parent's children): the source's
        # own subtree is exempt, its siblings are forbidden (difference 4a, fixed)
        targets.append(f"{parent(sources[0])}.*")
    if odds(draw, 1, 4):
        targets.append(draw(st.sampled_from(EXTERNALS)))
    return Forbidden(sources, tuple(targets), not odds(draw, 1, 4))


@st.composite
def independence_contracts(draw: st.DrawFn, tree: Tree) -> Independence:
    indirect = not odds(draw, 1, 6)
    if odds(draw, 1, 5):
        return Independence((f"{TOP}.*",), indirect)
    candidates = unnested(draw(st.permutations([m for m in tree.modules if m != TOP])))
    chosen = candidates[: draw(st.integers(2, 4))]
    assume(len(chosen) >= 2)
    return Independence(tuple(chosen), indirect)


@st.composite
def cases(draw: st.DrawFn, kind: str) -> Case:
    containers = kind == "layers" and odds(draw, 1, 4)
    tree = draw(trees(containers=containers))
    if kind == "layers":
        contract: Contract = draw(layers_contracts(tree, containers))
    elif kind == "forbidden":
        contract = draw(forbidden_contracts(tree))
    else:
        contract = draw(independence_contracts(tree))
    named = contract_modules(contract)
    focus = [m for m in tree.modules if any(is_within(m, n.removesuffix(".*")) for n in named)]
    externals = isinstance(contract, Forbidden)
    n = draw(st.sampled_from(range(21)))
    stmts = draw(st.lists(statements(tree, focus, externals), min_size=n, max_size=n))
    closed = isinstance(contract, Layers) and contract.closed  # grimp directly: no ignores
    n_ignores = 0 if closed else draw(st.sampled_from([0, 0, 0, 1, 2]))
    chosen = draw(st.lists(ignores(tree, stmts, focus), min_size=n_ignores, max_size=n_ignores))
    return Case(tree, tuple(stmts), contract, draw(st.booleans()), tuple(chosen))


def contract_modules(contract: Contract) -> list[str]:
    """The module names (or name endings, for layers in containers) a contract names."""
    if isinstance(contract, Layers):
        names = [n for level in contract.layers for n in level]
        if contract.containers:
            return [f"{c}.{n}" for c in contract.containers for n in names]
        return names
    if isinstance(contract, Forbidden):
        return [*contract.sources, *contract.targets]
    return list(contract.modules)


# --- running the tools ----------------------------------------------------------------------


@dataclass
class Findings:
    broken: bool
    direct: set[tuple[str, str]] = field(default_factory=set)
    chains: set[tuple[str, ...]] = field(default_factory=set)  # indirect, importer first
    pairs: set[tuple[str, str]] = field(default_factory=set)  # (unit of importer, of target)


def write_case(root: Path, case: Case) -> None:
    src = root / "src"
    for rel, text in case.sources().items():
        path = src / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "archrules.toml").write_text(archrules_config(case), encoding="utf-8")


def _toml_list(items: Iterable[str]) -> str:
    return "[" + ", ".join(f'"{i}"' for i in items) + "]"


def _layer(level: tuple[str, ...], open_level: bool) -> str:
    if open_level:
        return f"{{ modules = {_toml_list(level)}, independent = false }}"
    return _toml_list(level) if len(level) > 1 else f'"{level[0]}"'


def archrules_config(case: Case) -> str:
    c = case.contract
    mode = "check" if case.check_type_checking else "ignore"
    head = f'[project]\nroots = ["src"]\ntype-checking-imports = "{mode}"\n\n'
    tail = ""
    if case.ignores:  # the migration's translation of import-linter's expressions
        exact = [import_expr(e) for e in case.ignores]
        tail = f"ignore-exact = {_toml_list(exact)}\nwarn-unmatched-ignores = false\n"
    if isinstance(c, Layers):
        layers = ", ".join(_layer(level, i in c.open_levels) for i, level in enumerate(c.layers))
        return head + (
            f'[[layers]]\nname = "rule"\nlayers = [{layers}]\n'
            f"containers = {_toml_list(c.containers)}\n"
            f"closed = {str(c.closed).lower()}\nindirect = {str(c.indirect).lower()}\n{tail}"
        )
    if isinstance(c, Forbidden):
        return head + (
            f'[[forbidden]]\nname = "rule"\nfrom = {_toml_list(c.sources)}\n'
            f"to = {_toml_list(c.targets)}\nindirect = {str(c.indirect).lower()}\n{tail}"
        )
    return head + (
        f'[[independent]]\nname = "rule"\nmodules = {_toml_list(c.modules)}\n'
        f"indirect = {str(c.indirect).lower()}\n{tail}"
    )


def normalise(module: str) -> str:
    """grimp squashes an external module to its top-level package; archrules keeps the
    name as written (``os.path``). Compare external modules by their top-level name."""
    return module if module.split(".", maxsplit=1)[0] == TOP else module.split(".", maxsplit=1)[0]


def run_archrules(root: Path, case: Case) -> tuple[list[Violation], Findings]:
    project = open_project(root / "archrules.toml", cache_dir=None)
    assert not project.problems, [p.message for p in project.problems]
    assert project.model is not None
    violations = [v for v in project.model.violations() if v.rule == "rule"]
    found = Findings(broken=bool(violations))
    for v in violations:
        chain = tuple(normalise(m) for m in v.chain)
        if len(chain) == 2:
            found.direct.add((chain[0], chain[1]))
        else:
            found.chains.add(chain)
        a, b = unit(case, chain[0]), unit(case, chain[-1])
        if a is not None and b is not None:
            found.pairs.add((a, b))
    return violations, found


def unit(case: Case, module: str) -> str | None:
    """The layer (full name) or independent module that ``module`` belongs to."""
    c = case.contract
    if isinstance(c, Layers):
        containers = [cn for cn in c.containers if is_within(module, cn)] if c.containers else [""]
        for container in containers:
            for level in c.layers:
                for name in level:
                    full = f"{container}.{name}" if container else name
                    if is_within(module, full):
                        return full
        return None
    if isinstance(c, Independence):
        for m in expand(case, c.modules):
            if is_within(module, m):
                return m
        return None
    return None


def expand(case: Case, exprs: Iterable[str]) -> list[str]:
    out: list[str] = []
    for e in exprs:
        if e.endswith(".*"):
            out.extend(case.tree.children(e[:-2]))
        else:
            out.append(e)
    return out


def build_graph(root: Path, case: Case) -> grimp.ImportGraph:
    """grimp's graph of the case, found through a temporary sys.path entry.

    With external packages, grimp resolves an import of a missing module two levels below
    an existing one (``import p.a.ghost.deeper``) to the *root package* ``p`` as if it were
    external (without them it drops the import). So the internal imports always come from a
    graph built without external packages, and only the external ones from the other."""
    graph = _grimp_graph(root, case, externals=False)
    if case.externals:
        full = _grimp_graph(root, case, externals=True)
        for importer in sorted(full.modules):
            for imported in sorted(full.find_modules_directly_imported_by(importer)):
                if is_within(imported, TOP):
                    continue
                graph.add_module(imported, is_squashed=True)
                for detail in full.get_import_details(importer=importer, imported=imported):
                    graph.add_import(
                        importer=importer,
                        imported=imported,
                        line_number=detail["line_number"],
                        line_contents=detail["line_contents"],
                    )
    return graph


def _grimp_graph(root: Path, case: Case, *, externals: bool) -> grimp.ImportGraph:
    src = str(root / "src")
    sys.path.insert(0, src)
    importlib.invalidate_caches()
    try:
        return grimp.build_graph(
            TOP,
            cache_dir=None,
            include_external_packages=externals,
            exclude_type_checking_imports=not case.check_type_checking,
        )
    finally:
        sys.path.remove(src)
        sys.path_importer_cache.pop(src, None)


def ghost_imports(case: Case) -> set[tuple[str, str, int]]:
    """(importer, imported, line) of the imports archrules sees and grimp drops, by the
    documented difference (see ``Stmt.ghost_of``)."""
    return {
        (s.importer, s.ghost_of, line)
        for s, line in zip(case.stmts, case.lines(), strict=True)
        if s.ghost_of is not None
        and s.ghost_of != s.importer
        and (s.wrap != "type-checking" or case.check_type_checking)
    }


def oracle_graph(graph: grimp.ImportGraph, case: Case) -> grimp.ImportGraph:
    """A copy of grimp's graph with the imports of missing modules resolved the archrules way."""
    graph = copy.deepcopy(graph)
    for importer, imported, line in ghost_imports(case):
        graph.add_import(
            importer=importer, imported=imported, line_number=line, line_contents="(ghost)"
        )
    return graph


def _session(case: Case) -> dict[str, Any]:
    return {"root_packages": [TOP], "include_external_packages": str(case.externals)}


def _ignoring(case: Case, options: dict[str, Any]) -> dict[str, Any]:
    if case.ignores:
        options["ignore_imports"] = list(case.ignores)
        options["unmatched_ignore_imports_alerting"] = "none"
    return options


def _expand_detailed(detailed: dict[str, Any]) -> list[tuple[str, ...]]:
    """Every chain a DetailedChain stands for: extra heads and tails fan in and out."""
    links = detailed["chain"]
    heads = [links[0]["importer"], *(x["importer"] for x in detailed["extra_firsts"])]
    tails = [links[-1]["imported"], *(x["imported"] for x in detailed["extra_lasts"])]
    middle = [x["imported"] for x in links[:-1]]
    return [(h, *middle, t) for h in heads for t in tails]


def _add_chain(
    found: Findings, chain: Sequence[str], norm: Callable[[str], str] = normalise
) -> None:
    chain = tuple(norm(m) for m in chain)
    if len(chain) == 2:
        found.direct.add((chain[0], chain[1]))
    else:
        found.chains.add(chain)


def run_importlinter(graph: grimp.ImportGraph, case: Case) -> Findings:
    """import-linter's findings for the case's contract."""
    c = case.contract
    if isinstance(c, Layers):
        return _run_layers(graph, case, c)
    if isinstance(c, Independence):
        options: dict[str, Any] = _ignoring(case, {"modules": list(c.modules)})
        check = IndependenceContract("oracle", _session(case), options).check(graph, verbose=False)
        return check_findings("independence", check.kept, check.metadata)
    options = {
        "source_modules": list(c.sources),
        "forbidden_modules": list(c.targets),
        "allow_indirect_imports": str(not c.indirect),
    }
    _ignoring(case, options)
    check = ForbiddenContract("oracle", _session(case), options).check(graph, verbose=False)
    return check_findings("forbidden", check.kept, check.metadata)


def check_findings(
    kind: str, kept: bool, metadata: dict[str, Any], norm: Callable[[str], str] = normalise
) -> Findings:
    """The findings in an import-linter ``ContractCheck`` of a layers, independence or
    forbidden contract (its ``kept`` and ``metadata``, also as read back from JSON);
    ``norm`` names external modules as archrules is compared."""
    found = Findings(broken=not kept)
    if kind == "layers":
        for dep in metadata["invalid_dependencies"]:
            found.pairs.add((dep["importer"], dep["imported"]))
            for route in dep["routes"]:
                for chain in _expand_detailed(route):
                    _add_chain(found, chain, norm)
        return found
    for dep in metadata["invalid_chains"]:
        found.pairs.add((dep["downstream_module"], dep["upstream_module"]))
        for links in dep["chains"]:
            if kind == "independence":
                for chain in _expand_detailed(links):
                    _add_chain(found, chain, norm)
            else:
                _add_chain(found, [links[0]["importer"], *(x["imported"] for x in links)], norm)
    return found


def _run_layers(graph: grimp.ImportGraph, case: Case, c: Layers) -> Findings:
    if c.closed:
        # import-linter 2.16 has no option for closed layers; grimp, underneath it, does.
        # archrules' `closed = true` closes every layer.
        levels = [
            grimp.Layer(*level, independent=i not in c.open_levels, closed=True)
            for i, level in enumerate(c.layers)
        ]
        deps = graph.find_illegal_dependencies_for_layers(levels, containers=set(c.containers))
        found = Findings(broken=bool(deps))
        for dep in deps:
            found.pairs.add((dep.importer, dep.imported))
            for route in dep.routes:
                for h in route.heads:
                    for t in route.tails:
                        _add_chain(found, (h, *route.middle, t))
        return found
    # every layer optional in containers: archrules only asks that a layer exist somewhere
    fmt = "({})" if c.containers else "{}"
    options: dict[str, Any] = {
        "layers": [
            (" : " if i in c.open_levels else " | ").join(fmt.format(n) for n in level)
            for i, level in enumerate(c.layers)
        ]
    }
    _ignoring(case, options)
    if c.containers:
        options["containers"] = list(c.containers)
    check = LayersContract("oracle", _session(case), options).check(graph, verbose=False)
    return check_findings("layers", check.kept, check.metadata)
