"""``[[drift]]`` (opt-in, a hint by default): a class or module whose name breaks a
convention its siblings follow (what counts: ``core.conventions``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from archrules.core.conventions import DriftChecker
from archrules.core.rule import IN_FIELD, Field, ScopedRule, scope_text
from archrules.core.types import Severity


@dataclass(frozen=True)
class DriftRule(ScopedRule):
    """Opt-in: a class or module whose name breaks a convention its siblings follow."""

    KIND: ClassVar[str] = "drift"
    DOC: ClassVar[str] = (
        "A class or module whose name breaks a convention (a style or a suffix) that at "
        "least 90 % of its siblings follow."
    )
    EXAMPLE: ClassVar[str] = 'in = ["app"]\n'
    FIELDS: ClassVar[tuple[Field, ...]] = (IN_FIELD,)
    DEFAULT_SEVERITY: ClassVar[Severity] = "hint"

    def checker(self) -> DriftChecker:
        return DriftChecker(self, self.in_)

    def summary(self) -> str:
        return f"drift convention in {scope_text(self.in_)}"
