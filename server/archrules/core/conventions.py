"""The convention rules: naming, size, calls and duplicates, each compiled into a checker.

They judge definitions and references (``core.facts``), never imports, so they sit beside
the import rules of ``core.rules`` and the model runs them per file:

* ``check_file`` (naming, size, calls) depends only on one file's facts and its module, so
  the model caches its results per file and recomputes them only when that file changes;
* duplicates and drift compare files: ``core.crossfile`` keeps their indexes (body hash ->
  definitions; package -> classes), updated per file, and asks
  :meth:`DuplicatesChecker.check_copies` / :meth:`DriftChecker.check_siblings` about each
  hash or package whose entries changed.

What counts (recorded in ADR-0007):

* ``naming``: ``classes`` applies to classes at module level and nested in classes;
  ``functions`` to module-level functions and methods (``def`` in a class body), dunder
  names (``__init__``) left out; functions nested in functions are not checked.
  ``modules`` applies to the last part of the module name (a package's own name for an
  ``__init__.py``); ``must-define`` asks each module in scope for a module-level class
  with a matching name (packages, ``__init__.py``, are exempt, and so is a file that does
  not parse: it has no definitions until it parses again). A pattern is a glob (``*`` and
  ``?``) or a style: ``snake_case`` (no upper-case letter), ``PascalCase`` (starts with an
  upper-case letter, no ``_``), ``UPPER_CASE`` (no lower-case letter); leading
  underscores are ignored by the styles.
* ``size``: a module's lines are its physical lines, as an editor numbers them (like
  pylint's ``max-module-lines``); a function's lines run from its ``def`` line to its last
  line, without decorators, its docstring, blank lines and comment-only lines. Every
  function counts, methods and nested functions too.
* ``calls``: a forbidden entry ``os.environ`` matches a use of ``os.environ`` or of anything
  below it (``os.environ.get(...)``), reached through any import alias (``import os as
  o``, ``from os import environ as env``); ``print`` matches the builtin when no import or
  module-level definition rebinds the name. Local variables that shadow an imported name
  are not tracked. Imports themselves are not reported, their uses are.
* ``duplicates``: functions at module level and methods whose bodies hash the same (see
  ``core.types.Definition``) and have at least ``min-lines`` body lines.
* ``drift`` (opt-in, hint by default): siblings are the module-level classes of one
  package (its ``__init__.py`` and its direct child modules), or the direct child modules
  of one package, in scope; private names (leading ``_``) take no part. A name is flagged
  when it breaks a convention that at least 90 % of its (at least 5) siblings follow: a
  style (``snake_case``, ``PascalCase``, ``UPPER_CASE``) or a common suffix (the last
  capitalised word of a class name, ``*Repository``; the last ``_`` part of a module
  name, ``*_views``). One finding per name: the convention most siblings follow.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from archrules.core.expressions import NAME_STYLES, ModuleExpr, glob_match
from archrules.core.rule import Rule
from archrules.core.types import Definition, FileFacts, Range, Related, Violation


def name_matches(pattern: str, name: str) -> bool:
    """A name style (``snake_case``, ``PascalCase``, ``UPPER_CASE``) or a name glob."""
    if pattern not in NAME_STYLES:
        return glob_match(pattern, name)
    core = name.strip("_")
    if not core:
        return True
    if pattern == "snake_case":
        return not any(ch.isupper() for ch in core)
    if pattern == "UPPER_CASE":
        return not any(ch.islower() for ch in core)
    return core[0].isupper() and "_" not in core


def describe_pattern(pattern: str) -> str:
    return pattern if pattern in NAME_STYLES else f"'{pattern}'"


def is_dunder(name: str) -> bool:
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


def in_scope(exprs: Sequence[ModuleExpr], module: str) -> bool:
    return any(expr.matches(module) for expr in exprs)


@dataclass(frozen=True)
class CheckedFile:
    """What a convention checker may know about one file."""

    path: Path
    module: str
    is_package: bool
    facts: FileFacts


class ConventionChecker:
    rule: Rule

    def check_file(self, source: CheckedFile) -> list[Violation]:
        raise NotImplementedError

    def _violation(
        self,
        source: CheckedFile,
        range_: Range,
        message: str,
        key: tuple[str, ...],
        related: tuple[Related, ...] = (),
    ) -> Violation:
        rule = self.rule
        return Violation(
            rule=rule.name,
            kind=rule.kind,
            severity=rule.severity,
            path=source.path,
            range=range_,
            message=message,
            adr=rule.adr,
            key=key,
            related=related,
        )


# --- calls -----------------------------------------------------------------------------


def absolute_target(target: str, module: str, is_package: bool) -> str | None:
    """A reference's target with a relative import's leading dots resolved, as Python does;
    None when it climbs beyond the top-level package."""
    if not target.startswith("."):
        return target
    rest = target.lstrip(".")
    level = len(target) - len(rest)
    package = module.split(".")
    if not is_package:
        package = package[:-1]
    keep = len(package) - (level - 1)
    if keep <= 0:
        return None
    return ".".join([*package[:keep], rest])


# --- duplicates ------------------------------------------------------------------------


@dataclass(frozen=True)
class Copy:
    """One definition with a given body hash, where it is."""

    path: Path
    module: str
    definition: Definition

    @property
    def ident(self) -> str:
        return f"{self.module}.{self.definition.qualname}"

    def sort_key(self) -> tuple[str, Range]:
        return str(self.path), self.definition.name_range


class DuplicatesChecker:
    """Compares the definitions sharing a body hash (``[[duplicates]]``, ``core.kinds``)."""

    def __init__(self, rule: Rule, scope: Sequence[ModuleExpr], min_lines: int) -> None:
        self.rule = rule
        self.scope = scope
        self.min_lines = min_lines

    def check_copies(self, copies: Iterable[Copy]) -> list[Violation]:
        """``copies``: definitions sharing one body hash; a violation on each if two or
        more are in scope and long enough."""
        rule = self.rule
        mine = sorted(
            (
                copy
                for copy in copies
                if copy.definition.body_lines >= self.min_lines
                and in_scope(self.scope, copy.module)
            ),
            key=Copy.sort_key,
        )
        if len(mine) < 2:
            return []
        found: list[Violation] = []
        for copy in mine:
            others = [other for other in mine if other is not copy]
            names = ", ".join(other.ident for other in others)
            related = tuple(
                Related(
                    other.path,
                    other.definition.name_range,
                    f"the same body: {other.ident}",
                )
                for other in others
            )
            found.append(
                Violation(
                    rule=rule.name,
                    kind=rule.kind,
                    severity=rule.severity,
                    path=copy.path,
                    range=copy.definition.name_range,
                    message=(
                        f"function {copy.ident} has the same body as {names} "
                        f"({copy.definition.body_lines} lines, after renaming locals)"
                    ),
                    adr=rule.adr,
                    key=(copy.ident, *(other.ident for other in others)),
                    related=related,
                )
            )
        return found


# --- drift -----------------------------------------------------------------------------

# the words of a CamelCase name: HTTPServer -> HTTP, Server; OrderID -> Order, ID
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z][a-z0-9]*|[a-z0-9]+")
DRIFT_SHARE = 0.9  # of the siblings that must follow a convention
DRIFT_SIBLINGS = 5  # at least this many siblings (the name judged not counted)


@dataclass(frozen=True)
class Sibling:
    """A module-level class or a module, as one of a package's names."""

    path: Path
    module: str
    name: str
    qualname: str  # the class's qualified name; "" for a module
    range: Range

    def sort_key(self) -> tuple[str, Range, str]:
        return str(self.path), self.range, self.name


