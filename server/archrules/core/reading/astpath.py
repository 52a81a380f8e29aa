"""The ``ast`` reader: imports and dynamic imports from a parsed tree, and the parse itself
(a syntax error becomes a :class:`SourceProblem`)."""

from __future__ import annotations

import ast
import symtable
import warnings
from bisect import bisect_left

from archrules.core.reading.raw import RawCall, RawImport, call_lines, is_module_name
from archrules.core.reading.text import Source, to_range
from archrules.core.types import FILE_START, SourceProblem


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


BLOCKS = _block_fields()


def _ast_guard(test: ast.expr) -> str | None:
    if type(test) is ast.Name:
        return test.id
    if type(test) is ast.Attribute and type(test.value) is ast.Name:
        return f"{test.value.id}.{test.attr}"
    return None


class AstReader:
    def __init__(self, src: Source) -> None:
        self.src = src
        self.raws: list[RawImport] = []
        self.calls: list[RawCall] = []

    def read(self, tree: ast.Module) -> tuple[list[RawImport], list[RawCall]]:
        # expressions are visited only in statements whose lines mention a dynamic import
        lines = call_lines(self.src)
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
                blocks = BLOCKS.get(type(node))
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
                if lines:
                    at = bisect_left(lines, node.lineno - 1)
                    if at < len(lines) and lines[at] < (node.end_lineno or node.lineno):
                        self.scan_calls(node, guards)
        return self.raws, self.calls

    def import_(self, node: ast.Import, guards: tuple[str, ...]) -> None:
        src = self.src
        line = node.lineno - 1
        for alias in node.names:
            start = src.ast_start(alias)
            end = src.ast_end(alias) if alias.asname is None else src.dotted_end(*start)
            self.raws.append(
                RawImport(
                    alias.name, None, 0, to_range(start, end), None, line, guards, alias.asname
                )
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
        module_range = to_range(start, end)
        module = node.module or ""
        for alias in node.names:
            name_start = src.ast_start(alias)
            if alias.asname is None:
                name_end = src.ast_end(alias)
            else:
                name_end = (name_start[0], src.ident_end(*name_start))
            self.raws.append(
                RawImport(
                    module,
                    alias.name,
                    node.level,
                    module_range,
                    to_range(name_start, name_end),
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
        if not is_module_name(arg.value):
            return
        src = self.src
        self.calls.append(
            RawCall(
                kind,
                ident,
                arg.value,
                src.ast_start(arg),
                src.ast_end(arg),
                node.lineno - 1,
                guards,
            )
        )


def compiles(src: Source) -> bool:
    """Whether the C parser accepts the text, checked without building the tree as Python
    objects: ``symtable`` parses, then builds only the symbol tables (ADR-0009). True
    implies that :func:`parse` succeeds. False does not imply that it fails: the symbol
    table pass also rejects some code ``ast`` accepts (``nonlocal`` at module level,
    ``from __future__ import braces``), so the caller asks :func:`parse` then."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            symtable.symtable(src.parse_text, "<source>", "exec")
    except Exception:  # SyntaxError, RecursionError, MemoryError, ValueError
        return False
    return True


def parse(src: Source) -> ast.Module | SourceProblem:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(src.parse_text)
    except SyntaxError as exc:
        return _syntax_problem(src, exc)
    except (RecursionError, MemoryError, ValueError) as exc:
        message = str(exc) if isinstance(exc, ValueError) else "too complex to parse"
        return SourceProblem(message or "cannot parse", FILE_START)


def _syntax_problem(src: Source, exc: SyntaxError) -> SourceProblem:
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
    return SourceProblem(exc.msg or "invalid syntax", to_range(start, end))
