"""The slim model's parts and the adapters' facade (issue 13 items 2 and 3): the cross-file
indexes and the built-in findings on their own, what ``ProjectState`` / ``Project`` answer,
where a new ADR goes, and the rule that keeps adapters off the engine's internals."""

from __future__ import annotations

import textwrap
from pathlib import Path

from archrules.core.adr import load_adrs, new_adr_directory
from archrules.core.config import Config, load_config
from archrules.core.crossfile import DriftIndex, DuplicatesIndex
from archrules.core.facts import extract_facts
from archrules.core.findings import apply_exceptions, rule_adr_warnings
from archrules.core.kinds import compile_rules
from archrules.core.project import open_project
from archrules.core.types import BUILTIN_RULES, UNUSED_EXCEPTION, Violation
from archrules.core.workspace import Workspace

REPO = Path(__file__).resolve().parent.parent
ROOT = Path("/virtual")


def config(text: str) -> Config:
    result = load_config(ROOT / "archrules.toml", textwrap.dedent(text))
    assert result.config is not None and not result.problems, result.problems
    return result.config


BODY = "def {name}(a, b):\n    c = a * 2\n    if c > b:\n        return b\n    return c\n"


def test_duplicates_index_follows_each_file() -> None:
    cfg = config(
        '[project]\nroots = ["src"]\n[[duplicates]]\nname = "copies"\nin = ["app"]\nmin-lines = 3\n'
    )
    index = DuplicatesIndex(compile_rules(cfg.rules).duplicates)
    a, b = ROOT / "src/app/a.py", ROOT / "src/app/b.py"
    index.update(a, "app.a", extract_facts(BODY.format(name="f"), True).definitions)
    assert index.findings() == []  # one copy is no duplicate
    index.update(b, "app.b", extract_facts(BODY.format(name="g"), True).definitions)
    assert sorted(v.path for v in index.findings()) == [a, b]
    index.update(b, "app.b", extract_facts("def g():\n    return 1\n", True).definitions)
    assert index.findings() == []
    index.update(b, "app.b", extract_facts(BODY.format(name="g"), True).definitions)
    index.remove(a)
    assert index.findings() == []


def test_drift_index_checks_classes_per_package_and_module_names() -> None:
    cfg = config('[project]\nroots = ["src"]\n[[drift]]\nname = "drift"\nin = ["app"]\n')
    index = DriftIndex(compile_rules(cfg.rules).drift)
    names = ("orders", "users", "items", "carts", "tags", "notes", "stock")
    paths = {n: ROOT / f"src/app/repos/{n}.py" for n in names}
    owners = {f"app.repos.{n}": p for n, p in paths.items()}
    for name, path in paths.items():
        text = "class StockCache: ...\n" if name == "stock" else f"class {name.title()}Repo: ...\n"
        defs = extract_facts(text, True).definitions
        index.update(path, f"app.repos.{name}", False, defs)
    assert [v.path for v in index.findings(owners)] == [paths["stock"]]
    index.remove(paths["stock"])
    assert index.findings(owners) == []


def test_exceptions_and_builtin_findings_without_a_model() -> None:
    cfg = config('[project]\nroots = ["src"]\n[[layers]]\nname = "l"\nlayers = ["a", "b"]\n')
    path = ROOT / "src/b.py"
    facts = extract_facts("import a  # archrules: allow[l, other]\n", False)
    finding = Violation("l", "layers", "error", path, facts.imports[0].module_range, "m")
    kept = apply_exceptions(cfg, load_adrs(None), path, "b", facts, [finding], True)
    assert [(v.rule, v.message) for v in kept] == [
        (UNUSED_EXCEPTION, "unused exception: there is no rule named 'other'")
    ]
    assert rule_adr_warnings(cfg, load_adrs(None)) == []
    assert {"syntax-error", "unused-exception", "exception-adr"} <= set(BUILTIN_RULES)


def _project(root: Path, adr: str = "") -> None:
    (root / "pkg").mkdir(parents=True)
    (root / "archrules.toml").write_text(
        '[project]\nroots = ["."]\n' + adr + '[[layers]]\nname = "pkg-layers"\n'
        'layers = ["pkg.top", "pkg.bottom"]\n'
        '[[interface]]\nname = "api"\nmodule = "pkg"\nexpose = ["pkg.top", "pkg.bottom"]\n'
    )
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "top.py").write_text("")
    (root / "pkg" / "bottom.py").write_text("import pkg.top\nimport os\n")


