"""The TOML position locator: key paths to the ranges of keys and values."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archrules.core.tomlpos import TomlPositions, _unescape
from archrules.core.types import Range

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]


def snippet(text: str, range_: Range) -> str:
    """The text a range covers."""
    lines = text.split("\n")
    if range_.line == range_.end_line:
        return lines[range_.line][range_.col : range_.end_col]
    parts = [lines[range_.line][range_.col :]]
    parts += lines[range_.line + 1 : range_.end_line]
    parts.append(lines[range_.end_line][: range_.end_col])
    return "\n".join(parts)


def key(text: str, *path: str | int, prefix: tuple[str | int, ...] = ()) -> str:
    return snippet(text, TomlPositions(text, prefix).key_range(path))


def value(text: str, *path: str | int, prefix: tuple[str | int, ...] = ()) -> str:
    return snippet(text, TomlPositions(text, prefix).value_range(path))


CONFIG = """\
# a comment [not.a.table]
[project]
roots = ["src",   # first
  'lib',
]  # done
type-checking-imports = "check"

[[layers]]
name = "clean"
layers = [
  ["shop.web", "shop.cli"],
  "shop.services",
]

[[forbidden]]
name = "one"

[[forbidden]]
name = "two"
to = ["a", "b", "c"]
"""


def test_key_and_value_of_a_table_key() -> None:
    positions = TomlPositions(CONFIG)
    assert positions.key_range(("project", "roots")) == Range(2, 0, 2, 5)
    assert positions.value_range(("project", "roots")) == Range(2, 8, 4, 1)
    assert value(CONFIG, "project", "roots", 1) == "'lib'"
    assert value(CONFIG, "project", "type-checking-imports") == '"check"'


def test_header_of_a_table() -> None:
    positions = TomlPositions(CONFIG)
    assert positions.key_range(("project",)) == Range(1, 1, 1, 8)
    assert positions.value_range(("project",)) == Range(1, 0, 1, 9)


def test_array_of_tables_are_counted() -> None:
    positions = TomlPositions(CONFIG)
    assert positions.value_range(("forbidden", 0)) == Range(14, 0, 14, 13)
    assert positions.value_range(("forbidden", 1)) == Range(17, 0, 17, 13)
    assert positions.key_range(("forbidden", 1)) == Range(17, 2, 17, 11)
    # the array itself: its first header
    assert positions.value_range(("forbidden",)) == Range(14, 0, 14, 13)
    assert value(CONFIG, "forbidden", 0, "name") == '"one"'
    assert value(CONFIG, "forbidden", 1, "name") == '"two"'
    assert positions.value_range(("forbidden", 1, "to", 2)) == Range(19, 16, 19, 19)


def test_nested_arrays_spanning_lines() -> None:
    positions = TomlPositions(CONFIG)
    assert positions.value_range(("layers", 0, "layers", 1, 0)) == Range(11, 2, 11, 17)
    assert positions.value_range(("layers", 0, "layers", 0, 1)) == Range(10, 15, 10, 25)
    assert value(CONFIG, "layers", 0, "layers", 0) == '["shop.web", "shop.cli"]'
    assert value(CONFIG, "layers", 0, "layers").startswith("[\n  [")
    # an array element's key is the element itself
    assert key(CONFIG, "layers", 0, "layers", 1) == '"shop.services"'


def test_comments_are_not_tables() -> None:
    positions = TomlPositions(CONFIG)
    assert not positions.contains(("not",))
    assert positions.locate(("not", "a", "table")) == ()
    assert positions.key_range(("not",)) == Range(0, 0, 0, 0)


def test_fallback_to_the_closest_located_ancestor() -> None:
    positions = TomlPositions(CONFIG)
    assert positions.locate(("forbidden", 1, "from")) == ("forbidden", 1)
    assert positions.value_range(("forbidden", 1, "from")) == Range(17, 0, 17, 13)
    assert positions.locate(("forbidden", 7, "to", 0)) == ("forbidden",)
    assert positions.locate(("project", "roots", 9)) == ("project", "roots")
    assert positions.contains(("project", "roots", 1))
    assert not positions.contains(("project", "roots", 2))


def test_dotted_keys() -> None:
    text = 'project.roots = ["src"]\n[adr]\n a . "b" . c = 1  # x\n'
    assert key(text, "project", "roots") == "roots"
    assert key(text, "project") == "project"
    assert value(text, "project") == '["src"]'
    assert value(text, "project", "roots", 0) == '"src"'
    assert key(text, "adr", "a", "b", "c") == "c"
    assert key(text, "adr", "a", "b") == '"b"'
    assert value(text, "adr", "a", "b", "c") == "1"


def test_dotted_headers_and_explicit_tables_win() -> None:
    text = "[tool.archrules.project]\nroots = []\n[tool.archrules]\nx = 1\n[tool.other]\n"
    positions = TomlPositions(text)
    assert positions.value_range(("tool", "archrules")) == Range(2, 0, 2, 16)
    assert positions.key_range(("tool", "archrules")) == Range(2, 6, 2, 15)
    assert key(text, "tool") == "tool"
    assert positions.value_range(("tool",)) == Range(0, 0, 0, 24)  # first mention
    assert key(text, "tool", "archrules", "project") == "project"


def test_quoted_keys() -> None:
    text = '"a b" = 1\n\'c.d\' = 2\n"e\\u0066" = 3\n[ "x" . \'y\' ]\n"" = 4\n'
    assert key(text, "a b") == '"a b"'
    assert key(text, "c.d") == "'c.d'"
    assert key(text, "ef") == '"e\\u0066"'
    assert value(text, "x", "y") == "[ \"x\" . 'y' ]"
    assert value(text, "x", "y", "") == "4"


def test_strings() -> None:
    text = (
        'a = "x\\"y" # c\n'
        "b = 'lit\\'\n"
        'c = """one\n"two" ""\nthree""""\n'
        "d = '''x\n'y'\n'''''\n"
        'e = """a\\"""b"""\n'
        "f = 'x#y'\n"
    )
    tomllib.loads(text)
    assert value(text, "a") == '"x\\"y"'
    assert value(text, "b") == "'lit\\'"
    assert value(text, "c") == '"""one\n"two" ""\nthree""""'
    assert value(text, "d") == "'''x\n'y'\n'''''"
    assert value(text, "e") == '"""a\\"""b"""'
    assert value(text, "f") == "'x#y'"


