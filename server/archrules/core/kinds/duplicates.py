"""``[[duplicates]]``: functions and methods with the same body (after renaming locals),
in modules of the scope (the index of bodies: ``core.model``; the comparison:
``core.conventions.DuplicatesChecker``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from archrules.core.conventions import DuplicatesChecker
from archrules.core.rule import IN_FIELD, Field, ScopedRule, scope_text


@dataclass(frozen=True)
class DuplicatesRule(ScopedRule):
    KIND: ClassVar[str] = "duplicates"
    DOC: ClassVar[str] = (
        "Copied business logic: functions and methods whose bodies are the same after "
        "renaming local names."
    )
    EXAMPLE: ClassVar[str] = 'in = ["app"]\n'
    FIELDS: ClassVar[tuple[Field, ...]] = (
        IN_FIELD,
        Field("min-lines", "min_lines", "count", "The shortest body reported, in lines."),
    )

    min_lines: int = 6

    def checker(self) -> DuplicatesChecker:
        return DuplicatesChecker(self, self.in_, self.min_lines)

    def summary(self) -> str:
        return (
            f"no copied function or class bodies of {self.min_lines}+ lines in "
            f"{scope_text(self.in_)}"
        )
