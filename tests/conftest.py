"""Shared test helpers: build small projects on disk and in memory."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from archrules.core.adr import load_adrs
from archrules.core.config import load_config
from archrules.core.model import ProjectModel
from archrules.core.project import Project, open_project
from archrules.core.types import Violation


@pytest.fixture(autouse=True, scope="session")
def _never_the_users_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Every test, and every process a test starts, caches in a temporary directory."""
    saved = os.environ.get("ARCHRULES_CACHE_DIR")
    os.environ["ARCHRULES_CACHE_DIR"] = str(tmp_path_factory.mktemp("archrules-cache"))
    yield
    if saved is None:
        os.environ.pop("ARCHRULES_CACHE_DIR", None)
    else:
        os.environ["ARCHRULES_CACHE_DIR"] = saved


def write_tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Callable[..., Project]:
    """Write ``files`` (and an archrules.toml holding ``config``) and open the project."""

    def make(config: str, files: dict[str, str], *, adrs: dict[str, str] | None = None) -> Project:
        write_tree(tmp_path, {"archrules.toml": config, **files})
        for name, text in (adrs or {}).items():
            write_tree(tmp_path, {f"docs/adr/{name}": text})
        return open_project(tmp_path / "archrules.toml", cache_dir=None)

    return make


def summary(violations: list[Violation]) -> list[tuple[str, str | None, str | None, int]]:
    """(rule, importer, imported, 1-based line) of each violation: what a user reads."""
    return [(v.rule, v.importer, v.imported, v.range.line + 1) for v in violations]


def memory_model(
    config_text: str, files: dict[str, str], root: Path = Path("/virtual")
) -> ProjectModel:
    """A model of in-memory files (nothing touches the disk)."""
    result = load_config(root / "archrules.toml", textwrap.dedent(config_text))
    assert result.config is not None, result.problems
    assert not result.problems, result.problems
    model = ProjectModel(result.config, load_adrs(None))
    for rel, text in files.items():
        model.set_text(root / rel, textwrap.dedent(text))
    return model
