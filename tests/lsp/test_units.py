"""In-process unit tests of the language server's plain parts: positions and URIs
(`convert`), the diagnostics store (`store`), client settings (`settings`)."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from archrules.core.types import Range, Related, Violation
from archrules.lsp.convert import (
    from_client_position,
    path_to_uri,
    to_client_position,
    to_client_range,
    uri_to_path,
)
from archrules.lsp.settings import Settings, parse_settings
from archrules.lsp.store import DiagnosticsStore

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


def test_only_file_uris_name_files(tmp_path: Path) -> None:
    path = tmp_path / "a b" / "ü.py"
    assert uri_to_path(path_to_uri(path)) == path
    assert uri_to_path("untitled:Untitled-1") is None
    assert uri_to_path("file:///tmp/a%00b.py") is None


def finding(path: Path, line: int, related_line: int | None = None) -> Violation:
    related = (
        (Related(path.with_name("other.py"), Range(related_line, 0, related_line, 1), "x"),)
        if related_line is not None
        else ()
    )
    return Violation(
        rule="layers",
        kind="layers",
        severity="error",
        path=path,
        range=Range(line, 0, line, 5),
        message="a imports b",
        importer="a",
        imported="b",
        chain=("a", "b"),
        adr=None,
        key=("a", "b"),
        related=related,
    )


def test_the_store_reports_the_files_whose_findings_changed(tmp_path: Path) -> None:
    a, b = tmp_path / "a.py", tmp_path / "b.py"
    store = DiagnosticsStore()
    assert store.update({a: [finding(a, 1)]}, {}) == {a}
    assert store.update({a: [finding(a, 1)]}, {}) == set()
    assert store.update({a: [finding(a, 2)], b: []}, {}) == {a}
    assert store.update({}, {}) == {a}
    assert store.paths() == set()


def test_the_store_sees_a_change_in_related_locations_only(tmp_path: Path) -> None:
    """A chain's other import moved: the diagnostic's related information must follow."""
    a = tmp_path / "a.py"
    store = DiagnosticsStore()
    store.update({a: [finding(a, 1, related_line=3)]}, {})
    assert store.update({a: [finding(a, 1, related_line=4)]}, {}) == {a}


def test_settings_keep_good_values_and_name_each_bad_one() -> None:
    settings, problems = parse_settings(
        {
            "archrules": {
                "enable": "yes",
                "baseline": False,
                "logLevel": "DEBUG",
                "severity": {"layers": "Warning", "cycles": "loud"},
                "trace": "verbose",  # a client's own key: ignored silently
            }
        }
    )
    assert settings == Settings(
        enable=True, severity={"layers": "warning"}, baseline=False, log_level="debug"
    )
    assert problems == [
        "archrules.enable must be true or false",
        "archrules.severity.cycles must be one of error, warning, info, hint",
    ]
    assert parse_settings(None, settings) == (settings, [])
    assert parse_settings([1], settings)[1] == ["archrules settings must be an object, not list"]
    assert parse_settings({"severity": 3})[1] == [
        "archrules.severity must be an object: rule name -> severity"
    ]
    assert parse_settings({"logLevel": 3})[1] == [
        "archrules.logLevel must be one of error, warning, info, debug"
    ]
