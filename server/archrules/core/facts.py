"""Facts read from one source file: its imports, its exception comments, its syntax error,
and for the convention rules its definitions and references.

Nothing here imports or executes the analysed code. :func:`extract_facts` is a pure function
that never raises, whatever the input (garbage, NUL bytes, huge files, deep nesting).

Parsing strategy (recorded design decision):

1. Fast path: :func:`ast.parse` (exact, compiled in C). ``ast`` columns are UTF-8 byte
   offsets; they are converted to code point columns. ``ast`` has no node for the module
   part of a ``from`` import, so its range is found by scanning the text after ``from``.
   The tree is walked with an explicit stack, statement lists only (expressions are
   visited only when the text can contain a dynamic import), so depth cannot overflow.
2. When ``ast.parse`` fails, the error becomes ``FileFacts.syntax_error`` and the imports
   are read from ``parso``'s error-recovering tree, which still holds the readable import
   statements of a file being edited. Both paths produce identical facts for valid code.
   Incomplete imports in that tree yield what is already written:
   ``from a.b import`` and ``from a.b`` yield ``module="a.b", name=None``;
   ``from a import b as`` yields ``name="b"``; ``import a.`` yields ``module="a"``;
   ``from import x`` and a lone ``import`` yield nothing.
3. NUL characters are read as spaces and lone surrogates as U+FFFD (same length, so every
   position is preserved); a BOM character at the start of the text is read as whitespace.

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
import builtins
import hashlib
import io
import re
import tokenize
import unicodedata
import warnings
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import accumulate
from typing import Any, NamedTuple

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
    parse_adr_id,
)

__all__ = ["decode_source", "extract_facts", "facts_from_json", "facts_to_json"]

Pos = tuple[int, int]  # (0-based line, code point column)

_NEWLINE = re.compile(r"\r\n|\r|\n")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SPACE = " \t\x0c"
_ALIAS = re.compile(r"[\s\\]+as[\s\\]+([^\W\d]\w*)")
_TYPING_MODULES = ("typing", "typing_extensions")
_JSON_VERSION = 2  # 2: definitions and references

# --- decoding --------------------------------------------------------------------------


def decode_source(data: bytes) -> str:
    """Bytes of a Python file -> text, honouring a PEP 263 cookie and a UTF-8 BOM.

    An unknown or wrong encoding falls back to UTF-8 with replacement characters. Never
    raises; the BOM is stripped.
    """
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except Exception:  # a bad or unknown cookie (SyntaxError)
        encoding = "utf-8"
    if encoding == "utf-8-sig" or data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8"
        data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        text = data.decode(encoding)
    except Exception:  # wrong encoding, or a codec that is no text encoding
        text = data.decode("utf-8", errors="replace")
    return text.removeprefix("\ufeff")


# --- the text ----------------------------------------------------------------------------


def _split_lines(text: str) -> list[str]:
    if "\r" not in text:
        return text.split("\n")
    return _NEWLINE.split(text)


def _count_lines(lines: Sequence[str]) -> int:
    """``lines`` from :func:`_split_lines`: a final empty piece is not a line."""
    return len(lines) - 1 if lines[-1] == "" else len(lines)


class _Source:
    """The text as parsed (NULs and surrogates neutralised) with its lines.

    All positions used by the scanners are in this text, which has the same lines and
    columns as the original. ``parse_text`` drops a leading BOM; ``shift`` (1 or 0) is what
    parser columns on the first line need added back.
    """

    __slots__ = ("ascii", "lines", "parse_text", "shift", "text")

    def __init__(self, text: str) -> None:
        if "\0" in text:
            text = text.replace("\0", " ")
        self.ascii = text.isascii()
        if not self.ascii:
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:  # lone surrogates, which no parser accepts
                text = _SURROGATE.sub("\ufffd", text)
        self.text = text
        self.shift = 1 if text.startswith("\ufeff") else 0
        self.parse_text = text[self.shift :]
        self.lines = _split_lines(text)

    # -- positions --------------------------------------------------------------------

    def line_starts(self) -> list[int]:
        """Offset in ``text`` of each line's first character."""
        starts = [0]
        if "\r" not in self.text:
            starts.extend(accumulate(len(line) + 1 for line in self.lines[:-1]))
        else:
            starts.extend(m.end() for m in _NEWLINE.finditer(self.text))
        return starts

    def col_from_bytes(self, line: int, byte_col: int) -> int:
        """An ``ast`` column (UTF-8 bytes in the parsed text) -> a code point column."""
        if self.ascii:
            return byte_col
        text = self.lines[line]
        shift = self.shift if line == 0 else 0
        if shift:
            text = text[shift:]
        if text.isascii():
            return byte_col + shift
        return len(text.encode("utf-8")[:byte_col].decode("utf-8", "ignore")) + shift

    def ast_start(self, node: ast.AST) -> Pos:
        line: int = getattr(node, "lineno", 1) - 1
        return line, self.col_from_bytes(line, getattr(node, "col_offset", 0))

    def ast_end(self, node: ast.AST) -> Pos:
        end_line: int | None = getattr(node, "end_lineno", None)
        end_col: int | None = getattr(node, "end_col_offset", None)
        if end_line is None or end_col is None:
            return self.ast_start(node)
        return end_line - 1, self.col_from_bytes(end_line - 1, end_col)

    def parso_pos(self, pos: tuple[int, int]) -> Pos:
        line = pos[0] - 1
        return line, pos[1] + (self.shift if line == 0 else 0)

    def clamp(self, line: int, col: int) -> Pos:
        line = min(max(line, 0), len(self.lines) - 1)
        return line, min(max(col, 0), len(self.lines[line]))

    # -- scanning ---------------------------------------------------------------------

    def skip_space(self, line: int, col: int, *, newlines: bool = False) -> Pos:
        """Skip blanks and backslash continuations (and, if ``newlines``, comments and
        line ends, as inside brackets)."""
        lines = self.lines
        while True:
            text = lines[line]
            n = len(text)
            while col < n and text[col] in _SPACE:
                col += 1
            more = line + 1 < len(lines)
            if col < n:
                ch = text[col]
                if ch == "\\" and col + 1 == n and more:
                    line, col = line + 1, 0
                    continue
                if not (newlines and ch == "#"):
                    return line, col
            if newlines and more:
                line, col = line + 1, 0
                continue
            return line, min(col, n)

    def ident_end(self, line: int, col: int) -> int:
        text = self.lines[line]
        n = len(text)
        while col < n and _is_ident_char(text[col]):
            col += 1
        return col

    def dotted_end(self, line: int, col: int) -> Pos:
        """End of the dotted name starting at (line, col): ``a . b.c`` is one name."""
        end = (line, self.ident_end(line, col))
        while True:
            line, col = self.skip_space(*end)
            if self.lines[line][col : col + 1] != ".":
                return end
            line, col = self.skip_space(line, col + 1)
            stop = self.ident_end(line, col)
            if stop == col:
                return end
            end = (line, stop)

    def string_content(self, start: Pos, end: Pos) -> tuple[Pos, Pos] | None:
        """Inside the quotes of the string literal(s) between ``start`` and ``end``.

        Implicitly concatenated literals give the span from the first opening quote to the
        last closing one. None when the text there is not a string literal.
        """
        lines = self.lines
        line, col = start
        first: Pos | None = None
        last: Pos | None = None
        while (line, col) < end:
            text = lines[line]
            while col < len(text) and text[col].isalpha():
                col += 1
            quote = text[col : col + 1]
            if quote not in ("'", '"'):
                return None
            if text.startswith(quote * 3, col):
                quote *= 3
            col += len(quote)
            if first is None:
                first = (line, col)
            while not lines[line].startswith(quote, col):
                if col >= len(lines[line]):
                    if line + 1 >= len(lines):
                        return None
                    line, col = line + 1, 0
                else:
                    col += 2 if lines[line][col] == "\\" else 1
            last = (line, col)
            line, col = self.skip_space(line, col + len(quote), newlines=True)
        if first is None or last is None:
            return None
        return first, last


