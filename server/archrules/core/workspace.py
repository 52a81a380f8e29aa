"""Many projects at once, as an editor sees them.

A ``Workspace`` holds every project (one per config file) found in the folders it is given
or governing the files it is shown, the text of open documents (which wins over the disk),
and the background indexing of files on disk. It routes each change to the project that
governs the file (the nearest config), re-reads nothing else, and reports results per file.
The language server is a thin adapter over it; it knows nothing of LSP.

Invariant (tested through the protocol): once indexing is done, the results for every file
equal those of a fresh ``open_project`` of the same texts.

Made for an event loop that must never wait (ADR-0011): with ``defer=True`` loading a
project only loads its config; an open file is read at once, with the files its imports
name (found by looking for them on disk, not by walking the tree), so that its first
findings need no discovery. The slow parts are handed out as plain work the caller may run
anywhere (a thread, worker processes) and merge back between two messages:
``discovery_work`` / ``merge_discovery`` (walking the tree), ``index_some`` returning
``Extraction`` jobs / ``add_extracted`` (parsing files), ``take_saves`` (writing caches).
Without ``defer`` (the default) everything happens at once, on the same code paths.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from archrules.core.adr import AdrSet, NewAdr, new_adr_directory, plan_new_adr
from archrules.core.baseline import (
    BASELINE_NAME,
    Baseline,
    BaselineError,
    apply_baseline,
    load_baseline,
)
from archrules.core.cache import FactsCache
from archrules.core.config import (
    CONFIG_NAMES,
    Config,
    ConfigProblem,
    find_config,
    find_configs_below,
)
from archrules.core.explain import ModuleExplanation, explain_module
from archrules.core.facts import decode_source, extract_facts
from archrules.core.files import read_bytes
from archrules.core.kinds.interface import InterfaceRule
from archrules.core.model import ProjectModel
from archrules.core.modules import Discovery, PathStatus, path_status
from archrules.core.picture import Picture
from archrules.core.project import (
    Project,
    Unparsed,
    apply_discovery,
    load_project,
    load_project_adrs,
    open_cache,
    read_cached,
    read_into,
    scan_project,
)
from archrules.core.rule import Rule
from archrules.core.types import FileFacts, Violation


@dataclass
class ProjectState:
    """One config file and what follows from it."""

    config_path: Path
    project: Project  # the last project whose config loaded, else the failed attempt
    problems: list[ConfigProblem] = field(default_factory=list)  # of the current config text
    # what loading the config and its ADRs found; once indexed, ``problems`` adds what the
    # module set says of the config (expressions matching no module), kept in step with it
    load_problems: list[ConfigProblem] = field(default_factory=list)
    config_loaded: bool = True  # the current config text gave a model
    notes: list[str] = field(default_factory=list)
    pending: list[Path] = field(default_factory=list)  # discovered, not read yet
    total: int = 0  # files discovered
    cache: FactsCache | None = None
    cache_loaded: bool = False
    baseline: Baseline | None = None
    baseline_problem: str | None = None
    nested: frozenset[Path] = frozenset()  # directories governed by nested configs
    # path_status per file, asked on every keystroke: it reads .gitignore files on the way
    excluded: dict[Path, PathStatus] = field(default_factory=dict)
    finished: bool = False  # indexed, its cache retained and its config problems known
    discovered: bool = False  # its files are known (else only open files and their imports)
    probed: set[Path] = field(default_factory=set)  # read ahead of discovery for open files
    extracting: set[Path] = field(default_factory=set)  # handed out as Extraction jobs
    # the model a reload replaced, and its placeholder files: facts to keep at discovery
    previous: ProjectModel | None = None
    previous_unread: set[Path] = field(default_factory=set)

    @property
    def root_dir(self) -> Path:
        return self.config_path.parent

    @property
    def indexed(self) -> bool:
        discovered = self.discovered or self.project.model is None
        return discovered and not self.pending and not self.extracting

    # --- what adapters ask of a project (documented here: they never reach into the
    # model, ADR-0028) ---------------------------------------------------------------

    @property
    def adrs(self) -> AdrSet | None:
        """The project's ADRs, None while no config of it has loaded."""
        return self.project.adrs

    @property
    def config(self) -> Config | None:
        """The config in force: the last one that loaded."""
        return self.project.config

    @property
    def loaded(self) -> bool:
        """Some config of this project loaded: it can be checked and asked about."""
        return self.project.loaded

    @property
    def file_count(self) -> int:
        """Files the project holds (read, or registered and being read)."""
        return self.project.file_count

    def rule(self, name: str) -> Rule | None:
        """The config's rule of that name (None for a built-in rule or an unknown name)."""
        config = self.project.config
        return config.rule(name) if config is not None else None

    def exposed_by(self, name: str) -> tuple[str, ...]:
        """The modules the ``interface`` rule of that name exposes, as written (empty for
        a rule of another kind, or none of that name)."""
        rule = self.rule(name)
        if not isinstance(rule, InterfaceRule):
            return ()
        return tuple(expr.text for expr in rule.expose)

    def facts(self, path: Path) -> FileFacts | None:
        """What was read from a file of this project: its imports, exception comments,
        definitions; None if the project holds no such file."""
        model = self.project.model
        return model.facts_of(path) if model is not None else None

    def module_of(self, path: Path, *, unread: bool = False) -> str | None:
        """The module a file of this project defines. ``unread``: also for a ``.py``
        file not read yet (the tree is still being walked), named from its path."""
        model = self.project.model
        if model is None:
            return None
        module = model.module_of(path)
        if module is None and unread and path.suffix == ".py":
            found = model.module_for(path)
            module = found[0] if found is not None else None
        return module

    def path_of(self, module: str) -> Path | None:
        """The file that defines a module (None for namespace packages and externals)."""
        model = self.project.model
        return model.path_of(module) if model is not None else None

    def is_first_party(self, module: str) -> bool:
        """Whether the module (or a package of that name) is one of this project's."""
        model = self.project.model
        return model is not None and model.is_first_party(module)

    def imported_on_line(self, module: str, line: int) -> set[str]:
        """The modules that ``module``'s imports on a line (0-based) resolve to."""
        model = self.project.model
        if model is None:
            return set()
        return {
            imported
            for imported in model.successors(module)
            if any(edge.range.line == line for edge in model.edges_between(module, imported))
        }

    def explain(self, module: str) -> ModuleExplanation:
        """What the rules say of a module: its layer, what it may and may not import."""
        assert self.project.model is not None, "the config did not load"
        return explain_module(self.project.model, module)

    def hypothetical(self, importer: str, imported: str, path: Path) -> list[Violation]:
        """What a direct import of ``imported`` by ``importer`` (in ``path``) would break."""
        model = self.project.model
        return model.hypothetical(importer, imported, path) if model is not None else []

    def picture(self) -> Picture | None:
        """The architecture picture of the files read so far; None if no config loaded."""
        return self.project.picture() if self.project.loaded else None

    def plan_adr(
        self,
        title: str,
        *,
        context: str = "",
        decision: str = "",
        slug: str | None = None,
        date: str | None = None,
    ) -> NewAdr | None:
        """The next ADR of this project (its number, file and text), not written: in the
        ADR directory, or where ``archrules adr new`` would create it
        (``adr.new_adr_directory``). None if no config loaded."""
        config, adrs = self.project.config, self.adrs
        if config is None or adrs is None:
            return None
        directory = new_adr_directory(config.root_dir, config.adr_directory, adrs.directory)
        today = date or datetime.date.today().isoformat()
        return plan_new_adr(
            adrs, directory, title, today, context=context, decision=decision, slug=slug
        )


