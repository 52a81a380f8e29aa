"""The import scanner: import statements read from the text, without a parse (ADR-0009).

It is used only on text the C parser accepts (the caller checks that first), and there the
keyword ``import`` outside strings and comments occurs in import statements only. So the
scanner skips strings (every prefix, triple quotes, f-strings with nested replacement fields
and quotes as Python 3.12 allows) and comments, finds the keywords ``import`` and ``from``
left in code, and reads each statement with the same position helpers as the ``ast`` reader.

``TYPE_CHECKING`` guards need the block structure. Only when the text can name
``TYPE_CHECKING`` does the scanner also track brackets and backslash continuations, and find
each nested statement's enclosing blocks by indentation, as the tokenizer does.

What it cannot be sure of raises :class:`Unsure`, and the caller reads the file with ``ast``
instead: a text that mentions a dynamic import (``import_module``, ``__import__``), a guard
test holding a comment or a non-ASCII name, a backslash or ``{{`` where an f-string's
replacement field does not expect one.
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from bisect import bisect_right
from itertools import pairwise

from archrules.core.reading.raw import RawImport
from archrules.core.reading.text import Pos, Source, find_words, is_ident_char, norm, to_range


class Unsure(Exception):
    """The scanner cannot promise the ``ast`` reader's result for this text."""


_CODE = re.compile(r"['\"#]")  # what starts a string or a comment
_CODE_AND_BLOCKS = re.compile(r"['\"#()\[\]{}\\]")  # ... and brackets, continuations
_PREFIX = frozenset("rRbBuUfFtT")
_TO_LINE_END = re.compile(r"[^\r\n]*")
_BODY = {  # a string's body after its opening quote, closing quote included
    "'": re.compile(r"[^'\\\r\n]*(?:\\(?:\r\n|[\s\S])[^'\\\r\n]*)*'"),
    '"': re.compile(r'[^"\\\r\n]*(?:\\(?:\r\n|[\s\S])[^"\\\r\n]*)*"'),
    "'''": re.compile(r"[^'\\]*(?:(?:\\[\s\S]|'(?!''))[^'\\]*)*'''"),
    '"""': re.compile(r'[^"\\]*(?:(?:\\[\s\S]|"(?!""))[^"\\]*)*"""'),
}
# an f-string's literal part: escapes (a backslash before a brace leaves the brace alone;
# ``\N{...}`` is a named character, not a field), doubled braces, a field, the closing quote
_FSTRING = {
    (quote, raw): re.compile(
        ("" if raw else r"\\N\{[^}\r\n]*\}|")
        + r"\\(?:\r\n|[^{}])|\{\{|\}\}|[{}]|"
        + re.escape(quote)
    )
    for quote in _BODY
    for raw in (False, True)
}
_FIELD = re.compile(r"[()\[\]{}'\"#:\\]")  # what matters in a replacement field
_SPEC = re.compile(r"[{}\\]")  # ... and in its format spec
_KEY = re.compile(r"(\(*)([A-Za-z_]\w*)(\)*)(?:\.([A-Za-z_]\w*))?(\)*)")
_TOKEN = re.compile(r"[A-Za-z_]\w*|\S")
_CONTINUATION = re.compile(r"\\(?:\r\n|\r|\n)")
_HEADER_END = re.compile(r"[:()\[\]{}'\"#]")


# --- strings and comments --------------------------------------------------------------


def _string(text: str, at: int) -> tuple[int, int]:
    """The string literal whose opening quote is at ``at``: (start with prefix, end)."""
    quote = text[at]
    begin = at
    while begin > 0 and at - begin < 2 and text[begin - 1] in _PREFIX:
        begin -= 1
    if begin < at and begin > 0 and is_ident_char(text[begin - 1]):
        begin = at  # the letters end a name or a keyword (``if"x"``): no prefix
    prefix = text[begin:at].lower()
    if text.startswith(quote * 3, at):
        quote *= 3
    body = at + len(quote)
    match = _BODY[quote].match(text, body)
    formatted = "f" in prefix or "t" in prefix
    if formatted and (match is None or text.find("{", body, match.end()) >= 0):
        return begin, _fstring_end(text, body, quote, "r" in prefix)
    if match is None:
        raise Unsure("unterminated string")
    return begin, match.end()


def _fstring_end(text: str, pos: int, quote: str, raw: bool) -> int:
    stops = _FSTRING[quote, raw]
    while True:
        match = stops.search(text, pos)
        if match is None:
            raise Unsure("unterminated f-string")
        token, pos = match.group(), match.end()
        if token == quote:
            return pos
        if token == "{":  # noqa: S105 - a token of Python source, not a password
            pos = _field_end(text, pos)


