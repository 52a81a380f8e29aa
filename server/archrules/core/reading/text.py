"""The text of a source file as the readers see it: decoding, lines, positions.

Positions are 0-based lines and code point columns, end exclusive. Lines are separated by
``"\\r\\n"``, ``"\\r"`` or ``"\\n"`` only, as Python's tokenizer does. NUL characters are read
as spaces and lone surrogates as U+FFFD (same length, so every position is preserved); a
BOM character at the start of the text is read as whitespace.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import unicodedata
from collections.abc import Iterator, Sequence
from itertools import accumulate

from archrules.core.types import Range

Pos = tuple[int, int]  # (0-based line, code point column)

_NEWLINE = re.compile(r"\r\n|\r|\n")
_SURROGATE = re.compile("[\ud800-\udfff]")
SPACE = " \t\x0c"

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


def split_lines(text: str) -> list[str]:
    if "\r" not in text:
        return text.split("\n")
    return _NEWLINE.split(text)


def count_lines(lines: Sequence[str]) -> int:
    """``lines`` from :func:`split_lines`: a final empty piece is not a line."""
    return len(lines) - 1 if lines[-1] == "" else len(lines)


class Source:
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
        self.lines = split_lines(text)

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
            while col < n and text[col] in SPACE:
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
        while col < n and is_ident_char(text[col]):
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


def find_words(text: str, word: str) -> Iterator[int]:
    """Where ``word`` occurs in ``text`` as a whole identifier."""
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if (at == 0 or not is_ident_char(text[at - 1])) and (
            end == len(text) or not is_ident_char(text[end])
        ):
            yield at
        at = text.find(word, at + 1)


def is_ident_char(ch: str) -> bool:
    if ch.isascii():
        return ch.isalnum() or ch == "_"
    return ("_" + ch).isidentifier()


def norm(name: str) -> str:
    """Identifiers as the compiler sees them (NFKC), like ``ast`` gives them."""
    return name if name.isascii() else unicodedata.normalize("NFKC", name)


def to_range(start: Pos, end: Pos) -> Range:
    return Range(start[0], start[1], end[0], end[1])
