"""One cause, one finding: indirect findings grouped by their boundary-crossing import.

An indirect finding ``a -> x -> y -> b`` says that ``a`` reaches ``b``, which its place in
the rule forbids, through modules the rule does not constrain. The import where the chain
enters the forbidden layer or target is its last step, ``y -> b``: every module that reaches
``b`` through ``y`` shares that cause. Thirty modules of a low layer reaching a high layer
through one import are thirty findings (each on its own import, each in the baseline) with
one cause; adapters show the cause once (text output, SARIF) or point at it (editor).

The grouping is derived from each finding's chain and related locations (the chain search in
``rules.py`` is not involved), once, here; adapters never group on their own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from archrules.core.kinds import CHAIN_KINDS
from archrules.core.types import Range, Violation


@dataclass(frozen=True)
class Crossing:
    """Where a chain enters the forbidden layer or target: ``importer`` imports ``imported``."""

    rule: str
    importer: str
    imported: str
    path: Path  # the file of ``importer``, absolute
    range: Range  # the import of ``imported`` in it

    @property
    def id(self) -> str:
        """Stable across runs and line moves: rule and modules, never positions."""
        return f"{self.rule}:{self.importer}->{self.imported}"


@dataclass(frozen=True)
class FindingGroup:
    crossing: Crossing
    findings: tuple[Violation, ...]  # sorted; every one reaches the crossing's target through it

    @property
    def id(self) -> str:
        return self.crossing.id

    @property
    def modules(self) -> tuple[str, ...]:
        """The modules that reach the target through the crossing import, sorted."""
        return tuple(sorted({v.importer or "" for v in self.findings}))

    @property
    def shortest(self) -> Violation:
        return min(self.findings, key=lambda v: (len(v.chain), v.sort_key()))


def crossing_of(violation: Violation) -> Crossing | None:
    """The boundary-crossing import of an indirect finding; None for any other finding."""
    chain, related = violation.chain, violation.related
    if violation.kind not in CHAIN_KINDS or len(chain) < 3 or len(related) != len(chain) - 1:
        return None
    last = related[-1]
    return Crossing(violation.rule, chain[-2], chain[-1], last.path, last.range)


def group_findings(violations: Iterable[Violation]) -> list[FindingGroup]:
    """The indirect findings grouped by crossing import, sorted by the crossing's place.
    A finding that is not indirect belongs to no group."""
    members: dict[Crossing, list[Violation]] = {}
    for violation in violations:
        crossing = crossing_of(violation)
        if crossing is not None:
            members.setdefault(crossing, []).append(violation)
    groups = [
        FindingGroup(crossing, tuple(sorted(found, key=Violation.sort_key)))
        for crossing, found in members.items()
    ]
    groups.sort(key=lambda g: (str(g.crossing.path), g.crossing.range, g.id))
    return groups


def group_index(groups: Iterable[FindingGroup]) -> dict[Violation, FindingGroup]:
    """Each grouped finding's group."""
    return {violation: group for group in groups for violation in group.findings}