def _suffix(name: str, kind: str) -> str | None:
    """The convention a name's ending suggests: ``*Repository``, ``*_views``."""
    if kind == "module":
        head, _, tail = name.rpartition("_")
        return f"*_{tail}" if head and tail else None
    words = _WORDS.findall(name)
    return f"*{words[-1]}" if len(words) > 1 else None


class DriftChecker:
    """Judges one package's names against their siblings' conventions (``[[drift]]``,
    ``core.kinds``)."""

    def __init__(self, rule: Rule, scope: Sequence[ModuleExpr]) -> None:
        self.rule = rule
        self.scope = scope

    def in_scope(self, module: str) -> bool:
        return in_scope(self.scope, module)

    def check_siblings(
        self, kind: str, package: str, siblings: Sequence[Sibling]
    ) -> list[Violation]:
        """``kind`` is "class" or "module"; ``siblings`` are one package's names of that
        kind (any scope: those out of the rule's scope are left out here)."""
        names = sorted(
            (s for s in siblings if not s.name.startswith("_") and self.in_scope(s.module)),
            key=Sibling.sort_key,
        )
        if len(names) <= DRIFT_SIBLINGS:
            return []
        conventions = [*NAME_STYLES]
        for sibling in names:
            suffix = _suffix(sibling.name, kind)
            if suffix is not None and suffix not in conventions:
                conventions.append(suffix)
        follows = {c: sum(name_matches(c, s.name) for s in names) for c in conventions}
        found: list[Violation] = []
        others = len(names) - 1
        for sibling in names:
            broken = [
                (follows[c], -i, c)
                for i, c in enumerate(conventions)
                if not name_matches(c, sibling.name) and follows[c] >= DRIFT_SHARE * others
            ]
            if not broken:
                continue
            count, _, convention = max(broken)
            found.append(self._violation(kind, package, sibling, convention, count, others))
        return found

    def _violation(
        self, kind: str, package: str, sibling: Sibling, convention: str, count: int, others: int
    ) -> Violation:
        rule = self.rule
        what = f"class {sibling.qualname}" if kind == "class" else f"module {sibling.module}"
        siblings = "classes" if kind == "class" else "modules"
        return Violation(
            rule=rule.name,
            kind=rule.kind,
            severity=rule.severity,
            path=sibling.path,
            range=sibling.range,
            message=(
                f"{what} is not {describe_pattern(convention)}, like {count} of the {others} "
                f"other {siblings} in {package or 'the top level'}"
            ),
            adr=rule.adr,
            key=(sibling.module, kind, sibling.qualname)
            if sibling.qualname
            else (sibling.module, kind),
        )
