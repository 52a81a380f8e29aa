"""Reading files in worker processes (ADR-0010): the same facts, the same violations as
reading them in this process, whatever the number of workers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from archrules.cli.main import main
from archrules.core import pool
from archrules.core.cache import content_hash, decode_facts
from archrules.core.facts import decode_source, extract_facts
from archrules.core.pool import default_jobs, read_sources
from archrules.core.project import open_project
from support import write_tree

TEXTS = [
    "import os\nfrom app.web import views\n",
    "from .. import core  # archrules: allow[layers] ADR-0001 why\n",
    "import importlib\nm = importlib.import_module('app.web.views')\n",
    "def broken(:\n    import app.web\n",
    "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app.web import views\n",
    "\ufeffimport sys\n",
    "class A:\n    def m(self):\n        return __import__('app.core')\n",
]


def make_project(root: Path, count: int) -> Path:
    files = {
        "archrules.toml": '[project]\nroots = ["src"]\n\n[[layers]]\nname = "layers"\n'
        'layers = ["app.web", "app.core"]\n\n[[naming]]\nname = "n"\nin = ["app"]\n'
        'classes = "PascalCase"\n',
        "src/app/__init__.py": "",
        "src/app/web/__init__.py": "",
        "src/app/web/views.py": "from app.core import m0\n",
        "src/app/core/__init__.py": "",
    }
    for i in range(count):
        files[f"src/app/core/m{i}.py"] = TEXTS[i % len(TEXTS)] + f"X = {i}\n"
    write_tree(root, files)
    return root / "archrules.toml"


def test_workers_read_exactly_what_this_process_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pool, "PARALLEL_MIN_FILES", 2)
    make_project(tmp_path, 40)
    paths = [*sorted(tmp_path.rglob("*.py")), tmp_path / "gone.py"]
    (tmp_path / "src/app/core/m3.py").chmod(0)  # unreadable, unless we are root
    known = {paths[0]: content_hash(paths[0].read_bytes())}
    serial = read_sources(paths, True, known, jobs=1)
    parallel = read_sources(paths, True, known, jobs=3)
    assert parallel == serial
    assert [r.path for r in serial] == paths
    assert serial[0].facts is None and serial[0].sha == known[paths[0]]  # unchanged
    assert serial[-1].missing
    for read in serial[1:-1]:
        if read.error is None:
            assert read.facts is not None
            assert decode_facts(read.facts) == extract_facts(decode_source(read.path.read_bytes()))


def test_a_project_read_by_workers_has_the_same_violations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pool, "PARALLEL_MIN_FILES", 2)
    config = make_project(tmp_path / "p", 60)
    results = []
    for jobs, cache in ((1, None), (2, None), (2, tmp_path / "c"), (2, tmp_path / "c")):
        project = open_project(config, cache_dir=cache, jobs=jobs)
        assert project.model is not None
        results.append((project.model.violations(), project.problems, project.notes))
    assert results[0][0]  # it finds something
    assert all(r == results[0] for r in results)


def test_jobs_option_and_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ARCHRULES_JOBS", "3")
    assert default_jobs() == 3
    monkeypatch.setenv("ARCHRULES_JOBS", "many")
    assert default_jobs() == len(os.sched_getaffinity(0))
    monkeypatch.setenv("ARCHRULES_JOBS", "0")
    assert default_jobs() == 1
    make_project(tmp_path, 3)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_:
        main(["check", "--jobs", "0"])
    assert exit_.value.code == 2
    assert "--jobs: expected a number of processes (1 or more), got '0'" in capsys.readouterr().err
    assert main(["check", "--no-cache", "--jobs", "2"]) == 1
    serial = capsys.readouterr().out
    assert main(["check", "--no-cache", "--jobs", "1"]) == 1
    assert capsys.readouterr().out == serial
