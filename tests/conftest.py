"""Fixtures shared by the test suites (helpers are in ``support.py``)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from archrules.core.project import Project, open_project
from support import write_tree


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


@pytest.fixture
def project(tmp_path: Path) -> Callable[..., Project]:
    """Write ``files`` (and an archrules.toml holding ``config``) and open the project."""

    def make(config: str, files: dict[str, str], *, adrs: dict[str, str] | None = None) -> Project:
        write_tree(tmp_path, {"archrules.toml": config, **files})
        for name, text in (adrs or {}).items():
            write_tree(tmp_path, {f"docs/adr/{name}": text})
        return open_project(tmp_path / "archrules.toml", cache_dir=None)

    return make
