"""Definitions and references for the convention rules (ADR-0007), from the ``ast`` tree."""

from __future__ import annotations

import ast
import builtins
import hashlib
from collections.abc import Sequence
from itertools import accumulate
from typing import NamedTuple

from archrules.core.reading.astpath import BLOCKS
from archrules.core.reading.text import SPACE, Source, to_range
from archrules.core.types import Definition, Range, Reference, Scope

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


class ConventionReader:
    """Definitions and references, from one walk of the ``ast`` tree."""

    def __init__(self, src: Source) -> None:
        self.src = src
        # name -> ((line, col, alias index), target): the first binding in the file wins
        self.bindings: dict[str, tuple[tuple[int, int, int], str]] = {}
        self.chains: list[_Chain] = []
        self.defs: list[tuple[ast.AST, str, Scope]] = []
        self.code = [
            1 if (s := line.lstrip(SPACE + "\ufeff")) and s[0] != "#" else 0 for line in src.lines
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
                blocks = BLOCKS.get(cls)
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
                    to_range(src.ast_start(chain.node), src.ast_end(chain.node)),
                    chain.is_call,
                )
            )
        found.sort(key=lambda r: (*_range_key(r.range), r.target))
        return tuple(found)


def _range_key(r: Range) -> tuple[int, int, int, int]:
    return r.line, r.col, r.end_line, r.end_col


def convention_facts(
    src: Source, tree: ast.Module
) -> tuple[tuple[Definition, ...], tuple[Reference, ...]]:
    """Never raises: a failure costs the convention facts, not the imports."""
    try:
        return ConventionReader(src).read(tree)
    except Exception:  # pragma: no cover - defensive (RecursionError, MemoryError)
        return (), ()