def _call_lines(src: _Source) -> list[int]:
    """The lines that may hold a dynamic import call, in order."""
    text = src.text
    if "import_module" not in text and "__import__" not in text:
        return []
    names = {"import_module", "__import__"}
    for word in ("import_module", "importlib"):
        for at in _find_words(text, word):
            alias = _ALIAS.match(text, at + len(word))
            if alias:
                names.add(alias.group(1))
    starts = src.line_starts()
    lines = {bisect_right(starts, at) - 1 for name in names for at in _find_words(text, name)}
    return sorted(lines)


def _find_words(text: str, word: str) -> Iterator[int]:
    """Where ``word`` occurs in ``text`` as a whole identifier."""
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if (at == 0 or not _is_ident_char(text[at - 1])) and (
            end == len(text) or not _is_ident_char(text[end])
        ):
            yield at
        at = text.find(word, at + 1)


def _is_ident_char(ch: str) -> bool:
    if ch.isascii():
        return ch.isalnum() or ch == "_"
    return ("_" + ch).isidentifier()


def _is_module_name(value: str) -> bool:
    return all(part.isidentifier() for part in value.split("."))


def _norm(name: str) -> str:
    """Identifiers as the compiler sees them (NFKC), like ``ast`` gives them."""
    return name if name.isascii() else unicodedata.normalize("NFKC", name)


def _range(start: Pos, end: Pos) -> Range:
    return Range(start[0], start[1], end[0], end[1])


# --- raw imports, shared by both parsers ------------------------------------------------


class _Raw(NamedTuple):
    """A static import as read, before the file-wide name bindings are known."""

    module: str
    name: str | None
    level: int
    module_range: Range
    name_range: Range | None
    stmt_line: int
    guards: tuple[str, ...]  # tests of the enclosing ``if`` bodies that may be TYPE_CHECKING
    asname: str | None


class _Call(NamedTuple):
    """A call that is a dynamic import if its function is bound to one."""

    func: str  # "name" for f("x"), "attr" for x.import_module("x")
    ident: str  # f, or x
    module: str
    start: Pos  # the literal argument
    end: Pos
    stmt_line: int
    guards: tuple[str, ...]


def _finish(src: _Source, raws: Iterable[_Raw], calls: Iterable[_Call]) -> tuple[ImportFact, ...]:
    importlib_names = {"importlib"}
    import_module_names: set[str] = set()
    typing_names = set(_TYPING_MODULES)
    tc_names = {"TYPE_CHECKING"}
    facts: list[ImportFact] = []
    raws = list(raws)
    for raw in raws:
        if raw.level:
            continue
        if raw.name is None:
            module = raw.module if raw.asname else raw.module.partition(".")[0]
            bound = raw.asname or module
            if module == "importlib":
                importlib_names.add(bound)
            elif module in _TYPING_MODULES:
                typing_names.add(bound)
        else:
            bound = raw.asname or raw.name
            if raw.module == "importlib" and raw.name == "import_module":
                import_module_names.add(bound)
            elif raw.module in _TYPING_MODULES and raw.name == "TYPE_CHECKING":
                tc_names.add(bound)
    tc_keys = tc_names | {f"{name}.TYPE_CHECKING" for name in typing_names}
    for raw in raws:
        tc = any(guard in tc_keys for guard in raw.guards)
        facts.append(
            ImportFact(
                raw.module,
                raw.name,
                raw.level,
                raw.module_range,
                raw.name_range,
                raw.stmt_line,
                type_checking=tc,
            )
        )
    for call in calls:
        if call.func == "name":
            wanted = call.ident == "__import__" or call.ident in import_module_names
        else:
            wanted = call.ident in importlib_names
        if not wanted:
            continue
        content = src.string_content(call.start, call.end) or (call.start, call.end)
        facts.append(
            ImportFact(
                call.module,
                None,
                0,
                _range(*content),
                None,
                call.stmt_line,
                type_checking=any(guard in tc_keys for guard in call.guards),
                dynamic=True,
            )
        )
    facts.sort(key=lambda f: (f.module_range, f.name_range or f.module_range))
    return tuple(facts)


