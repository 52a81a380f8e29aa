"""Facts read from one source file: its imports, its exception comments, its syntax error,
and for the convention rules its definitions and references.

Nothing here imports or executes the analysed code. :func:`extract_facts` is a pure function
that never raises, whatever the input (garbage, NUL bytes, huge files, deep nesting).

How a file is read (ADR-0003, refined by ADR-0009):

1. Without convention rules (``conventions=False``), the import scanner
   (:mod:`archrules.core.reading.scanner`): the text is first checked by the C parser
   without building a tree (:func:`~archrules.core.reading.astpath.compiles`), then the
   scanner reads the import statements from the text. It gives exactly what the ``ast``
   path gives; when it cannot be sure (a dynamic import in the text, an unusual guard), or
   when the check fails, the file goes the ``ast`` way below.
2. :func:`ast.parse` (exact, compiled in C), when the convention rules need the tree or the
   scanner stepped aside. ``ast`` columns are UTF-8 byte offsets; they are converted to code
   point columns. ``ast`` has no node for the module part of a ``from`` import, so its range
   is found by scanning the text after ``from``. The tree is walked with an explicit stack,
   statement lists only (expressions are visited only when the text can contain a dynamic
   import), so depth cannot overflow.
3. When ``ast.parse`` fails, the error becomes ``FileFacts.syntax_error`` and the imports
   are read from ``parso``'s error-recovering tree, which still holds the readable import
   statements of a file being edited. The paths produce identical facts for valid code.
   Incomplete imports in that tree yield what is already written:
   ``from a.b import`` and ``from a.b`` yield ``module="a.b", name=None``;
   ``from a import b as`` yields ``name="b"``; ``import a.`` yields ``module="a"``;
   ``from import x`` and a lone ``import`` yield nothing.
4. NUL characters are read as spaces and lone surrogates as U+FFFD (same length, so every
   position is preserved); a BOM character at the start of the text is read as whitespace.

The parts live in :mod:`archrules.core.reading`: ``text`` (decoding, lines, positions),
``raw`` (imports as read, shared by the readers), ``scanner``, ``astpath``, ``parsopath``,
``comments`` (exception comments) and ``definitions`` (the convention rules' facts).

Positions are 0-based lines and code point columns, end exclusive. Lines are separated by
``"\\r\\n"``, ``"\\r"`` or ``"\\n"`` only, as Python's tokenizer does. ``line_count`` is the
number of lines, a final line terminator not starting a new line (``""`` has 0 lines,
``"a"`` and ``"a\\n"`` have 1).

Dynamic imports are calls with a literal string as first positional argument:
``importlib.import_module("a.b")`` (``importlib`` or any name bound to the module
``importlib``), ``import_module("a.b")`` where ``import_module`` is bound by
``from importlib import import_module [as name]``, and ``__import__("a.b")``. The binding
may appear anywhere in the file (scopes are not tracked). Relative or non-identifier
strings, non-literal arguments, keyword arguments and f-strings are ignored.

Definitions and references (the convention rules, ADR-0007) come from the ``ast`` path
only: a file that does not parse has none. Definitions are every ``class`` and ``def`` with
their scope, qualified name, name range, line counts and, for module-level functions and
methods, a hash of the body with locals renamed. References are uses of names bound by an
import anywhere in the file, or of builtins not rebound at module level, with the alias
resolved (``o.getenv`` after ``import os as o`` is ``os.getenv``). The walk is iterative.

Exception comments: ``# archrules: allow[rule-a, rule-b] ADR-0012 free words``. A comment
that does not have the ``allow[...]`` part (``# archrules: allow`` alone, or no closing
``]``) is ignored. Every comma or whitespace separated word between the brackets is a rule,
as written (so that the engine can report a misspelt or unknown rule).
"""

from __future__ import annotations

import ast

from archrules.core.reading.astpath import AstReader, compiles, parse
from archrules.core.reading.comments import exception_comments
from archrules.core.reading.definitions import convention_facts
from archrules.core.reading.parsopath import parso_imports
from archrules.core.reading.raw import finish
from archrules.core.reading.scanner import Unsure, scan_imports, steps_aside
from archrules.core.reading.text import Source, count_lines, decode_source, split_lines
from archrules.core.types import (
    Definition,
    DefinitionKind,
    ExceptionComment,
    FileFacts,
    ImportFact,
    Range,
    Reference,
    Scope,
    SourceProblem,
)

__all__ = ["decode_source", "extract_facts", "facts_from_json", "facts_to_json"]

_JSON_VERSION = 2  # 2: definitions and references

# --- entry points ----------------------------------------------------------------------


def extract_facts(text: str, conventions: bool = True) -> FileFacts:
    """Everything the engine needs from one file's text. Never raises. ``conventions=False``
    leaves out definitions and references (for configs without convention rules)."""
    try:
        return _extract(text, conventions)
    except Exception as exc:  # defensive: a bug here must not stop a whole run
        problem = SourceProblem(f"archrules could not read this file: {exc!r}", Range(0, 0, 0, 0))
        return FileFacts(syntax_error=problem, line_count=count_lines(split_lines(text)))


