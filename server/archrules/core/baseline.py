"""The baseline: violations accepted when archrules was adopted, so that only new ones fail.

An entry is keyed by the rule and the modules or names involved, never by line numbers:
moving code around does not make an old violation new. Entries count: two identical
imports of a forbidden module in one file are two entries.

Each entry also records the file its violations were found in (relative to the project
root), so that a check or a ``baseline`` run on part of a project (a PATH, a
``--select``) knows which entries it looked at: only those can be stale, and only those
are rewritten (:class:`Scope`). Matching ignores the file: the key alone decides.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from archrules.core.files import read_text, write_atomic
from archrules.core.types import Violation

BASELINE_NAME = "archrules-baseline.json"
BASELINE_VERSION = 1

Key = tuple[str, ...]
# an entry: the key and the file it was found in ('/'-separated, relative to the project
# root; None in baselines written before files were recorded, or for a file outside it)
Entry = tuple[Key, str | None]


class BaselineError(Exception):
    """A baseline file that cannot be read: the message names the file and what is wrong."""


def baseline_key(violation: Violation) -> Key:
    return (violation.rule, *violation.key)


@dataclass(frozen=True)
class Baseline:
    entries: Counter[Entry]

    def counts(self) -> Counter[Key]:
        counts: Counter[Key] = Counter()
        for (key, _), count in self.entries.items():
            counts[key] += count
        return counts


@dataclass(frozen=True)
class Scope:
    """What a run looked at: the rules (None: all) and the files (None: the whole project).

    ``root`` is the project root that entry files are relative to; ``paths`` are absolute
    and normalised (no ``..``)."""

    root: Path
    rules: frozenset[str] | None = None
    paths: tuple[Path, ...] | None = None

    def covers(self, entry: Entry) -> bool:
        key, file = entry
        if self.rules is not None and key[0] not in self.rules:
            return False
        if self.paths is None:
            return True
        if file is None:  # no file recorded: only a run over the whole project saw it
            return False
        where = Path(os.path.normpath(self.root / file))
        return any(where == path or path in where.parents for path in self.paths)


@dataclass(frozen=True)
class BaselineResult:
    reported: list[Violation]
    baselined: int
    stale: list[str]  # entries of the checked scope that matched nothing, for humans


def load_baseline(path: Path) -> Baseline:
    try:
        data = json.loads(read_text(path))
    except OSError as error:
        raise BaselineError(f"{path}: cannot read the baseline: {error.strerror}") from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BaselineError(f"{path}: not a baseline file: {error}") from error
    if not isinstance(data, dict) or data.get("version") != BASELINE_VERSION:
        raise BaselineError(f"{path}: not a version {BASELINE_VERSION} archrules baseline")
    entries = data.get("entries")
    if not isinstance(entries, list):
        raise BaselineError(f"{path}: 'entries' must be a list")
    counts: Counter[Entry] = Counter()
    for i, entry in enumerate(entries):
        key = entry.get("key") if isinstance(entry, dict) else None
        count = entry.get("count", 1) if isinstance(entry, dict) else None
        file = entry.get("path") if isinstance(entry, dict) else None
        if (
            not isinstance(key, list)
            or not key
            or not all(isinstance(part, str) for part in key)
            or not isinstance(count, int)
            or count < 1
            or not (file is None or isinstance(file, str))
        ):
            raise BaselineError(f"{path}: entry {i + 1} is malformed: {entry!r}")
        counts[(tuple(key), file)] += count
    return Baseline(counts)


def _entry_file(violation: Violation, root: Path | None) -> str | None:
    if root is None:
        return None
    try:
        return violation.path.relative_to(root).as_posix()
    except ValueError:
        return None


def entries_of(violations: Iterable[Violation], root: Path | None) -> Counter[Entry]:
    return Counter((baseline_key(v), _entry_file(v, root)) for v in violations)


def render_baseline(entries: Counter[Entry]) -> str:
    def sort_key(item: tuple[Entry, int]) -> tuple[Key, str]:
        (key, file), _ = item
        return key, file or ""

    rendered: list[dict[str, object]] = []
    for (key, file), count in sorted(entries.items(), key=sort_key):
        if count < 1:
            continue
        entry: dict[str, object] = {"key": list(key)}
        if file is not None:
            entry["path"] = file
        if count > 1:
            entry["count"] = count
        rendered.append(entry)
    return json.dumps({"version": BASELINE_VERSION, "entries": rendered}, indent=2) + "\n"


def merge_baseline(
    old: Baseline | None, violations: Iterable[Violation], scope: Scope
) -> tuple[Counter[Entry], int]:
    """The entries to write after a run over ``scope``: the violations found now, plus the
    old entries the run did not look at. Returns them and how many old entries were kept.
    An old entry with no file that the new violations account for is dropped (it was
    written before files were recorded and is now recorded with its file)."""
    entries = entries_of(violations, scope.root)
    if old is None:
        return entries, 0
    new_keys = Counter(key for key, _ in entries.elements())
    kept = 0
    for entry, count in sorted(
        old.entries.items(), key=lambda item: (item[0][0], item[0][1] or "")
    ):
        if scope.covers(entry):
            continue
        key, file = entry
        left = count
        if file is None:
            covered = min(count, new_keys[key])
            new_keys[key] -= covered
            left -= covered
        if left > 0:
            entries[entry] += left
            kept += left
    return entries, kept


def write_baseline(path: Path, violations: Iterable[Violation], root: Path | None = None) -> int:
    """Write the violations (each with its file relative to ``root`` when given)."""
    return write_entries(path, entries_of(violations, root))


def write_entries(path: Path, entries: Counter[Entry]) -> int:
    """Write atomically (a reader never sees half a file); returns the number of entries."""
    text = render_baseline(entries)
    write_atomic(path, text, overwrite=True)
    return len(json.loads(text)["entries"])


def apply_baseline(
    violations: Sequence[Violation], baseline: Baseline, scope: Scope | None = None
) -> BaselineResult:
    """Hide the violations the baseline accounts for. An entry left over is stale only
    when ``scope`` (None: everything) covers it: a run that did not look at its rule or
    its file cannot tell whether it still holds."""
    remaining = Counter(baseline.entries)
    by_key: dict[Key, list[Entry]] = {}
    for entry in sorted(remaining, key=lambda e: (e[0], e[1] or "")):
        by_key.setdefault(entry[0], []).append(entry)
    reported: list[Violation] = []
    baselined = 0
    for violation in violations:
        key = baseline_key(violation)
        match = next((e for e in by_key.get(key, ()) if remaining[e] > 0), None)
        if match is not None:
            remaining[match] -= 1
            baselined += 1
        else:
            reported.append(violation)
    stale_counts: Counter[Key] = Counter()
    for entry, count in remaining.items():
        if count > 0 and (scope is None or scope.covers(entry)):
            stale_counts[entry[0]] += count
    stale = [
        f"{key[0]}: {' -> '.join(key[1:])}" + (f" (x{count})" if count > 1 else "")
        for key, count in sorted(stale_counts.items())
    ]
    return BaselineResult(reported, baselined, stale)
