"""The baseline file: keys without line numbers, counts, stale entries, bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archrules.core.baseline import (
    BaselineError,
    apply_baseline,
    baseline_key,
    load_baseline,
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
