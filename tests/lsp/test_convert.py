"""Positions and URIs between the engine and the client (``lsp/convert.py``), in process.

The engine counts columns in code points; a client in UTF-16 code units (the LSP default),
UTF-8 bytes or UTF-32 code points. Characters outside the Basic Multilingual Plane are where
the encodings disagree: an off-by-one there puts a diagnostic or an edit on the wrong
character."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types

from archrules.core.reading.text import split_lines
from archrules.core.types import Range
from archrules.lsp.convert import (
    from_client_position,
    path_to_uri,
    to_client_position,
    to_client_range,
    uri_to_path,
)

UTF8 = types.PositionEncodingKind.Utf8
UTF16 = types.PositionEncodingKind.Utf16
UTF32 = types.PositionEncodingKind.Utf32

# "é" is one UTF-16 unit and two UTF-8 bytes; U+1D518 two UTF-16 units, four bytes
LINES = ["x = 'é𝔘' ; import a", ""]


def test_columns_in_each_encoding_round_trip() -> None:
    col = LINES[0].index("import")
    expected = {UTF32: col, UTF16: col + 1, UTF8: col + 1 + 3}
    for encoding, character in expected.items():
        position = to_client_position(LINES, 0, col, encoding)
        assert position == types.Position(line=0, character=character), encoding
        assert from_client_position(LINES, position, encoding) == (0, col), encoding


def test_a_client_position_inside_a_character_or_past_the_end_is_clamped() -> None:
    inside_astral = types.Position(line=0, character=LINES[0].index("𝔘") + 1 + 1)
    assert from_client_position(LINES, inside_astral, UTF16) == (0, LINES[0].index("𝔘") + 1)
    assert from_client_position(LINES, types.Position(line=9, character=99), UTF16) == (1, 0)
    assert from_client_position([], types.Position(line=3, character=3), UTF16) == (0, 0)


def test_an_engine_range_past_the_text_ends_at_the_last_line() -> None:
    r = to_client_range(["ab", "c"], Range(0, 1, 7, 0), UTF16)
    assert r.start == types.Position(line=0, character=1)
    assert r.end == types.Position(line=1, character=1)


@pytest.mark.parametrize(
    ("encoding", "start", "end"),
    [(UTF16, 6, 8), (UTF8, 7, 11), (UTF32, 6, 7)],
    ids=["utf-16", "utf-8", "utf-32"],
)
def test_a_range_over_one_astral_character_covers_its_units(
    encoding: str, start: int, end: int
) -> None:
    """A diagnostic underlining exactly U+1D518: two UTF-16 units, four UTF-8 bytes."""
    col = LINES[0].index("𝔘")
    r = to_client_range(LINES, Range(0, col, 0, col + 1), encoding)
    assert (r.start.character, r.end.character) == (start, end)
    assert from_client_position(LINES, r.start, encoding) == (0, col)
    assert from_client_position(LINES, r.end, encoding) == (0, col + 1)


def test_a_utf8_position_inside_a_multibyte_character_moves_to_its_end() -> None:
    col = LINES[0].index("é")
    assert from_client_position(LINES, types.Position(line=0, character=5 + 1), UTF8) == (
        0,
        col + 1,
    )
    # and inside the astral character's four bytes
    for inside in (8, 9, 10):
        assert from_client_position(LINES, types.Position(line=0, character=inside), UTF8) == (
            0,
            col + 2,
        )


@pytest.mark.parametrize("encoding", [UTF8, UTF16, UTF32])
def test_positions_past_the_end_of_a_line_are_clamped_to_its_end(encoding: str) -> None:
    end = len(LINES[0])
    assert from_client_position(LINES, types.Position(line=0, character=500), encoding) == (
        0,
        end,
    )


def test_an_unknown_encoding_counts_as_utf16_the_lsp_default() -> None:
    col = LINES[0].index("import")
    assert to_client_position(LINES, 0, col, "utf-7") == to_client_position(LINES, 0, col, UTF16)


def test_columns_after_crlf_and_lone_cr_line_breaks() -> None:
    """Lines split as the client splits them: a CR is a line break, never a character."""
    lines = split_lines("a = 1\r\n𝔘 = 2\rimport b\n")
    assert lines == ["a = 1", "𝔘 = 2", "import b", ""]
    assert to_client_position(lines, 1, 4, UTF16) == types.Position(line=1, character=5)
    assert to_client_position(lines, 2, 7, UTF16) == types.Position(line=2, character=7)
    assert from_client_position(lines, types.Position(line=1, character=5), UTF16) == (1, 4)


def test_only_file_uris_name_files(tmp_path: Path) -> None:
    path = tmp_path / "a b" / "ü.py"
    assert uri_to_path(path_to_uri(path)) == path
    assert uri_to_path("untitled:Untitled-1") is None
    assert uri_to_path("file:///tmp/a%00b.py") is None


def test_uris_percent_encode_what_they_must_and_decode_what_clients_send(tmp_path: Path) -> None:
    path = tmp_path / "a b#c" / "𝔘.py"
    uri = path_to_uri(path)
    assert uri.startswith("file:///") and " " not in uri and "#" not in uri.split("///", 1)[1]
    assert uri_to_path(uri) == path
    assert uri_to_path("file:///srv/a%20b/c%C3%BC.py") == Path("/srv/a b/cü.py")
    # malformed file URIs name no file (and raise nothing)
    for malformed in ("file:", "file://", "file://[::1/a.py"):
        assert uri_to_path(malformed) is None, malformed
    for other in ("git:/srv/a.py?%7B%7D", "vscode-notebook-cell:/x.ipynb#W1", "https://x/a.py"):
        assert uri_to_path(other) is None, other
