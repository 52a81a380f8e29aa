"""``[[naming]]``: names of classes, functions and modules follow a style or a glob, and
modules may be asked to define a class (how names are counted: ``core.conventions``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from archrules.core.conventions import (
    CheckedFile,
    ConventionChecker,
    describe_pattern,
    in_scope,
    is_dunder,
    name_matches,
)
from archrules.core.rule import IN_FIELD, Field, ScopedRule, scope_text
from archrules.core.types import FILE_START, Violation

_PATTERN = " A style (snake_case, PascalCase, UPPER_CASE) or a glob with '*' and '?'."


@dataclass(frozen=True)
class NamingRule(ScopedRule):
    KIND: ClassVar[str] = "naming"
    DOC: ClassVar[str] = (
        "Naming conventions: the names of classes, functions and modules, and a class each "
        "module must define."
    )
    EXAMPLE: ClassVar[str] = 'in = ["app.services"]\nclasses = "*Service"\n'
    FIELDS: ClassVar[tuple[Field, ...]] = (
        IN_FIELD,
        Field("classes", "classes", "pattern", "How classes are named." + _PATTERN),
        Field(
            "functions", "functions", "pattern", "How functions and methods are named." + _PATTERN
        ),
        Field("modules", "modules", "pattern", "How modules are named (the last part)." + _PATTERN),
        Field(
            "must-define",
            "must_define",
            "pattern",
            "Each module (not a package) defines a module-level class named so." + _PATTERN,
        ),
    )
    AT_LEAST_ONE: ClassVar[tuple[str, ...]] = ("classes", "functions", "modules", "must-define")

    classes: str | None = None  # glob or one of NAME_STYLES
    functions: str | None = None
    modules: str | None = None
    must_define: str | None = None

    def checker(self) -> NamingChecker:
        return NamingChecker(self)

    def summary(self) -> str:
        parts = [
            f"{what} `{value}`"
            for what, value in (
                ("classes", self.classes),
                ("functions", self.functions),
                ("module names", self.modules),
                ("must define", self.must_define),
            )
            if value
        ]
        return f"naming in {scope_text(self.in_)}: " + "; ".join(parts)


class NamingChecker(ConventionChecker):
    def __init__(self, rule: NamingRule) -> None:
        self.rule = self._rule = rule

    def check_file(self, source: CheckedFile) -> list[Violation]:
        rule = self._rule
        module = source.module
        if not in_scope(rule.in_, module):
            return []
        found: list[Violation] = []
        last = module.rpartition(".")[2]
        if rule.modules is not None and not name_matches(rule.modules, last):
            found.append(
                self._violation(
                    source,
                    FILE_START,
                    f"module name '{last}' ({module}) is not {describe_pattern(rule.modules)}",
                    (module, "module"),
                )
            )
        for definition in source.facts.definitions:
            if definition.scope == "function":
                continue
            if definition.kind == "class":
                pattern, what = rule.classes, "class"
            else:
                pattern = rule.functions
                what = "method" if definition.scope == "class" else "function"
                if is_dunder(definition.name):
                    continue
            if pattern is None or name_matches(pattern, definition.name):
                continue
            found.append(
                self._violation(
                    source,
                    definition.name_range,
                    f"{what} name '{definition.qualname}' in {module} is not "
                    f"{describe_pattern(pattern)}",
                    (module, definition.qualname),
                )
            )
        if (
            rule.must_define is not None
            and not source.is_package
            and source.facts.syntax_error is None
            and not any(
                d.kind == "class" and d.scope == "module" and name_matches(rule.must_define, d.name)
                for d in source.facts.definitions
            )
        ):
            found.append(
                self._violation(
                    source,
                    FILE_START,
                    f"{module} defines no class named {describe_pattern(rule.must_define)}",
                    (module, "must-define"),
                )
            )
        return found
