"""A picture of the architecture: the components the rules name, the imports between them,
and which of those imports break a rule (``archrules graph``, the editor's architecture view).

Plain data, computed from a ``ProjectModel``; renderers (Mermaid, DOT, HTML) are adapters.

* **Components** are the modules the import rules name: each layer's members (within each
  container), the modules of ``independent`` and ``acyclic`` rules (each root a wildcard
  matches is one component: ``shop.*`` gives ``shop.web``, ``shop.cli`` ...), the first-party
  ``from`` and ``to`` of ``forbidden`` rules and the ``module`` of ``interface`` rules. A module
  belongs to the most specific component that contains it.
* A wildcard that matches more than ``MAX_WILDCARD_BOXES`` roots would bury the picture: its
  roots are drawn as one box, the part of the expression before the wildcard (a note says so).
* Modules in no component are grouped into **unconstrained** boxes: each under the shortest
  prefix of its name that contains no component (``shop.utils.text`` goes to ``shop.utils``); a
  package whose children are components (``shop/__init__.py``) is a box of its own.
* External packages appear only when a rule names them (``forbidden.to``) or a finding
  imports them (``external`` rules), each under its top-level name.
* **Bands** are the layers of each ``layers`` rule, top to bottom; a box is in the band of
  the first layer that contains it.
* **Links** join two boxes: the number of import statements from one to the other, and the
  findings of import rules among them. A direct finding is on its own import; an indirect
  one (a chain ``a -> x -> b``) joins the boxes of ``a`` and ``b`` and is marked indirect; a
  cycle finding is on the import that closes it. Findings are those ``archrules check`` reports
  before its baseline is applied: the baseline hides known debts, the picture shows them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from archrules.core.expressions import ModuleExpr
from archrules.core.kinds import CHAIN_KINDS, IMPORT_KINDS
from archrules.core.kinds.layers import LayersRule
from archrules.core.model import ProjectModel
from archrules.core.types import Range, Severity, Violation

MAX_WILDCARD_BOXES = 40
MAX_EXAMPLES = 10  # allowed imports listed per link

BoxKind = Literal["component", "group", "external"]


@dataclass(frozen=True)
class Site:
    """One import, with the finding it is part of (``rule`` "" for an allowed import)."""

    path: Path  # absolute
    range: Range
    importer: str
    imported: str
    rule: str = ""
    severity: Severity | Literal[""] = ""
    message: str = ""
    indirect: bool = False


@dataclass(frozen=True)
class Band:
    rule: str
    layer: int  # 0 is the top
    count: int  # layers in the rule
    members: tuple[str, ...]  # the layer's expressions as written

    @property
    def label(self) -> str:
        return f"{self.rule}: layer {self.layer + 1} of {self.count}: {' | '.join(self.members)}"


@dataclass(frozen=True)
class Box:
    name: str  # a module name, a group's prefix, or an external package
    kind: BoxKind
    band: int | None  # index into Picture.bands
    modules: int  # first-party modules with a file in it
    rules: tuple[str, ...]  # the rules that name it


@dataclass(frozen=True)
class Link:
    source: str
    target: str
    imports: int  # import statements from a module of source to a module of target
    violations: tuple[Site, ...]  # sorted by path and position
    examples: tuple[Site, ...]  # some of the imports, when none breaks a rule

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(sorted({site.rule for site in self.violations}))


@dataclass(frozen=True)
class Picture:
    root: Path  # the project's directory
    config: Path
    bands: tuple[Band, ...]
    boxes: tuple[Box, ...]  # in band order, then the rest; by name within each
    links: tuple[Link, ...]  # sorted by (source, target)
    notes: tuple[str, ...] = ()

    @property
    def violation_count(self) -> int:
        return sum(len(link.violations) for link in self.links)


def _component_exprs(model: ProjectModel) -> list[tuple[ModuleExpr, str]]:
    """Every expression that names components, with the rule naming it."""
    return [(expr, rule.name) for rule in model.config.rules for expr in rule.components()]


def _collapsed(expr: ModuleExpr) -> str:
    """What a wildcard expression with too many roots is drawn as: the part before the
    first wildcard (``ha.components.*`` -> ``ha.components``), else its first part."""
    fixed: list[str] = []
    for part in expr.parts:
        if part in ("*", "**"):
            break
        fixed.append(part)
    return ".".join(fixed) or expr.parts[0]


class _Components:
    """Which box each module belongs to."""

    def __init__(self, model: ProjectModel, modules: list[str]) -> None:
        self.notes: list[str] = []
        self.rules: dict[str, set[str]] = {}  # component -> rule names
        exprs = _component_exprs(model)
        first_party = set(modules)
        tops = {m.split(".")[0] for m in modules}
        internal = [(e, r) for e, r in exprs if e.top in tops or e.top == "*"]
        # external packages a rule names (forbidden.to), each with the rules naming it
        self.externals: dict[str, set[str]] = {}
        for expr, rule in exprs:
            if expr.top not in tops and expr.top != "*":
                self.externals.setdefault(expr.text, set()).add(rule)
        self._external_exprs = [ModuleExpr.parse(text) for text in sorted(self.externals)]
        roots_of: dict[ModuleExpr, set[str]] = {}
        self._root: dict[str, str] = {}  # module -> its component
        for module in modules:
            best: str | None = None
            for expr, _ in internal:
                root = expr.match_root(module)
                if root is not None:
                    roots_of.setdefault(expr, set()).add(root)
                    if best is None or len(root) > len(best):
                        best = root
            if best is not None:
                self._root[module] = best
        # wildcards with too many roots: one box each
        replace: dict[str, str] = {}
        for expr, roots in sorted(roots_of.items(), key=lambda item: item[0].text):
            if expr.is_wildcard and len(roots) > MAX_WILDCARD_BOXES:
                box = _collapsed(expr)
                self.notes.append(
                    f"{expr.text} matches {len(roots)} modules: drawn as one box, {box}"
                )
                for root in roots:
                    replace.setdefault(root, box)
        named = {e.text for e, _ in internal if not e.is_wildcard}  # named as such: kept
        for module, root in self._root.items():
            if root in replace and root not in named:
                self._root[module] = replace[root]
        for expr, rule in internal:
            for root in roots_of.get(expr, ()):
                shown = replace.get(root, root) if root not in named else root
                self.rules.setdefault(shown, set()).add(rule)
        self.components = set(self._root.values())
        # prefixes of components: a module there is a package above components
        self._above: set[str] = set()
        for component in self.components:
            parts = component.split(".")
            for i in range(1, len(parts)):
                self._above.add(".".join(parts[:i]))
        self._first_party = first_party
        self._group_cache: dict[str, str] = {}
        self._external_cache: dict[str, str | None] = {}

    def box_of(self, module: str) -> tuple[str, BoxKind] | None:
        root = self._root.get(module)
        if root is not None:
            return root, "component"
        if module in self._first_party:
            return self._group(module), "group"
        found = self._external_cache.get(module, "")
        if found == "":
            found = None
            for expr in self._external_exprs:
                root = expr.match_root(module)
                if root is not None and (found is None or len(root) > len(found)):
                    found = expr.text
            self._external_cache[module] = found
        return None if found is None else (found, "external")

    def _group(self, module: str) -> str:
        cached = self._group_cache.get(module)
        if cached is not None:
            return cached
        parts = module.split(".")
        group = module
        for i in range(1, len(parts) + 1):
            prefix = ".".join(parts[:i])
            if prefix not in self._above and prefix not in self.components:
                group = prefix
                break
        self._group_cache[module] = group
        return group


def _bands(model: ProjectModel) -> list[tuple[Band, list[ModuleExpr]]]:
    bands: list[tuple[Band, list[ModuleExpr]]] = []
    for rule in model.config.rules:
        if not isinstance(rule, LayersRule):
            continue
        for index, layer in enumerate(rule.layers):
            exprs = [e.within(c) for e in layer for c in rule.containers] or list(layer)
            band = Band(rule.name, index, len(rule.layers), tuple(e.text for e in layer))
            bands.append((band, exprs))
    return bands


def _endpoints(violation: Violation) -> tuple[str, str, bool] | None:
    if violation.kind not in IMPORT_KINDS:
        return None
    if violation.importer is None or violation.imported is None:
        return None
    if violation.kind in CHAIN_KINDS and len(violation.chain) > 2:
        return violation.chain[0], violation.chain[-1], True
    return violation.importer, violation.imported, False


def build_picture(model: ProjectModel) -> Picture:
    """The picture of the project the model holds (its files read)."""
    violations = model.violations()  # brings the model up to date
    modules = sorted(model.modules())
    components = _Components(model, modules)

    boxes: dict[str, BoxKind] = {}
    counts: dict[str, int] = {}
    for module in modules:
        name, kind = components.box_of(module) or (module, "group")
        boxes.setdefault(name, kind)
        if model.path_of(module) is not None:
            counts[name] = counts.get(name, 0) + 1

    imports: dict[tuple[str, str], int] = {}
    examples: dict[tuple[str, str], list[Site]] = {}
    for importer in modules:
        source = components.box_of(importer) or (importer, "group")
        for imported in sorted(model.successors(importer)):
            target = components.box_of(imported)
            if target is None or target[0] == source[0]:
                continue
            boxes.setdefault(target[0], target[1])
            key = (source[0], target[0])
            for edge in model.edges_between(importer, imported):
                imports[key] = imports.get(key, 0) + 1
                shown = examples.setdefault(key, [])
                if len(shown) < MAX_EXAMPLES:
                    shown.append(Site(edge.path, edge.range, importer, imported))

    sites: dict[tuple[str, str], list[Site]] = {}
    for violation in violations:
        ends = _endpoints(violation)
        if ends is None:
            continue
        start, end, indirect = ends
        from_box = components.box_of(start)
        # a third-party package that an ``external`` rule does not allow: its own box
        to_box = components.box_of(end) or (end.split(".")[0], "external")
        if from_box is None:  # pragma: no cover - an importer is always first-party
            continue
        boxes.setdefault(to_box[0], to_box[1])
        assert violation.importer is not None and violation.imported is not None
        sites.setdefault((from_box[0], to_box[0]), []).append(
            Site(
                violation.path,
                violation.range,
                violation.importer,
                violation.imported,
                violation.rule,
                violation.severity,
                violation.message,
                indirect,
            )
        )

    for name, rules in components.externals.items():
        boxes.setdefault(name, "external")
        components.rules.setdefault(name, set()).update(rules)

    bands = _bands(model)
    band_of: dict[str, int] = {}
    for name, kind in boxes.items():
        if kind == "external":
            continue
        for index, (_, exprs) in enumerate(bands):
            if any(expr.matches(name) for expr in exprs):
                band_of[name] = index
                break

    kind_order = {"component": 0, "group": 1, "external": 2}

    def order(name: str) -> tuple[int, int, str]:
        band = band_of.get(name)
        return (band if band is not None else len(bands), kind_order[boxes[name]], name)

    box_list = tuple(
        Box(
            name,
            boxes[name],
            band_of.get(name),
            counts.get(name, 0),
            tuple(sorted(components.rules.get(name, ()))),
        )
        for name in sorted(boxes, key=order)
        if counts.get(name, 0) or boxes[name] == "external" or _touched(name, imports, sites)
    )
    links = tuple(
        Link(
            source,
            target,
            imports.get((source, target), 0),
            tuple(sorted(sites.get((source, target), ()), key=_site_order)),
            () if (source, target) in sites else tuple(examples.get((source, target), ())),
        )
        for source, target in sorted(set(imports) | set(sites))
    )
    config = model.config
    return Picture(
        config.root_dir,
        config.path,
        tuple(band for band, _ in bands),
        box_list,
        links,
        tuple(components.notes),
    )


def _touched(name: str, *maps: Iterable[tuple[str, str]]) -> bool:
    return any(name in key for keys in maps for key in keys)


def _site_order(site: Site) -> tuple[str, Range, str, str]:
    return (str(site.path), site.range, site.rule, site.message)
