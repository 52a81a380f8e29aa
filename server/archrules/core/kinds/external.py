"""``[[external]]``: the third-party packages the modules in scope may import (the
standard library always may)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import ClassVar

from archrules.core.rule import IN_FIELD, Field, Role, ScopedRule, code_list
from archrules.core.rules import IGNORE_FIELDS, Checker, Edge, IgnoringRule, is_ignored
from archrules.core.types import Violation

_IDENTIFIER = re.compile(r"(?!\d)\w+")


@dataclass(frozen=True)
class ExternalRule(ScopedRule, IgnoringRule):
    KIND: ClassVar[str] = "external"
    DOC: ClassVar[str] = (
        "The third-party packages some modules may import; the standard library is always allowed."
    )
    IMPORTS: ClassVar[bool] = True
    EXAMPLE: ClassVar[str] = 'in = ["app.domain"]\nallow = ["attr"]\n'
    FIELDS: ClassVar[tuple[Field, ...]] = (
        IN_FIELD,
        Field(
            "allow",
            "allow",
            "names",
            "The third-party packages they may import, by the top-level name imported "
            "(such as 'yaml').",
            valid=_IDENTIFIER,
            what="a top-level import name (the name you import, such as 'yaml')",
        ),
        *IGNORE_FIELDS,
    )

    allow: tuple[str, ...] = ()  # top-level import names of third-party packages

    def checker(self) -> ExternalChecker:
        return ExternalChecker(self)

    def explain(self, module: str, checker: object) -> Role | None:
        if any(e.matches(module) for e in self.in_):
            return Role(
                self, "limited third-party dependencies", ("the standard library", *self.allow)
            )
        return None

    def summary(self) -> str:
        allowed = code_list(self.allow) if self.allow else "nothing"
        return (
            f"in {code_list(e.text for e in self.in_)}, third-party imports are limited to "
            f"{allowed} (the standard library is always allowed)"
        )


class ExternalChecker(Checker):
    def __init__(self, rule: ExternalRule) -> None:
        self.rule = self._rule = rule
        self._allow = frozenset(rule.allow)

    def check_import(self, edge: Edge) -> Violation | None:
        rule = self._rule
        if edge.category != "third-party":
            return None
        if not any(expr.matches(edge.importer) for expr in rule.in_):
            return None
        if is_ignored(rule.ignore, edge.importer, edge.imported):
            return None
        top = edge.imported.split(".")[0]
        if top in self._allow:
            return None
        allowed = ", ".join(sorted(self._allow)) or "no third-party package"
        violation = self._violation(
            edge,
            f"{edge.importer} imports the third-party package {top}, "
            f"not allowed here (allowed: {allowed})",
        )
        return replace(violation, key=(edge.importer, top))
