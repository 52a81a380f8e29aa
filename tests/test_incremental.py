"""The model's central invariant: after any sequence of edits, creations and deletions of
files, the incrementally updated model reports exactly what a fresh full check of the same
files reports."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archrules.core.context import check_proposed
from archrules.core.facts import extract_facts
from archrules.core.model import ProjectModel
from archrules.core.project import open_project, scan_project
from archrules.core.types import Violation
from archrules.core.workspace import Extraction, Workspace
from support import memory_model

ROOT = Path("/virtual")

CONFIG = """
[project]
roots = ["src"]

[[layers]]
name = "layers"
layers = [["app.a", "app.b"], "app.c", "app.d"]

[[layers]]
name = "whole"
containers = ["app"]
layers = ["a", "b", { modules = ["c", "d"], independent = false }]
optional = ["d"]
exhaustive = true
exhaustive-ignores = ["e"]
ignore-exact = ["app.c.w -> app.a", "app.d -> app.*"]

[[forbidden]]
name = "no-a-from-c"
from = ["app.c"]
to = ["app.a", "sqlite3"]

[[independent]]
name = "ab"
modules = ["app.a", "app.b"]

[[acyclic]]
name = "cycles"
modules = ["app.*"]

[[interface]]
name = "b-api"
module = "app.b"
expose = ["app.b"]

[[external]]
name = "ext"
in = ["app.d"]
allow = ["attrs"]

[[protected]]
name = "c-behind-a"
modules = ["app.c"]
allow = ["app.a"]

[[naming]]
name = "names"
in = ["app"]
classes = "PascalCase"
functions = "snake_case"
modules = "snake_case"
must-define = "*Thing"

[[size]]
name = "sizes"
in = ["app.a", "app.c"]
max-module-lines = 8
max-function-lines = 2

[[calls]]
name = "no-env"
in = ["app"]
except-in = ["app.e"]
forbid = ["os.environ", "print", "app.d.helper"]

[[duplicates]]
name = "copies"
in = ["app"]
min-lines = 2