def _extract(text: str, conventions: bool) -> FileFacts:
    src = Source(text)
    if not conventions:
        imports = _scanned(src)
        if imports is not None:
            return FileFacts(
                imports=imports,
                exceptions=exception_comments(src),
                line_count=count_lines(src.lines),
            )
    tree = parse(src)
    syntax_error: SourceProblem | None = None
    definitions: tuple[Definition, ...] = ()
    references: tuple[Reference, ...] = ()
    if isinstance(tree, ast.Module):
        imports = finish(src, *AstReader(src).read(tree))
        if conventions:
            definitions, references = convention_facts(src, tree)
    else:
        syntax_error = tree
        imports = parso_imports(src) or ()
    return FileFacts(
        imports=imports,
        exceptions=exception_comments(src),
        syntax_error=syntax_error,
        line_count=count_lines(src.lines),
        definitions=definitions,
        references=references,
    )


def _scanned(src: Source) -> tuple[ImportFact, ...] | None:
    """The scanner's imports; None when the text does not compile or the scanner is unsure."""
    if steps_aside(src.text) or not compiles(src):
        return None
    try:
        raws = scan_imports(src)
    except (Unsure, RecursionError):
        return None
    return finish(src, raws, ())


def _extract_with_scanner(text: str) -> tuple[ImportFact, ...] | None:
    """The scanner path on its own; None when it steps aside (for tests and bench/)."""
    return _scanned(Source(text))


def _extract_with_ast(text: str) -> tuple[ImportFact, ...] | None:
    """The ``ast`` path on its own; None when ``ast`` cannot parse the text."""
    src = Source(text)
    tree = parse(src)
    if not isinstance(tree, ast.Module):
        return None
    return finish(src, *AstReader(src).read(tree))


def _extract_with_parso(text: str) -> tuple[ImportFact, ...]:
    """The fallback path on its own (for tests: it must agree with the ast path)."""
    return parso_imports(Source(text)) or ()


# --- JSON (disk cache) -----------------------------------------------------------------


def _range_json(r: Range) -> list[int]:
    return [r.line, r.col, r.end_line, r.end_col]


def facts_to_json(facts: FileFacts) -> dict[str, object]:
    """A JSON-serialisable form of ``facts``; :func:`facts_from_json` reads it back."""
    return {
        "version": _JSON_VERSION,
        "line_count": facts.line_count,
        "syntax_error": None
        if facts.syntax_error is None
        else {
            "message": facts.syntax_error.message,
            "range": _range_json(facts.syntax_error.range),
        },
        "imports": [
            {
                "module": f.module,
                "name": f.name,
                "level": f.level,
                "module_range": _range_json(f.module_range),
                "name_range": None if f.name_range is None else _range_json(f.name_range),
                "stmt_line": f.stmt_line,
                "type_checking": f.type_checking,
                "dynamic": f.dynamic,
            }
            for f in facts.imports
        ],
        "exceptions": [
            {
                "line": e.line,
                "own_line": e.own_line,
                "rules": list(e.rules),
                "rule_ranges": [_range_json(r) for r in e.rule_ranges],
                "adr": e.adr,
                "adr_text": e.adr_text,
                "adr_range": None if e.adr_range is None else _range_json(e.adr_range),
                "range": _range_json(e.range),
            }
            for e in facts.exceptions
        ],
        # compact rows: a large project holds many of these
        "definitions": [
            [
                d.kind,
                d.name,
                d.qualname,
                d.scope,
                _range_json(d.name_range),
                d.first_line,
                d.line_count,
                d.body_lines,
                d.body_hash,
            ]
            for d in facts.definitions
        ],
        "references": [[r.target, *_range_json(r.range), r.is_call] for r in facts.references],
    }


class _Reader:
    """Typed access to one JSON object; every mismatch is a ValueError."""

    def __init__(self, data: object, what: str) -> None:
        if not isinstance(data, dict):
            raise ValueError(f"{what}: expected an object")
        self.data: dict[object, object] = data
        self.what = what

    def get(self, key: str) -> object:
        if key not in self.data:
            raise ValueError(f"{self.what}: missing '{key}'")
        return self.data[key]

    def integer(self, key: str) -> int:
        value = self.get(key)
        if type(value) is not int or value < 0:
            raise ValueError(f"{self.what}.{key}: expected a non-negative integer")
        return value

    def opt_int(self, key: str) -> int | None:
        return None if self.get(key) is None else self.integer(key)

    def flag(self, key: str) -> bool:
        value = self.get(key)
        if type(value) is not bool:
            raise ValueError(f"{self.what}.{key}: expected a boolean")
        return value

    def text(self, key: str) -> str:
        value = self.get(key)
        if not isinstance(value, str):
            raise ValueError(f"{self.what}.{key}: expected a string")
        return value

    def opt_str(self, key: str) -> str | None:
        return None if self.get(key) is None else self.text(key)

    def items(self, key: str) -> list[object]:
        value = self.get(key)
        if not isinstance(value, list):
            raise ValueError(f"{self.what}.{key}: expected a list")
        return value

    def range_(self, key: str) -> Range:
        return _range_from_json(self.get(key), f"{self.what}.{key}")

    def opt_range(self, key: str) -> Range | None:
        return None if self.get(key) is None else self.range_(key)