def _field_end(text: str, pos: int) -> int:
    """After the ``}`` that closes the replacement field whose ``{`` ends before ``pos``."""
    depth = 0
    while True:
        match = _FIELD.search(text, pos)
        if match is None:
            raise Unsure("unterminated replacement field")
        at = match.start()
        ch = text[at]
        pos = at + 1
        if ch in "([{":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "}":
            if depth == 0:
                return pos
            depth -= 1
        elif ch in "'\"":
            pos = _string(text, at)[1]
        elif ch == "#":  # pragma: no cover - Python 3.12+ (a comment in a field)
            pos = _TO_LINE_END.match(text, pos).end()  # type: ignore[union-attr]
        elif ch == ":" and depth == 0:
            return _spec_end(text, pos)
        elif ch == "\\":
            raise Unsure("backslash in a replacement field")


def _spec_end(text: str, pos: int) -> int:
    while True:
        match = _SPEC.search(text, pos)
        if match is None or match.group() == "\\" or text.startswith("{{", match.start()):
            raise Unsure("format spec")
        pos = match.end()
        if match.group() == "}":
            return pos
        pos = _field_end(text, pos)


class _Lexed:
    """Where strings and comments are, and (``blocks``) brackets and continuations."""

    __slots__ = ("continued", "ends", "group_ends", "group_starts", "starts")

    def __init__(self, text: str, blocks: bool) -> None:
        search = (_CODE_AND_BLOCKS if blocks else _CODE).search
        starts: list[int] = []
        ends: list[int] = []
        group_starts: list[int] = []
        group_ends: list[int] = []
        continued: list[int] = []
        depth = 0
        pos = 0
        while (match := search(text, pos)) is not None:
            at = match.start()
            ch = text[at]
            if ch == "#":
                end = _TO_LINE_END.match(text, at).end()  # type: ignore[union-attr]
                starts.append(at)
                ends.append(end)
                pos = end
            elif ch in "'\"":
                begin, pos = _string(text, at)
                starts.append(begin)
                ends.append(pos)
            else:
                pos = at + 1
                if ch in "([{":
                    if depth == 0:
                        group_starts.append(at)
                    depth += 1
                elif ch in ")]}":
                    depth -= 1
                    if depth == 0:
                        group_ends.append(pos)
                else:  # a backslash outside strings: a line continuation in valid code
                    continued.append(at)
        if depth:
            raise Unsure("unbalanced brackets")
        self.starts = starts
        self.ends = ends
        self.group_starts = group_starts
        self.group_ends = group_ends
        self.continued = continued

    def in_code(self, at: int) -> bool:
        i = bisect_right(self.starts, at) - 1
        return i < 0 or at >= self.ends[i]

    def skip_end(self, at: int) -> int:
        """End of the string or comment that holds ``at``."""
        return self.ends[bisect_right(self.starts, at) - 1]


# --- statements ------------------------------------------------------------------------


