"""The one diagnostics store: the engine's latest findings per file and what was sent to
the client. Push (``publishDiagnostics``) and pull (``textDocument/diagnostic``,
``workspace/diagnostic``) both read it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types

from archrules.core.config import ConfigProblem
from archrules.core.types import Violation


@dataclass
class DiagnosticsStore:
    violations: dict[Path, list[Violation]] = field(default_factory=dict)
    problems: dict[Path, list[ConfigProblem]] = field(default_factory=dict)
    # what the client was last given, per file: (version, diagnostics)
    sent: dict[Path, tuple[int | None, list[types.Diagnostic]]] = field(default_factory=dict)

    def update(
        self,
        violations: dict[Path, list[Violation]],
        problems: dict[Path, list[ConfigProblem]],
    ) -> set[Path]:
        """Replace the findings; the files whose findings changed."""
        changed = {
            path
            for path in set(violations) | set(self.violations)
            if violations.get(path, []) != self.violations.get(path, [])
        }
        changed |= {
            path
            for path in set(problems) | set(self.problems)
            if problems.get(path, []) != self.problems.get(path, [])
        }
        self.violations, self.problems = violations, problems
        return changed

    def paths(self) -> set[Path]:
        return {p for p, v in self.violations.items() if v} | {
            p for p, v in self.problems.items() if v
        }


def result_id(diagnostics: list[types.Diagnostic]) -> str:
    digest = hashlib.sha256()
    for d in diagnostics:
        digest.update(repr((d.range, d.message, d.code, d.severity)).encode())
    return digest.hexdigest()[:16]
