"""The engine's Workspace, in-process: routing to the nearest config, open documents over
the disk, indexing, config and ADR changes, baseline."""

from __future__ import annotations

import json
from pathlib import Path

from archrules.core.workspace import Workspace


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def project(root: Path, name: str = "pkg") -> None:
    write(
        root / "archrules.toml",
        f'[project]\nroots = ["."]\n\n[[layers]]\nname = "{name}-layers"\n'
        f'layers = ["{name}.top", "{name}.bottom"]\n',
    )
    write(root / name / "__init__.py", "")
    write(root / name / "top.py", "")
    write(root / name / "bottom.py", f"import {name}.top\n")


def rules_at(ws: Workspace, path: Path) -> list[str]:
    return [v.rule for v in ws.results().get(path, [])]


def index_all(ws: Workspace) -> None:
    while ws.indexing:
        ws.index_some(2)


def test_indexing_reads_every_file_and_then_finds_graph_findings(tmp_path: Path) -> None:
    project(tmp_path)
    ws = Workspace(None)
    [state] = ws.add_folder(tmp_path)
    assert ws.indexing and ws.progress() == (0, 3)
    assert rules_at(ws, tmp_path / "pkg" / "bottom.py") == []  # not read yet
    index_all(ws)
    assert ws.progress() == (3, 3) and state.indexed
    assert rules_at(ws, tmp_path / "pkg" / "bottom.py") == ["pkg-layers"]


def test_open_text_wins_over_disk_until_closed(tmp_path: Path) -> None:
    project(tmp_path)
    ws = Workspace(None)
    ws.add_folder(tmp_path)
    index_all(ws)
    bottom = tmp_path / "pkg" / "bottom.py"
    ws.set_text(bottom, "X = 1\n")
    assert rules_at(ws, bottom) == []
    write(bottom, "import pkg.top\nimport pkg.top\n")
    ws.disk_changed(bottom)  # ignored: the buffer wins
    assert rules_at(ws, bottom) == []
    ws.close(bottom)
    assert rules_at(ws, bottom) == ["pkg-layers", "pkg-layers"]
    assert ws.close(bottom) is None  # closing twice is harmless


def test_open_file_before_indexing_gets_direct_findings(tmp_path: Path) -> None:
    project(tmp_path)
    ws = Workspace(None)
    ws.add_folder(tmp_path)
    bottom = tmp_path / "pkg" / "bottom.py"
    ws.set_text(bottom, "import pkg.top\n")
    assert rules_at(ws, bottom) == ["pkg-layers"]


def test_nested_configs_govern_their_subtree(tmp_path: Path) -> None:
    project(tmp_path, "outer")
    project(tmp_path / "sub", "inner")
    ws = Workspace(None)
    states = ws.add_folder(tmp_path)
    assert len(states) == 2
    index_all(ws)
    inner = tmp_path / "sub" / "inner" / "bottom.py"
    state = ws.project_for(inner)
    assert state is not None and state.root_dir == tmp_path / "sub"
    assert rules_at(ws, inner) == ["inner-layers"]
    outer_state = ws.project_for(tmp_path / "outer" / "top.py")
    assert outer_state is not None and outer_state.root_dir == tmp_path
    model = outer_state.project.model
    assert model is not None and inner not in model.paths


def test_config_errors_keep_the_last_valid_config(tmp_path: Path) -> None:
    project(tmp_path)
    ws = Workspace(None)
    ws.add_folder(tmp_path)
    index_all(ws)
    config = tmp_path / "archrules.toml"
    bottom = tmp_path / "pkg" / "bottom.py"
    ws.set_text(config, config.read_text() + "bogus = 1\n")
    problems = ws.config_problems()[config]
    assert problems and "bogus" in problems[0].message and problems[0].range.line == 6
    assert rules_at(ws, bottom) == ["pkg-layers"]
    ws.set_text(config, '[project]\nroots = ["."]\n')
    # valid, but it checks nothing: a warning, not an error
    assert [p.severity for p in ws.config_problems()[config]] == ["warning"]
    assert rules_at(ws, bottom) == []


