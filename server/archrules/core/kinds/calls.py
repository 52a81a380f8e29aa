"""``[[calls]]``: calls and uses of names that are forbidden in some modules (such as
``print`` or ``os.environ``), however they are imported (``core.conventions``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from archrules.core.conventions import CheckedFile, ConventionChecker, absolute_target, in_scope
from archrules.core.expressions import ModuleExpr
from archrules.core.rule import IN_FIELD, Field, ScopedRule, code_list, scope_text
from archrules.core.types import Violation

_DOTTED_NAME = re.compile(r"(?!\d)\w+(?:\.(?!\d)\w+)*")


@dataclass(frozen=True)
class CallsRule(ScopedRule):
    KIND: ClassVar[str] = "calls"
    DOC: ClassVar[str] = "Names that may not be called or used in some modules."
    EXAMPLE: ClassVar[str] = 'in = ["app.domain"]\nforbid = ["print", "os.environ"]\n'
    FIELDS: ClassVar[tuple[Field, ...]] = (
        IN_FIELD,
        Field("except-in", "except_in", "modules", "Modules of the scope where they are allowed."),
        Field(
            "forbid",
            "forbid",
            "names",
            "The forbidden names: a builtin ('print') or a dotted name ('os.environ', which "
            "covers everything below it).",
            required=True,
            valid=_DOTTED_NAME,
            what="a name or dotted name such as 'print' or 'os.environ'",
        ),
    )

    except_in: tuple[ModuleExpr, ...] = ()
    forbid: tuple[str, ...] = ()

    def checker(self) -> CallsChecker:
        return CallsChecker(self)

    def summary(self) -> str:
        allowed_in = f" (allowed in {scope_text(self.except_in)})" if self.except_in else ""
        return f"in {scope_text(self.in_)}, no calls to {code_list(self.forbid)}{allowed_in}"


class CallsChecker(ConventionChecker):
    def __init__(self, rule: CallsRule) -> None:
        self.rule = self._rule = rule
        self._forbid = rule.forbid

    def _forbidden(self, target: str) -> str | None:
        for name in self._forbid:
            if target == name or target.startswith(name + "."):
                return name
        return None

    def check_file(self, source: CheckedFile) -> list[Violation]:
        rule = self._rule
        module = source.module
        if not in_scope(rule.in_, module) or in_scope(rule.except_in, module):
            return []
        found: list[Violation] = []
        for reference in source.facts.references:
            target = absolute_target(reference.target, module, source.is_package)
            if target is None:
                continue
            name = self._forbidden(target)
            if name is None:
                continue
            verb = "calls" if reference.is_call else "uses"
            found.append(
                self._violation(
                    source,
                    reference.range,
                    f"{module} {verb} {target}, which is not allowed here (forbidden: {name})",
                    (module, name),
                )
            )
        return found