[[drift]]
name = "drift"
in = ["app"]
"""

PATHS = [
    "src/app/__init__.py",
    "src/app/a/__init__.py",
    "src/app/a/x.py",
    "src/app/a/y.py",
    "src/app/b/__init__.py",
    "src/app/b/z.py",
    "src/app/c/w.py",  # app.c is a namespace package
    "src/app/c/deep/v.py",
    "src/app/d.py",
    "src/app/e.py",  # in no layer: chains pass through it
    "src/app/a/Odd.py",  # breaks the module naming convention
    "src/app/_version.py",  # excluded from checking in some runs (gitignored, generated)
    "src/app/gen/g.py",
]

LINES = [
    "import app.a.x",
    "from app.a import y",
    "from app.b import z",
    "from app.b import thing",
    "import app.c.w",
    "from app.c.deep import v",
    "from app import d",
    "from app import e",
    "import app.e",
    "from app._version import version",
    "from app.gen import g",
    "from app.gen.g import thing",
    "from . import x",
    "from .. import d",
    "from ..c import w",
    "import sqlite3",
    "import requests",
    "import attrs",
    "def f(:",  # a syntax error: facts come from the recovering parser
    "import importlib; importlib.import_module('app.a.x')",
    "# archrules: allow[layers] ADR-0001",
    "# archrules: allow[cycles, ab]",
    # conventions: definitions, duplicates (helper and other are copies), calls
    "def helper(a):\n    b = a + 1\n    return b",
    "def other(x):\n    y = x + 1\n    return y",
    "def third(x):\n    y = x + 2\n    return y",
    "class FooThing:\n    def Bad(self):\n        print('x')\n        return 1",
    "@deco\nclass lower:\n    pass",
    # siblings for drift: six classes named alike
    "class AThing: ...\nclass BThing: ...\nclass CThing: ...\n"
    "class DThing: ...\nclass EThing: ...\nclass FThing: ...",
    "import os as o; o.environ.get('X')",
    "from os import environ as env; env['Y']",
    "from .d import helper as h; h()",
    "print('hi')  # archrules: allow[no-env] ADR-0001",
    "# archrules: allow[names, sizes, copies]",
]

lines = st.lists(st.sampled_from(LINES), max_size=6)
texts = lines.map(
    lambda ls: "".join(
        line + ("  # archrules: allow[layers]\n" if i == 2 else "\n") for i, line in enumerate(ls)
    )
)
operation = st.one_of(
    st.tuples(st.just("set"), st.sampled_from(PATHS), texts),
    st.tuples(st.just("remove"), st.sampled_from(PATHS), st.just("")),
    st.tuples(st.just("exclude"), st.sampled_from(PATHS), st.just("")),
    st.tuples(st.just("query"), st.just(""), st.just("")),
)


def observable(model: ProjectModel) -> tuple[list[tuple[object, ...]], list[object]]:
    def row(v: Violation) -> tuple[object, ...]:
        return (v, v.related)

    return [row(v) for v in model.violations()], model.config_problems()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    initial=st.dictionaries(st.sampled_from(PATHS), texts, max_size=len(PATHS)),
    operations=st.lists(operation, max_size=25),
)
def test_incremental_equals_fresh(
    initial: dict[str, str], operations: list[tuple[str, str, str]]
) -> None:
    files = {**{"src/app/__init__.py": ""}, **initial}
    excluded: set[str] = set()  # modules that exist but are not read (exclude, .gitignore)
    model = memory_model(CONFIG, files, ROOT)
    model.violations()
    for op, rel, text in operations:
        if op == "set":
            model.set_text(ROOT / rel, text)
            files[rel] = text
            excluded.discard(rel)
        elif op == "remove":
            model.remove(ROOT / rel)
            files.pop(rel, None)
            excluded.discard(rel)
        elif op == "exclude":
            model.set_excluded(ROOT / rel)
            files.pop(rel, None)
            excluded.add(rel)
        else:
            model.violations()
    fresh = memory_model(CONFIG, files, ROOT)
    for rel in sorted(excluded):
        fresh.set_excluded(ROOT / rel)
    assert observable(model) == observable(fresh)


def test_edit_that_keeps_imports_reuses_graph_results() -> None:
    """Typing inside a function body changes no edge: graph-wide results are reused."""
    model = memory_model(
        CONFIG,
        {
            "src/app/__init__.py": "",
            "src/app/d.py": "import app.e\n",
            "src/app/e.py": "import app.a.x\n",
        },
        ROOT,
    )
    model.set_text(ROOT / "src/app/a/x.py", "")
    before = model.violations()
    graph_results = model._global
    model.set_text(ROOT / "src/app/d.py", "import app.e\n\n\ndef f():\n    return 1\n")
    assert model.violations() == before
    assert model._global is graph_results
    assert any(v.chain == ("app.d", "app.e", "app.a.x") for v in before)
    model.set_text(ROOT / "src/app/e.py", "")
    after = model.violations()
    assert model._global is not graph_results
    assert not any(v.chain == ("app.d", "app.e", "app.a.x") for v in after)


# --- the editor's paths: a Workspace that defers discovery and parsing (ADR-0011) -------

editor_step = st.one_of(
    st.tuples(st.just("open"), st.sampled_from(PATHS), texts),  # didOpen / didChange
    st.tuples(st.just("close"), st.sampled_from(PATHS), st.just("")),
    st.tuples(st.just("disk"), st.sampled_from(PATHS), texts),  # written outside the editor
    st.tuples(st.just("delete"), st.sampled_from(PATHS), st.just("")),
    st.tuples(st.just("discover"), st.just(""), st.just("")),  # the tree walk lands
    st.tuples(st.just("read"), st.just(""), st.just("")),  # a batch handed to workers
    st.tuples(st.just("merge"), st.just(""), st.just("")),  # the oldest batch comes back
    st.tuples(st.just("query"), st.just(""), st.just("")),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    initial=st.dictionaries(st.sampled_from(PATHS), texts, max_size=len(PATHS)),
    steps=st.lists(editor_step, max_size=20),
)
def test_deferred_workspace_equals_fresh(
    initial: dict[str, str], steps: list[tuple[str, str, str]]
) -> None:
    """Open files checked before the tree is walked (their imports found by probing the
    disk), discovery and parsing handed out and merged later, in any order with edits:
    once everything has landed, the results equal a fresh check of the same texts."""

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "archrules.toml").write_text(CONFIG)
        disk = {"src/app/__init__.py": "", **initial}
        for rel, text in disk.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text)
        ws = Workspace(None, defer=True)
        ws.add_folder(root)
        open_texts: dict[str, str] = {}
        batches: list[list[Extraction]] = []

        def discover() -> None:
            for state, project, nested in ws.discovery_work():
                ws.merge_discovery(state, project, scan_project(project, nested))

        def merge(batch: list[Extraction]) -> None:
            for job in batch:
                ws.add_extracted(job, extract_facts(job.text, job.conventions))

        for op, rel, text in steps:
            path = root / rel
            if op == "open":
                ws.set_text(path, text)
                open_texts[rel] = text
            elif op == "close":
                ws.close(path)
                open_texts.pop(rel, None)
            elif op in ("disk", "delete"):
                if op == "disk":
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_text(text)
                    disk[rel] = text
                elif path.exists():
                    path.unlink()
                    disk.pop(rel, None)
                ws.disk_changed(path)
            elif op == "discover":
                discover()
            elif op == "read":
                batches.append(ws.index_some(3))
            elif op == "merge" and batches:
                merge(batches.pop(0))
            else:
                ws.results()
        for _ in range(1_000):  # bounded: indexing that never ends is a failure, not a hang
            if not (ws.indexing or batches):
                break
            discover()
            batches.append(ws.index_some(3))
            while batches:
                merge(batches.pop(0))
        else:
            raise AssertionError(f"indexing never ends: {ws.progress()}")
        [state] = ws.projects.values()
        got = ws.project_results(state, baseline=False)
        for rel, text in open_texts.items():  # the fresh check reads the editor's texts
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text)
        fresh = open_project(root / "archrules.toml", cache_dir=None)
        assert fresh.model is not None
        expected: dict[Path, list[Violation]] = {}
        for violation in fresh.model.violations():
            expected.setdefault(violation.path, []).append(violation)
        assert got == expected
        assert state.problems == fresh.problems


# --- graph-wide findings updated from the changed modules only (ADR-0019) -------------

GRAPH_CONFIG = """
[project]
roots = ["src"]