@dataclass(frozen=True)
class Extraction:
    """A file read from disk whose facts are still to extract (``extract_facts``)."""

    config_path: Path
    project: Project
    read: Unparsed
    conventions: bool  # read the definitions too (the project has convention rules)

    @property
    def path(self) -> Path:
        return self.read.path

    @property
    def text(self) -> str:
        return self.read.text


class Workspace:
    def __init__(self, cache_dir: Path | None = None, *, defer: bool = False) -> None:
        self.cache_dir = cache_dir
        self.defer = defer  # leave discovery, extraction and cache writes to the caller
        self._saves: list[FactsCache] = []  # caches to write, when deferred
        self.projects: dict[Path, ProjectState] = {}
        self.overlays: dict[Path, str] = {}  # open documents: their text wins over the disk
        self.folders: list[Path] = []
        self._scanned: list[tuple[Path, set[Path]]] = []  # folders walked for configs

    # --- projects --------------------------------------------------------------------

    def add_folder(self, folder: Path, configs: list[Path] | None = None) -> list[ProjectState]:
        """Open the projects of a folder. ``configs``: the configs below it, if the caller
        walked the tree already (``find_configs_below``, e.g. in a thread)."""
        folder = Path(os.path.abspath(folder))
        if folder not in self.folders:
            self.folders.append(folder)
        configs = list(find_configs_below(folder) if configs is None else configs)
        self._scanned.append((folder, set(configs)))
        above = find_config(folder)
        if above is not None:
            configs.append(above)
        return [self._ensure(config) for config in sorted(set(configs))]

    def remove_folder(self, folder: Path) -> None:
        folder = Path(os.path.abspath(folder))
        if folder in self.folders:
            self.folders.remove(folder)
        for config_path in list(self.projects):
            inside = folder == config_path.parent or folder in config_path.parents
            needed = any(self._governs(config_path, path) for path in self.overlays)
            if inside and not needed:
                del self.projects[config_path]

    def _ensure(self, config_path: Path) -> ProjectState:
        state = self.projects.get(config_path)
        if state is None:
            state = ProjectState(config_path, Project(config_path))
            self.projects[config_path] = state
            self._load(state)
            self._refresh_nested()
        return state

    def _nested_configs(self, state: ProjectState) -> list[Path] | None:
        """The configs below a project, if a folder scan already found them (saves a walk
        of the tree); None when no scan covers the project's directory."""
        root = state.root_dir
        for folder, configs in self._scanned:
            if folder == root or folder in root.parents:
                return sorted(c for c in configs | set(self.projects) if root in c.parents)
        return None

    def _refresh_nested(self) -> None:
        for state in self.projects.values():
            state.excluded.clear()
            state.nested = frozenset(
                other.root_dir
                for other in self.projects.values()
                if other.root_dir != state.root_dir and state.root_dir in other.root_dir.parents
            )

    def _load(self, state: ProjectState) -> None:
        """(Re)load a project's config from its open text or the disk. A config that does
        not load keeps the last valid project running, with the problems reported."""
        project = load_project(state.config_path, self.overlays.get(state.config_path))
        state.problems = list(project.problems)
        state.load_problems = list(project.problems)
        state.notes = list(project.notes)
        model = project.model
        state.config_loaded = model is not None
        if model is None:
            if state.project.model is None:
                state.project = project
            return
        state.excluded.clear()  # roots or excludes may have changed
        old = state.project.model
        if old is not None and model.wants_conventions and not old.wants_conventions:
            old = None  # its facts lack the definitions the new rules need: read again
        if state.discovered or state.previous is None:
            # placeholders of files not read yet carry no facts to keep
            state.previous, state.previous_unread = old, set(state.pending) | state.extracting
        state.project = project
        state.cache, state.cache_loaded = None, False  # opened when indexing starts
        state.discovered = state.finished = False
        state.pending, state.probed, state.extracting = [], set(), set()
        state.total = 0
        for path, text in self.overlays.items():
            status = self._status(state, path)
            if status == "checked":
                model.set_text(path, text)  # open files first, with what they import
                self._probe(state, path)
            elif status == "excluded":
                model.set_excluded(path)
        self._load_baseline(state)
        if not self.defer:
            self.merge_discovery(state, project, scan_project(project, self._nested_configs(state)))

    # --- discovery ----------------------------------------------------------------------

    def discovery_work(self) -> list[tuple[ProjectState, Project, list[Path] | None]]:
        """Projects whose files are still to discover: run ``scan_project(project,
        nested)`` for each (it only reads the disk) and hand the result to
        ``merge_discovery``."""
        return [
            (state, state.project, self._nested_configs(state))
            for state in self.projects.values()
            if not state.discovered and state.project.model is not None
        ]

    def merge_discovery(self, state: ProjectState, project: Project, found: Discovery) -> None:
        """Register every discovered module (with empty facts until its file is read), so
        that imports resolve as in a full check. Ignored if the project was reloaded since."""
        model = project.model
        if state.project is not project or state.discovered or model is None:
            return
        files = apply_discovery(project, found)
        state.notes = list(project.notes)
        old, unread = state.previous, state.previous_unread
        state.previous, state.previous_unread = None, set()
        state.total = len(files)
        discovered = set(files)
        for path in files:
            if path in self.overlays or path in state.probed:
                continue  # read already
            facts = old.facts_of(path) if old is not None and path not in unread else None
            if facts is not None:
                model.set_facts(path, facts)
            else:
                model.set_facts(path, FileFacts())  # its module exists; its facts come next
                state.pending.append(path)
        excluded = set(model.excluded_paths)  # modules, never read
        for path in state.probed - discovered:  # found by a probe, left out by discovery
            if path not in excluded:
                model.remove(path)
            if path in state.pending:
                state.pending.remove(path)
            state.extracting.discard(path)
        state.probed = set()
        state.discovered = True
        if state.indexed:
            self._finish(state)

    def _probe(self, state: ProjectState, path: Path) -> None:
        """Before discovery: register the files that define the modules an open file
        imports, so that its imports resolve (and classify) as they will once the whole
        tree is known. They are read like any other file, first."""
        model, config = state.project.model, state.project.config
        if state.discovered or model is None or config is None:
            return
        for module in model.import_candidates(path):
            self._probe_module(state, module)

    def _probe_module(self, state: ProjectState, module: str) -> None:
        """Before discovery: register the files that may define ``module``."""
        model, config = state.project.model, state.project.config
        assert model is not None and config is not None
        for found in _module_files(config.roots, module):
            if model.module_of(found) is not None or found in model.excluded_paths:
                continue
            status = self._status(state, found)
            if status == "excluded":
                model.set_excluded(found)  # a module, never read
                continue
            if status != "checked":
                continue
            old = state.previous
            facts = old.facts_of(found) if old is not None else None
            if found in state.previous_unread:
                facts = None
            model.set_facts(found, facts if facts is not None else FileFacts())
            state.probed.add(found)
            if facts is None and found not in self.overlays:
                state.pending.append(found)

    def _load_baseline(self, state: ProjectState) -> None:
        path = state.root_dir / BASELINE_NAME
        state.baseline, state.baseline_problem = None, None
        if os.path.isfile(path):
            try:
                state.baseline = load_baseline(path)
            except BaselineError as error:
                state.baseline_problem = str(error)

    def _finish(self, state: ProjectState) -> None:
        model = state.project.model
        assert model is not None
        if state.finished:
            return
        state.finished = True
        if state.cache is not None:
            state.cache.retain(set(model.paths))
            if self.defer:
                self._saves.append(state.cache)
            else:
                state.cache.save()
            state.cache = None  # its facts are in the model now; later reads are single files
        self._refresh_problems(state)

    @staticmethod
    def _refresh_problems(state: ProjectState) -> None:
        """Once indexed, the config's problems include those the module set gives (the
        model recomputes them only when its modules or ADRs changed)."""
        model = state.project.model
        if state.finished and state.config_loaded and model is not None:
            state.problems = state.load_problems + model.config_problems()

    def project_for(self, path: Path) -> ProjectState | None:
        """The project governing ``path``: the nearest config above it."""
        best: ProjectState | None = None
        for state in self.projects.values():
            if self._governs(state.config_path, path) and (
                best is None or len(state.root_dir.parts) > len(best.root_dir.parts)
            ):
                best = state
        return best

    @staticmethod
    def _governs(config_path: Path, path: Path) -> bool:
        return config_path.parent in path.parents or path == config_path

    def _status(self, state: ProjectState, path: Path) -> PathStatus:
        """What discovery makes of a ``.py`` file: checked, excluded (a module that is not
        read), or outside the project's modules."""
        config = state.project.config
        if config is None or self.project_for(path) is not state or path.suffix != ".py":
            return "outside"
        if path not in state.excluded:
            state.excluded[path] = path_status(
                path, config.root_dir, config.roots, config.exclude, state.nested
            )
        return state.excluded[path]

    def _adr_project(self, path: Path) -> ProjectState | None:
        for state in self.projects.values():
            adrs = state.adrs
            if adrs is not None and adrs.directory is not None and path.parent == adrs.directory:
                return state
        return None

    # --- indexing ---------------------------------------------------------------------

    @property
    def indexing(self) -> bool:
        return not all(state.indexed for state in self.projects.values())

    def progress(self) -> tuple[int, int]:
        """Files read so far and files discovered, over every project."""
        total = sum(state.total for state in self.projects.values())
        left = sum(len(state.pending) + len(state.extracting) for state in self.projects.values())
        return max(0, total - left), total

    def open_caches(self) -> None:
        """Load the facts caches of projects still to index. Safe to run in a worker
        thread while the caller waits for it (it only reads the cache files and sets
        each project's cache), so that a big cache does not block an editor's messages."""
        for state in list(self.projects.values()):
            self._open_cache(state)

    def _open_cache(self, state: ProjectState) -> None:
        if not state.cache_loaded and state.pending:
            state.cache = open_cache(state.project, self.cache_dir)
            state.cache_loaded = True

    def index_some(self, count: int) -> list[Extraction]:
        """Read up to ``count`` pending files of discovered projects from disk. Facts the
        cache has go into the model; the others are extracted at once, or, with ``defer``,
        returned to be extracted anywhere and handed back to ``add_extracted``."""
        jobs: list[Extraction] = []
        done = 0
        for config_path, state in list(self.projects.items()):
            model = state.project.model
            if model is None or not state.discovered:
                continue
            self._open_cache(state)
            while state.pending and done < count:
                path = state.pending.pop()
                done += 1
                if path in self.overlays:
                    continue
                job = self._read(config_path, state, model, path)
                if job is not None:
                    jobs.append(job)
            if state.indexed:
                self._finish(state)
            if done >= count:
                break
        if self.defer:
            return jobs
        for job in jobs:
            self.add_extracted(job, extract_facts(job.text, job.conventions))
        return []

    def _read(
        self, config_path: Path, state: ProjectState, model: ProjectModel, path: Path
    ) -> Extraction | None:
        read = read_cached(model, path, state.cache)
        if isinstance(read, bool):  # in the model now (from the cache, or unreadable), or gone
            return None
        state.extracting.add(path)
        return Extraction(config_path, state.project, read, model.wants_conventions)

    def open_text(self, path: Path) -> str | None:
        """The text of an open document (what the editor shows), None if it is not open."""
        return self.overlays.get(path)

    def text(self, path: Path) -> str:
        """A file's text as the engine sees it: the open document's, else the disk's
        ("" if it cannot be read)."""
        text = self.overlays.get(path)
        if text is None:
            try:
                text = decode_source(read_bytes(path))
            except OSError:
                text = ""
        return text

    def module_path(self, near: Path, module: str) -> Path | None:
        """The file that defines ``module`` in the project governing ``near``; before that
        project's tree is walked, looked up on disk (as the open files' imports are)."""
        state = self.project_for(Path(os.path.abspath(near)))
        model = state.project.model if state is not None else None
        if state is None or model is None:
            return None
        if not state.discovered and state.project.config is not None:
            self._probe_module(state, module)
        return model.path_of(module)

    def read_now(self, path: Path) -> FileFacts | None:
        """A file's facts, read at once if indexing has not reached it yet."""
        path = Path(os.path.abspath(path))
        state = self.project_for(path)
        model = state.project.model if state is not None else None
        if state is None or model is None:
            return None
        if path in state.pending or path in state.extracting:
            self._changed(path)
        return model.facts_of(path)

    def caches_to_open(self) -> bool:
        """Whether ``open_caches`` has work (to run it in a thread only then)."""
        return any(not s.cache_loaded and s.pending for s in self.projects.values())

    def add_extracted(self, job: Extraction, facts: FileFacts) -> None:
        """The facts of an ``Extraction``; ignored if the project was reloaded or the
        file changed in between (then it was read again)."""
        state = self.projects.get(job.config_path)
        if state is None or state.project is not job.project or job.path not in state.extracting:
            return
        state.extracting.discard(job.path)
        model = state.project.model
        assert model is not None
        if state.cache is not None:
            state.cache.put(job.path, job.read.sha, facts, job.read.fingerprint)
        if job.path not in self.overlays:
            model.set_facts(job.path, facts)
        if state.indexed:
            self._finish(state)

    def take_saves(self) -> list[FactsCache]:
        """With ``defer``: the caches of projects just indexed, for the caller to
        ``save()`` (off the event loop; nothing else touches them any more)."""
        saves, self._saves = self._saves, []
        return saves

    # --- changes ----------------------------------------------------------------------

    def set_text(self, path: Path, text: str) -> ProjectState | None:
        """An open document's text (on open and on every change)."""
        path = Path(os.path.abspath(path))
        self.overlays[path] = text
        return self._changed(path)

    def close(self, path: Path) -> ProjectState | None:
        """The document is closed: the disk is the truth again."""
        path = Path(os.path.abspath(path))
        if self.overlays.pop(path, None) is None:
            return None
        return self._changed(path)

    def disk_changed(self, path: Path) -> ProjectState | None:
        """A file was created, changed or deleted on disk (outside the editor)."""
        path = Path(os.path.abspath(path))
        if path in self.overlays:
            return self.project_for(path)  # the open buffer wins; nothing changes
        return self._changed(path)

    def _changed(self, path: Path) -> ProjectState | None:
        if path.name in CONFIG_NAMES:
            return self._config_changed(path)
        if path.name == BASELINE_NAME:
            state = self.projects.get(path.parent / "archrules.toml") or self.project_for(path)
            if state is not None and state.root_dir == path.parent:
                self._load_baseline(state)
            return state
        adr_state = self._adr_project(path) if path.suffix == ".md" else None
        if adr_state is not None:
            self._reload_adrs(adr_state)
            return adr_state
        if path.suffix != ".py":
            return None
        state = self.project_for(path) or self._discover_for(path)
        if state is None:
            return None
        model = state.project.model
        if model is None:
            return state
        status = self._status(state, path)
        if status != "checked":
            if status == "excluded" and (path in self.overlays or os.path.exists(path)):
                model.set_excluded(path)
            else:
                model.remove(path)
            return state
        if path in self.overlays:
            model.set_text(path, self.overlays[path])
            self._probe(state, path)
        elif os.path.exists(path):
            read_into(model, path, state.cache)
        else:
            model.remove(path)
        if path in state.pending:
            state.pending.remove(path)
        state.extracting.discard(path)  # an extraction under way is of an older text
        if state.indexed:
            self._finish(state)  # this was the last file to read
        return state

    def _discover_for(self, path: Path) -> ProjectState | None:
        config = find_config(path.parent)
        return self._ensure(config) if config is not None else None

    def _config_changed(self, path: Path) -> ProjectState | None:
        state = self.projects.get(path)
        exists = path in self.overlays or os.path.isfile(path)
        if state is None:
            # a new config file (or a pyproject.toml, which may or may not declare one)
            if not exists or find_config(path.parent) != path:
                return None
            state = self._ensure(path)
            self._reload_enclosing(state)
            return state
        if not exists or (path.name == "pyproject.toml" and find_config(path.parent) != path):
            del self.projects[path]
            for _, configs in self._scanned:
                configs.discard(path)
            self._refresh_nested()
            self._reload_enclosing(state)
            return state
        if state.project.model is not None and self._config_text(path) == state.project.config_text:
            return state  # opened, or saved unchanged: nothing to do
        self._load(state)
        return state

    def _config_text(self, path: Path) -> str | None:
        if path in self.overlays:
            return self.overlays[path]
        try:
            return decode_source(read_bytes(path))
        except OSError:
            return None

    def _reload_enclosing(self, changed: ProjectState) -> None:
        """A config appeared or disappeared: the projects above it gain or lose files."""
        self._refresh_nested()
        for state in list(self.projects.values()):
            if state is not changed and state.root_dir in changed.root_dir.parents:
                self._load(state)

    def _reload_adrs(self, state: ProjectState) -> None:
        config, model = state.project.config, state.project.model
        if config is None or model is None:
            return
        problems: list[ConfigProblem] = []
        notes: list[str] = []
        model.set_adrs(load_project_adrs(config, problems, notes))
        state.load_problems = problems
        self._refresh_problems(state)

    # --- results ----------------------------------------------------------------------

    def results(self, *, baseline: bool = True) -> dict[Path, list[Violation]]:
        """Every finding of every project, by file. While a project is indexing, its
        graph-wide findings wait for the index."""
        found: dict[Path, list[Violation]] = {}
        for state in self.projects.values():
            for path, violations in self.project_results(state, baseline=baseline).items():
                found.setdefault(path, []).extend(violations)
        return found

    def project_results(
        self, state: ProjectState, *, baseline: bool = True
    ) -> dict[Path, list[Violation]]:
        model = state.project.model
        if model is None:
            return {}
        self._refresh_problems(state)
        only = None if state.indexed else {p for p in self.overlays if self.project_for(p) is state}
        violations: Iterable[Violation] = model.violations(graph=state.indexed, only=only)
        if baseline and state.baseline is not None:
            violations = apply_baseline(list(violations), state.baseline).reported
        found: dict[Path, list[Violation]] = {}
        for violation in violations:
            found.setdefault(violation.path, []).append(violation)
        return found

    def config_problems(self) -> dict[Path, list[ConfigProblem]]:
        found: dict[Path, list[ConfigProblem]] = {}
        for state in self.projects.values():
            found.setdefault(state.config_path, [])
            self._refresh_problems(state)
            # a config that loads but checks nothing: warnings (severity "warning")
            problems = state.problems or state.project.warnings
            for problem in problems:
                found.setdefault(problem.path, []).append(problem)
        return found


def _module_files(roots: Iterable[Path], module: str) -> list[Path]:
    """The files that may define ``module`` under the roots: ``a/b.py``, ``a/b/__init__.py``,
    or, for a namespace package ``a/b/``, one module inside it (which makes it known)."""
    found: list[Path] = []
    parts = module.split(".")
    for root in roots:
        base = root.joinpath(*parts)
        for candidate in (base.with_name(base.name + ".py"), base / "__init__.py"):
            if os.path.isfile(candidate):  # never raises
                found.append(candidate)
                break
        else:
            try:
                names = sorted(n for n in os.listdir(base) if n.endswith(".py"))
            except OSError:  # not a directory, or unreadable
                names = []
            if names:
                found.append(base / names[0])
    return found
