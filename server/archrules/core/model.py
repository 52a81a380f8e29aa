"""The incremental project model.

The model holds, per source file, the facts read from it (imports, exception comments)
and what follows from them: the file's resolved imports (edges of the import graph) and
its direct violations. Changing one file re-reads that file only:

* its facts are replaced (the caller extracts them, from disk or from an editor buffer);
* its imports are resolved again; if the set of modules changed (a file appeared or
  disappeared) every file's imports are resolved again, since ``from a import b`` may now
  name a module - resolution is cheap, no file is re-read;
* direct violations are recomputed for files whose edges changed;
* graph-wide results (indirect chains, cycles) are recomputed only if some file's edges
  changed;
* convention results (naming, size, calls) are recomputed for the changed file only;
  duplicates and drift, which compare files, keep their own indexes (``crossfile``),
  updated per file and recomputed only for what the changed files can alter;
* exception comments are applied, and the built-in findings made, by ``findings``;
  every file's result is kept between queries and recomputed only when its inputs changed.

Queries are lazy: a batch of updates costs one refresh. The invariant, tested with
property-based tests: after any sequence of updates the model reports exactly what a
fresh model built from the same files reports.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from archrules.core.adr import AdrSet
from archrules.core.config import Config, ConfigProblem
from archrules.core.conventions import CheckedFile
from archrules.core.crossfile import DriftIndex, DuplicatesIndex
from archrules.core.expressions import ImportExpr, ModuleExpr
from archrules.core.facts import extract_facts
from archrules.core.files import MAX_IMPORTS_PER_FILE, refuse_reason, too_many_imports
from archrules.core.findings import (
    apply_exceptions,
    rule_adr_warnings,
    syntax_error,
    unmatched_ignore,
    unreadable_file,
)
from archrules.core.kinds import compile_rules
from archrules.core.modules import Classifier, module_name
from archrules.core.modules import SourceFile as DiscoveredFile
from archrules.core.rules import Category, Checker, Edge
from archrules.core.types import (
    FILE_START,
    FileFacts,
    ImportFact,
    Range,
    Violation,
    format_adr_id,
    same_findings,
)


def _same_shape(old: dict[str, list[Edge]], new: dict[str, list[Edge]]) -> bool:
    """The same imported modules, each the same number of times, with the same
    classification and statement structure: only positions differ."""
    if old.keys() != new.keys():
        return False
    return all(
        len(a) == len(b)
        and all(
            x.category == y.category and x.importer == y.importer for x, y in zip(a, b, strict=True)
        )
        for a, b in ((old[k], new[k]) for k in old)
    )


@dataclass
class _FileState:
    module: str
    is_package: bool
    root_index: int
    facts: FileFacts
    edges: tuple[Edge, ...] = ()
    direct: list[Violation] = field(default_factory=list)
    resolved: bool = False
    conventions: list[Violation] = field(default_factory=list)  # naming, size, calls
    # whether the file owned its module when its conventions were checked (None: not yet);
    # they depend on nothing else that can change for these facts
    conventions_owner: bool | None = None


class ProjectModel:
    """Everything archrules knows about one project (one config file)."""

    def __init__(self, config: Config, adrs: AdrSet) -> None:
        self.config = config
        self.adrs = adrs
        compiled = compile_rules(config.rules)
        self._checkers: list[Checker] = compiled.imports
        self._conventions = compiled.files
        # definitions and references are read only when a convention rule needs them
        self.wants_conventions = bool(self._conventions or compiled.duplicates or compiled.drift)
        # the convention rules that compare files keep their own indexes (``crossfile``)
        self._duplicates = DuplicatesIndex(compiled.duplicates)
        self._drift = DriftIndex(compiled.drift)
        self._sources: dict[Path, _FileState] = {}
        self._module_names: dict[Path, tuple[str, bool, int]] = {}  # from discovery
        self._unreadable: dict[Path, str] = {}
        # files excluded from checking (``exclude``, ``.gitignore``): module names only
        self._excluded: dict[Path, str] = {}
        self._owner: dict[str, Path] = {}  # module -> the file that defines it
        self._known: set[str] = set()  # first-party modules, namespace packages included
        self._classifier = Classifier(())
        # (module, name) of an import -> what it resolves to (``_name``), for this module set
        self._names: dict[tuple[str, str | None], tuple[Category, str | None, str]] = {}
        self._succ: dict[str, dict[str, list[Edge]]] = {}
        self._pred: dict[str, set[str]] = {}  # module -> the modules that import it
        self._modules_dirty = True
        self._dirty: set[Path] = set()
        # graph-wide findings: None when some import changed since they were computed;
        # then the checkers search the whole graph again (``_graph_full``: the module set
        # changed) or only what the ``_graph_changed`` modules' imports can alter
        self._global: list[Violation] | None = None
        self._graph_full = True
        self._graph_changed: set[str] = set()
        self._modules_version = 0  # counts changes of the module set
        # findings located in the config: what the module set decides (its version, the
        # findings), and the ignore entries no import matches (the graph-wide findings of
        # the edges they were computed with, the findings)
        self._module_found: tuple[int, list[Violation]] | None = None
        self._unmatched_found: tuple[object, list[Violation]] | None = None
        # every finding, exceptions applied, kept per file between queries: a query
        # recomputes only the files refreshed since (``_stale``) or whose cross-file
        # findings changed
        self._final: dict[Path, list[Violation]] = {}
        self._final_cross: dict[Path, list[Violation]] = {}
        self._stale: set[Path] = set()
        self._flat: list[Violation] | None = None
        self._problems: tuple[int, AdrSet, list[ConfigProblem]] | None = None

    # --- updates -------------------------------------------------------------------

    def know_modules(self, sources: Iterable[DiscoveredFile]) -> None:
        """Discovery already named these files' modules: ``module_for`` need not again."""
        roots = self.config.roots
        for source in sources:
            index = roots.index(source.root) if source.root in roots else len(roots)
            self._module_names[source.path] = (source.module, source.is_package, index)

    def module_for(self, path: Path) -> tuple[str, bool, int] | None:
        """The module a file defines (name, is package, root index), None outside roots."""
        known = self._module_names.get(path)
        if known is not None:
            return known
        found = module_name(path, self.config.roots)
        if found is None:
            return None
        name, root = found
        roots = self.config.roots
        return name, path.name == "__init__.py", roots.index(root) if root in roots else len(roots)

    def set_text(self, path: Path, text: str) -> bool:
        """A file's text (an editor's buffer, or read from disk)."""
        refused = refuse_reason(text)
        if refused is not None:
            self.set_unreadable(path, refused)
            return self.module_for(path) is not None
        return self.set_facts(path, extract_facts(text, self.wants_conventions))

    def set_facts(self, path: Path, facts: FileFacts) -> bool:
        """Add or replace a file. False if the file is not a module of this project."""
        if len(facts.imports) > MAX_IMPORTS_PER_FILE:  # one ``from`` with a huge name list
            self.set_unreadable(path, too_many_imports(len(facts.imports)))
            return self.module_for(path) is not None
        found = self.module_for(path)
        if found is None:
            return False
        module, is_package, root_index = found
        self._unreadable.pop(path, None)
        if self._excluded.pop(path, None) is not None:
            self._modules_dirty = True
        old = self._sources.get(path)
        if old is not None and old.facts == facts:
            return True
        self._sources[path] = _FileState(module, is_package, root_index, facts)
        if old is None:
            self._modules_dirty = True
        self._dirty.add(path)
        return True

    def set_unreadable(self, path: Path, message: str) -> None:
        """The file exists (its module does) but its text could not be read."""
        if self.set_facts(path, FileFacts()):
            self._unreadable[path] = message

    def set_excluded(self, path: Path) -> bool:
        """A file excluded from checking (the config's ``exclude``, a ``.gitignore``): its
        module exists, so that ``from pkg._version import v`` resolves to ``pkg._version``,
        but it is not read and has no findings. False if it is not a module here."""
        found = self.module_for(path)
        if found is None:
            return False
        self.remove(path)
        self._excluded[path] = found[0]
        self._modules_dirty = True
        return True

    @property
    def excluded_paths(self) -> list[Path]:
        return sorted(self._excluded)

    def remove(self, path: Path) -> None:
        self._stale.add(path)
        self._unreadable.pop(path, None)
        if self._excluded.pop(path, None) is not None:
            self._modules_dirty = True
        source = self._sources.pop(path, None)
        if source is None:
            return
        self._modules_dirty = True
        self._dirty.discard(path)
        self._duplicates.remove(path)
        self._drift.remove(path)
        if self._owner.get(source.module) == path:
            self._drop_edges(source.module)

    @property
    def checkers(self) -> Sequence[Checker]:
        return self._checkers

    def hypothetical(self, importer: str, imported: str, path: Path) -> list[Violation]:
        """What a direct import of ``imported`` by ``importer`` would break (for explaining
        a re-export: the name really comes from a module the importer may not use)."""
        self._refresh()
        edge = Edge(importer, imported, path, FILE_START, 0, self._classifier.classify(imported))
        return [v for c in self._checkers if (v := c.check_import(edge)) is not None]

    def facts_of(self, path: Path) -> FileFacts | None:
        source = self._sources.get(path)
        return source.facts if source is not None else None

    def module_of(self, path: Path) -> str | None:
        """The module a file of this model defines, None if it is not one."""
        source = self._sources.get(path)
        return source.module if source is not None else None

    def path_of(self, module: str) -> Path | None:
        """The file that defines a module, None for namespace packages and externals."""
        self._refresh()
        return self._owner.get(module)

    def set_adrs(self, adrs: AdrSet) -> None:
        """The ADR directory changed: findings that cite ADRs are computed per query."""
        self.adrs = adrs
        self._stale.update(self._sources)
        self._flat = None

    @property
    def paths(self) -> list[Path]:
        return sorted(self._sources)

    @property
    def file_count(self) -> int:
        return len(self._sources)

    # --- refresh -------------------------------------------------------------------

    def _refresh(self) -> None:
        if self._modules_dirty:
            self._rebuild_modules()
            self._dirty = set(self._sources)
            self._modules_dirty = False
        for path in sorted(self._dirty):
            self._resolve_file(path)
            self._check_conventions(path)
        self._stale.update(self._dirty)
        self._dirty.clear()

    def _rebuild_modules(self) -> None:
        owner: dict[str, Path] = {}
        for path in sorted(self._sources, key=lambda p: (self._sources[p].root_index, str(p))):
            owner.setdefault(self._sources[path].module, path)
        for module in set(self._owner) - set(owner):
            self._drop_edges(module)
        self._owner = owner
        known: set[str] = set()
        for module in (*owner, *self._excluded.values()):
            parts = module.split(".")
            for i in range(1, len(parts) + 1):
                known.add(".".join(parts[:i]))
        if known != self._known:
            self._global = None
            self._graph_full = True
            self._modules_version += 1
        self._known = known
        self._names = {}
        self._classifier = Classifier({m.split(".")[0] for m in known})

    def _move_graph_ranges(
        self, path: Path, old: dict[str, list[Edge]], new: dict[str, list[Edge]]
    ) -> None:
        """The file imports the same modules as before, the same number of times, at other
        positions (lines were added above): the graph-wide findings stay, their ranges in
        this file follow the edges. Typing in a function body costs no graph search."""
        if self._graph_full:
            return
        moved: dict[Range, Range] = {}
        for imported, edges in old.items():
            for before, after in zip(edges, new[imported], strict=True):
                moved[before.range] = after.range

        def follow(v: Violation) -> Violation:
            if v.path != path and all(r.path != path for r in v.related):
                return v
            return replace(
                v,
                range=moved.get(v.range, v.range) if v.path == path else v.range,
                related=tuple(
                    replace(r, range=moved.get(r.range, r.range)) if r.path == path else r
                    for r in v.related
                ),
            )

        for checker in self._checkers:
            checker.remap(follow)
        if self._global is not None:
            self._global = [follow(v) for v in self._global]

    def _drop_edges(self, module: str) -> None:
        old = self._succ.pop(module, None)
        if old:
            self._link(module, old, {})
            self._global = None
            self._graph_full = True

    def _link(self, module: str, old: dict[str, list[Edge]], new: dict[str, list[Edge]]) -> None:
        """Keep the predecessor index in step with a module's new imports."""
        for imported in old.keys() - new.keys():
            importers = self._pred[imported]
            importers.discard(module)
            if not importers:
                del self._pred[imported]
        for imported in new.keys() - old.keys():
            self._pred.setdefault(imported, set()).add(module)

    def _resolve_file(self, path: Path) -> None:
        source = self._sources[path]
        if self._owner.get(source.module) != path:  # a shadowed duplicate module
            source.edges, source.direct, source.resolved = (), [], True
            return
        edges = tuple(self._resolve(path, source))
        if source.resolved and edges == source.edges:
            return
        source.edges = edges
        source.resolved = True
        succ: dict[str, list[Edge]] = {}
        for edge in edges:
            succ.setdefault(edge.imported, []).append(edge)
        old = self._succ.get(source.module, {})
        if old != succ:
            if _same_shape(old, succ):
                self._move_graph_ranges(path, old, succ)  # lines moved, imports did not
            else:
                self._global = None
                self._graph_changed.add(source.module)
            self._link(source.module, old, succ)
        if succ:
            self._succ[source.module] = succ
        else:
            self._succ.pop(source.module, None)
        source.direct = [
            violation
            for edge in edges
            for checker in self._checkers
            if (violation := checker.check_import(edge)) is not None
        ]

    def _check_conventions(self, path: Path) -> None:
        source = self._sources[path]
        owner = self._owner.get(source.module) == path
        if source.conventions_owner is owner:  # up to date (only modules were rebuilt)
            return
        source.conventions_owner = owner
        if not owner:  # a shadowed duplicate module
            source.conventions = []
            self._duplicates.remove(path)
            self._drift.remove(path)
            return
        view = CheckedFile(path, source.module, source.is_package, source.facts)
        source.conventions = [v for checker in self._conventions for v in checker.check_file(view)]
        definitions = source.facts.definitions
        self._duplicates.update(path, source.module, definitions)
        self._drift.update(path, source.module, source.is_package, definitions)

    def _target(self, source: _FileState, fact: ImportFact) -> str:
        """The absolute module an import names ("" if none: skipped, or beyond the top)."""
        if fact.type_checking and self.config.type_checking_imports != "check":
            return ""
        if not fact.level:
            return fact.module
        package = source.module.split(".")
        if not source.is_package:
            package = package[:-1]
        keep = len(package) - (fact.level - 1)
        if keep <= 0:
            return ""  # beyond the top-level package: Python refuses it too
        return ".".join(package[:keep] + ([fact.module] if fact.module else []))

    def import_candidates(self, path: Path) -> list[str]:
        """The modules a file's imports may name (``from a import b``: ``a`` and ``a.b``),
        for finding their files before the project's tree is walked."""
        source = self._sources.get(path)
        if source is None:
            return []
        found: dict[str, None] = {}
        for fact in source.facts.imports:
            target = self._target(source, fact)
            if target:
                found[target] = None
                if fact.name and fact.name != "*":
                    found[f"{target}.{fact.name}"] = None
        return list(found)

    def _resolve(self, path: Path, source: _FileState) -> Iterable[Edge]:
        """The file's imports as graph edges. ``from a import X, Y`` with X and Y names
        (not submodules) is one import of ``a``: one edge, not one per name."""
        seen: set[tuple[str, Range]] = set()
        names = self._names
        for fact in source.facts.imports:
            target = self._target(source, fact)
            if not target:
                continue
            found = names.get((target, fact.name))
            if found is None:
                found = names[target, fact.name] = self._name(target, fact.name)
            category, submodule, imported = found
            range_ = fact.module_range
            if submodule is not None and fact.name_range is not None:
                imported, range_ = submodule, fact.name_range
            if imported == source.module or (imported, range_) in seen:
                continue
            seen.add((imported, range_))
            yield Edge(source.module, imported, path, range_, fact.stmt_line, category)

    def _name(self, target: str, name: str | None) -> tuple[Category, str | None, str]:
        """What ``from target import name`` (``import target``: no name) imports: its
        category, the submodule ``target.name`` if that is a module, else the module it
        names (the nearest known one for first-party names). Kept per module set
        (``_names``): most files import the same few modules."""
        category: Category = self._classifier.classify(target)
        if category != "first-party":
            return category, None, target
        candidate = f"{target}.{name}" if name and name != "*" else None
        return (
            category,
            candidate if candidate in self._known else None,
            self._nearest_known(target),
        )

    def _nearest_known(self, module: str) -> str:
        parts = module.split(".")
        while len(parts) > 1 and ".".join(parts) not in self._known:
            parts.pop()
        return ".".join(parts)

    # --- the Graph protocol, for the checkers ------------------------------------

    def modules(self) -> Iterable[str]:
        return self._known

    def successors(self, module: str) -> Iterable[str]:
        return self._succ.get(module, {}).keys()

    def edges_between(self, importer: str, imported: str) -> Sequence[Edge]:
        return self._succ.get(importer, {}).get(imported, ())

    def predecessors(self, module: str) -> Iterable[str]:
        return self._pred.get(module, ())

    def is_first_party(self, module: str) -> bool:
        return module in self._known

    def classify(self, module: str) -> Category:
        self._refresh()
        return self._classifier.classify(module)

    # --- results -------------------------------------------------------------------

    def _graph_violations(self) -> list[Violation]:
        if self._global is None:
            if self._graph_full:
                found = [v for checker in self._checkers for v in checker.check_graph(self)]
            else:
                changed = self._graph_changed
                found = [v for c in self._checkers for v in c.update_graph(self, changed)]
            self._global = found
            self._graph_full = False
            self._graph_changed = set()
        return self._global

    def violations(
        self, *, graph: bool = True, only: Collection[Path] | None = None
    ) -> list[Violation]:
        """Every finding, exceptions applied, sorted. ``graph=False`` leaves out graph-wide
        findings (chains, cycles) and unused-exception hints, which need every file: the
        language server asks for this while it is still indexing, for the open files only
        (``only``)."""
        self._refresh()
        extra = [
            unreadable_file(path, message)
            for path, message in self._unreadable.items()
            if only is None or path in only
        ]
        extra.extend(rule_adr_warnings(self.config, self.adrs))
        if graph:
            extra.extend(self._config_findings())
        if graph and only is None:
            result = [*self._every_file(), *extra]
        else:
            result = extra
            cross = self._cross_file() if graph else {}
            paths = self._sources if only is None else [p for p in only if p in self._sources]
            for path in paths:
                result.extend(self._file_findings(path, cross.get(path, []), graph))
        result.sort(key=Violation.sort_key)
        return result

    def _every_file(self) -> list[Violation]:
        """Every file's findings with the cross-file ones (graph-wide, duplicates, drift),
        sorted; recomputed only for the files whose inputs changed since the last call."""
        cross = self._cross_file()
        stale = self._stale
        before = self._final_cross
        stale.update(
            p
            for p in cross.keys() | before.keys()
            if not same_findings(cross.get(p, []), before.get(p, []))
        )
        self._final_cross = cross
        if stale or self._flat is None:
            for path in stale:
                if path in self._sources:
                    self._final[path] = self._file_findings(path, cross.get(path, []), True)
                else:
                    self._final.pop(path, None)
            stale.clear()
            flat = [v for found in self._final.values() for v in found]
            flat.sort(key=Violation.sort_key)
            self._flat = flat
        return self._flat

    def _cross_file(self) -> dict[Path, list[Violation]]:
        """Findings that compare files (graph-wide, duplicates, drift), by file. Like the
        graph-wide ones, duplicates and drift need every file."""
        cross: dict[Path, list[Violation]] = {}
        for violation in (
            *self._graph_violations(),
            *self._duplicates.findings(),
            *self._drift.findings(self._owner),
        ):
            cross.setdefault(violation.path, []).append(violation)
        return cross

    def _config_findings(self) -> list[Violation]:
        """Findings located in the config: what a rule says of the module set itself
        (``Rule.module_findings``: an exhaustive layers rule's unlisted children), computed
        again when the module set changes; and the ignore entries that match no import,
        computed again when the edges changed (the graph-wide findings were)."""
        if self._module_found is None or self._module_found[0] != self._modules_version:
            found: list[Violation] = []
            for rule in self.config.rules:
                found.extend(
                    Violation(
                        rule=rule.name,
                        kind=rule.kind,
                        severity=rule.severity,
                        path=self.config.path,
                        range=range_,
                        message=message,
                        adr=rule.adr,
                        key=key,
                    )
                    for range_, message, key in rule.module_findings(self._known)
                )
            self._module_found = (self._modules_version, found)
        graph = self._graph_violations()
        if self._unmatched_found is None or self._unmatched_found[0] is not graph:
            unmatched = [
                unmatched_ignore(self.config, rule.name, expr)
                for rule in self.config.rules
                for expr in rule.ignores()
                if not self._matches_an_import(expr)
            ]
            self._unmatched_found = (graph, unmatched)
        return [*self._module_found[1], *self._unmatched_found[1]]

    def _matches_an_import(self, expr: ImportExpr) -> bool:
        """Whether some import of the project is the one ``expr`` names; only the
        importers its left side matches are looked at."""
        return any(
            expr.matches(importer, imported)
            for importer in self._known
            if expr.importer.matches(importer)
            for imported in self.successors(importer)
        )

    def _file_findings(
        self, path: Path, cross: list[Violation], report_unused: bool
    ) -> list[Violation]:
        """One file's own findings and the cross-file ones placed in it, exceptions
        applied."""
        source = self._sources[path]
        found = [*source.direct, *source.conventions]
        if source.facts.syntax_error is not None:
            found.append(syntax_error(path, source.module, source.facts.syntax_error))
        found.extend(cross)
        return apply_exceptions(
            self.config, self.adrs, path, source.module, source.facts, found, report_unused
        )

    # --- config validation that needs the modules and ADRs -----------------------

    def config_problems(self) -> list[ConfigProblem]:
        """What the module set and the ADRs say of the config (computed again only when
        either changed)."""
        self._refresh()
        cached = self._problems
        if cached is not None and cached[0] == self._modules_version and cached[1] is self.adrs:
            return list(cached[2])
        problems = self._config_problems()
        self._problems = (self._modules_version, self.adrs, problems)
        return list(problems)

    def _config_problems(self) -> list[ConfigProblem]:
        problems: list[ConfigProblem] = []
        config = self.config
        for rule in config.rules:
            if rule.adr is not None and self.adrs.get(rule.adr) is None:
                where = self.adrs.directory or "the ADR directory (none found)"
                problems.append(
                    ConfigProblem(
                        config.path,
                        rule.adr_range or rule.range,
                        f"rule {rule.name}: {format_adr_id(rule.adr)} "
                        f"matches no ADR file in {where}",
                    )
                )
            for expr in rule.unmatched(self._matches_any, self._is_first_party_top):
                problems.append(
                    ConfigProblem(
                        config.path,
                        expr.range,
                        f"rule {rule.name}: '{expr.text}' matches no module of this project",
                    )
                )
        return problems

    def _is_first_party_top(self, top: str) -> bool:
        return self._classifier.classify(top) == "first-party"

    def _matches_any(self, expr: ModuleExpr) -> bool:
        if not expr.is_wildcard:
            return expr.text in self._known
        return any(expr.matches(module) for module in self._known)