[[layers]]
name = "stack"
containers = ["p.one", "p.two"]
layers = ["ui", "svc", "db"]
ignore = ["p.one.ui -> p.*.db"]
ignore-exact = ["p.two.ui -> p.two.db", "p.one.svc -> p.free1"]

[[layers]]
name = "top"
layers = [["p.one", "p.two"], "p.core"]

[[forbidden]]
name = "no-core-to-ext"
from = ["p.core"]
to = ["p.ext.*", "json"]

[[independent]]
name = "apart"
modules = ["p.one.ui", "p.two.ui"]
"""

# every file exists from the start: edits change imports, never the module set
GRAPH_PATHS = [
    "src/p/__init__.py",
    "src/p/one/__init__.py",
    "src/p/one/ui.py",
    "src/p/one/svc.py",
    "src/p/one/db.py",
    "src/p/two/__init__.py",
    "src/p/two/ui.py",
    "src/p/two/svc.py",
    "src/p/two/db.py",
    "src/p/core.py",
    "src/p/ext/__init__.py",
    "src/p/ext/x.py",
    "src/p/free1.py",  # in no rule: chains pass through these
    "src/p/free2.py",
    "src/p/free3.py",
]
GRAPH_MODULES = [
    "p.one.ui", "p.one.svc", "p.one.db", "p.two.ui", "p.two.svc", "p.two.db",
    "p.core", "p.ext.x", "p.free1", "p.free2", "p.free3", "json",
]  # fmt: skip
graph_texts = st.lists(st.sampled_from(GRAPH_MODULES), max_size=4).map(
    lambda names: "".join(f"import {name}\n" for name in names)
)
graph_step = st.one_of(
    st.tuples(st.just("set"), st.sampled_from(GRAPH_PATHS), graph_texts),
    st.tuples(st.just("query"), st.just(""), st.just("")),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    initial=st.fixed_dictionaries(dict.fromkeys(GRAPH_PATHS, graph_texts)),
    steps=st.lists(graph_step, max_size=25),
)
def test_graph_updates_equal_a_fresh_search(
    initial: dict[str, str], steps: list[tuple[str, str, str]]
) -> None:
    """Import edits with a fixed module set take the incremental chain search (containers,
    ignores, externals, chains through free modules and cycles among them): after every
    query, the findings equal a fresh model's."""
    files = dict(initial)
    model = memory_model(GRAPH_CONFIG, files, ROOT)
    model.violations()
    for op, rel, text in steps:
        if op == "set":
            model.set_text(ROOT / rel, text)
            files[rel] = text
        else:
            assert observable(model) == observable(memory_model(GRAPH_CONFIG, files, ROOT))
    assert observable(model) == observable(memory_model(GRAPH_CONFIG, files, ROOT))