# --- the ast path ----------------------------------------------------------------------


def _block_fields() -> dict[type, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Statement class -> (fields holding statement lists, fields holding handlers/cases)."""
    table: dict[type, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    todo: list[type] = [ast.stmt]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        fields = getattr(cls, "_fields", ())
        bodies = tuple(f for f in ("body", "orelse", "finalbody") if f in fields)
        nested = tuple(f for f in ("handlers", "cases") if f in fields)
        if bodies or nested:
            table[cls] = (bodies, nested)
    return table


_BLOCKS = _block_fields()


def _ast_guard(test: ast.expr) -> str | None:
    if type(test) is ast.Name:
        return test.id
    if type(test) is ast.Attribute and type(test.value) is ast.Name:
        return f"{test.value.id}.{test.attr}"
    return None


class _AstReader:
    def __init__(self, src: _Source) -> None:
        self.src = src
        self.raws: list[_Raw] = []
        self.calls: list[_Call] = []

    def read(self, tree: ast.Module) -> tuple[list[_Raw], list[_Call]]:
        # expressions are visited only in statements whose lines mention a dynamic import
        call_lines = _call_lines(self.src)
        stack: list[tuple[list[ast.stmt], tuple[str, ...]]] = [(tree.body, ())]
        while stack:
            body, guards = stack.pop()
            for node in body:
                if isinstance(node, ast.Import):
                    self.import_(node, guards)
                    continue
                if isinstance(node, ast.ImportFrom):
                    self.import_from(node, guards)
                    continue
                blocks = _BLOCKS.get(type(node))
                if blocks is not None:
                    if isinstance(node, ast.If):
                        key = _ast_guard(node.test)
                        stack.append((node.body, (*guards, key) if key else guards))
                        stack.append((node.orelse, guards))
                    else:
                        bodies, nested = blocks
                        for field in bodies:
                            stack.append((getattr(node, field), guards))
                        for field in nested:
                            for item in getattr(node, field):
                                stack.append((item.body, guards))
                if call_lines:
                    at = bisect_left(call_lines, node.lineno - 1)
                    if at < len(call_lines) and call_lines[at] < (node.end_lineno or node.lineno):
                        self.scan_calls(node, guards)
        return self.raws, self.calls

    def import_(self, node: ast.Import, guards: tuple[str, ...]) -> None:
        src = self.src
        line = node.lineno - 1
        for alias in node.names:
            start = src.ast_start(alias)
            end = src.ast_end(alias) if alias.asname is None else src.dotted_end(*start)
            self.raws.append(
                _Raw(alias.name, None, 0, _range(start, end), None, line, guards, alias.asname)
            )

    def import_from(self, node: ast.ImportFrom, guards: tuple[str, ...]) -> None:
        src = self.src
        line, col = src.ast_start(node)
        start = end = src.skip_space(line, col + len("from"))
        if node.level:
            pos = start
            while src.lines[pos[0]][pos[1] : pos[1] + 1] == ".":
                end = (pos[0], pos[1] + 1)
                pos = src.skip_space(*end)
            if node.module is not None:
                end = src.dotted_end(*pos)
        else:
            end = src.dotted_end(*start)
        module_range = _range(start, end)
        module = node.module or ""
        for alias in node.names:
            name_start = src.ast_start(alias)
            if alias.asname is None:
                name_end = src.ast_end(alias)
            else:
                name_end = (name_start[0], src.ident_end(*name_start))
            self.raws.append(
                _Raw(
                    module,
                    alias.name,
                    node.level,
                    module_range,
                    _range(name_start, name_end),
                    line,
                    guards,
                    alias.asname,
                )
            )

    def scan_calls(self, stmt: ast.stmt, guards: tuple[str, ...]) -> None:
        todo = [c for c in ast.iter_child_nodes(stmt) if not isinstance(c, ast.stmt)]
        while todo:
            node = todo.pop()
            if type(node) is ast.Call:
                self.call(node, guards)
            todo.extend(c for c in ast.iter_child_nodes(node) if not isinstance(c, ast.stmt))

    def call(self, node: ast.Call, guards: tuple[str, ...]) -> None:
        func = node.func
        if type(func) is ast.Name:
            kind, ident = "name", func.id
        elif (
            type(func) is ast.Attribute
            and func.attr == "import_module"
            and type(func.value) is ast.Name
        ):
            kind, ident = "attr", func.value.id
        else:
            return
        if not node.args:
            return
        arg = node.args[0]
        if type(arg) is not ast.Constant or type(arg.value) is not str:
            return
        if not _is_module_name(arg.value):
            return
        src = self.src
        self.calls.append(
            _Call(
                kind,
                ident,
                arg.value,
                src.ast_start(arg),
                src.ast_end(arg),
                node.lineno - 1,
                guards,
            )
        )


# --- the parso path --------------------------------------------------------------------

# parso's trees are typed loosely; nodes and leaves are handled as Any here.
_PNode = Any


@lru_cache(maxsize=1)
def _parso_grammar() -> _PNode:
    from parso.grammar import load_grammar

    for version in ("3.14", "3.13", "3.12"):
        try:
            return load_grammar(version=version)
        except (NotImplementedError, ValueError, OSError):
            continue
    return load_grammar()  # pragma: no cover - only with an old parso


def _is_kw(leaf: _PNode, *values: str) -> bool:
    return bool(leaf is not None and leaf.type == "keyword" and leaf.value in values)


def _is_op(leaf: _PNode, *values: str) -> bool:
    return bool(leaf.type == "operator" and leaf.value in values)


def _leaves(node: _PNode) -> list[_PNode]:
    out: list[_PNode] = []
    stack = [node]
    while stack:
        item = stack.pop()
        children = getattr(item, "children", None)
        if children is None:
            out.append(item)
        else:
            stack.extend(reversed(children))
    return out


def _unparenthesised(node: _PNode) -> _PNode:
    """``((x))`` -> ``x``, as ``ast`` sees it."""
    while node.type == "atom" and len(node.children) == 3 and _is_op(node.children[0], "("):
        node = node.children[1]
    return node


def _parso_guard(test: _PNode) -> str | None:
    test = _unparenthesised(test)
    if test.type == "name":
        return _norm(test.value)
    if test.type in ("atom_expr", "power") and len(test.children) == 2:
        head, trailer = test.children
        if (
            head.type == "name"
            and trailer.type == "trailer"
            and _is_op(trailer.children[0], ".")
            and trailer.children[1].type == "name"
        ):
            return f"{_norm(head.value)}.{_norm(trailer.children[1].value)}"
    return None


class _ParsoReader:
    def __init__(self, src: _Source) -> None:
        self.src = src
        self.raws: list[_Raw] = []
        self.calls: list[_Call] = []

    def read(self, module: _PNode) -> tuple[list[_Raw], list[_Call]]:
        want_calls = bool(_call_lines(self.src))
        stack: list[tuple[_PNode, tuple[str, ...]]] = [(module, ())]
        while stack:
            node, guards = stack.pop()
            kind = node.type
            if kind in ("import_name", "import_from"):
                leaves = _leaves(node)
                # `from import x`: parso reads `import x`, but no module x is meant there
                if kind == "import_from" or not _is_kw(leaves[0].get_previous_leaf(), "from"):
                    self.statement(leaves, guards)
                continue
            children = getattr(node, "children", None)
            if not children:
                continue
            if kind == "if_stmt":
                self.if_stmt(children, guards, stack)
                continue
            if kind == "error_node" and _is_kw(children[0], "from", "import"):
                stop = self.statement(_leaves(node), guards)
                stack.extend((c, guards) for c in children if c.start_pos >= stop)
                continue
            if want_calls and kind in ("atom_expr", "power"):
                self.call(children, guards)
            stack.extend((c, guards) for c in children)
        return self.raws, self.calls

    @staticmethod
    def if_stmt(
        children: list[_PNode],
        guards: tuple[str, ...],
        stack: list[tuple[_PNode, tuple[str, ...]]],
    ) -> None:
        keys: dict[int, str] = {}
        for i, child in enumerate(children):
            if _is_kw(child, "if", "elif") and i + 3 < len(children):
                key = _parso_guard(children[i + 1])
                if key:
                    keys[i + 3] = key
        for i, child in enumerate(children):
            key = keys.get(i)
            stack.append((child, (*guards, key) if key else guards))

    def statement(self, leaves: list[_PNode], guards: tuple[str, ...]) -> tuple[int, int]:
        """Read one import statement from its leaves; returns where reading stopped."""
        if leaves[0].value == "import":
            used = self.import_name(leaves, guards)
        else:
            used = self.import_from(leaves, guards)
        end: tuple[int, int] = leaves[used - 1].end_pos
        return end

    @staticmethod
    def dotted(leaves: list[_PNode], i: int) -> tuple[str, int] | None:
        """A dotted name at ``leaves[i]``: (name, index after it)."""
        if i >= len(leaves) or leaves[i].type != "name":
            return None
        parts = [_norm(leaves[i].value)]
        i += 1
        while i + 1 < len(leaves) and _is_op(leaves[i], ".") and leaves[i + 1].type == "name":
            parts.append(_norm(leaves[i + 1].value))
            i += 2
        return ".".join(parts), i

    def as_name(self, leaves: list[_PNode], i: int) -> tuple[str | None, int]:
        if i < len(leaves) and _is_kw(leaves[i], "as"):
            i += 1
            if i < len(leaves) and leaves[i].type == "name":
                return _norm(leaves[i].value), i + 1
        return None, i

    def import_name(self, leaves: list[_PNode], guards: tuple[str, ...]) -> int:
        src = self.src
        line = src.parso_pos(leaves[0].start_pos)[0]
        i = 1
        while (found := self.dotted(leaves, i)) is not None:
            module, after = found
            module_range = _range(
                src.parso_pos(leaves[i].start_pos), src.parso_pos(leaves[after - 1].end_pos)
            )
            asname, i = self.as_name(leaves, after)
            self.raws.append(_Raw(module, None, 0, module_range, None, line, guards, asname))
            if i < len(leaves) and _is_op(leaves[i], ","):
                i += 1
            else:
                break
        return i

    def import_from(self, leaves: list[_PNode], guards: tuple[str, ...]) -> int:
        src = self.src
        line = src.parso_pos(leaves[0].start_pos)[0]
        i, level = 1, 0
        while i < len(leaves) and _is_op(leaves[i], ".", "..."):
            level += len(leaves[i].value)
            i += 1
        module = ""
        found = self.dotted(leaves, i)
        if found is not None:
            module, i = found
        if i == 1:
            return 1
        module_range = _range(
            src.parso_pos(leaves[1].start_pos), src.parso_pos(leaves[i - 1].end_pos)
        )
        names: list[tuple[str, Range, str | None]] = []
        if i < len(leaves) and _is_kw(leaves[i], "import"):
            i += 1
            paren = i < len(leaves) and _is_op(leaves[i], "(")
            i += paren
            while i < len(leaves) and (leaves[i].type == "name" or _is_op(leaves[i], "*")):
                leaf = leaves[i]
                name_range = _range(src.parso_pos(leaf.start_pos), src.parso_pos(leaf.end_pos))
                asname, i = self.as_name(leaves, i + 1)
                names.append((_norm(leaf.value), name_range, asname))
                if i < len(leaves) and _is_op(leaves[i], ","):
                    i += 1
                else:
                    break
            if paren and i < len(leaves) and _is_op(leaves[i], ")"):
                i += 1
        if not names:
            self.raws.append(_Raw(module, None, level, module_range, None, line, guards, None))
        for name, name_range, asname in names:
            self.raws.append(
                _Raw(module, name, level, module_range, name_range, line, guards, asname)
            )
        return i

    def call(self, children: list[_PNode], guards: tuple[str, ...]) -> None:
        i = 1 if _is_kw(children[0], "await") else 0
        head = _unparenthesised(children[i])
        if head.type != "name" or len(children) < i + 2:
            return
        first = children[i + 1]
        if _is_trailer(first, "("):
            kind, call = "name", first
        elif (
            len(children) >= i + 3
            and _is_trailer(first, ".")
            and first.children[1].value == "import_module"
            and _is_trailer(children[i + 2], "(")
        ):
            kind, call = "attr", children[i + 2]
        else:
            return
        if len(call.children) != 3:
            return  # no argument
        arg = call.children[1]
        if arg.type == "arglist":
            arg = arg.children[0]
        arg = _unparenthesised(arg)
        if arg.type == "strings":
            if any(c.type != "string" for c in arg.children):
                return
        elif arg.type != "string":
            return
        value = _literal_string(arg.get_code(include_prefix=False))
        if value is None or not _is_module_name(value):
            return
        src = self.src
        self.calls.append(
            _Call(
                kind,
                _norm(head.value),
                value,
                src.parso_pos(arg.start_pos),
                src.parso_pos(arg.end_pos),
                src.parso_pos(head.start_pos)[0],
                guards,
            )
        )


def _is_trailer(node: _PNode, opening: str) -> bool:
    return bool(node.type == "trailer" and _is_op(node.children[0], opening))


def _literal_string(code: str) -> str | None:
    """The value of a string literal's source text (``ast.literal_eval``: nothing runs)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = ast.literal_eval(f"(\n{code}\n)")
    except Exception:
        return None
    return value if isinstance(value, str) else None


def _parso_imports(src: _Source) -> tuple[ImportFact, ...] | None:
    """Imports from parso's error-recovering tree; None if parso gives up."""
    try:
        module = _parso_grammar().parse(src.parse_text, error_recovery=True)
        raws, calls = _ParsoReader(src).read(module)
        return _finish(src, raws, calls)
    except Exception:  # RecursionError, MemoryError, or a parso bug: no imports then
        return None


def _extract_with_parso(text: str) -> tuple[ImportFact, ...]:
    """The fallback path on its own (for tests: it must agree with the ast path)."""
    return _parso_imports(_Source(text)) or ()


def _extract_with_ast(text: str) -> tuple[ImportFact, ...] | None:
    """The fast path on its own; None when ``ast`` cannot parse the text."""
    src = _Source(text)
    tree = _parse(src)
    if not isinstance(tree, ast.Module):
        return None
    return _finish(src, *_AstReader(src).read(tree))


# --- syntax errors ---------------------------------------------------------------------


def _parse(src: _Source) -> ast.Module | SourceProblem:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(src.parse_text)
    except SyntaxError as exc:
        return _syntax_problem(src, exc)
    except (RecursionError, MemoryError, ValueError) as exc:
        message = str(exc) if isinstance(exc, ValueError) else "too complex to parse"
        return SourceProblem(message or "cannot parse", Range(0, 0, 0, 0))


def _syntax_problem(src: _Source, exc: SyntaxError) -> SourceProblem:
    line = (exc.lineno or 1) - 1
    col = (exc.offset or 1) - 1
    if line == 0:
        col += src.shift
    start = src.clamp(line, col)
    end = start
    end_line: int | None = getattr(exc, "end_lineno", None)
    end_offset: int | None = getattr(exc, "end_offset", None)
    if end_line is not None and end_offset is not None and end_offset > 0:
        end_col = end_offset - 1 + (src.shift if end_line == 1 else 0)
        end = max(start, src.clamp(end_line - 1, end_col))
    return SourceProblem(exc.msg or "invalid syntax", _range(start, end))


# --- exception comments ----------------------------------------------------------------

_ALLOW = re.compile(r"#\s*archrules:\s*allow\s*\[([^\]]*)\]")
_RULE = re.compile(r"[^\s,]+")
_ADR = re.compile(r"\s*(ADR-\d+)(?![\w-])", re.IGNORECASE)


def _exception_comment(line: int, col: int, comment: str, before: str) -> ExceptionComment | None:
    """``comment`` (from its ``#`` to the line end) starts at (line, col)."""
    match = _ALLOW.search(comment)
    if match is None:
        return None
    base = col + match.start()
    content_at = col + match.start(1)
    rules: list[str] = []
    rule_ranges: list[Range] = []
    for rule in _RULE.finditer(match.group(1)):
        rules.append(rule.group())
        rule_ranges.append(Range(line, content_at + rule.start(), line, content_at + rule.end()))
    adr_text: str | None = None
    adr_range: Range | None = None
    adr = _ADR.match(comment, match.end())
    if adr is not None:
        adr_text = adr.group(1)
        adr_range = Range(line, col + adr.start(1), line, col + adr.end(1))
    return ExceptionComment(
        line=line,
        own_line=not before.strip(_SPACE + "\ufeff"),
        rules=tuple(rules),
        rule_ranges=tuple(rule_ranges),
        adr=parse_adr_id(adr_text) if adr_text else None,
        adr_text=adr_text,
        adr_range=adr_range,
        range=Range(line, base, line, col + len(comment)),
    )


def _heuristic_comment(text: str) -> int | None:
    """Column of a ``#`` outside quotes on one line, or None (triple quotes stay open)."""
    quote = ""
    i = 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "#":
            return i
        i += 1
    return None


def _exception_comments(src: _Source) -> tuple[ExceptionComment, ...]:
    if "archrules:" not in src.text:
        return ()
    lines = src.lines
    last = len(lines) - 1
    found: list[ExceptionComment] = []

    def feed() -> Callable[[], str]:
        numbered = iter(range(len(lines)))

        def readline() -> str:
            for i in numbered:
                text = lines[i][src.shift :] if i == 0 else lines[i]
                return text if i == last else text + "\n"
            return ""

        return readline

    resume = 0
    try:
        for token in tokenize.generate_tokens(feed()):
            resume = token.end[0]
            if token.type == tokenize.COMMENT and "archrules:" in token.string:
                line = token.start[0] - 1
                col = token.start[1] + (src.shift if line == 0 else 0)
                comment = _exception_comment(line, col, token.string, lines[line][:col])
                if comment is not None:
                    found.append(comment)
    except Exception:  # tokenize gave up midway (broken file): read the rest by heuristic
        for line in range(resume, len(lines)):
            text = lines[line]
            if "archrules:" not in text:
                continue
            at = _heuristic_comment(text)
            if at is not None:
                comment = _exception_comment(line, at, text[at:], text[:at])
                if comment is not None:
                    found.append(comment)
    return tuple(found)


# --- definitions and references (the convention rules) ---------------------------------

_BUILTIN_NAMES = frozenset(n for n in dir(builtins) if not n.startswith("_")) | {"__import__"}
_SKIPPED_FIELDS = frozenset({"ctx", "type_comment", "kind"})
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_DEF_KEYWORDS = {ast.FunctionDef: "def", ast.AsyncFunctionDef: "def", ast.ClassDef: "class"}


class _Local(str):
    """A name in a function body that is renamed if it turns out to be local."""

    __slots__ = ()


# node class -> (its hashed fields, last first; the field that binds a local name, if any)
_HASH_PLANS: dict[type, tuple[tuple[str, ...], str | None]] = {}

_BINDERS: dict[type, str] = {
    ast.FunctionDef: "name",
    ast.AsyncFunctionDef: "name",
    ast.ClassDef: "name",
    ast.ExceptHandler: "name",
    ast.MatchAs: "name",
    ast.MatchStar: "name",
    ast.MatchMapping: "rest",
}


def _hash_plan(cls: type) -> tuple[tuple[str, ...], str | None]:
    fields = tuple(f for f in getattr(cls, "_fields", ()) if f not in _SKIPPED_FIELDS)
    plan = _HASH_PLANS[cls] = (fields[::-1], _BINDERS.get(cls))
    return plan


def _docstring(body: Sequence[ast.stmt]) -> ast.Expr | None:
    first = body[0] if body else None
    if (
        type(first) is ast.Expr
        and type(first.value) is ast.Constant
        and isinstance(first.value.value, str)
    ):
        return first
    return None


def _body_hash(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    """The function's body, docstring dropped, locals renamed by first use, hashed.

    Parameters and every name bound in the function (assignments, loop and ``with``
    targets, nested ``def``/``class``, ``except ... as``, imports, ``match`` captures) are
    local, in one flat namespace with the nested functions; ``global`` names are not.
    The function's own name and its decorators are left out. Iterative: no depth limit.
    """
    body = node.body[1:] if _docstring(node.body) is not None else node.body
    out: list[str] = [type(node).__name__]
    local: set[str] = set()
    global_: set[str] = set()
    top: list[object] = [node.args, node.returns, list(body)]
    # Python 3.12+: ``def f[T]()``; left out when empty, so that hashes do not depend on
    # the Python version for the functions that any version can parse
    type_params = getattr(node, "type_params", None)
    if type_params:  # pragma: no cover - Python 3.12+
        top.append(type_params)
    stack: list[object] = top[::-1]
    while stack:
        item = stack.pop()
        if isinstance(item, ast.AST):
            cls = type(item)
            out.append(cls.__name__)
            if cls is ast.Constant:
                value = item.value  # type: ignore[attr-defined]
                out.append(f"{type(value).__name__}:{value!r}")
                continue
            if cls is ast.Name:
                name = item.id  # type: ignore[attr-defined]
                out.append(_Local(name))
                if type(item.ctx) is not ast.Load:  # type: ignore[attr-defined]
                    local.add(name)
                continue
            if cls is ast.arg:
                local.add(item.arg)  # type: ignore[attr-defined]
                out.append(_Local(item.arg))  # type: ignore[attr-defined]
                stack.append(item.annotation)  # type: ignore[attr-defined]
                continue
            if cls is ast.alias:
                bound = item.asname or item.name.partition(".")[0]  # type: ignore[attr-defined]
                local.add(bound)
                out.append(f"str:{item.name!r}")  # type: ignore[attr-defined]
                out.append(_Local(bound))
                continue
            if cls is ast.Global:
                global_.update(item.names)  # type: ignore[attr-defined]
            elif cls is ast.Nonlocal:
                out.extend(_Local(n) for n in item.names)  # type: ignore[attr-defined]
                continue
            fields, binder = _HASH_PLANS.get(cls) or _hash_plan(cls)
            for field in fields:
                value = getattr(item, field, None)
                if field == binder and isinstance(value, str):
                    local.add(value)
                    stack.append(_Local(value))
                else:
                    stack.append(value)
        elif isinstance(item, list):
            out.append(f"[{len(item)}")
            stack.extend(reversed(item))
        elif type(item) is _Local:
            out.append(item)
        elif item is None:
            out.append("~")
        else:
            out.append(f"{type(item).__name__}:{item!r}")
    names: dict[str, str] = {}
    local -= global_
    tokens = [
        (names.setdefault(token, f"${len(names)}") if token in local else f"@{token}")
        if type(token) is _Local
        else token
        for token in out
    ]
    return hashlib.blake2b("\0".join(tokens).encode("utf-8", "replace"), digest_size=16).hexdigest()


# node class -> the fields that may hold child nodes (``ctx`` and plain values left out)
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}
_VALUE_FIELDS = frozenset({"ctx", "type_comment", "kind", "id", "attr", "arg", "name", "names"})


def _child_fields(cls: type) -> tuple[str, ...]:
    fields = tuple(f for f in getattr(cls, "_fields", ()) if f not in _VALUE_FIELDS)
    _CHILD_FIELDS[cls] = fields
    return fields


class _Chain(NamedTuple):
    root: str
    attrs: tuple[str, ...]
    node: ast.AST  # the call, or the name or attribute expression
    is_call: bool


def _chain(node: ast.expr) -> tuple[str | None, tuple[str, ...], ast.expr]:
    """``a.b.c`` -> ("a", ("b", "c"), Name a); a non-name root is returned for walking."""
    attrs: list[str] = []
    while type(node) is ast.Attribute:
        attrs.append(node.attr)
        node = node.value
    root = node.id if type(node) is ast.Name else None
    return root, tuple(reversed(attrs)), node


class _ConventionReader:
    """Definitions and references, from one walk of the ``ast`` tree."""

    def __init__(self, src: _Source) -> None:
        self.src = src
        # name -> ((line, col, alias index), target): the first binding in the file wins
        self.bindings: dict[str, tuple[tuple[int, int, int], str]] = {}
        self.chains: list[_Chain] = []
        self.defs: list[tuple[ast.AST, str, Scope]] = []
        self.code = [
            1 if (s := line.lstrip(_SPACE + "\ufeff")) and s[0] != "#" else 0 for line in src.lines
        ]

    def read(self, tree: ast.Module) -> tuple[tuple[Definition, ...], tuple[Reference, ...]]:
        self.read_definitions(tree)
        stack: list[ast.AST] = [tree]
        code = self.code
        chains = self.chains
        while stack:
            node = stack.pop()
            cls = type(node)
            if cls is ast.Call:
                root, attrs, rest = _chain(node.func)  # type: ignore[attr-defined]
                if root is not None:
                    chains.append(_Chain(root, attrs, node, True))
                else:
                    stack.append(rest)
                stack.extend(node.args)  # type: ignore[attr-defined]
                stack.extend(node.keywords)  # type: ignore[attr-defined]
                continue
            if cls is ast.Attribute or cls is ast.Name:
                root, attrs, rest = _chain(node)  # type: ignore[arg-type]
                if root is not None:
                    chains.append(_Chain(root, attrs, node, False))
                else:
                    stack.append(rest)
                continue
            if cls is ast.Import or cls is ast.ImportFrom:
                self.bind(node)  # type: ignore[arg-type]
                continue
            if (cls is ast.Constant or cls is ast.JoinedStr) and self.multiline(node):
                # the 0-based lines after the opening one, up to the closing one
                first, stop = node.lineno, node.end_lineno or node.lineno  # type: ignore[attr-defined]
                for line in range(first, min(stop, len(code))):
                    code[line] = 1
            for field in _CHILD_FIELDS.get(cls) or _child_fields(cls):
                value = getattr(node, field, None)
                if type(value) is list:
                    stack.extend(value)
                elif isinstance(value, ast.AST):
                    stack.append(value)
        return self.definitions(tree), self.references(tree)

    def read_definitions(self, tree: ast.Module) -> None:
        """Every ``class`` and ``def`` with its qualified name and scope: they are
        statements, so only statement lists are walked."""
        bodies: list[tuple[list[ast.stmt], str, Scope]] = [(tree.body, "", "module")]
        while bodies:
            body, prefix, scope = bodies.pop()
            for node in body:
                cls = type(node)
                if cls in _DEF_KEYWORDS:
                    qualname = prefix + node.name  # type: ignore[attr-defined]
                    self.defs.append((node, qualname, scope))
                    if cls is ast.ClassDef:
                        bodies.append((node.body, qualname + ".", "class"))  # type: ignore[attr-defined]
                    else:
                        bodies.append((node.body, qualname + ".<locals>.", "function"))  # type: ignore[attr-defined]
                    continue
                blocks = _BLOCKS.get(cls)
                if blocks is not None:
                    fields, nested = blocks
                    for field in fields:
                        bodies.append((getattr(node, field), prefix, scope))
                    for field in nested:
                        for item in getattr(node, field):
                            bodies.append((item.body, prefix, scope))

    @staticmethod
    def multiline(node: ast.AST) -> bool:
        end: int | None = getattr(node, "end_lineno", None)
        if end is None or end == node.lineno:  # type: ignore[attr-defined]
            return False
        return type(node) is ast.JoinedStr or isinstance(node.value, (str, bytes))  # type: ignore[attr-defined]

    def bind(self, node: ast.Import | ast.ImportFrom) -> None:
        for index, alias in enumerate(node.names):
            if isinstance(node, ast.Import):
                if alias.asname:
                    name, target = alias.asname, alias.name
                else:
                    name = target = alias.name.partition(".")[0]
            else:
                if alias.name == "*":
                    continue
                module = f"{node.module}." if node.module else ""
                name, target = alias.asname or alias.name, f"{'.' * node.level}{module}{alias.name}"
            where = (node.lineno, node.col_offset, index)
            if name not in self.bindings or where < self.bindings[name][0]:
                self.bindings[name] = (where, target)

    # -- results ----------------------------------------------------------------------

    def count(self, first: int, last: int, prefix: list[int]) -> int:
        """Code lines among the 0-based lines first..last."""
        last = min(last, len(prefix) - 2)
        return prefix[last + 1] - prefix[first] if last >= first else 0

    def definitions(self, tree: ast.Module) -> tuple[Definition, ...]:
        prefix = [0, *accumulate(self.code)]
        found: list[Definition] = []
        for node, qualname, scope in self.defs:
            assert isinstance(node, (*_FUNCTIONS, ast.ClassDef))
            first = node.lineno - 1
            last = (node.end_lineno or node.lineno) - 1
            lines = self.count(first, last, prefix)
            body: Sequence[ast.stmt] = node.body
            doc = _docstring(body)
            if doc is not None:
                if doc.lineno - 1 > first:
                    lines -= self.count(doc.lineno - 1, (doc.end_lineno or doc.lineno) - 1, prefix)
                body = body[1:]
            body_lines = self.count(body[0].lineno - 1, last, prefix) if body else 0
            body_hash = None
            if isinstance(node, _FUNCTIONS) and scope != "function":
                body_hash = _body_hash(node)
            decorators = [d.lineno - 1 for d in node.decorator_list]
            found.append(
                Definition(
                    kind="class" if isinstance(node, ast.ClassDef) else "function",
                    name=node.name,
                    qualname=qualname,
                    scope=scope,
                    name_range=self.name_range(node),
                    first_line=min([first, *decorators]),
                    line_count=lines,
                    body_lines=body_lines,
                    body_hash=body_hash,
                )
            )
        found.sort(key=lambda d: _range_key(d.name_range))
        return tuple(found)

    def name_range(self, node: ast.AST) -> Range:
        src = self.src
        line, col = src.ast_start(node)
        if isinstance(node, ast.AsyncFunctionDef):
            line, col = src.skip_space(line, col + len("async"))
        line, col = src.skip_space(line, col + len(_DEF_KEYWORDS[type(node)]))
        return Range(line, col, line, src.ident_end(line, col))

    def references(self, tree: ast.Module) -> tuple[Reference, ...]:
        shadowed: set[str] = set()
        for stmt in tree.body:
            if isinstance(stmt, (*_FUNCTIONS, ast.ClassDef)):
                shadowed.add(stmt.name)
            elif isinstance(stmt, ast.Assign | ast.AnnAssign | ast.AugAssign):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                shadowed.update(t.id for t in targets if type(t) is ast.Name)
        src = self.src
        found: list[Reference] = []
        for chain in self.chains:
            bound = self.bindings.get(chain.root)
            if bound is not None:
                target = bound[1]
            elif chain.root in _BUILTIN_NAMES and chain.root not in shadowed:
                target = chain.root
            else:
                continue
            if chain.attrs:
                target = ".".join((target, *chain.attrs))
            if target.startswith("builtins."):
                target = target[len("builtins.") :]
            found.append(
                Reference(
                    target,
                    _range(src.ast_start(chain.node), src.ast_end(chain.node)),
                    chain.is_call,
                )
            )
        found.sort(key=lambda r: (*_range_key(r.range), r.target))
        return tuple(found)


def _range_key(r: Range) -> tuple[int, int, int, int]:
    return r.line, r.col, r.end_line, r.end_col


def _convention_facts(
    src: _Source, tree: ast.Module
) -> tuple[tuple[Definition, ...], tuple[Reference, ...]]:
    """Never raises: a failure costs the convention facts, not the imports."""
    try:
        return _ConventionReader(src).read(tree)
    except Exception:  # pragma: no cover - defensive (RecursionError, MemoryError)
        return (), ()


# --- entry points ----------------------------------------------------------------------


def extract_facts(text: str, conventions: bool = True) -> FileFacts:
    """Everything the engine needs from one file's text. Never raises. ``conventions=False``
    leaves out definitions and references (for configs without convention rules)."""
    try:
        return _extract(text, conventions)
    except Exception as exc:  # defensive: a bug here must not stop a whole run
        problem = SourceProblem(f"archrules could not read this file: {exc!r}", Range(0, 0, 0, 0))
        return FileFacts(syntax_error=problem, line_count=_count_lines(_split_lines(text)))


def _extract(text: str, conventions: bool) -> FileFacts:
    src = _Source(text)
    tree = _parse(src)
    syntax_error: SourceProblem | None = None
    definitions: tuple[Definition, ...] = ()
    references: tuple[Reference, ...] = ()
    if isinstance(tree, ast.Module):
        imports = _finish(src, *_AstReader(src).read(tree))
        if conventions:
            definitions, references = _convention_facts(src, tree)
    else:
        syntax_error = tree
        imports = _parso_imports(src) or ()
    return FileFacts(
        imports=imports,
        exceptions=_exception_comments(src),
        syntax_error=syntax_error,
        line_count=_count_lines(src.lines),
        definitions=definitions,
        references=references,
    )


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