def _range_from_json(value: object, what: str) -> Range:
    if (
        not isinstance(value, list)
        or len(value) != 4
        or any(type(v) is not int or v < 0 for v in value)
    ):
        raise ValueError(f"{what}: expected a range [line, col, end_line, end_col]")
    return Range(value[0], value[1], value[2], value[3])


def facts_from_json(data: object) -> FileFacts:
    """The inverse of :func:`facts_to_json`; raises ValueError on malformed data."""
    top = _Reader(data, "facts")
    if top.get("version") != _JSON_VERSION:
        raise ValueError("facts: unsupported version")
    syntax_error: SourceProblem | None = None
    if top.get("syntax_error") is not None:
        problem = _Reader(top.get("syntax_error"), "facts.syntax_error")
        syntax_error = SourceProblem(problem.text("message"), problem.range_("range"))
    imports: list[ImportFact] = []
    for i, item in enumerate(top.items("imports")):
        f = _Reader(item, f"facts.imports[{i}]")
        imports.append(
            ImportFact(
                module=f.text("module"),
                name=f.opt_str("name"),
                level=f.integer("level"),
                module_range=f.range_("module_range"),
                name_range=f.opt_range("name_range"),
                stmt_line=f.integer("stmt_line"),
                type_checking=f.flag("type_checking"),
                dynamic=f.flag("dynamic"),
            )
        )
    exceptions: list[ExceptionComment] = []
    for i, item in enumerate(top.items("exceptions")):
        e = _Reader(item, f"facts.exceptions[{i}]")
        rules = e.items("rules")
        if not all(isinstance(r, str) for r in rules):
            raise ValueError(f"facts.exceptions[{i}].rules: expected strings")
        rule_ranges = [
            _range_from_json(r, f"facts.exceptions[{i}].rule_ranges")
            for r in e.items("rule_ranges")
        ]
        exceptions.append(
            ExceptionComment(
                line=e.integer("line"),
                own_line=e.flag("own_line"),
                rules=tuple(str(r) for r in rules),
                rule_ranges=tuple(rule_ranges),
                adr=e.opt_int("adr"),
                adr_text=e.opt_str("adr_text"),
                adr_range=e.opt_range("adr_range"),
                range=e.range_("range"),
            )
        )
    return FileFacts(
        imports=tuple(imports),
        exceptions=tuple(exceptions),
        syntax_error=syntax_error,
        line_count=top.integer("line_count"),
        definitions=tuple(
            _definition_from_json(item, f"facts.definitions[{i}]")
            for i, item in enumerate(top.items("definitions"))
        ),
        references=tuple(
            _reference_from_json(item, f"facts.references[{i}]")
            for i, item in enumerate(top.items("references"))
        ),
    )


_KINDS: dict[object, DefinitionKind] = {"class": "class", "function": "function"}
_SCOPES: dict[object, Scope] = {"module": "module", "class": "class", "function": "function"}


def _count(value: object, what: str) -> int:
    if type(value) is not int or value < 0:
        raise ValueError(f"{what}: expected a non-negative integer")
    return value


def _definition_from_json(item: object, what: str) -> Definition:
    if not isinstance(item, list) or len(item) != 9:
        raise ValueError(f"{what}: expected a definition row")
    kind, name, qualname, scope, name_range, first_line, lines, body_lines, body_hash = item
    if (
        kind not in _KINDS
        or scope not in _SCOPES
        or not isinstance(name, str)
        or not isinstance(qualname, str)
        or not (body_hash is None or isinstance(body_hash, str))
    ):
        raise ValueError(f"{what}: malformed definition")
    return Definition(
        kind=_KINDS[kind],
        name=name,
        qualname=qualname,
        scope=_SCOPES[scope],
        name_range=_range_from_json(name_range, what),
        first_line=_count(first_line, what),
        line_count=_count(lines, what),
        body_lines=_count(body_lines, what),
        body_hash=body_hash,
    )


def _reference_from_json(item: object, what: str) -> Reference:
    if (
        not isinstance(item, list)
        or len(item) != 6
        or not isinstance(item[0], str)
        or type(item[5]) is not bool
    ):
        raise ValueError(f"{what}: expected a reference row")
    return Reference(item[0], _range_from_json(item[1:5], what), item[5])
