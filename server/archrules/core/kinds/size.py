"""``[[size]]``: limits on the lines of modules and functions (how lines are counted:
``core.conventions``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from archrules.core.conventions import CheckedFile, ConventionChecker, in_scope
from archrules.core.rule import IN_FIELD, Field, ScopedRule, scope_text
from archrules.core.types import FILE_START, Violation


@dataclass(frozen=True)
class SizeRule(ScopedRule):
    KIND: ClassVar[str] = "size"
    DOC: ClassVar[str] = "Limits on the size of modules and functions, in lines."
    EXAMPLE: ClassVar[str] = 'in = ["app"]\nmax-function-lines = 60\n'
    FIELDS: ClassVar[tuple[Field, ...]] = (
        IN_FIELD,
        Field(
            "max-module-lines", "max_module_lines", "count", "A module's physical lines, at most."
        ),
        Field(
            "max-function-lines",
            "max_function_lines",
            "count",
            "A function's lines, at most: from its def line to its last, without decorators, "
            "docstring, blank and comment-only lines.",
        ),
    )
    NOTE: ClassVar[str] = (
        "a function's lines run from its def line to its last line, without decorators, "
        "its docstring, blank lines and comment-only lines; a module's lines are its physical "
        "lines"
    )
    AT_LEAST_ONE: ClassVar[tuple[str, ...]] = ("max-module-lines", "max-function-lines")

    max_module_lines: int | None = None
    max_function_lines: int | None = None

    def checker(self) -> SizeChecker:
        return SizeChecker(self)

    def summary(self) -> str:
        limits = [
            f"{what} at most {value} lines"
            for what, value in (
                ("modules", self.max_module_lines),
                ("functions", self.max_function_lines),
            )
            if value is not None
        ]
        return f"size in {scope_text(self.in_)}: " + "; ".join(limits)


class SizeChecker(ConventionChecker):
    def __init__(self, rule: SizeRule) -> None:
        self.rule = self._rule = rule

    def check_file(self, source: CheckedFile) -> list[Violation]:
        rule = self._rule
        module = source.module
        if not in_scope(rule.in_, module):
            return []
        found: list[Violation] = []
        limit = rule.max_module_lines
        if limit is not None and source.facts.line_count > limit:
            found.append(
                self._violation(
                    source,
                    FILE_START,
                    f"{module} has {source.facts.line_count} lines, more than {limit}",
                    (module, "module"),
                )
            )
        limit = rule.max_function_lines
        if limit is not None:
            for definition in source.facts.definitions:
                if definition.kind != "function" or definition.line_count <= limit:
                    continue
                found.append(
                    self._violation(
                        source,
                        definition.name_range,
                        f"function {definition.qualname} in {module} has "
                        f"{definition.line_count} lines, more than {limit}",
                        (module, definition.qualname),
                    )
                )
        return found
