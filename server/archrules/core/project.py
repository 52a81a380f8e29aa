"""Opening a project from disk: config, ADRs, discovery, reading files (through the
facts cache, in worker processes when there are many) into a ``ProjectModel``. The only
part of the engine that walks the disk; adapters (CLI, language server) call it and then
talk to the model (or, for ``archrules check``, to a snapshot of its result, ADR-0010)."""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from archrules.core.adr import ADR_DIRECTORY_CANDIDATES, AdrSet, find_adr_directory, load_adrs
from archrules.core.cache import (
    FactsCache,
    Fingerprint,
    Inputs,
    Result,
    Snapshot,
    content_hash,
    decode_facts,
    discovery_from_tuple,
    discovery_to_tuple,
    fingerprint,
    result_from_tuple,
    result_to_tuple,
)
from archrules.core.config import (
    Config,
    ConfigProblem,
    ConfigScan,
    find_configs_below,
    load_config,
    scan_configs,
)
from archrules.core.facts import decode_source, extract_facts
from archrules.core.files import read_bytes, read_regular, refuse_reason
from archrules.core.model import ProjectModel
from archrules.core.modules import Discovery, Skipped, discover
from archrules.core.picture import Picture, build_picture
from archrules.core.pool import read_sources
from archrules.core.types import FILE_START, FileFacts, Violation


@dataclass
class Project:
    config_path: Path
    config: Config | None = None
    model: ProjectModel | None = None
    problems: list[ConfigProblem] = field(default_factory=list)  # config errors: exit 2
    notes: list[str] = field(default_factory=list)  # things skipped, worth a warning
    warnings: list[ConfigProblem] = field(default_factory=list)  # a config that checks nothing
    skipped: list[Skipped] = field(default_factory=list)  # files and directories not checked
    config_text: str = ""
    result: Result | None = None  # the whole result, when it came from a snapshot

    def violations(self) -> list[Violation]:
        """Every finding: from the snapshot if there is one, else from the model."""
        if self.result is not None:
            return self.result.violations
        assert self.model is not None
        return self.model.violations()

    @property
    def file_count(self) -> int:
        if self.result is not None:
            return self.result.file_count
        return self.model.file_count if self.model is not None else 0

    # --- what adapters ask of a project (they do not reach into the model) ------------

    @property
    def loaded(self) -> bool:
        """The config loaded: the project can be checked (it may hold no file yet)."""
        return self.model is not None

    @property
    def adrs(self) -> AdrSet | None:
        """The project's ADRs, None if its config did not load."""
        return self.model.adrs if self.model is not None else None

    @property
    def wants_conventions(self) -> bool:
        """Whether files are read with their definitions (a convention rule needs them)."""
        return self.model is not None and self.model.wants_conventions

    def modules(self) -> set[str]:
        """The first-party modules known so far, namespace packages included."""
        return set(self.model.modules()) if self.model is not None else set()

    def read_files(
        self, paths: Iterable[Path], cache: FactsCache | None, jobs: int | None = None
    ) -> None:
        """Read these files into the project (``read_all``)."""
        assert self.model is not None, "the config did not load"
        read_all(self.model, paths, cache, jobs)

    def picture(self) -> Picture:
        """The architecture picture of what the project holds (``picture.build_picture``)."""
        assert self.model is not None, "the config did not load"
        return build_picture(self.model)


def read_source(path: Path) -> tuple[bytes, str]:
    """The file's bytes and decoded text; raises OSError."""
    data = read_bytes(path)
    return data, decode_source(data)


