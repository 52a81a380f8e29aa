"""Plain data shared by every part of the engine.

Positions are 0-based lines and 0-based columns counted in code points (Python ``str``
indices), end exclusive, like LSP ranges before encoding. Adapters convert: the CLI prints
1-based lines and columns, the language server converts columns to the client's encoding.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, NamedTuple

Severity = Literal["error", "warning", "info", "hint"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info", "hint")

# what a finding is about: a rule of the config (its kind, ``core.kinds.RULE_KINDS``), or
# one of the built-in checks
BuiltinKind = Literal["exception", "adr", "config", "source"]
Kind = str

# Built-in rules: findings about the sources, the exception comments and the ADRs rather
# than the architecture (``core.findings`` makes them). Their names can be selected
# (``--select``) and silenced like a config rule's.
UNUSED_EXCEPTION = "unused-exception"
EXCEPTION_ADR = "exception-adr"
ADR_STATUS = "adr-status"
SYNTAX_ERROR = "syntax-error"
UNREADABLE_FILE = "unreadable-file"
UNMATCHED_IGNORE = "unmatched-ignore"
# name -> (kind, default severity, description)
BUILTIN_RULES: dict[str, tuple[Kind, Severity, str]] = {
    UNUSED_EXCEPTION: ("exception", "hint", "An inline exception that silences nothing."),
    EXCEPTION_ADR: (
        "exception",
        "error",
        "An inline exception must cite an existing ADR; with require-for-exceptions, "
        "an accepted one.",
    ),
    ADR_STATUS: ("adr", "warning", "A rule cites an ADR that is no longer in force."),
    SYNTAX_ERROR: (
        "source",
        "warning",
        "A file that does not parse; the imports that can be read are still checked.",
    ),
    UNREADABLE_FILE: ("source", "warning", "A source file that could not be read."),
    UNMATCHED_IGNORE: (
        "config",
        "warning",
        "An ignore or ignore-exact entry of a rule that matches no import of the project "
        "(warn-unmatched-ignores = false on the rule turns it off).",
    ),
}


class Range(NamedTuple):
    """A span of text. A named tuple, not a dataclass: there are two or three per import,
    and a tuple is built several times faster (the cache decodes ~100,000 imports on a
    large project)."""

    line: int
    col: int
    end_line: int
    end_col: int

    @staticmethod
    def point(line: int, col: int) -> Range:
        return Range(line, col, line, col)


# where a finding about a whole file, or a value with no position of its own, is placed
FILE_START = Range(0, 0, 0, 0)


# --- ADR identifiers -------------------------------------------------------------------

_ADR_ID = re.compile(r"^ADR-(\d{1,6})$", re.IGNORECASE)
# an ADR reference inside text (comments, docstrings, TOML values): not part of a longer word
ADR_REFERENCE = re.compile(r"(?<![\w-])ADR-\d{1,6}(?!\w)", re.IGNORECASE)


def parse_adr_id(text: str) -> int | None:
    """``"ADR-12"`` and ``"ADR-0012"`` are both ADR number 12; anything else is ``None``."""
    match = _ADR_ID.match(text.strip())
    return int(match.group(1)) if match else None


def format_adr_id(number: int) -> str:
    return f"ADR-{number:04d}"


def adr_label(number: int, title: str | None) -> str:
    """``ADR-0002: Title``, or ``ADR-0002`` when the title is unknown."""
    adr_id = format_adr_id(number)
    return f"{adr_id}: {title}" if title else adr_id


# --- Facts read from one source file ---------------------------------------------------


class ImportFact(NamedTuple):
    """One imported thing, as written in the source (a named tuple, like ``Range``: the
    cache decodes many).

    ``import a.b.c``          -> module="a.b.c", name=None, level=0
    ``from a.b import c, d``  -> two facts: module="a.b", name="c" / name="d"
    ``from .. import x``      -> module="", name="x", level=2
    ``from a import *``       -> module="a", name="*"
    ``importlib.import_module("a.b")`` / ``__import__("a.b")`` -> module="a.b", dynamic=True
    """

    module: str
    name: str | None
    level: int
    module_range: Range  # the dotted module text (for relative imports: dots included)
    name_range: Range | None  # the imported name in a ``from`` import
    stmt_line: int  # first line of the statement (exceptions may sit on it)
    type_checking: bool = False  # under ``if TYPE_CHECKING:`` / ``if typing.TYPE_CHECKING:``
    dynamic: bool = False


@dataclass(frozen=True)
class ExceptionComment:
    """``# archrules: allow[rule-a, rule-b] ADR-0012 free words``."""

    line: int  # the line the comment is on
    own_line: bool  # the comment is alone on its line: it applies to the next line
    rules: tuple[str, ...]
    rule_ranges: tuple[Range, ...]
    adr: int | None  # normalised ADR number, None when the comment cites none
    adr_text: str | None  # the ADR reference as written
    adr_range: Range | None
    range: Range  # the whole comment, from '#'


