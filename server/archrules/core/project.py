"""Opening a project from disk: config, ADRs, discovery, reading files (through the
facts cache) into a ``ProjectModel``. The only part of the engine that walks the disk;
adapters (CLI, language server) call it and then talk to the model."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from archrules.core.adr import AdrSet, find_adr_directory, load_adrs
from archrules.core.cache import FactsCache, content_hash
from archrules.core.config import (
    Config,
    ConfigProblem,
    find_configs_below,
    load_config,
)
from archrules.core.facts import decode_source, extract_facts
from archrules.core.model import ProjectModel
from archrules.core.modules import Discovery, Skipped, discover
from archrules.core.types import FileFacts, Range


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


def read_source(path: Path) -> tuple[bytes, str]:
    """The file's bytes and decoded text; raises OSError."""
    data = path.read_bytes()
    return data, decode_source(data)


def load_project(config_path: Path, text: str | None = None) -> Project:
    """The config (from ``text`` if given, e.g. an unsaved editor buffer, else the file),
    its ADRs and an empty model; no source file is read yet."""
    config_path = config_path.absolute()
    project = Project(config_path)
    if text is None:
        try:
            text = decode_source(config_path.read_bytes())
        except OSError as error:
            project.problems.append(
                ConfigProblem(config_path, Range(0, 0, 0, 0), f"cannot read: {error.strerror}")
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
        where = config.roots_range or Range(0, 0, 0, 0)
        for root in missing:
            what = "is not a directory" if os.path.exists(root) else "does not exist"
            message = f"source root '{_shown(root, config.root_dir)}' {what}"
            project.problems.append(ConfigProblem(config_path, where, message))
        return project
    project.config = config
    project.model = ProjectModel(config, load_project_adrs(config, project.problems, project.notes))
    return project


def discover_files(project: Project, configs_below: Iterable[Path] | None = None) -> list[Path]:
    """The project's source files, nested projects' subtrees left out. ``configs_below``:
    the configs in its tree if the caller knows them already (else the tree is walked)."""
    return apply_discovery(project, scan_project(project, configs_below))


def scan_project(project: Project, configs_below: Iterable[Path] | None = None) -> Discovery:
    """Walk the project's tree for its source files; reads the disk, changes nothing (the
    language server runs it in a thread)."""
    config = project.config
    assert config is not None
    below = find_configs_below(config.root_dir) if configs_below is None else configs_below
    nested = {p.parent for p in below if p.parent != config.root_dir}
    return discover(config.root_dir, config.roots, config.exclude, nested)


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


def read_into(model: ProjectModel, path: Path, cache: FactsCache | None) -> bool:
    """Read one file from disk into the model (through the cache). False if it is gone."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        model.remove(path)
        return False
    except OSError as error:
        model.set_unreadable(path, f"cannot read this file: {error.strerror}")
        return True
    sha = content_hash(data)
    facts = cache.get(path, sha) if cache is not None else None
    if facts is None:
        facts = extract_facts(decode_source(data), model.wants_conventions)
        if cache is not None:
            cache.put(path, sha, facts)
    model.set_facts(path, facts)
    return True


def open_cache(project: Project, cache_dir: Path | None) -> FactsCache | None:
    if cache_dir is None or project.config is None:
        return None
    return FactsCache(cache_dir, project.config_path, project.config_text)


def open_project(config_path: Path, *, cache_dir: Path | None) -> Project:
    """Everything at once, as ``archrules check`` needs it."""
    project = load_project(config_path)
    model = project.model
    if model is None:
        return project
    files = discover_files(project)
    cache = open_cache(project, cache_dir)
    for path in files:
        read_into(model, path, cache)
    if cache is not None:
        cache.retain(set(files))
        cache.save()
    project.problems.extend(model.config_problems())
    return project


def load_project_adrs(config: Config, problems: list[ConfigProblem], notes: list[str]) -> AdrSet:
    if config.adr_directory is not None and not os.path.isdir(config.adr_directory):
        problems.append(
            ConfigProblem(
                config.path,
                config.adr_directory_range or Range(0, 0, 0, 0),
                f"the ADR directory {config.adr_directory} does not exist",
            )
        )
    adrs = load_adrs(find_adr_directory(config.root_dir, config.adr_directory))
    notes.extend(f"{p.path}:{p.line + 1}: {p.message}" for p in adrs.problems)
    return adrs
