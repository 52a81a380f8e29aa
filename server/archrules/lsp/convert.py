"""Positions, ranges and URIs between the engine and the client.

The engine counts columns in code points; the client in the negotiated encoding (UTF-16
unless it offered UTF-8 or UTF-32). Lines split on ``\\r\\n``, ``\\r`` and ``\\n`` as in LSP."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from lsprotocol import types
from pygls.uris import from_fs_path, to_fs_path

from archrules.core.types import Range


def _units(text: str, encoding: str) -> int:
    if encoding == types.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8", "surrogatepass"))
    if encoding == types.PositionEncodingKind.Utf32:
        return len(text)
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def to_client_position(lines: Sequence[str], line: int, col: int, encoding: str) -> types.Position:
    if line >= len(lines):
        return types.Position(
            line=max(len(lines) - 1, 0), character=_units(lines[-1], encoding) if lines else 0
        )
    return types.Position(line=line, character=_units(lines[line][:col], encoding))


def to_client_range(lines: Sequence[str], r: Range, encoding: str) -> types.Range:
    return types.Range(
        start=to_client_position(lines, r.line, r.col, encoding),
        end=to_client_position(lines, r.end_line, r.end_col, encoding),
    )


def from_client_position(
    lines: Sequence[str], position: types.Position, encoding: str
) -> tuple[int, int]:
    """A client position as (line, code-point column), clamped into the text."""
    if not lines:
        return 0, 0
    line = min(max(position.line, 0), len(lines) - 1)
    text = lines[line]
    wanted = max(position.character, 0)
    if encoding == types.PositionEncodingKind.Utf32:
        return line, min(wanted, len(text))
    units = 0
    for col, ch in enumerate(text):
        if units >= wanted:
            return line, col
        units += _units(ch, encoding)
    return line, len(text)


def uri_to_path(uri: str) -> Path | None:
    """The file a ``file:`` URI names; None for other schemes (untitled:, git:, ...)."""
    if not uri.startswith("file:"):
        return None
    try:
        path = to_fs_path(uri)
    except (ValueError, IndexError):
        return None
    if not path or "\x00" in path:  # no file has a NUL byte in its name
        return None
    return Path(path)


def path_to_uri(path: Path) -> str:
    uri: str | None = from_fs_path(str(path))
    assert uri is not None
    return uri