def load_project(config_path: Path, text: str | None = None) -> Project:
    """The config (from ``text`` if given, e.g. an unsaved editor buffer, else the file),
    its ADRs and an empty model; no source file is read yet."""
    config_path = config_path.absolute()
    project = Project(config_path)
    if text is None:
        try:
            text = decode_source(read_bytes(config_path))
        except OSError as error:
            project.problems.append(
                ConfigProblem(config_path, FILE_START, f"cannot read: {error.strerror}")
            )
            return project
    project.config_text = text
    result = load_config(config_path, text)
    project.problems.extend(result.problems)
    project.warnings.extend(result.warnings)
    config = result.config
    if config is None or result.problems:
        return project
    missing = [root for root in config.roots if not os.path.isdir(root)]  # never raises
    if missing:
        where = config.roots_range or FILE_START
        for root in missing:
            what = "is not a directory" if os.path.exists(root) else "does not exist"
            message = f"source root '{_shown(root, config.root_dir)}' {what}"
            project.problems.append(ConfigProblem(config_path, where, message))
        return project
    project.config = config
    project.model = ProjectModel(config, load_project_adrs(config, project.problems, project.notes))
    return project


def discover_files(
    project: Project,
    configs_below: Iterable[Path] | None = None,
    seen: list[str] | None = None,
) -> list[Path]:
    """The project's source files, nested projects' subtrees left out. ``configs_below``:
    the configs in its tree if the caller knows them already (else the tree is walked).
    ``seen`` receives the directories listed and files read (see ``modules.discover``)."""
    return apply_discovery(project, scan_project(project, configs_below, seen))


def scan_project(
    project: Project,
    configs_below: Iterable[Path] | None = None,
    seen: list[str] | None = None,
) -> Discovery:
    """Walk the project's tree for its source files; reads the disk, changes nothing (the
    language server runs it in a thread)."""
    config = project.config
    assert config is not None
    below = find_configs_below(config.root_dir, seen) if configs_below is None else configs_below
    nested = {p.parent for p in below if p.parent != config.root_dir}
    return discover(config.root_dir, config.roots, config.exclude, nested, seen)


def apply_discovery(project: Project, discovery: Discovery) -> list[Path]:
    """Record what a scan found (notes, skipped files, module names); the files' paths."""
    project.notes.extend(f"{p.path}: {p.message}" for p in discovery.problems)
    project.skipped = list(discovery.skipped)
    model = project.model
    if model is not None:
        model.know_modules(discovery.files)
        model.know_modules(discovery.excluded)
        for source in discovery.excluded:
            model.set_excluded(source.path)
    return [source.path for source in discovery.files]


def extract_many(jobs: list[tuple[str, bool]]) -> list[FileFacts]:
    """``extract_facts`` for (text, conventions) pairs: one task for a worker process."""
    return [extract_facts(text, conventions) for text, conventions in jobs]


def _shown(path: Path, root_dir: Path) -> str:
    try:
        return path.relative_to(root_dir).as_posix()
    except ValueError:
        return path.as_posix()


@dataclass(frozen=True)
class Unparsed:
    """A file read from disk whose facts are still to extract (``extract_facts``): the
    cache did not know it."""

    path: Path
    sha: bytes
    fingerprint: Fingerprint
    text: str


def read_cached(model: ProjectModel, path: Path, cache: FactsCache | None) -> Unparsed | bool:
    """Read one file from disk into the model through the cache (a file whose size, mtime
    and inode are unchanged is not even read): True when the model has it now (its facts,
    or why it cannot be checked), False when it is gone, ``Unparsed`` when its facts are
    still to extract (then ``finish_read``)."""
    cached: FileFacts | None = None

    def need(info: os.stat_result) -> bool:
        nonlocal cached
        cached = cache.lookup(path, fingerprint(info)) if cache is not None else None
        return cached is None

    try:
        info, data = read_regular(path, need)
    except FileNotFoundError:
        model.remove(path)
        return False
    except OSError as error:
        model.set_unreadable(path, f"cannot read this file: {error.strerror}")
        return True
    facts = cached
    if facts is None:
        assert data is not None
        fp = fingerprint(info)
        sha = content_hash(data)
        facts = cache.get(path, sha, fp) if cache is not None else None
        if facts is None:
            text = decode_source(data)
            refused = refuse_reason(text)
            if refused is not None:
                model.set_unreadable(path, refused)
                return True
            return Unparsed(path, sha, fp, text)
    model.set_facts(path, facts)
    return True