@dataclass(frozen=True)
class SourceProblem:
    message: str
    range: Range


DefinitionKind = Literal["class", "function"]
Scope = Literal["module", "class", "function"]


@dataclass(frozen=True)
class Definition:
    """A ``class`` or ``def`` (``async def`` too), for the convention rules.

    ``scope`` is where it is defined: at the top of the module, in a class body (a method,
    a nested class) or inside a function. ``qualname`` follows Python: ``C.m``,
    ``f.<locals>.g``. ``first_line`` is the line of its first decorator (or of the keyword
    when it has none): an exception comment there applies to the definition.

    ``line_count`` counts the lines from the ``def``/``class`` line to the last line,
    leaving out blank lines, comment-only lines and the docstring (ADR-0007);
    ``body_lines`` counts the body's lines the same way, without the signature.
    ``body_hash`` (functions at module or class scope only) identifies the body after
    dropping the docstring and renaming parameters and local names by order of first use;
    literals, attribute names and non-local names are kept.
    """

    kind: DefinitionKind
    name: str
    qualname: str
    scope: Scope
    name_range: Range
    first_line: int
    line_count: int
    body_lines: int = 0
    body_hash: str | None = None


@dataclass(frozen=True)
class Reference:
    """A use of an imported (or builtin) name: ``o.getenv(...)`` after ``import os as o``.

    ``target`` is the dotted name after resolving the import alias of its first part
    (``os.getenv``; ``print`` for a builtin; a relative import keeps its leading dots:
    ``..util.helper``). ``range`` is the call when ``is_call``, else the name or attribute
    expression.
    """

    target: str
    range: Range
    is_call: bool


@dataclass(frozen=True)
class FileFacts:
    imports: tuple[ImportFact, ...] = ()
    exceptions: tuple[ExceptionComment, ...] = ()
    syntax_error: SourceProblem | None = None
    line_count: int = 0
    # from the ``ast`` path only: a file that does not parse has none (ADR-0007)
    definitions: tuple[Definition, ...] = ()
    references: tuple[Reference, ...] = ()


# --- Findings --------------------------------------------------------------------------


@dataclass(frozen=True)
class Related:
    """A place that explains a violation: one step of a chain, one edge of a cycle."""

    path: Path
    range: Range
    message: str


@dataclass(frozen=True)
class Violation:
    rule: str
    kind: Kind
    severity: Severity
    path: Path  # absolute
    range: Range
    message: str
    importer: str | None = None
    imported: str | None = None
    chain: tuple[str, ...] = ()
    adr: int | None = None
    key: tuple[str, ...] = ()  # identity for the baseline: rule, modules, names; never lines
    related: tuple[Related, ...] = field(default=(), compare=False)

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (str(self.path), self.range.line, self.range.col, self.rule, self.message)


def same_findings(a: Sequence[Violation], b: Sequence[Violation]) -> bool:
    """Equal findings with equal related locations (``Violation`` equality leaves them out:
    a finding is the same finding when its chain's other imports move)."""
    return len(a) == len(b) and all(
        x == y and x.related == y.related for x, y in zip(a, b, strict=True)
    )
