"""Analysed code is never executed: not by the check, not by the server, not by jedi on
hover and definition, not through the project's virtualenv (``.pth`` files and
``sitecustomize`` run by its interpreter at start-up). Every planted file writes a marker
if anything runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from tests.hostile_trees import base
from tests.lsp.raw import RawServer

PLANT = "import pathlib; pathlib.Path({marker!r}).write_text('ran: {name}')\n"


def planted_project(root: Path, marker: Path) -> Path:
    pkg = base(root)

    def plant(path: Path, extra: str = "") -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(PLANT.format(marker=str(marker), name=path.name) + extra)

    plant(pkg / "evil.py", "class Thing:\n    pass\n")
    plant(pkg / "api.py", "from pkg.evil import Thing\n")  # a re-export for jedi to follow
    plant(pkg / "__main__.py")
    for name in ("conftest.py", "setup.py", "sitecustomize.py", "usercustomize.py"):
        plant(root / name)
        plant(root / "src" / name)
    (root / "src" / "evil.pth").write_text(PLANT.format(marker=str(marker), name="pth"))
    (pkg / "user.py").write_text("from pkg.api import Thing\nimport pkg.evil\n\nThing()\n")
    return pkg / "user.py"


def make_venv(root: Path, marker: Path) -> Path:
    """The project's own virtualenv, with a .pth file and a sitecustomize that run code as
    soon as its interpreter starts."""
    venv = root / ".venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next(venv.glob("lib/python*/site-packages"))
    (site / "zz_evil.pth").write_text(PLANT.format(marker=str(marker), name="venv-pth"))
    (site / "sitecustomize.py").write_text(PLANT.format(marker=str(marker), name="venv-site"))
    return venv


def test_the_check_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    root = tmp_path / "tree"
    planted_project(root, marker)
    out = subprocess.run(
        [sys.executable, "-m", "archrules", "check", "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env={"ARCHRULES_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"},
    )
    assert out.returncode == 1, out.stderr  # the planted layer violation was found
    assert not marker.exists(), marker.read_text()


@pytest.mark.parametrize("with_venv", [False, True], ids=["project", "project-venv"])
def test_hover_and_definition_run_nothing(tmp_path: Path, with_venv: bool) -> None:
    marker = tmp_path / "marker"
    root = tmp_path / "tree"
    user = planted_project(root, marker)
    env = {"ARCHRULES_CACHE_DIR": str(tmp_path / "cache")}
    if with_venv:  # the editor was started from the project's activated virtualenv
        venv = make_venv(root, marker)
        env |= {"VIRTUAL_ENV": str(venv)}
        assert not marker.exists()
    server = RawServer(env=env, cwd=root)
    try:
        server.initialize(root)
        uri = server.open(user)
        position = {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 21}}
        hover = server.call("textDocument/hover", position, timeout=60)
        assert hover["result"] is not None, hover  # jedi followed the re-export
        assert "pkg.evil" in hover["result"]["contents"]["value"]
        server.call("textDocument/definition", position, timeout=60)
        position["position"] = {"line": 3, "character": 1}
        server.call("textDocument/hover", position, timeout=60)
        server.call("textDocument/completion", position, timeout=60)
    finally:
        server.kill()
    assert not marker.exists(), marker.read_text()