def finish_read(
    model: ProjectModel, read: Unparsed, facts: FileFacts, cache: FactsCache | None
) -> None:
    """The facts of an ``Unparsed`` file: into the cache and the model."""
    if cache is not None:
        cache.put(read.path, read.sha, facts, read.fingerprint)
    model.set_facts(read.path, facts)


def read_into(model: ProjectModel, path: Path, cache: FactsCache | None) -> bool:
    """Read one file from disk into the model (through the cache). False if it is gone."""
    read = read_cached(model, path, cache)
    if isinstance(read, bool):
        return read
    finish_read(model, read, extract_facts(read.text, model.wants_conventions), cache)
    return True


def read_all(
    model: ProjectModel, paths: Iterable[Path], cache: FactsCache | None, jobs: int | None = None
) -> None:
    """Read many files into the model: unchanged ones (same fingerprint) from the cache
    without reading them, the others in worker processes when there are enough
    (``pool.read_sources``; ``jobs=1``: in this process)."""
    todo: list[Path] = []
    for path in paths:
        facts = None
        if cache is not None:
            with contextlib.suppress(OSError):  # gone or unreadable: the read below says
                facts = cache.lookup(path, fingerprint(os.stat(path)))
        if facts is not None:
            model.set_facts(path, facts)
        else:
            todo.append(path)
    known = cache.hashes(todo) if cache is not None else None
    for read in read_sources(todo, model.wants_conventions, known, jobs):
        if read.missing:
            model.remove(read.path)
        elif read.error is not None:
            model.set_unreadable(read.path, read.error)
        else:
            facts = None
            if read.facts is None and cache is not None:  # same bytes as cached
                facts = cache.get(read.path, read.sha, read.fingerprint)
            if facts is None:
                if read.facts is None:  # pragma: no cover - the cache lost the entry
                    read_into(model, read.path, cache)
                    continue
                facts = decode_facts(read.facts)
                if cache is not None:
                    cache.put(read.path, read.sha, read.facts, read.fingerprint)
            model.set_facts(read.path, facts)


def open_cache(project: Project, cache_dir: Path | None) -> FactsCache | None:
    if cache_dir is None or project.config is None or project.model is None:
        return None
    return FactsCache(cache_dir, project.config_path, project.wants_conventions)


def _adr_inputs(project: Project, seen: Inputs) -> None:
    """What the ADRs were read from: the directory (or where one would be found) and its
    files."""
    model = project.model
    assert project.config is not None and model is not None
    root = project.config.root_dir
    seen.add(root)
    for candidate in ADR_DIRECTORY_CANDIDATES:
        path = root
        for part in Path(candidate).parts:
            path = path / part
            seen.add(path)
    directory = model.adrs.directory
    if directory is not None:
        seen.add(directory)
        with contextlib.suppress(OSError):
            seen.add_all(os.path.join(directory, name) for name in os.listdir(directory))


