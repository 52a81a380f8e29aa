"""The parso reader: imports from parso's error-recovering tree, for files ``ast`` cannot
parse (ADR-0003)."""

from __future__ import annotations

import ast
import warnings
from functools import lru_cache
from typing import Any

from archrules.core.reading.raw import RawCall, RawImport, call_lines, finish, is_module_name
from archrules.core.reading.text import Source, norm, to_range
from archrules.core.types import ImportFact, Range

# parso's trees are typed loosely; nodes and leaves are handled as Any here.
_PNode = Any


@lru_cache(maxsize=1)
def _parso_grammar() -> _PNode:
    from parso.grammar import load_grammar  # noqa: PLC0415 - only a broken file needs parso

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
        return norm(test.value)
    if test.type in ("atom_expr", "power") and len(test.children) == 2:
        head, trailer = test.children
        if (
            head.type == "name"
            and trailer.type == "trailer"
            and _is_op(trailer.children[0], ".")
            and trailer.children[1].type == "name"
        ):
            return f"{norm(head.value)}.{norm(trailer.children[1].value)}"
    return None


class _ParsoReader:
    def __init__(self, src: Source) -> None:
        self.src = src
        self.raws: list[RawImport] = []
        self.calls: list[RawCall] = []

    def read(self, module: _PNode) -> tuple[list[RawImport], list[RawCall]]:
        want_calls = bool(call_lines(self.src))
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
        parts = [norm(leaves[i].value)]
        i += 1
        while i + 1 < len(leaves) and _is_op(leaves[i], ".") and leaves[i + 1].type == "name":
            parts.append(norm(leaves[i + 1].value))
            i += 2
        return ".".join(parts), i

    def as_name(self, leaves: list[_PNode], i: int) -> tuple[str | None, int]:
        if i < len(leaves) and _is_kw(leaves[i], "as"):
            i += 1
            if i < len(leaves) and leaves[i].type == "name":
                return norm(leaves[i].value), i + 1
        return None, i

    def import_name(self, leaves: list[_PNode], guards: tuple[str, ...]) -> int:
        src = self.src
        line = src.parso_pos(leaves[0].start_pos)[0]
        i = 1
        while (found := self.dotted(leaves, i)) is not None:
            module, after = found
            module_range = to_range(
                src.parso_pos(leaves[i].start_pos), src.parso_pos(leaves[after - 1].end_pos)
            )
            asname, i = self.as_name(leaves, after)
            self.raws.append(RawImport(module, None, 0, module_range, None, line, guards, asname))
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
        module_range = to_range(
            src.parso_pos(leaves[1].start_pos), src.parso_pos(leaves[i - 1].end_pos)
        )
        names: list[tuple[str, Range, str | None]] = []
        if i < len(leaves) and _is_kw(leaves[i], "import"):
            i += 1
            paren = i < len(leaves) and _is_op(leaves[i], "(")
            i += paren
            while i < len(leaves) and (leaves[i].type == "name" or _is_op(leaves[i], "*")):
                leaf = leaves[i]
                name_range = to_range(src.parso_pos(leaf.start_pos), src.parso_pos(leaf.end_pos))
                asname, i = self.as_name(leaves, i + 1)
                names.append((norm(leaf.value), name_range, asname))
                if i < len(leaves) and _is_op(leaves[i], ","):
                    i += 1
                else:
                    break
            if paren and i < len(leaves) and _is_op(leaves[i], ")"):
                i += 1
        if not names:
            self.raws.append(RawImport(module, None, level, module_range, None, line, guards, None))
        for name, name_range, asname in names:
            self.raws.append(
                RawImport(module, name, level, module_range, name_range, line, guards, asname)
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
        if value is None or not is_module_name(value):
            return
        src = self.src
        self.calls.append(
            RawCall(
                kind,
                norm(head.value),
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


def parso_imports(src: Source) -> tuple[ImportFact, ...] | None:
    """Imports from parso's error-recovering tree; None if parso gives up."""
    try:
        module = _parso_grammar().parse(src.parse_text, error_recovery=True)
        raws, calls = _ParsoReader(src).read(module)
        return finish(src, raws, calls)
    except Exception:  # RecursionError, MemoryError, or a parso bug: no imports then
        return None
