"""Opening a project from disk: config, ADRs, discovery, reading files (through the
facts cache) into a ``ProjectModel``. The only part of the engine that walks the disk;
adapters (CLI, language server) call it and then talk to the model."""

from __future__ import annotations

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
from archrules.core.modules import discover
from archrules.core.types import Range


@dataclass
class Project:
    config_path: Path
    config: Config | None = None
    model: ProjectModel | None = None
    problems: list[ConfigProblem] = field(default_factory=list)  # config errors: exit 2
    notes: list[str] = field(default_factory=list)  # things skipped, worth a warning


def read_source(path: Path) -> tuple[bytes, str]:
    """The file's bytes and decoded text; raises OSError."""
    data = path.read_bytes()
    return data, decode_source(data)


def open_project(config_path: Path, *, cache_dir: Path | None) -> Project:
    config_path = config_path.absolute()
    project = Project(config_path)
    try:
        text = decode_source(config_path.read_bytes())
    except OSError as error:
        project.problems.append(
            ConfigProblem(config_path, Range(0, 0, 0, 0), f"cannot read: {error.strerror}")
        )
        return project
    result = load_config(config_path, text)
    project.problems.extend(result.problems)
    config = result.config
    if config is None or result.problems:
        return project
    project.config = config
    adrs = _load_adrs(config, project)
    model = ProjectModel(config, adrs)
    project.model = model

    nested = {p.parent for p in find_configs_below(config.root_dir) if p.parent != config.root_dir}
    discovery = discover(config.root_dir, config.roots, config.exclude, nested)
    project.notes.extend(f"{p.path}: {p.message}" for p in discovery.problems)

    cache = FactsCache(cache_dir, config_path, text) if cache_dir is not None else None
    for source in discovery.files:
        try:
            data = source.path.read_bytes()
        except OSError as error:
            model.set_unreadable(source.path, f"cannot read this file: {error.strerror}")
            continue
        sha = content_hash(data)
        facts = cache.get(source.path, sha) if cache is not None else None
        if facts is None:
            facts = extract_facts(decode_source(data))
            if cache is not None:
                cache.put(source.path, sha, facts)
        model.set_facts(source.path, facts)
    if cache is not None:
        cache.retain({s.path for s in discovery.files})
        cache.save()
    project.problems.extend(model.config_problems())
    return project


def _load_adrs(config: Config, project: Project) -> AdrSet:
    if config.adr_directory is not None and not config.adr_directory.is_dir():
        project.problems.append(
            ConfigProblem(
                config.path,
                config.adr_directory_range or Range(0, 0, 0, 0),
                f"the ADR directory {config.adr_directory} does not exist",
            )
        )
    adrs = load_adrs(find_adr_directory(config.root_dir, config.adr_directory))
    project.notes.extend(f"{p.path}:{p.line + 1}: {p.message}" for p in adrs.problems)
    return adrs
