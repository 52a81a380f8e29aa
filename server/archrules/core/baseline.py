"""The baseline: violations accepted when archrules was adopted, so that only new ones fail.

An entry is keyed by the rule and the modules or names involved, never by line numbers:
moving code around does not make an old violation new. Entries count: two identical
imports of a forbidden module in one file are two entries.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from archrules.core.files import read_text, write_atomic
from archrules.core.types import Violation

BASELINE_NAME = "archrules-baseline.json"
BASELINE_VERSION = 1


class BaselineError(Exception):
    """A baseline file that cannot be read: the message names the file and what is wrong."""


def baseline_key(violation: Violation) -> tuple[str, ...]:
    return (violation.rule, *violation.key)


@dataclass(frozen=True)
class BaselineResult:
    reported: list[Violation]
    baselined: int
    stale: list[str]  # entries that matched nothing, described for humans


def load_baseline(path: Path) -> Counter[tuple[str, ...]]:
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
    counts: Counter[tuple[str, ...]] = Counter()
    for i, entry in enumerate(entries):
        key = entry.get("key") if isinstance(entry, dict) else None
        count = entry.get("count", 1) if isinstance(entry, dict) else None
        if (
            not isinstance(key, list)
            or not key
            or not all(isinstance(part, str) for part in key)
            or not isinstance(count, int)
            or count < 1
        ):
            raise BaselineError(f"{path}: entry {i + 1} is malformed: {entry!r}")
        counts[tuple(key)] += count
    return counts


def render_baseline(violations: Iterable[Violation]) -> str:
    counts = Counter(baseline_key(v) for v in violations)
    entries = [
        {"key": list(key), "count": count} if count > 1 else {"key": list(key)}
        for key, count in sorted(counts.items())
    ]
    return json.dumps({"version": BASELINE_VERSION, "entries": entries}, indent=2) + "\n"


def write_baseline(path: Path, violations: Iterable[Violation]) -> int:
    """Write atomically (a reader never sees half a file); returns the number of entries."""
    text = render_baseline(violations)
    write_atomic(path, text, overwrite=True)
    return len(json.loads(text)["entries"])


def apply_baseline(
    violations: Sequence[Violation], baseline: Counter[tuple[str, ...]]
) -> BaselineResult:
    remaining = Counter(baseline)
    reported: list[Violation] = []
    baselined = 0
    for violation in violations:
        key = baseline_key(violation)
        if remaining[key] > 0:
            remaining[key] -= 1
            baselined += 1
        else:
            reported.append(violation)
    stale = [
        f"{key[0]}: {' -> '.join(key[1:])}" + (f" (x{count})" if count > 1 else "")
        for key, count in sorted(remaining.items())
        if count > 0
    ]
    return BaselineResult(reported, baselined, stale)