def test_project_state_answers_the_adapters_questions(tmp_path: Path) -> None:
    _project(tmp_path)
    ws = Workspace(None, defer=True)
    [state] = ws.add_folder(tmp_path)
    bottom, top = tmp_path / "pkg" / "bottom.py", tmp_path / "pkg" / "top.py"
    assert state.loaded and state.facts(bottom) is None  # not read yet
    assert state.module_of(bottom) is None
    assert state.module_of(bottom, unread=True) == "pkg.bottom"  # named from its path
    ws.set_text(bottom, "import pkg.top\nimport os\n")
    facts = state.facts(bottom)
    assert facts is not None and [f.module for f in facts.imports] == ["pkg.top", "os"]
    assert state.path_of("pkg.top") == top and state.is_first_party("pkg")
    assert state.imported_on_line("pkg.bottom", 0) == {"pkg.top"}
    assert state.imported_on_line("pkg.bottom", 1) == {"os"}
    assert state.explain("pkg.bottom").layer == "pkg.bottom"
    [broken] = state.hypothetical("pkg.bottom", "pkg.top", bottom)
    assert broken.rule == "pkg-layers"
    rule = state.rule("pkg-layers")
    assert rule is not None and rule.kind == "layers" and state.rule("unused-exception") is None
    assert state.exposed_by("api") == ("pkg.top", "pkg.bottom")
    assert state.exposed_by("pkg-layers") == () == state.exposed_by("no-such-rule")
    picture = state.picture()
    assert picture is not None and picture.violation_count == 1
    assert ws.text(bottom) == "import pkg.top\nimport os\n" == ws.open_text(bottom)
    assert ws.open_text(top) is None and ws.text(top) == ""  # the disk's text
    assert ws.text(tmp_path / "gone.py") == ""


def test_a_new_adr_goes_where_the_cli_puts_it(tmp_path: Path) -> None:
    """One fallback: with no ADR directory yet, the editor's *Record a new ADR* and
    ``archrules adr new`` both use ``docs/adr`` under the project root."""
    _project(tmp_path)
    ws = Workspace(None)
    [state] = ws.add_folder(tmp_path)
    planned = state.plan_adr("Use a bus", date="2026-01-02")
    assert planned is not None
    assert planned.path == tmp_path / "docs" / "adr" / "0001-use-a-bus.md"
    assert new_adr_directory(tmp_path, None) == planned.path.parent
    assert "# Use a bus" in planned.text and "date: 2026-01-02" in planned.text
    assert not planned.path.parent.exists()  # planned, not written


def test_a_new_adr_follows_the_configured_or_found_directory(tmp_path: Path) -> None:
    _project(tmp_path / "one", '[adr]\ndirectory = "decisions"\n')
    _project(tmp_path / "two")
    (tmp_path / "two" / "doc" / "adr").mkdir(parents=True)
    (tmp_path / "two" / "doc" / "adr" / "0007-old.md").write_text(
        "---\nstatus: accepted\n---\n# Old\n"
    )
    ws = Workspace(None)
    states = {s.root_dir.name: s for s in ws.add_folder(tmp_path)}
    one = states["one"].plan_adr("X", slug="custom")
    two = states["two"].plan_adr("Y")
    assert one is not None and one.path == tmp_path / "one" / "decisions" / "0001-custom.md"
    assert two is not None and two.path == tmp_path / "two" / "doc" / "adr" / "0008-y.md"


def test_adapters_may_import_only_the_engine_facade() -> None:
    """The project's own ``archrules.toml`` keeps the CLI and the servers off the model
    and the engine's other internals, and archrules itself keeps to it."""
    project = open_project(REPO / "archrules.toml", cache_dir=None)
    assert project.loaded and not project.problems
    model = project.model
    assert model is not None
    hover = REPO / "server/archrules/lsp/hover.py"
    reach = model.hypothetical("archrules.lsp.hover", "archrules.core.model", hover)
    assert "adapters-use-the-facade" in {v.rule for v in reach}
    facade = model.hypothetical("archrules.lsp.hover", "archrules.core.workspace", hover)
    assert "adapters-use-the-facade" not in {v.rule for v in facade}
    assert [v for v in project.violations() if v.rule == "adapters-use-the-facade"] == []
    for package in ("cli", "lsp", "mcp", "render"):
        for path in (REPO / "server/archrules" / package).glob("*.py"):
            text = path.read_text(encoding="utf-8")
            assert ".model." not in text and ".overlays" not in text, path
