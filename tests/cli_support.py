"""Running the CLI in-process, as the CLI tests do."""

from __future__ import annotations

from pathlib import Path

import pytest

from archrules.cli.main import main
from support import write_tree

SIBLING_LAYERS = '[[layers]]\nname = "l"\nlayers = ["{p}.web", "{p}.core"]\n'


def two_projects(root: Path) -> None:
    """``one/`` and ``two/``: sibling projects, each with its own config and one layer
    violation (``core`` imports ``web``)."""
    files: dict[str, str] = {}
    for p in ("one", "two"):
        files |= {
            f"{p}/archrules.toml": SIBLING_LAYERS.format(p=p),
            f"{p}/{p}/__init__.py": "",
            f"{p}/{p}/web.py": "",
            f"{p}/{p}/core.py": f"import {p}.web\n",
        }
    write_tree(root, files)


def run(
    args: list[str], cwd: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str, str]:
    """``archrules ARGS`` run from ``cwd``: (exit status, stdout, stderr)."""
    monkeypatch.chdir(cwd)
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err
