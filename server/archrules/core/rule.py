"""What every rule kind shares: the ``Rule`` base, the declaration of its config keys
(``Field``), and the hooks the engine calls instead of asking which kind a rule is.

Each kind is one module of ``core.kinds`` (ADR-0024): a frozen dataclass subclassing
``Rule`` that declares its ``KIND`` (the ``[[table]]`` name), its ``FIELDS`` (the keys of
its table: type, whether required, documentation; defaults are the dataclass's own), its
checker and the hooks below. ``core.kinds`` registers them; the config loader, the JSON
Schema, the rule reference, ``explain``, ``context`` and the picture all read the same
declarations.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal

from archrules.core.expressions import ImportExpr, ModuleExpr
from archrules.core.types import Kind, Range, Severity

if TYPE_CHECKING:  # the checkers' base classes import this module
    from archrules.core.conventions import ConventionChecker, DriftChecker, DuplicatesChecker
    from archrules.core.rules import Checker


# How a field's value is written in the config, and read by the loader:
#   modules   an array of module expressions        module   one module expression
#   imports   an array of "importer -> imported"    boolean  true or false
#   exact-imports  the same, each side naming exact modules (``ignore-exact``)
#   count     a positive integer                    names    an array of (dotted) names
#   pattern   a name style or a name glob           layers   an array of layers, each a
#                                                            module expression or an array
#   string   a string    strings   an array of strings    choice   one of ``Field.choices``
FieldType = Literal[
    "modules",
    "module",
    "imports",
    "exact-imports",
    "boolean",
    "count",
    "names",
    "pattern",
    "layers",
    "string",
    "strings",
    "choice",
]


@dataclass(frozen=True)
class Field:
    """One key of a rule kind's table."""

    key: str  # as written in the config ("max-module-lines")
    attr: str  # the dataclass attribute it fills ("max_module_lines")
    type: FieldType
    doc: str  # one or two sentences: the schema's description and the rule reference
    required: bool = False
    # for type "names": what each entry must match, and how an error message calls it
    valid: re.Pattern[str] | None = None
    what: str = ""
    choices: tuple[str, ...] = ()  # for type "choice"
    default: object = None  # for a key of [project] or [adr] (a rule's: its dataclass's)


@dataclass(frozen=True)
class Role:
    """One rule's view of a module (``core.explain``)."""

    rule: Rule
    role: str  # "layer shop.domain (3 of 3)", "component shop.billing", ...
    may_import: tuple[str, ...] = ()
    may_not_import: tuple[str, ...] = ()
    layer: str | None = None  # the module's layer, when the rule is a layers rule


def code_list(items: Iterable[str]) -> str:
    """Module names and patterns as Markdown code; words ("the standard library") as
    words."""
    return ", ".join(item if " " in item else f"`{item}`" for item in items)


def scope_text(exprs: Iterable[ModuleExpr]) -> str:
    return code_list(e.text for e in exprs)


@dataclass(frozen=True)
class Rule:
    """A rule of the config. Subclasses are the rule kinds (``core.kinds``)."""

    KIND: ClassVar[str] = ""
    DOC: ClassVar[str] = ""  # what the kind checks, for the schema and the reference
    FIELDS: ClassVar[tuple[Field, ...]] = ()
    EXAMPLE: ClassVar[str] = ""  # the keys of a typical table, as TOML (reference, tests)
    AT_LEAST_ONE: ClassVar[tuple[str, ...]] = ()  # keys of which one must be given
    DEFAULT_SEVERITY: ClassVar[Severity] = "error"
    # how the kind counts, said once by adapters (the text output's notes, hover, SARIF rule
    # descriptions) instead of on every finding
    NOTE: ClassVar[str] = ""
    IMPORTS: ClassVar[bool] = False  # its findings are imports (importer -> imported)
    CHAINS: ClassVar[bool] = False  # it reports indirect chains too (``rules.ChainChecker``)

    name: str
    kind: Kind
    severity: Severity
    adr: int | None
    description: str
    range: Range  # the rule's `name` value (or its table header when it has no name)
    adr_range: Range | None

    @classmethod
    def defaults(cls) -> dict[str, object]:
        """Each field's default, by key (fields that default to "nothing" are left out)."""
        by_attr = {f.name: f.default for f in dataclasses.fields(cls)}
        result: dict[str, object] = {}
        for field in cls.FIELDS:
            value = by_attr.get(field.attr)
            if value is not None and value != () and value is not dataclasses.MISSING:
                result[field.key] = value
        return result

    # --- hooks: what the engine asks of every rule ------------------------------------

    def checker(self) -> Checker | ConventionChecker | DuplicatesChecker | DriftChecker:
        """The rule compiled: an import checker (``core.rules``) or a convention checker
        (``core.conventions``)."""
        raise NotImplementedError

    def validate(self, problem: Callable[[Range, str], None]) -> None:
        """Checks across fields, beyond each field's type (``problem(range, message)``)."""

    def checks_nothing(self) -> str | None:
        """Why the rule cannot find anything whatever the code, if so (a config warning,
        ``rule NAME <this>``)."""
        return None

    def scope(self) -> tuple[ModuleExpr, ...]:
        """The modules the rule applies to (``in``): conventions and ``external``."""
        return ()

    def unmatched(
        self, matches_any: Callable[[ModuleExpr], bool], first_party: Callable[[str], bool]
    ) -> list[ModuleExpr]:
        """The expressions that should name modules of the project but match none
        (``matches_any``: does an expression match a module; ``first_party``: is a
        top-level name the project's own)."""
        return [expr for expr in self.scope() if not matches_any(expr)]

    def explain(self, module: str, checker: object) -> Role | None:
        """What this rule says of ``module`` (None: nothing); ``checker`` is this rule's
        compiled checker."""
        return None

    def summary(self) -> str:
        """What the rule says, in one sentence of Markdown."""
        return f"{self.kind} rule"

    def components(self) -> list[ModuleExpr]:
        """The expressions naming parts of the architecture, for the picture."""
        return []

    def ignores(self) -> tuple[ImportExpr, ...]:
        """The ignore entries a warning should name when they match no import."""
        return ()

    def module_findings(self, modules: Collection[str]) -> list[tuple[Range, str, tuple[str, ...]]]:
        """What the module set itself breaks, located in the config: (range, message,
        baseline key). Computed again when the module set changes."""
        return []


IN_FIELD = Field("in", "in_", "modules", "The modules the rule applies to.", required=True)


@dataclass(frozen=True)
class ScopedRule(Rule):
    """A rule that applies to the modules its ``in`` names (conventions, ``external``)."""

    in_: tuple[ModuleExpr, ...] = ()

    def scope(self) -> tuple[ModuleExpr, ...]:
        return self.in_