def test_new_files_excluded_files_and_deletions(tmp_path: Path) -> None:
    project(tmp_path)
    write(tmp_path / ".gitignore", "generated/\n")
    ws = Workspace(None)
    ws.add_folder(tmp_path)
    index_all(ws)
    new = write(tmp_path / "pkg" / "extra.py", "import pkg.top\n")
    ws.disk_changed(new)
    state = ws.project_for(new)
    assert state is not None and state.project.model is not None
    assert new in state.project.model.paths
    ignored = write(tmp_path / "pkg" / "generated" / "x.py", "import pkg.bottom\n")
    ws.disk_changed(ignored)
    assert ignored not in state.project.model.paths
    new.unlink()
    ws.disk_changed(new)
    assert new not in state.project.model.paths
    assert ws.disk_changed(tmp_path / "notes.txt") is None


def test_config_appearing_and_disappearing(tmp_path: Path) -> None:
    project(tmp_path)
    write(tmp_path / "sub" / "lib" / "__init__.py", "")
    ws = Workspace(None)
    ws.add_folder(tmp_path)
    index_all(ws)
    outer = ws.project_for(tmp_path / "pkg" / "top.py")
    assert outer is not None and outer.project.model is not None
    assert tmp_path / "sub" / "lib" / "__init__.py" in outer.project.model.paths
    nested = write(tmp_path / "sub" / "archrules.toml", '[project]\nroots = ["."]\n')
    ws.disk_changed(nested)
    assert len(ws.projects) == 2
    assert tmp_path / "sub" / "lib" / "__init__.py" not in outer.project.model.paths
    nested.unlink()
    ws.disk_changed(nested)
    assert len(ws.projects) == 1
    outer = ws.project_for(tmp_path / "pkg" / "top.py")
    assert outer is not None and outer.project.model is not None
    index_all(ws)
    assert tmp_path / "sub" / "lib" / "__init__.py" in outer.project.model.paths


