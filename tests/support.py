"""Shared test helpers: small projects on disk and in memory. (Fixtures live in
``conftest.py``; helpers are imported from here, never from ``conftest``.)"""

from __future__ import annotations

import textwrap
from pathlib import Path

from archrules.core.adr import load_adrs
from archrules.core.config import load_config
from archrules.core.model import ProjectModel
from archrules.core.types import Violation


def write_tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


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
