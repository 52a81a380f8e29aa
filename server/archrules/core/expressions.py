"""Module expressions, import expressions and name globs.

``shop.web``        that module and everything below it
``shop.*``          each direct child of ``shop`` (with what is below it)
``shop.**.models``  ``models`` at any depth below ``shop`` (``**`` spans zero or more parts)
``IMPORTER -> IMPORTED``  an import expression, each side a module expression

Name globs use ``*`` and ``?`` only. Matching is linear in the number of name parts: no
user-written regular expression reaches the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from archrules.core.types import FILE_START, Range


class ExpressionError(ValueError):
    pass


def _check_part(part: str, text: str) -> None:
    if part in ("*", "**"):
        return
    if not part or not all(ch.isalnum() or ch == "_" for ch in part) or part[0].isdigit():
        raise ExpressionError(f"'{text}' is not a module expression: bad part '{part}'")


@dataclass(frozen=True)
class ModuleExpr:
    """A parsed module expression; ``range`` locates it in the config file."""

    text: str
    parts: tuple[str, ...]
    range: Range = FILE_START

    @staticmethod
    def parse(text: str, range: Range = FILE_START) -> ModuleExpr:
        stripped = text.strip()
        parts = tuple(stripped.split("."))
        for part in parts:
            _check_part(part, stripped)
        return ModuleExpr(stripped, parts, range)

    def within(self, container: ModuleExpr) -> ModuleExpr:
        """This expression read relative to a container: ``web`` within ``shop``."""
        return ModuleExpr(f"{container.text}.{self.text}", container.parts + self.parts, self.range)

    @property
    def is_wildcard(self) -> bool:
        return any(part in ("*", "**") for part in self.parts)

    @property
    def top(self) -> str:
        return self.parts[0]

    def match_root(self, module: str) -> str | None:
        """The matched module this module belongs to, or None.

        ``shop.*`` matches ``shop.orders.models`` with root ``shop.orders``; a plain
        expression's root is itself. The root is the unit that rules such as ``acyclic``
        and ``independent`` treat as one component.
        """
        n = _match_prefix(self.parts, tuple(module.split(".")))
        if n is None:
            return None
        return ".".join(module.split(".")[:n])

    def matches(self, module: str) -> bool:
        return self.match_root(module) is not None

    def matches_exactly(self, module: str) -> bool:
        """Does the expression name this module itself (not only something above it)?"""
        root = self.match_root(module)
        return root == module

    def names(self, module: str) -> bool:
        """Does the expression name this module, the parts read as names only (``*`` one
        part, ``**`` any number): ``a.*`` names ``a.b`` but neither ``a`` nor ``a.b.c``."""
        return _match_full(self.parts, tuple(module.split(".")))


@lru_cache(maxsize=65536)
def _ends(pattern: tuple[str, ...], name: tuple[str, ...]) -> frozenset[int]:
    """Every n such that ``pattern`` matches ``name[:n]`` exactly (empty: none)."""
    # positions reachable in `name` after consuming pattern[:i]; a set keeps it linear-ish
    states = {0}
    for part in pattern:
        nxt: set[int] = set()
        for pos in states:
            if part == "**":
                nxt.update(range(pos, len(name) + 1))
            elif pos < len(name) and (part == "*" or part == name[pos]):
                nxt.add(pos + 1)
        if not nxt:
            return frozenset()
        states = nxt
    return frozenset(states)


def _match_prefix(pattern: tuple[str, ...], name: tuple[str, ...]) -> int | None:
    """Smallest n such that ``pattern`` matches ``name[:n]`` exactly, or None."""
    ends = _ends(pattern, name)
    return min(ends) if ends else None


def _match_full(pattern: tuple[str, ...], name: tuple[str, ...]) -> bool:
    """Does ``pattern`` match all of ``name``?"""
    return len(name) in _ends(pattern, name)


@dataclass(frozen=True)
class ImportExpr:
    """``IMPORTER -> IMPORTED``. Each side matches its module and everything below it;
    ``exact`` (``ignore-exact``): each side matches the modules it names, nothing below."""

    importer: ModuleExpr
    imported: ModuleExpr
    range: Range = FILE_START
    exact: bool = False

    @staticmethod
    def parse(text: str, range: Range = FILE_START, exact: bool = False) -> ImportExpr:
        left, sep, right = text.partition("->")
        if not sep:
            raise ExpressionError(f"'{text}' is not an import expression: expected 'A -> B'")
        return ImportExpr(
            ModuleExpr.parse(left, range), ModuleExpr.parse(right, range), range, exact
        )

    def matches(self, importer: str, imported: str) -> bool:
        if self.exact:
            return self.importer.names(importer) and self.imported.names(imported)
        return self.importer.matches(importer) and self.imported.matches(imported)


NAME_STYLES = ("snake_case", "PascalCase", "UPPER_CASE")


def glob_match(pattern: str, name: str) -> bool:
    """``*`` any run of characters, ``?`` one character; iterative, no backtracking blow-up."""
    p = n = 0
    star_p, star_n = -1, 0
    while n < len(name):
        if p < len(pattern) and (pattern[p] == "?" or pattern[p] == name[n]):
            p += 1
            n += 1
        elif p < len(pattern) and pattern[p] == "*":
            star_p, star_n = p, n
            p += 1
        elif star_p >= 0:
            p = star_p + 1
            star_n += 1
            n = star_n
        else:
            return False
    while p < len(pattern) and pattern[p] == "*":
        p += 1
    return p == len(pattern)
