"""Imports as read, before the file-wide name bindings are known; shared by every reader.

:func:`finish` turns what a reader found into :class:`ImportFact` values: it resolves which
names are bound to ``importlib``, ``import_module`` and ``TYPE_CHECKING`` and sorts the facts
in source order.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from typing import NamedTuple

from archrules.core.reading.text import Pos, Source, find_words, to_range
from archrules.core.types import ImportFact, Range

_ALIAS = re.compile(r"[\s\\]+as[\s\\]+([^\W\d]\w*)")
_TYPING_MODULES = ("typing", "typing_extensions")


def call_lines(src: Source) -> list[int]:
    """The lines that may hold a dynamic import call, in order."""
    text = src.text
    if "import_module" not in text and "__import__" not in text:
        return []
    names = {"import_module", "__import__"}
    for word in ("import_module", "importlib"):
        for at in find_words(text, word):
            alias = _ALIAS.match(text, at + len(word))
            if alias:
                names.add(alias.group(1))
    starts = src.line_starts()
    lines = {bisect_right(starts, at) - 1 for name in names for at in find_words(text, name)}
    return sorted(lines)


def is_module_name(value: str) -> bool:
    return all(part.isidentifier() for part in value.split("."))


class RawImport(NamedTuple):
    """A static import as read, before the file-wide name bindings are known."""

    module: str
    name: str | None
    level: int
    module_range: Range
    name_range: Range | None
    stmt_line: int
    guards: tuple[str, ...]  # tests of the enclosing ``if`` bodies that may be TYPE_CHECKING
    asname: str | None


class RawCall(NamedTuple):
    """A call that is a dynamic import if its function is bound to one."""

    func: str  # "name" for f("x"), "attr" for x.import_module("x")
    ident: str  # f, or x
    module: str
    start: Pos  # the literal argument
    end: Pos
    stmt_line: int
    guards: tuple[str, ...]


def finish(
    src: Source, raws: Iterable[RawImport], calls: Iterable[RawCall]
) -> tuple[ImportFact, ...]:
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
                to_range(*content),
                None,
                call.stmt_line,
                type_checking=any(guard in tc_keys for guard in call.guards),
                dynamic=True,
            )
        )
    facts.sort(key=lambda f: (f.module_range, f.name_range or f.module_range))
    return tuple(facts)
