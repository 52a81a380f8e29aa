"""The diagnostics store (``lsp/store.py``), in process: which files' diagnostics changed
(the push side republishes exactly those) and the result ids of pulled diagnostics (the pull
side answers "unchanged" only when nothing the client shows changed)."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from archrules.core.config import ConfigProblem
from archrules.core.types import Range, Related, Violation
from archrules.lsp.store import DiagnosticsStore, result_id
from graph_support import MemoryGraph, checkers_from_toml, file_of


def finding(path: Path, line: int, related_line: int | None = None) -> Violation:
    related = (
        (Related(path.with_name("other.py"), Range(related_line, 0, related_line, 1), "x"),)
        if related_line is not None
        else ()
    )
    return Violation(
        rule="layers",
        kind="layers",
        severity="error",
        path=path,
        range=Range(line, 0, line, 5),
        message="a imports b",
        importer="a",
        imported="b",
        chain=("a", "b"),
        adr=None,
        key=("a", "b"),
        related=related,
    )


def test_the_store_reports_the_files_whose_findings_changed(tmp_path: Path) -> None:
    a, b = tmp_path / "a.py", tmp_path / "b.py"
    store = DiagnosticsStore()
    assert store.update({a: [finding(a, 1)]}, {}) == {a}
    assert store.update({a: [finding(a, 1)]}, {}) == set()
    assert store.update({a: [finding(a, 2)], b: []}, {}) == {a}
    assert store.update({}, {}) == {a}
    assert store.paths() == set()


def test_the_store_sees_a_change_in_related_locations_only(tmp_path: Path) -> None:
    """A chain's other import moved: the diagnostic's related information must follow."""
    a = tmp_path / "a.py"
    store = DiagnosticsStore()
    store.update({a: [finding(a, 1, related_line=3)]}, {})
    assert store.update({a: [finding(a, 1, related_line=4)]}, {}) == {a}


def test_config_problems_come_and_go_with_their_file(tmp_path: Path) -> None:
    config = tmp_path / "archrules.toml"
    problem = ConfigProblem(config, Range(2, 0, 2, 4), "unknown key 'lyers'")
    store = DiagnosticsStore()
    assert store.update({}, {config: [problem]}) == {config}
    assert store.paths() == {config}
    assert store.update({}, {config: [problem]}) == set()
    warning = ConfigProblem(config, Range(2, 0, 2, 4), "unknown key 'lyers'", "warning")
    assert store.update({}, {config: [warning]}) == {config}
    assert store.update({}, {}) == {config}
    assert store.paths() == set()


LAYERS = """
[[layers]]
name = "stack"
layers = ["app.web", "app.domain"]
"""


def chain_findings(imports: dict[str, list[str]]) -> dict[Path, list[Violation]]:
    """The indirect findings of ``LAYERS`` on an in-memory graph, by file."""
    [checker] = checkers_from_toml(LAYERS)
    by_file: dict[Path, list[Violation]] = {}
    for v in checker.check_graph(MemoryGraph(imports)):
        by_file.setdefault(v.path, []).append(v)
    return by_file


def test_a_crossing_import_gaining_a_module_republishes_its_file_and_the_members() -> None:
    """util.py holds no finding of its own, but its import of the web layer is where two,
    then three, domain modules cross: its diagnostic ("N modules reach") must be resent,
    and so must the other members' (their related information names the count)."""
    two = {"app.domain.a": ["app.util"], "app.domain.b": ["app.util"], "app.util": ["app.web"]}
    three = {**two, "app.domain.c": ["app.util"]}
    store = DiagnosticsStore()
    assert store.update(chain_findings(two), {}) == {
        file_of("app.domain.a"),
        file_of("app.domain.b"),
        file_of("app.util"),
    }
    [group] = store.crossings[file_of("app.util")]
    assert group.modules == ("app.domain.a", "app.domain.b")
    assert store.paths() == {file_of("app.domain.a"), file_of("app.domain.b"), file_of("app.util")}
    assert store.update(chain_findings(two), {}) == set()
    assert store.update(chain_findings(three), {}) == {
        file_of("app.domain.a"),
        file_of("app.domain.b"),
        file_of("app.domain.c"),
        file_of("app.util"),
    }
    assert store.update({}, {}) == {
        file_of("app.domain.a"),
        file_of("app.domain.b"),
        file_of("app.domain.c"),
        file_of("app.util"),
    }
    assert store.crossings == {} and store.group_of == {}


def diagnostic(message: str = "a imports b", line: int = 1, **changes: object) -> types.Diagnostic:
    where = types.Range(
        start=types.Position(line=line, character=0), end=types.Position(line=line, character=5)
    )
    fields: dict[str, object] = {
        "range": where,
        "message": message,
        "severity": types.DiagnosticSeverity.Error,
        "code": "layers",
        "source": "archrules",
        **changes,
    }
    return types.Diagnostic(**fields)  # type: ignore[arg-type]


def related_at(line: int, message: str = "b imports c") -> list[types.DiagnosticRelatedInformation]:
    where = types.Range(
        start=types.Position(line=line, character=0), end=types.Position(line=line, character=1)
    )
    return [
        types.DiagnosticRelatedInformation(
            location=types.Location(uri="file:///srv/b.py", range=where), message=message
        )
    ]


def test_equal_diagnostics_have_equal_result_ids_and_any_visible_change_a_new_one() -> None:
    base = [diagnostic(), diagnostic("c imports d", line=4)]
    assert result_id(base) == result_id([diagnostic(), diagnostic("c imports d", line=4)])
    changed = [
        [diagnostic()],
        [diagnostic("c imports d", line=4), diagnostic()],
        [diagnostic("a imports B"), base[1]],
        [diagnostic(line=2), base[1]],
        [diagnostic(severity=types.DiagnosticSeverity.Warning), base[1]],
        [diagnostic(code="other-rule"), base[1]],
        [],
    ]
    ids = {result_id(d) for d in changed}
    assert len(ids) == len(changed) and result_id(base) not in ids


def test_a_pulled_result_id_changes_when_only_related_information_changes() -> None:
    """A chain's other import moved, or the group behind a finding grew: the push side
    resends the diagnostic (see above), so a pulling client must not be told "unchanged"
    and keep showing the old locations and counts."""
    before = [diagnostic(related_information=related_at(3))]
    moved = [diagnostic(related_information=related_at(4))]
    grown = [diagnostic(related_information=related_at(3, "b imports c: 3 modules reach"))]
    assert len({result_id(before), result_id(moved), result_id(grown)}) == 3
