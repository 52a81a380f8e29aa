"""The one diagnostics store: the engine's latest findings per file and what was sent to
the client. Push (``publishDiagnostics``) and pull (``textDocument/diagnostic``,
``workspace/diagnostic``) both read it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types

from archrules.core.config import ConfigProblem
from archrules.core.groups import FindingGroup, group_findings, group_index
from archrules.core.types import Violation, same_findings

# what a file's diagnostics take from the groups: (group id, modules, is the crossing here)
_GroupSignature = tuple[tuple[str, int, bool], ...]


@dataclass
class DiagnosticsStore:
    violations: dict[Path, list[Violation]] = field(default_factory=dict)
    problems: dict[Path, list[ConfigProblem]] = field(default_factory=dict)
    # what the client was last given, per file: (version, diagnostics)
    sent: dict[Path, tuple[int | None, list[types.Diagnostic]]] = field(default_factory=dict)
    # indirect findings grouped by boundary-crossing import (core.groups), for every file
    group_of: dict[Violation, FindingGroup] = field(default_factory=dict)
    crossings: dict[Path, list[FindingGroup]] = field(default_factory=dict)

    def update(
        self,
        violations: dict[Path, list[Violation]],
        problems: dict[Path, list[ConfigProblem]],
    ) -> set[Path]:
        """Replace the findings; the files whose findings changed."""
        changed = {
            path
            for path in set(violations) | set(self.violations)
            if not same_findings(violations.get(path, []), self.violations.get(path, []))
        }
        changed |= {
            path
            for path in set(problems) | set(self.problems)
            if problems.get(path, []) != self.problems.get(path, [])
        }
        before = self._group_signatures()
        self.violations, self.problems = violations, problems
        groups = group_findings(v for found in violations.values() for v in found)
        self.group_of = group_index(groups)
        self.crossings = {}
        for group in groups:
            self.crossings.setdefault(group.crossing.path, []).append(group)
        after = self._group_signatures()
        changed |= {p for p in set(before) | set(after) if before.get(p) != after.get(p)}
        return changed

    def _group_signatures(self) -> dict[Path, _GroupSignature]:
        """Per file, what its diagnostics say of groups: a finding's group growing, or a
        crossing import gaining a module, changes the file's diagnostics."""
        found: dict[Path, _GroupSignature] = {}
        for path, violations in self.violations.items():
            groups = [self.group_of[v] for v in violations if v in self.group_of]
            if groups:
                found[path] = tuple((g.id, len(g.modules), False) for g in groups)
        for path, groups in self.crossings.items():
            found[path] = found.get(path, ()) + tuple((g.id, len(g.modules), True) for g in groups)
        return found

    def paths(self) -> set[Path]:
        return (
            {p for p, v in self.violations.items() if v}
            | {p for p, v in self.problems.items() if v}
            | set(self.crossings)
        )


def result_id(diagnostics: list[types.Diagnostic]) -> str:
    """Identifies everything a client shows of the diagnostics, related information too: a
    pull answered "unchanged" must mean what a push would not have resent."""
    digest = hashlib.sha256()
    for d in diagnostics:
        digest.update(repr(d).encode())
    return digest.hexdigest()[:16]