def open_project(
    config_path: Path,
    *,
    cache_dir: Path | None,
    jobs: int | None = None,
    snapshot: bool = False,
) -> Project:
    """Everything at once, as ``archrules check`` needs it. ``jobs``: worker processes for
    reading files (see ``pool.read_sources``). ``snapshot`` (with a cache): the caller
    needs only the result (``Project.violations()``, ``file_count``): it comes from the
    last run's snapshot when no file, directory or ADR it was computed from changed; the
    model then holds no file."""
    project = load_project(config_path)
    model = project.model
    if model is None:
        return project
    seen = Inputs() if snapshot and cache_dir is not None else None
    stored: Snapshot | None = None
    check = hashlib.sha256(project.config_text.encode("utf-8", "surrogatepass")).digest()
    if seen is not None:
        assert cache_dir is not None
        stored = Snapshot(cache_dir, "result", project.config_path, check=check)
        value = stored.load()
        if value is not None:
            try:
                result = result_from_tuple(value)
            except ValueError:  # pragma: no cover - a file this version did not write
                result = None
            if result is not None:
                project.result = result
                project.notes.extend(result.notes)
                project.problems.extend(result.config_problems)
                project.skipped = list(result.skipped)
                return project
    notes_before = len(project.notes)
    visited: list[str] = []
    if seen is not None and cache_dir is not None:
        files = _discover_through_snapshot(project, cache_dir, check, visited)
    else:
        files = discover_files(project)
    cache = open_cache(project, cache_dir)
    read_all(model, files, cache, jobs)
    if cache is not None:
        cache.retain(files)
        cache.save()
    problems = model.config_problems()
    project.problems.extend(problems)
    if seen is not None and stored is not None:
        seen.add_all(visited)
        seen.add_all(files)
        _adr_inputs(project, seen)
        notes = project.notes[notes_before:]
        project.result = Result(
            model.violations(), problems, notes, model.file_count, list(project.skipped)
        )
        stored.save(result_to_tuple(project.result), seen)
    if cache is not None:
        problem = cache.dir.take_problem()  # one warning per process and directory
        if problem is not None:
            project.notes.append(problem)
    return project


def _discover_through_snapshot(
    project: Project, cache_dir: Path, check: bytes, visited: list[str]
) -> list[Path]:
    """``discover_files``, from the last run's discovery while no directory it listed nor
    file it read (``.gitignore``, nested configs) changed: a run after an edit to a file's
    text walks no tree. ``visited`` receives those inputs (for the result snapshot)."""
    stored = Snapshot(cache_dir, "discovery", project.config_path, check=check)
    value = stored.load()
    if value is not None:
        try:
            discovery, inputs = discovery_from_tuple(value[0]), [str(p) for p in value[1]]
        except (TypeError, ValueError, IndexError):  # pragma: no cover - another version's
            pass
        else:
            visited.extend(inputs)
            return apply_discovery(project, discovery)
    mine: list[str] = []
    discovery = scan_project(project, seen=mine)
    seen = Inputs()
    seen.add_all(mine)
    stored.save((discovery_to_tuple(discovery), tuple(mine)), seen)
    visited.extend(mine)
    return apply_discovery(project, discovery)


def find_configs(directory: Path, cache_dir: Path | None) -> ConfigScan:
    """``config.scan_configs(directory)``, from a snapshot while no directory it walked
    (nor any config it read) changed."""
    if cache_dir is None:
        return scan_configs(directory)
    stored = Snapshot(cache_dir, "configs", directory.absolute())
    value = stored.load()
    if value is not None:
        try:
            found, skipped = value
            return ConfigScan(
                tuple(Path(p) for p in found), tuple((Path(p), str(r)) for p, r in skipped)
            )
        except (TypeError, ValueError):  # pragma: no cover - a file this version did not write
            pass
    seen, visited = Inputs(), list[str]()
    scan = scan_configs(directory, visited)
    seen.add_all(visited)
    stored.save(
        (tuple(str(p) for p in scan.found), tuple((str(p), r) for p, r in scan.skipped)), seen
    )
    return scan


def load_project_adrs(config: Config, problems: list[ConfigProblem], notes: list[str]) -> AdrSet:
    if config.adr_directory is not None and not os.path.isdir(config.adr_directory):
        problems.append(
            ConfigProblem(
                config.path,
                config.adr_directory_range or FILE_START,
                f"the ADR directory {config.adr_directory} does not exist",
            )
        )
    adrs = load_adrs(find_adr_directory(config.root_dir, config.adr_directory))
    notes.extend(f"{p.path}:{p.line + 1}: {p.message}" for p in adrs.problems)
    return adrs