class _Scanner:
    def __init__(self, src: Source) -> None:
        self.src = src
        self.text = src.text
        self.guarded = "TYPE_CHECKING" in (
            self.text
            if src.ascii or unicodedata.is_normalized("NFKC", self.text)
            else unicodedata.normalize("NFKC", self.text)  # the names ``ast`` would see
        )
        self.lexed = _Lexed(self.text, self.guarded)
        self.starts = src.line_starts()
        self.raws: list[RawImport] = []
        self._continuation_lines: set[int] | None = None
        self._parents: dict[int, int] = {}
        self._stack = [(-1, -1)]  # the open blocks: (indentation, header line)
        self._next_line = 0
        self._chains: dict[int, tuple[str, ...]] = {}

    def pos(self, at: int) -> Pos:
        line = bisect_right(self.starts, at) - 1
        return line, at - self.starts[line]

    def word(self, pos: Pos) -> str:
        line, col = pos
        return self.src.lines[line][col : self.src.ident_end(line, col)]

    def char(self, pos: Pos) -> str:
        line, col = pos
        return self.src.lines[line][col : col + 1]

    def read(self) -> list[RawImport]:
        lexed = self.lexed
        text = self.text
        used: set[int] = set()
        for at in find_words(text, "from"):
            if lexed.in_code(at):
                keyword_at = self.import_from(self.pos(at))
                if keyword_at is not None:
                    line, col = keyword_at
                    used.add(self.starts[line] + col)
        for at in find_words(text, "import"):
            if at not in used and lexed.in_code(at):
                self.import_(self.pos(at))
        return self.raws

    def dotted(self, start: Pos) -> tuple[str, Pos]:
        """The dotted name at ``start`` (``a . b`` is ``a.b``) and its end."""
        src = self.src
        line, col = start
        stop = src.ident_end(line, col)
        if stop == col:
            raise Unsure("a name was expected")
        parts = [norm(src.lines[line][col:stop])]
        end = (line, stop)
        while True:
            line, col = src.skip_space(*end)
            if src.lines[line][col : col + 1] != ".":
                return ".".join(parts), end
            line, col = src.skip_space(line, col + 1)
            stop = src.ident_end(line, col)
            if stop == col:
                return ".".join(parts), end
            parts.append(norm(src.lines[line][col:stop]))
            end = (line, stop)

    def as_name(self, pos: Pos, newlines: bool) -> tuple[str | None, Pos]:
        """An ``as name`` at ``pos``: (the name, where reading goes on)."""
        if self.word(pos) != "as":
            return None, pos
        src = self.src
        line, col = src.skip_space(pos[0], pos[1] + 2, newlines=newlines)
        stop = src.ident_end(line, col)
        if stop == col:
            raise Unsure("a name was expected after 'as'")
        return norm(src.lines[line][col:stop]), src.skip_space(line, stop, newlines=newlines)

    def import_(self, at: Pos) -> None:
        src = self.src
        guards = self.guards(at)
        pos = src.skip_space(at[0], at[1] + len("import"))
        while True:
            module, end = self.dotted(pos)
            asname, after = self.as_name(src.skip_space(*end), newlines=False)
            self.raws.append(
                RawImport(module, None, 0, to_range(pos, end), None, at[0], guards, asname)
            )
            if self.char(after) != ",":
                return
            pos = src.skip_space(after[0], after[1] + 1)

    def import_from(self, at: Pos) -> Pos | None:
        """Read ``from ... import ...`` at ``at``; None if this ``from`` starts none (``yield
        from``, ``raise ... from``). Returns where its ``import`` keyword is."""
        src = self.src
        start = end = pos = src.skip_space(at[0], at[1] + len("from"))
        level = 0
        while self.char(pos) == ".":
            level += 1
            end = (pos[0], pos[1] + 1)
            pos = src.skip_space(*end)
        module = ""
        if self.word(pos) not in ("", "import"):
            module, end = self.dotted(pos)
        elif level == 0:
            return None
        keyword_at = src.skip_space(*end)
        if self.word(keyword_at) != "import":
            return None
        guards = self.guards(at)
        module_range = to_range(start, end)
        pos = src.skip_space(keyword_at[0], keyword_at[1] + len("import"))
        paren = self.char(pos) == "("
        if paren:
            pos = src.skip_space(pos[0], pos[1] + 1, newlines=True)
        while True:
            line, col = pos
            stop = col + 1 if self.char(pos) == "*" else src.ident_end(line, col)
            if stop == col:
                raise Unsure("a name was expected")
            name = norm(src.lines[line][col:stop])
            after = src.skip_space(line, stop, newlines=paren)
            asname, after = self.as_name(after, newlines=paren)
            self.raws.append(
                RawImport(
                    module,
                    name,
                    level,
                    module_range,
                    to_range(pos, (line, stop)),
                    at[0],
                    guards,
                    asname,
                )
            )
            if self.char(after) != ",":
                return keyword_at
            pos = src.skip_space(after[0], after[1] + 1, newlines=paren)
            if paren and self.char(pos) == ")":
                return keyword_at

    # -- TYPE_CHECKING guards ----------------------------------------------------------

    def guards(self, at: Pos) -> tuple[str, ...]:
        """The tests of the ``if``/``elif`` blocks around the statement at ``at``, outer
        first, as ``_ast_guard`` spells them (empty when no guard can matter)."""
        if not self.guarded or (at[1] == 0 and at[0] not in self.continuation_lines()):
            return ()
        line = self.logical_start(at[0])
        first = self.first_column(line)
        guards = self.chain(line)
        if (line, first) != at and self.word((line, first)) in ("if", "elif"):
            # ``if TYPE_CHECKING: import a``: the statement is in the header's body
            key = self.key(line, first)
            if key is not None:
                guards = (*guards, key)
        return guards

    def continuation_lines(self) -> set[int]:
        """Lines that start inside a string, a bracket or after a backslash continuation."""
        if self._continuation_lines is None:
            lexed = self.lexed
            found: set[int] = set()
            spans = [
                *zip(lexed.starts, lexed.ends, strict=True),
                *zip(lexed.group_starts, lexed.group_ends, strict=True),
            ]
            for start, end in spans:
                first, last = self.pos(start)[0], self.pos(end - 1)[0]
                found.update(range(first + 1, last + 1))
            found.update(self.pos(at)[0] + 1 for at in lexed.continued)
            self._continuation_lines = found
        return self._continuation_lines

    def logical_start(self, line: int) -> int:
        continued = self.continuation_lines()
        while line in continued:
            line -= 1
        return line

    def first_column(self, line: int) -> int:
        text = self.src.lines[line]
        shift = self.src.shift if line == 0 else 0
        return len(text) - len(text[shift:].lstrip(" \t\x0c"))

    def chain(self, line: int) -> tuple[str, ...]:
        """The keys of the ``if``/``elif`` headers around the logical line ``line``."""
        found = self._chains.get(line)
        if found is not None:
            return found
        parent = self.parent(line)
        if parent < 0:
            found = ()
        else:
            found = self.chain(parent)
            first = self.first_column(parent)
            if self.word((parent, first)) in ("if", "elif"):
                key = self.key(parent, first)
                if key is not None:
                    found = (*found, key)
        self._chains[line] = found
        return found

    def parent(self, line: int) -> int:
        """The header line of the block holding the logical line ``line`` (-1: the module):
        the nearest logical line above it with a smaller indentation."""
        lines = self.src.lines
        continued = self.continuation_lines()
        stack = self._stack
        while self._next_line <= line:
            number = self._next_line
            self._next_line += 1
            if number in continued:
                continue
            text = lines[number]
            shift = self.src.shift if number == 0 else 0
            rest = text[shift:].lstrip(" \t\x0c")
            if not rest or rest[0] == "#":
                continue
            indent = _indentation(text[shift : len(text) - len(rest)])
            while stack[-1][0] >= indent:
                stack.pop()
            self._parents[number] = stack[-1][1]
            stack.append((indent, number))
        return self._parents.get(line, -1)

    def key(self, line: int, col: int) -> str | None:
        """The guard key of the ``if``/``elif`` header whose keyword is at (line, col)."""
        start = self.starts[line] + col + len(self.word((line, col)))
        text = self.text
        lexed = self.lexed
        depth = 0
        pos = start
        while True:
            match = _HEADER_END.search(text, pos)
            if match is None:
                raise Unsure("no end of header")
            at = match.start()
            ch = text[at]
            pos = at + 1
            if ch in "([{":
                depth += 1
            elif ch in ")]}":
                depth -= 1
            elif ch == "#":
                raise Unsure("a comment in a guard")
            elif ch in "'\"":
                pos = lexed.skip_end(at)
            elif depth == 0 and not text.startswith("=", pos):
                break
        return _guard_key(text[start:at])


