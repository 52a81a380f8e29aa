"""The baseline file: keys without line numbers, counts, stale entries, bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archrules.core.baseline import (
    BaselineError,
    Scope,
    apply_baseline,
    baseline_key,
    load_baseline,
    merge_baseline,
    write_baseline,
)
from archrules.core.types import Range, Violation


def violation(importer: str, imported: str, line: int = 0) -> Violation:
    return Violation(
        rule="layers",
        kind="layers",
        severity="error",
        path=Path("/p/x.py"),
        range=Range(line, 0, line, 5),
        message="m",
        importer=importer,
        imported=imported,
        key=(importer, imported),
    )


def test_round_trip_counts_and_line_independence(tmp_path: Path) -> None:
    target = tmp_path / "archrules-baseline.json"
    found = [violation("a", "b", 1), violation("a", "b", 7), violation("c", "d")]
    assert write_baseline(target, found) == 2
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data == {
        "version": 1,
        "entries": [{"key": ["layers", "a", "b"], "count": 2}, {"key": ["layers", "c", "d"]}],
    }
    baseline = load_baseline(target)
    moved = [violation("a", "b", 40), violation("a", "b", 41), violation("c", "d", 99)]
    result = apply_baseline(moved, baseline)
    assert (result.reported, result.baselined, result.stale) == ([], 3, [])
    # a third copy is new; a fixed one is stale
    result = apply_baseline([*moved, violation("a", "b", 50)], baseline)
    assert [baseline_key(v) for v in result.reported] == [("layers", "a", "b")]
    assert result.reported[0].range.line == 50
    result = apply_baseline([violation("a", "b")], baseline)
    assert result.stale == ["layers: a -> b", "layers: c -> d"]
    result = apply_baseline([], baseline)
    assert result.stale == ["layers: a -> b (x2)", "layers: c -> d"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{nope", "not a baseline file"),
        ('{"version": 9, "entries": []}', "not a version 1"),
        ('{"version": 1, "entries": {}}', "'entries' must be a list"),
        ('{"version": 1, "entries": [{"key": []}]}', "entry 1 is malformed"),
        ('{"version": 1, "entries": [{"key": ["a"], "count": 0}]}', "entry 1 is malformed"),
        ('{"version": 1, "entries": ["x"]}', "entry 1 is malformed"),
    ],
)
def test_bad_baseline_files(tmp_path: Path, text: str, message: str) -> None:
    target = tmp_path / "b.json"
    target.write_text(text, encoding="utf-8")
    with pytest.raises(BaselineError, match=message):
        load_baseline(target)


def test_missing_baseline_file(tmp_path: Path) -> None:
    with pytest.raises(BaselineError, match="cannot read"):
        load_baseline(tmp_path / "missing.json")


def test_entries_record_their_file_and_a_scope_keeps_the_rest(tmp_path: Path) -> None:

    root = Path("/p")
    target = tmp_path / "b.json"
    assert write_baseline(target, [violation("a", "b"), violation("c", "d")], root) == 2
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["entries"][0] == {"key": ["layers", "a", "b"], "path": "x.py"}
    old = load_baseline(target)
    # a run over another file neither sees these entries as stale nor drops them
    elsewhere = Scope(root, None, (Path("/p/other.py"),))
    assert apply_baseline([], old, elsewhere).stale == []
    entries, kept = merge_baseline(old, [], elsewhere)
    assert kept == 2 and sum(entries.values()) == 2
    # a run over the file does; so does one that selects the rule, not another rule
    assert len(apply_baseline([], old, Scope(root, None, (Path("/p/x.py"),))).stale) == 2
    assert apply_baseline([], old, Scope(root, frozenset({"other"}))).stale == []
    assert len(apply_baseline([], old, Scope(root, frozenset({"layers"}))).stale) == 2


def test_old_entries_without_a_file(tmp_path: Path) -> None:

    target = tmp_path / "b.json"
    target.write_text(
        '{"version": 1, "entries": [{"key": ["layers", "a", "b"]}, {"key": ["layers", "c", "d"]}]}',
        encoding="utf-8",
    )
    old = load_baseline(target)
    part = Scope(Path("/p"), None, (Path("/p/x.py"),))
    # a partial run cannot tell where they were: never stale, kept unless found again
    assert apply_baseline([], old, part).stale == []
    entries, kept = merge_baseline(old, [violation("a", "b")], part)
    assert kept == 1
    assert sorted(entries) == [
        (("layers", "a", "b"), "x.py"),
        (("layers", "c", "d"), None),
    ]
    # a run over the whole project sees them
    assert len(apply_baseline([], old, Scope(Path("/p"))).stale) == 2