def test_scalars() -> None:
    text = (
        "a = 1_000 # n\nb = true\nc = 1979-05-27 07:32:00Z  \n"
        "d = [1.5, -inf, 0x1F]\ne = 07:32:00\r\nf = 2\n"
    )
    tomllib.loads(text)
    assert value(text, "a") == "1_000"
    assert value(text, "b") == "true"
    assert value(text, "c") == "1979-05-27 07:32:00Z"
    assert value(text, "d", 1) == "-inf"
    assert value(text, "d", 2) == "0x1F"
    assert value(text, "e") == "07:32:00"
    assert value(text, "f") == "2"


def test_inline_tables() -> None:
    text = 'layers = [ {name = "a", layers = ["x", ["y", "z"]]}, { name = "b", s.t = {u = 1} } ]\n'
    tomllib.loads(text)
    assert value(text, "layers", 0, "name") == '"a"'
    assert value(text, "layers", 0, "layers", 1, 1) == '"z"'
    assert value(text, "layers", 1, "name") == '"b"'
    assert key(text, "layers", 1, "s", "t", "u") == "u"
    assert value(text, "layers", 1, "s", "t") == "{u = 1}"
    assert value(text, "layers", 1) == '{ name = "b", s.t = {u = 1} }'
    assert value(text, "layers", 0).startswith("{name")


def test_nested_arrays_of_tables() -> None:
    text = "[[a]]\nx = 1\n[[a.b]]\ny = 2\n[[a.b]]\ny = 3\n[[a]]\n[[a.b]]\ny = 4\n[a.c]\nz = 5\n"
    doc = tomllib.loads(text)
    assert doc["a"][1]["b"][0]["y"] == 4
    assert value(text, "a", 0, "b", 1, "y") == "3"
    assert value(text, "a", 1, "b", 0, "y") == "4"
    assert value(text, "a", 1, "c", "z") == "5"
    positions = TomlPositions(text)
    assert positions.value_range(("a", 1)) == Range(6, 0, 6, 5)
    assert positions.value_range(("a", 0, "b")) == Range(2, 0, 2, 7)


def test_prefix() -> None:
    text = (
        '[tool.ruff]\nx = 1\n[tool.archrules.project]\nroots = ["src"]\n'
        '[[tool.archrules.layers]]\nname = "n"\n'
    )
    positions = TomlPositions(text, ("tool", "archrules"))
    assert positions.value_range(("project", "roots", 0)) == Range(3, 9, 3, 14)
    assert positions.value_range(("layers", 0, "name")) == Range(5, 7, 5, 10)
    assert positions.value_range(("layers", 0)) == Range(4, 0, 4, 25)
    assert positions.locate(("layers", 0, "nope")) == ("layers", 0)
    assert positions.locate(("adr",)) == ()  # the prefix: implied by the first header
    assert positions.value_range(()) == Range(2, 0, 2, 24)