def test_pyproject_config(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n')
    write(tmp_path / "pkg" / "__init__.py", "")
    ws = Workspace(None)
    assert ws.add_folder(tmp_path) == []
    pyproject = tmp_path / "pyproject.toml"
    write(pyproject, '[project]\nname = "x"\n\n[tool.archrules.project]\nroots = ["."]\n')
    assert ws.disk_changed(pyproject) is not None
    assert pyproject in ws.projects
    write(pyproject, '[project]\nname = "x"\n')
    ws.disk_changed(pyproject)
    assert pyproject not in ws.projects


def test_adr_changes_and_baseline(tmp_path: Path) -> None:
    project(tmp_path)
    adr = write(tmp_path / "docs" / "adr" / "0001-layers.md", "# Layers\n\n## Status\n\nAccepted\n")
    bottom = tmp_path / "pkg" / "bottom.py"
    write(bottom, "import pkg.top  # archrules: allow[pkg-layers] ADR-0001\n")
    write(
        tmp_path / "archrules.toml",
        (tmp_path / "archrules.toml")
        .read_text()
        .replace("[project]", "[adr]\nrequire-for-exceptions = true\n\n[project]"),
    )
    ws = Workspace(None)
    ws.add_folder(tmp_path)
    index_all(ws)
    assert rules_at(ws, bottom) == []
    write(adr, "# Layers\n\n## Status\n\nProposed\n")
    ws.disk_changed(adr)
    assert rules_at(ws, bottom) == ["exception-adr"]
    write(bottom, "import pkg.top\n")
    ws.disk_changed(bottom)
    baseline = write(
        tmp_path / "archrules-baseline.json",
        json.dumps({"version": 1, "entries": [{"key": ["pkg-layers", "pkg.bottom", "pkg.top"]}]}),
    )
    ws.disk_changed(baseline)
    assert rules_at(ws, bottom) == []
    assert [v.rule for v in ws.results(baseline=False)[bottom]] == ["pkg-layers"]
    write(baseline, "not json")
    ws.disk_changed(baseline)
    state = ws.project_for(bottom)
    assert state is not None and state.baseline_problem is not None
    assert rules_at(ws, bottom) == ["pkg-layers"]


def test_files_outside_any_project_and_removed_folders(tmp_path: Path) -> None:
    project(tmp_path / "a")
    ws = Workspace(None)
    ws.add_folder(tmp_path / "a")
    loose = write(tmp_path / "loose.py", "import os\n")
    assert ws.set_text(loose, "import os\n") is None
    assert ws.results().get(loose) is None
    ws.remove_folder(tmp_path / "a")
    assert ws.projects == {}


def test_a_convention_rule_added_to_the_config_rereads_definitions(tmp_path: Path) -> None:
    project(tmp_path)
    write(tmp_path / "pkg" / "top.py", "class bad_name:\n    pass\n")
    ws = Workspace(None)
    ws.add_folder(tmp_path)
    index_all(ws)
    top = tmp_path / "pkg" / "top.py"
    assert rules_at(ws, top) == []
    config = tmp_path / "archrules.toml"
    ws.set_text(
        config,
        config.read_text() + '\n[[naming]]\nname = "style"\nin = ["pkg"]\nclasses = "PascalCase"\n',
    )
    index_all(ws)
    assert rules_at(ws, top) == ["style"]


def test_a_nested_config_present_at_start_then_deleted(tmp_path: Path) -> None:
    project(tmp_path, "outer")
    project(tmp_path / "sub", "inner")
    ws = Workspace(None)
    ws.add_folder(tmp_path)
    index_all(ws)
    inner_file = tmp_path / "sub" / "inner" / "bottom.py"
    (tmp_path / "sub" / "archrules.toml").unlink()
    ws.disk_changed(tmp_path / "sub" / "archrules.toml")
    index_all(ws)
    state = ws.project_for(inner_file)
    assert state is not None and state.root_dir == tmp_path
    assert state.project.model is not None and inner_file in state.project.model.paths


def test_moving_lines_moves_graph_findings_like_a_fresh_check(tmp_path: Path) -> None:
    """Lines added above an import keep the graph-wide findings and move their ranges."""
    write(
        tmp_path / "archrules.toml",
        '[project]\nroots = ["."]\n\n[[acyclic]]\nname = "no-cycles"\nmodules = ["pkg.*"]\n',
    )
    write(tmp_path / "pkg" / "__init__.py", "")
    a = write(tmp_path / "pkg" / "a.py", "import pkg.b\n")
    write(tmp_path / "pkg" / "b.py", "import pkg.a\n")
    ws = Workspace(None)
    ws.add_folder(tmp_path)
    index_all(ws)
    before = ws.results()[a]
    assert [v.range.line for v in before] == [0]
    moved_text = "# one\n# two\nimport pkg.b\n"
    ws.set_text(a, moved_text)
    after = ws.results()
    write(a, moved_text)
    fresh = Workspace(None)
    fresh.add_folder(tmp_path)
    index_all(fresh)
    assert after == fresh.results()
    assert [v.range.line for v in after[a]] == [2]
    related = [r for v in after[tmp_path / "pkg" / "b.py"] for r in v.related if r.path == a]
    assert related and all(r.range.line == 2 for r in related)


def test_config_opened_while_indexing_keeps_the_unread_files_pending(tmp_path: Path) -> None:
    project(tmp_path)
    ws = Workspace(None)
    ws.add_folder(tmp_path)
    ws.index_some(1)
    config = tmp_path / "archrules.toml"
    ws.set_text(config, config.read_text())  # opened unchanged: no reload
    assert ws.indexing
    ws.set_text(config, config.read_text() + "\n# a comment\n")  # a real edit: reload
    assert ws.indexing
    index_all(ws)
    assert rules_at(ws, tmp_path / "pkg" / "bottom.py") == ["pkg-layers"]
