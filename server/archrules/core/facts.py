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
    FILE_START,
    Definition,
    FileFacts,
    ImportFact,
    Reference,
    SourceProblem,
)

__all__ = ["decode_source", "extract_facts"]


# --- entry points ----------------------------------------------------------------------


def extract_facts(text: str, conventions: bool = True) -> FileFacts:
    """Everything the engine needs from one file's text. Never raises. ``conventions=False``
    leaves out definitions and references (for configs without convention rules)."""
    try:
        return _extract(text, conventions)
    except Exception as exc:  # defensive: a bug here must not stop a whole run
        problem = SourceProblem(f"archrules could not read this file: {exc!r}", FILE_START)
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