def test_an_import_edit_searches_only_from_the_importers_it_can_change() -> None:
    """Adding an import to a module in a layer searches chains again from that module only,
    not from every importer of the project (what makes an import edit cheap in a large
    project); an edit to a free module searches again from the importers that reach it."""
    files = dict.fromkeys(GRAPH_PATHS, "")
    files["src/p/two/ui.py"] = "import p.free1\n"
    files["src/p/one/ui.py"] = "import p.two.svc\n"
    model = memory_model(GRAPH_CONFIG, files, ROOT)
    model.violations()
    searched: list[str] = []
    for checker in model.checkers:
        original = checker._search_from  # type: ignore[attr-defined]

        def spy(graph, state, tools, importer, original=original):  # type: ignore[no-untyped-def]
            searched.append(importer)
            original(graph, state, tools, importer)

        checker._search_from = spy  # type: ignore[attr-defined]
    model.set_text(ROOT / "src/p/one/svc.py", "import p.free2\n")
    model.violations()
    assert set(searched) == {"p.one.svc"}
    searched.clear()
    model.set_text(ROOT / "src/p/free1.py", "import p.one.db\n")
    found = model.violations()
    assert set(searched) == {"p.two.ui"}
    assert any(v.chain == ("p.two.ui", "p.free1", "p.one.db") for v in found)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    initial=st.dictionaries(st.sampled_from(PATHS), texts, max_size=len(PATHS)),
    target=st.sampled_from(PATHS),
    proposed=texts,
)
def test_a_proposed_text_equals_a_fresh_check_with_it_written(
    initial: dict[str, str], target: str, proposed: str
) -> None:
    """``archrules mcp``'s check_file (ADR-0018): the overlay's findings in the file, and
    those it adds elsewhere, are what a fresh check reports once the text is written; the
    disk is left as it was."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "archrules.toml").write_text(CONFIG, encoding="utf-8")
        (root / "src").mkdir()
        for rel, text in initial.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text, encoding="utf-8")
        path = root / target
        before = set(open_project(root / "archrules.toml", cache_dir=None).violations())
        _, proposal = check_proposed(Workspace(None), path, proposed)
        assert (path.read_text(encoding="utf-8") if path.exists() else None) == initial.get(target)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(proposed, encoding="utf-8")
        after = open_project(root / "archrules.toml", cache_dir=None).violations()

        def rows(found: Iterable[Violation]) -> list[str]:
            return sorted(repr((v, v.related)) for v in found)

        assert rows(proposal.findings) == rows(v for v in after if v.path == path)
        assert rows(proposal.elsewhere) == rows(
            v for v in after if v.path != path and v not in before
        )
