"""Positions of keys and values in a TOML text.

``tomllib`` parses TOML but forgets where things were. ``TomlPositions`` scans the same text
once and maps every key path to the range of its key and the range of its value::

    ("project", "roots")            the ``roots`` key in ``[project]`` and its array
    ("layers", 0)                   the first ``[[layers]]`` header
    ("layers", 0, "layers", 1, 0)   the first entry of the second element of its ``layers``
    ("forbidden", 1, "to", 2)       the third entry of ``to`` in the second ``[[forbidden]]``

What a path locates:

- ``key = value`` (also inside inline tables): the key is the last part of the (possibly
  dotted) key, the value is the whole value (strings with their quotes, arrays with their
  brackets). The leading parts of a dotted key locate themselves and the same value.
- an element of an array: key and value are both the element.
- a table from a ``[header]`` or ``[[header]]``: the key is the header's last key part (an
  earlier part locates itself), the value is the whole header, brackets included. An
  explicit header wins over a table implied by an earlier header or dotted key.
- ``[[x]]`` occurrences are counted: ``("x", i)`` is the i-th header, ``("x",)`` the first.

The scanner only locates: the text is expected to have been validated by ``tomllib``. On
invalid text it still terminates in linear time and never raises; what it cannot locate
falls back to the closest located ancestor, and to the start of the text in the end.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from archrules.core.types import FILE_START, Range

KeyPath = tuple[str | int, ...]


# arrays and inline tables nested deeper than this, and keys or headers with more parts,
# are skipped, not located (which keeps the scan linear on pathological input)
_MAX_DEPTH = 64

_BLANK = re.compile(r"(?:[ \t\r\n]|#[^\n]*)*")  # whitespace, newlines and comments
_SPACE = re.compile(r"[ \t]*")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_BASIC = re.compile(r'"(?:[^"\\\n]|\\[^\n])*"?')
_LITERAL = re.compile(r"'[^'\n]*'?")
_ML_BASIC = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""(?:""?)?', re.DOTALL)
_ML_LITERAL = re.compile(r"'''(?:[^']|'(?!''))*'''(?:''?)?")
_SCALAR = re.compile(r"[^,\]}#\n\r]*")  # numbers, booleans, dates (which may hold a space)
_NEWLINE = re.compile(r"\n")

_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}
_ESCAPES["e"] = "\x1b"
_HEX_WIDTH = {"u": 4, "U": 8, "x": 2}

# an entry: key start, key end, value start, value end (offsets into the text)
_Entry = tuple[int, int, int, int]
# a part of a dotted key: its name, start and end offsets
_Part = tuple[str, int, int]


class TomlPositions:
    """Where each key and value of a TOML text is.

    ``prefix`` is prepended to every looked-up path: ``("tool", "archrules")`` lets the
    config loader use the same paths for ``pyproject.toml`` as for ``archrules.toml``.
    """

    def __init__(self, text: str, prefix: KeyPath = ()) -> None:
        self.text = text
        self.prefix = prefix
        self._line_starts = [0, *(m.end() for m in _NEWLINE.finditer(text))]
        self._entries = _Scanner(text).scan()

    def contains(self, path: KeyPath) -> bool:
        """Is this exact path located (no fallback)?"""
        return self.prefix + path in self._entries

    def locate(self, path: KeyPath) -> KeyPath:
        """The path itself if located, else its closest located ancestor (may be ``()``).

        The result is relative to the prefix when it lies inside it, absolute otherwise.
        """
        full = self._closest(self.prefix + path)
        if full[: len(self.prefix)] == self.prefix:
            return full[len(self.prefix) :]
        return full

    def key_range(self, path: KeyPath) -> Range:
        entry = self._entries.get(self._closest(self.prefix + path))
        if entry is None:
            return FILE_START
        return self._range(entry[0], entry[1])

    def value_range(self, path: KeyPath) -> Range:
        entry = self._entries.get(self._closest(self.prefix + path))
        if entry is None:
            return FILE_START
        return self._range(entry[2], entry[3])

    def _closest(self, full: KeyPath) -> KeyPath:
        while full and full not in self._entries:
            full = full[:-1]
        return full

    def _range(self, start: int, end: int) -> Range:
        line, col = self._position(start)
        end_line, end_col = self._position(end)
        return Range(line, col, end_line, end_col)

    def _position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self._line_starts, offset) - 1
        return line, offset - self._line_starts[line]


def _unescape(raw: str) -> str:
    """The content of a basic string (without its quotes): TOML escapes resolved."""
    if "\\" not in raw:
        return raw
    out: list[str] = []
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch == "\\" and i + 1 < len(raw):
            esc = raw[i + 1]
            if esc in _ESCAPES:
                out.append(_ESCAPES[esc])
                i += 2
                continue
            width = _HEX_WIDTH.get(esc)
            digits = raw[i + 2 : i + 2 + width] if width else ""
            if (
                width
                and len(digits) == width
                and all(c in "0123456789abcdefABCDEF" for c in digits)
            ):
                code = int(digits, 16)
                if code <= 0x10FFFF:
                    out.append(chr(code))
                    i += 2 + width
                    continue
        out.append(ch)
        i += 1
    return "".join(out)


class _Scanner:
    """One forward pass over the text; records an ``_Entry`` per key path."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.n = len(text)
        self.pos = 0
        self.entries: dict[KeyPath, _Entry] = {}
        self.implicit: set[KeyPath] = set()  # entries that an explicit definition replaces
        self.aot_count: dict[KeyPath, int] = {}  # arrays of tables: headers seen so far

    def scan(self) -> dict[KeyPath, _Entry]:
        table: KeyPath | None = ()  # None: under a header too long to locate
        while True:
            self._skip(_BLANK)
            if self.pos >= self.n:
                return self.entries
            start = self.pos
            if self.text[start] == "[":
                table = self._header()
            else:
                self._keyval(table)
            # the rest of the line is a comment (or, in invalid text, skipped)
            self._skip(_SPACE)
            newline = self.text.find("\n", self.pos)
            self.pos = self.n if newline < 0 else newline + 1  # always past `start`

    # --- recording ---------------------------------------------------------------------

    def _record(self, path: KeyPath, entry: _Entry, *, implicit: bool = False) -> None:
        if path not in self.entries or (path in self.implicit and not implicit):
            self.entries[path] = entry
            if implicit:
                self.implicit.add(path)
            else:
                self.implicit.discard(path)

    def _assign(self, base: KeyPath, parts: list[_Part], start: int, end: int) -> None:
        """Record ``a.b.c = value``: each part with its own key range and the value's."""
        path = base
        for i, (name, key_start, key_end) in enumerate(parts):
            path = (*path, name)
            self._record(path, (key_start, key_end, start, end), implicit=i < len(parts) - 1)

    # --- lexing ------------------------------------------------------------------------

    def _skip(self, pattern: re.Pattern[str]) -> None:
        match = pattern.match(self.text, self.pos)
        if match:  # pragma: no branch - the patterns used here always match (maybe empty)
            self.pos = match.end()

    def _at(self, ch: str) -> bool:
        return self.text.startswith(ch, self.pos)

    def _string_end(self) -> int:
        """End offset of the string starting at ``pos`` (to the end of text if unterminated)."""
        text, pos = self.text, self.pos
        if text.startswith('"""', pos):
            pattern = _ML_BASIC
        elif text.startswith("'''", pos):
            pattern = _ML_LITERAL
        elif text[pos] == '"':
            pattern = _BASIC
        else:
            pattern = _LITERAL
        match = pattern.match(text, pos)
        return match.end() if match else self.n

    def _key(self) -> list[_Part]:
        """A dotted key (``a . "b c" . 'd'``) with the spaces around it; [] when none."""
        parts: list[_Part] = []
        while True:
            self._skip(_SPACE)
            part = self._key_part()
            if part is None:
                return parts
            parts.append(part)
            self._skip(_SPACE)
            if not self._at("."):
                return parts
            self.pos += 1

    def _key_part(self) -> _Part | None:
        start = self.pos
        if start >= self.n:
            return None
        ch = self.text[start]
        if ch in "\"'":
            end = self._string_end()
            raw = self.text[start + 1 : end - 1] if end - start >= 2 else ""
            name = _unescape(raw) if ch == '"' else raw
        else:
            match = _BARE_KEY.match(self.text, start)
            if not match:
                return None
            end = match.end()
            name = match.group()
        self.pos = end
        return name, start, end

    # --- statements --------------------------------------------------------------------

    def _header(self) -> KeyPath | None:
        """``[a.b]`` or ``[[a.b]]``: record it and return the table path it opens."""
        start = self.pos
        many = self._at("[[")
        self.pos += 2 if many else 1
        parts = self._key()
        self._skip(_SPACE)
        close = "]]" if many else "]"
        if self._at(close):
            self.pos += len(close)
        end = self.pos
        if len(parts) > _MAX_DEPTH:
            return None
        path: KeyPath = ()
        for i, (name, key_start, key_end) in enumerate(parts):
            path = (*path, name)
            entry = (key_start, key_end, start, end)
            last = i == len(parts) - 1
            self._record(path, entry, implicit=not last or many)
            count = self.aot_count.get(path, 0)
            if last and many:
                self.aot_count[path] = count + 1
                path = (*path, count)
                self._record(path, entry)
            elif count:  # inside the latest element of an array of tables
                path = (*path, count - 1)
        return path

    def _keyval(self, table: KeyPath | None) -> None:
        parts = self._key()
        self._skip(_SPACE)
        if not parts or not self._at("="):
            return
        self.pos += 1
        self._skip(_SPACE)
        self._assigned_value(table, parts, 0)

    def _assigned_value(self, base: KeyPath | None, parts: list[_Part], depth: int) -> None:
        """The value of ``parts = ...`` at ``pos``, in the table ``base``."""
        if base is None or len(base) + len(parts) > _MAX_DEPTH:
            self._value((), _MAX_DEPTH)  # skip without recording
            return
        start = self.pos
        self._value((*base, *(name for name, _, _ in parts)), depth)
        self._assign(base, parts, start, self.pos)

    # --- values ------------------------------------------------------------------------

    def _value(self, path: KeyPath, depth: int) -> None:
        """Scan the value at ``pos`` (recording what is inside it); ``pos`` ends after it."""
        if self.pos >= self.n:
            return
        ch = self.text[self.pos]
        if ch in "\"'":
            self.pos = self._string_end()
        elif ch in "[{" and depth >= _MAX_DEPTH:
            self._skip_nested()
        elif ch == "[":
            self._array(path, depth)
        elif ch == "{":
            self._inline_table(path, depth)
        else:
            match = _SCALAR.match(self.text, self.pos)
            if match:  # pragma: no branch - always matches (maybe empty)
                self.pos = match.start() + len(match.group().rstrip(" \t"))

    def _array(self, path: KeyPath, depth: int) -> None:
        self.pos += 1
        index = 0
        while True:
            self._skip(_BLANK)
            if self.pos >= self.n:
                return
            ch = self.text[self.pos]
            if ch == "]":
                self.pos += 1
                return
            if ch == ",":  # only in invalid text: an empty element
                self.pos += 1
                continue
            start = self.pos
            element = (*path, index)
            self._value(element, depth + 1)
            if self.pos == start:  # a character that cannot start a value
                return
            self._record(element, (start, self.pos, start, self.pos))
            index += 1
            self._skip(_BLANK)
            if self._at(","):
                self.pos += 1

    def _inline_table(self, path: KeyPath, depth: int) -> None:
        self.pos += 1
        while True:
            self._skip(_BLANK)  # newlines inside inline tables are TOML 1.1; accept them
            if self.pos >= self.n:
                return
            ch = self.text[self.pos]
            if ch == "}":
                self.pos += 1
                return
            if ch == ",":
                self.pos += 1
                continue
            parts = self._key()
            self._skip(_SPACE)
            if not parts or not self._at("="):
                return
            self.pos += 1
            self._skip(_SPACE)
            self._assigned_value(path, parts, depth + 1)

    def _skip_nested(self) -> None:
        """Skip a too deeply nested array or inline table without recording anything."""
        level = 0
        while self.pos < self.n:
            ch = self.text[self.pos]
            if ch in "\"'":
                self.pos = self._string_end()
                continue
            if ch == "#":
                newline = self.text.find("\n", self.pos)
                self.pos = self.n if newline < 0 else newline
                continue
            self.pos += 1
            if ch in "[{":
                level += 1
            elif ch in "]}":
                level -= 1
                if level == 0:
                    return
