"""The rule kinds, registered: the one list of them.

Each kind is a module of this package (ADR-0024): its ``Rule`` subclass declares the keys
of its ``[[table]]`` (``core.rule.Field``), validates what crosses fields, compiles into
its checker, and answers the hooks ``explain``, ``context``, the picture and the config
problems ask (``core.rule.Rule``). To add a kind: write its module and its tests, and add
its class to ``RULE_CLASSES``; the loader, the JSON Schema (``archrules schema``) and the
rule reference follow.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from archrules.core.conventions import ConventionChecker, DriftChecker, DuplicatesChecker
from archrules.core.kinds.acyclic import AcyclicRule
from archrules.core.kinds.calls import CallsRule
from archrules.core.kinds.drift import DriftRule
from archrules.core.kinds.duplicates import DuplicatesRule
from archrules.core.kinds.external import ExternalRule
from archrules.core.kinds.forbidden import ForbiddenRule
from archrules.core.kinds.independent import IndependentRule
from archrules.core.kinds.interface import InterfaceRule
from archrules.core.kinds.layers import LayersRule
from archrules.core.kinds.naming import NamingRule
from archrules.core.kinds.protected import ProtectedRule
from archrules.core.kinds.size import SizeRule
from archrules.core.rule import Rule
from archrules.core.rules import Checker

# in the order the reference and the schema list them
RULE_CLASSES: tuple[type[Rule], ...] = (
    LayersRule,
    ForbiddenRule,
    IndependentRule,
    AcyclicRule,
    InterfaceRule,
    ExternalRule,
    ProtectedRule,
    NamingRule,
    SizeRule,
    CallsRule,
    DuplicatesRule,
    DriftRule,
)
KINDS: dict[str, type[Rule]] = {cls.KIND: cls for cls in RULE_CLASSES}
RULE_KINDS: tuple[str, ...] = tuple(KINDS)
# the kinds whose findings are imports, and those that report indirect chains too
IMPORT_KINDS = frozenset(cls.KIND for cls in RULE_CLASSES if cls.IMPORTS)
CHAIN_KINDS = frozenset(cls.KIND for cls in RULE_CLASSES if cls.CHAINS)

__all__ = [
    "CHAIN_KINDS",
    "IMPORT_KINDS",
    "KINDS",
    "RULE_CLASSES",
    "RULE_KINDS",
    "AcyclicRule",
    "CallsRule",
    "Checkers",
    "DriftRule",
    "DuplicatesRule",
    "ExternalRule",
    "ForbiddenRule",
    "IndependentRule",
    "InterfaceRule",
    "LayersRule",
    "NamingRule",
    "ProtectedRule",
    "SizeRule",
    "compile_rules",
]


@dataclass
class Checkers:
    """A config's rules compiled, by how the model runs them."""

    imports: list[Checker] = field(default_factory=list)  # per import, and graph-wide
    files: list[ConventionChecker] = field(default_factory=list)  # per file
    duplicates: list[DuplicatesChecker] = field(default_factory=list)  # across files
    drift: list[DriftChecker] = field(default_factory=list)  # across a package's names


def compile_rules(rules: Iterable[Rule]) -> Checkers:
    compiled = Checkers()
    for rule in rules:
        checker = rule.checker()
        if isinstance(checker, Checker):
            compiled.imports.append(checker)
        elif isinstance(checker, ConventionChecker):
            compiled.files.append(checker)
        elif isinstance(checker, DuplicatesChecker):
            compiled.duplicates.append(checker)
        else:
            compiled.drift.append(checker)
    return compiled