def _indentation(blanks: str) -> int:
    """The tokenizer's indentation of a line starting with ``blanks`` (tabs to 8)."""
    col = 0
    for ch in blanks:
        if ch == "\t":
            col = (col // 8 + 1) * 8
        elif ch == "\x0c":
            col = 0
        else:
            col += 1
    return col


def _is_word(token: str) -> bool:
    return token[0].isalpha() or token[0] == "_"


def _guard_key(test: str) -> str | None:
    """``TYPE_CHECKING`` -> itself, ``(t . TYPE_CHECKING)`` -> ``t.TYPE_CHECKING``; None
    for any test that ``ast`` reads as neither a name nor an attribute of a name."""
    if not test.isascii():
        raise Unsure("a non-ASCII guard")
    tokens = _TOKEN.findall(_CONTINUATION.sub(" ", test))
    for one, two in pairwise(tokens):
        if _is_word(one) and (_is_word(two) or two[0].isdigit()):
            return None  # two words in a row: an operator word, ``not x``, ``await x``
    match = _KEY.fullmatch("".join(tokens))
    if match is None:
        return None
    opened, name, closed, attr, closed_after = match.groups()
    if keyword.iskeyword(name) or (attr is not None and keyword.iskeyword(attr)):
        return None
    if attr is None:
        return name if len(opened) == len(closed) + len(closed_after) else None
    if len(opened) != len(closed) + len(closed_after):
        return None
    return f"{name}.{attr}"


def steps_aside(text: str) -> bool:
    """Whether the scanner leaves this text to ``ast`` at once: it may hold a dynamic import
    (``importlib.import_module("a")``, ``__import__("a")``), which the ``ast`` reader finds."""
    return "import_module" in text or "__import__" in text


def scan_imports(src: Source) -> list[RawImport]:
    """The static imports of ``src``, whose text the C parser accepts, as the ``ast`` reader
    reads them. Raises :class:`Unsure` when it cannot promise that."""
    text = src.text
    if steps_aside(text):
        raise Unsure("a dynamic import may be there")
    if "import" not in text:
        return []
    return _Scanner(src).read()