def test_prefix_missing_falls_back_outside_it() -> None:
    positions = TomlPositions("[tool.ruff]\n", ("tool", "archrules"))
    assert positions.locate(("project",)) == ("tool",)
    assert positions.key_range(("project",)) == Range(0, 1, 0, 5)
    assert TomlPositions("", ("tool", "archrules")).value_range(("x",)) == Range(0, 0, 0, 0)


def test_crlf_line_endings() -> None:
    text = '[project]\r\nroots = ["src"]\r\n[adr]\r\ndirectory = "d"\r\n'
    positions = TomlPositions(text)
    assert positions.value_range(("project", "roots", 0)) == Range(1, 9, 1, 14)
    assert positions.value_range(("adr", "directory")) == Range(3, 12, 3, 15)
    assert positions.value_range(("adr",)) == Range(2, 0, 2, 5)


def test_columns_count_code_points() -> None:
    text = 'a = "🙂é" ; b = 1\nc = ["é", "x"]\n'.replace(" ; ", "\n")
    assert TomlPositions(text).value_range(("b",)) == Range(1, 4, 1, 5)
    assert TomlPositions(text).value_range(("c", 1)) == Range(2, 10, 2, 13)


def test_unescape() -> None:
    assert _unescape("plain") == "plain"
    assert _unescape(r"a\tb\n\"\\\e") == 'a\tb\n"\\\x1b'
    assert _unescape(r"\u00e9\U0001F642\x41") == "é🙂A"
    assert _unescape(r"\uZZZZ\U00110000\q\u12") == r"\uZZZZ\U00110000\q\u12"
    assert _unescape("end\\") == "end\\"


@pytest.mark.parametrize(
    "text",
    [
        "[",
        "[[",
        "[a",
        "[[a]",
        "a",
        "a =",
        "a = [1, 2",
        "a = [1,, 2]",
        "a = [1 }",
        "a = {x = 1",
        "a = {x = 1,, y}",
        "a = { = 1}",
        "a = {x 1}",
        'a = "unterminated',
        'a = """unterminated',
        "a = '''unterminated",
        "a = 'x",
        "= 1",
        "]]]",
        '"',
        "a.",
        "a . = 1",
        "x = [" * 100,
        "x = {a = " * 100,
        "x = " + "[" * 70,
        "x = " + "[" * 100 + '"]" # ]\n' + "]" * 100 + "\ny = 1",
        "x = " + "[" * 100 + "1,\n#c\n" + "]" * 40,
        "\\u",
    ],
)
def test_invalid_text_never_raises(text: str) -> None:
    positions = TomlPositions(text)
    positions.key_range(("a", 0, "x"))
    positions.value_range(("x", 0, 0))


def test_deep_nesting_is_skipped_but_later_keys_located() -> None:
    text = "x = " + "[" * 100 + '"]" # ]\n' + "]" * 100 + "\ny = 1\n"
    positions = TomlPositions(text)
    assert positions.value_range(("y",)) == Range(2, 4, 2, 5)
    assert positions.contains(("x", *([0] * 63)))
    assert not positions.contains(("x", *([0] * 65)))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("[]{}\"'#=.,ab1 \n\\-_")), max_size=80))
def test_random_text_never_raises(text: str) -> None:
    positions = TomlPositions(text, ("a",))
    for path in [("b",), ("a", 0), ("b", "a", 1)]:
        positions.key_range(path)
        positions.value_range(path)


def test_large_inputs_are_located() -> None:
    lines = [f'[[layers]]\nname = "r{i}"\nlayers = ["a.b", ["c", "d"]]  # c\n' for i in range(5000)]
    big = "".join(lines)
    one_line = "x = [" + ", ".join(['"s"'] * 100_000) + "]\n"
    quotes = "x = " + "'" * 50_000
    for text in (big, one_line, quotes):
        positions = TomlPositions(text)
        positions.value_range(("layers", 4999, "layers", 1, 0))
    assert TomlPositions(big).value_range(("layers", 4999, "layers", 1, 0)) == Range(
        14999, 18, 14999, 21
    )


def test_absurdly_long_keys_are_not_located_and_stay_linear() -> None:
    dotted = ".".join(["k"] * 100_000)
    text = f"{dotted} = [1, 2]\n[{dotted}]\nx = [1]\ny = {{z = 1}}\n[ok]\n{{}}\nw = 1\n"
    positions = TomlPositions(text)
    assert positions.locate(("k", "k", "x")) == ()
    assert positions.value_range(("ok", "w")) == Range(6, 4, 6, 5)
    inline = "a = {" + dotted + " = 1, b = 2}\n"
    assert TomlPositions(inline).value_range(("a", "b")) == Range(0, 200_014, 0, 200_015)
