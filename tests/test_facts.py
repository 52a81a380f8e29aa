"""Tests for archrules.core.facts: imports, exception comments, decoding."""

from __future__ import annotations

import ast
import re
import sys
from collections import Counter
from typing import Any

import parso.grammar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archrules.core import facts as facts_module
from archrules.core.cache import decode_facts, encode_facts
from archrules.core.facts import (
    _extract_with_ast,
    _extract_with_parso,
    decode_source,
    extract_facts,
)
from archrules.core.reading import parsopath as parso_module
from archrules.core.reading import text as text_module
from archrules.core.types import ExceptionComment, FileFacts, ImportFact, Range

# --- helpers ---------------------------------------------------------------------------


def lines_of(text: str) -> list[str]:
    return re.split(r"\r\n|\r|\n", text)


def text_at(text: str, r: Range) -> str:
    """The text a range covers (ranges may span lines; lines joined with \\n)."""
    lines = lines_of(text)
    if r.line == r.end_line:
        return lines[r.line][r.col : r.end_col]
    parts = [
        lines[r.line][r.col :],
        *lines[r.line + 1 : r.end_line],
        lines[r.end_line][: r.end_col],
    ]
    return "\n".join(parts)


def imports(text: str) -> tuple[ImportFact, ...]:
    result = extract_facts(text)
    assert result.syntax_error is None, result.syntax_error
    assert extract_facts(text, conventions=False).imports == result.imports  # the scanner
    return result.imports


def summary(text: str) -> list[tuple[str, str | None, int]]:
    return [(f.module, f.name, f.level) for f in imports(text)]


def only(text: str) -> ImportFact:
    found = imports(text)
    assert len(found) == 1, found
    return found[0]


def assert_paths_agree(text: str) -> tuple[ImportFact, ...]:
    by_ast = _extract_with_ast(text)
    assert by_ast is not None
    assert _extract_with_parso(text) == by_ast
    assert extract_facts(text, conventions=False).imports == by_ast  # the scanner
    return by_ast


# --- static imports --------------------------------------------------------------------


def test_import_dotted_module() -> None:
    text = "import a.b.c\n"
    assert only(text) == ImportFact(
        module="a.b.c",
        name=None,
        level=0,
        module_range=Range(0, 7, 0, 12),
        name_range=None,
        stmt_line=0,
    )


def test_import_as_covers_only_the_module() -> None:
    text = "x = 1\nimport a.b as x\n"
    fact = only(text)
    assert (fact.module, fact.name, fact.level, fact.stmt_line) == ("a.b", None, 0, 1)
    assert fact.module_range == Range(1, 7, 1, 10)
    assert fact.name_range is None


def test_import_several_modules() -> None:
    text = "import a, b.c as d, e\n"
    found = imports(text)
    assert [(f.module, f.name) for f in found] == [("a", None), ("b.c", None), ("e", None)]
    assert [text_at(text, f.module_range) for f in found] == ["a", "b.c", "e"]
    assert all(f.stmt_line == 0 for f in found)


def test_import_with_spaces_and_continuation_inside_the_dotted_name() -> None:
    text = "import a . b as c\nimport x.\\\n    y as z\n"
    found = imports(text)
    assert [f.module for f in found] == ["a.b", "x.y"]
    assert found[0].module_range == Range(0, 7, 0, 12)
    assert found[1].module_range == Range(1, 7, 2, 5)


def test_from_import_names() -> None:
    text = "from a.b import c, d as e\n"
    found = imports(text)
    assert found == (
        ImportFact("a.b", "c", 0, Range(0, 5, 0, 8), Range(0, 16, 0, 17), 0),
        ImportFact("a.b", "d", 0, Range(0, 5, 0, 8), Range(0, 19, 0, 20), 0),
    )


def test_from_import_star() -> None:
    fact = only("from a import *\n")
    assert (fact.module, fact.name, fact.level) == ("a", "*", 0)
    assert fact.name_range == Range(0, 14, 0, 15)


@pytest.mark.parametrize(
    ("text", "module", "level", "module_text"),
    [
        ("from . import x\n", "", 1, "."),
        ("from .. import x\n", "", 2, ".."),
        ("from ... import x\n", "", 3, "..."),
        ("from .... import x\n", "", 4, "...."),
        ("from .import x\n", "", 1, "."),
        ("from . . import x\n", "", 2, ". ."),
        ("from .mod import x\n", "mod", 1, ".mod"),
        ("from ..pkg.sub import x\n", "pkg.sub", 2, "..pkg.sub"),
        ("from ...pkg import x\n", "pkg", 3, "...pkg"),
        ("from . pkg . sub import x\n", "pkg.sub", 1, ". pkg . sub"),
        ("from \\\n  ..pkg import x\n", "pkg", 2, "..pkg"),
    ],
)
def test_relative_imports(text: str, module: str, level: int, module_text: str) -> None:
    fact = only(text)
    assert (fact.module, fact.name, fact.level) == (module, "x", level)
    assert text_at(text, fact.module_range) == module_text
    assert text_at(text, fact.name_range or Range(0, 0, 0, 0)) == "x"
    assert_paths_agree(text)


def test_parenthesised_from_import_over_lines_with_comments() -> None:
    text = "from a.b import (  # why\n    c,  # c\n    d as e,\n)\n"
    found = imports(text)
    assert [(f.name, f.name_range) for f in found] == [
        ("c", Range(1, 4, 1, 5)),
        ("d", Range(2, 4, 2, 5)),
    ]
    assert all(f.module_range == Range(0, 5, 0, 8) and f.stmt_line == 0 for f in found)


def test_from_import_with_backslash_continuations() -> None:
    text = "from a \\\n  .b import \\\n   c\n"
    fact = only(text)
    assert (fact.module, fact.name) == ("a.b", "c")
    assert fact.module_range == Range(0, 5, 1, 4)
    assert fact.name_range == Range(2, 3, 2, 4)
    assert fact.stmt_line == 0


def test_semicolons_and_statement_lines() -> None:
    text = "x = 1; import a; from b import c\n\n\nif x: import d\n"
    found = imports(text)
    assert [(f.module, f.stmt_line) for f in found] == [("a", 0), ("b", 0), ("d", 3)]


NESTED = """\
import top
def f():
    import in_function
async def g():
    import in_async
    async with x:
        import in_async_with
    async for i in x:
        import in_async_for
class C:
    import in_class
    def m(self):
        from . import in_method
try:
    import in_try
except ImportError:
    import in_except
else:
    import in_else
finally:
    import in_finally
if x:
    import in_if
elif y:
    import in_elif
else:
    import in_if_else
with x:
    import in_with
for i in x:
    import in_for
else:
    import in_for_else
while x:
    import in_while
else:
    import in_while_else
match x:
    case 1:
        import in_case
    case _:
        import in_default
lambda: __import__("in_lambda")
"""


def test_imports_anywhere() -> None:
    found = imports(NESTED)
    names = [f.name or f.module for f in found]
    expected = [line.split()[-1] for line in NESTED.splitlines() if "import in_" in line]
    assert names == [*["top"], *expected, "in_lambda"]
    assert not any(f.type_checking for f in found)
    assert_paths_agree(NESTED)


@pytest.mark.skipif(sys.version_info < (3, 11), reason="except* is Python 3.11+")
def test_imports_in_except_star() -> None:
    text = "try:\n    pass\nexcept* ValueError:\n    import in_star\n"
    assert summary(text) == [("in_star", None, 0)]
    assert_paths_agree(text)


def test_text_in_strings_and_comments_is_not_an_import() -> None:
    text = (
        '"""Module.\n\nimport os\nfrom a import b\n"""\n'
        "# import sys\n"
        "x = 'import json'  # from q import r\n"
        "y = f'{1}import z'\n"
        "def f():\n    '''import inner'''\n"
    )
    assert imports(text) == ()
    assert extract_facts(text).line_count == 10


def test_non_ascii_columns_are_code_points() -> None:
    text = "é = 'ü'; import ñu.é as ü\nfrom ü import (é, ñ as o)  # ✓\n"
    found = imports(text)
    assert [text_at(text, f.module_range) for f in found] == ["ñu.é", "ü", "ü"]
    assert found[0].module_range == Range(0, 16, 0, 20)
    assert [text_at(text, f.name_range) for f in found if f.name_range] == ["é", "ñ"]
    assert found[1].name_range == Range(1, 15, 1, 16)
    assert_paths_agree(text)


def test_identifiers_are_nfkc_normalised_like_python_does() -> None:
    text = "import ﬁle.ｘ\nfrom ｐkg import ﬂow\n"
    found = imports(text)
    assert [(f.module, f.name) for f in found] == [("file.x", None), ("pkg", "flow")]
    assert text_at(text, found[0].module_range) == "ﬁle.ｘ"
    assert_paths_agree(text)


def test_results_are_in_source_order() -> None:
    text = "def f():\n    import b\nimport a\nif x:\n    from c import (e, d)\n"
    assert summary(text) == [("b", None, 0), ("a", None, 0), ("c", "e", 0), ("c", "d", 0)]


# --- TYPE_CHECKING ---------------------------------------------------------------------


def tc_map(text: str) -> dict[str, bool]:
    return {f.name or f.module: f.type_checking for f in imports(text)}


def test_type_checking_plain_name() -> None:
    text = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    import a\n"
        "    if x:\n"
        "        import nested\n"
        "    def f():\n"
        "        import deeper\n"
        "else:\n"
        "    import b\n"
        "import c\n"
    )
    assert tc_map(text) == {
        "TYPE_CHECKING": False,
        "a": True,
        "nested": True,
        "deeper": True,
        "b": False,
        "c": False,
    }


@pytest.mark.parametrize(
    ("header", "test"),
    [
        ("import typing", "typing.TYPE_CHECKING"),
        ("import typing_extensions", "typing_extensions.TYPE_CHECKING"),
        ("import typing as t", "t.TYPE_CHECKING"),
        ("import typing_extensions as te", "te.TYPE_CHECKING"),
        ("from typing import TYPE_CHECKING as TC", "TC"),
        ("from typing_extensions import TYPE_CHECKING as TC", "TC"),
        ("", "TYPE_CHECKING"),
        ("", "typing.TYPE_CHECKING"),
        ("", "(TYPE_CHECKING)"),
    ],
)
def test_type_checking_spellings(header: str, test: str) -> None:
    text = f"{header}\nif {test}:\n    import guarded\nelse:\n    import runtime\n"
    assert tc_map(text)["guarded"] is True
    assert tc_map(text)["runtime"] is False
    assert_paths_agree(text)


@pytest.mark.parametrize(
    "test",
    [
        "t.TYPE_CHECKING",
        "TC",
        "not TYPE_CHECKING",
        "TYPE_CHECKING and x",
        "other.TYPE_CHECKING",
        "typing.TYPE_CHECKING.x",
        "TYPE_CHECKING()",
        "TYPE_CHECKING[0]",
        "typing().TYPE_CHECKING",
    ],
)
def test_not_type_checking(test: str) -> None:
    text = f"if {test}:\n    import a\n"
    assert tc_map(text) == {"a": False}
    assert_paths_agree(text)


def test_type_checking_alias_defined_after_use_and_in_elif() -> None:
    text = (
        "if x:\n    import a\nelif TC:\n    import b\nelse:\n    import c\n"
        "if TYPE_CHECKING: import d\n"
        "from typing import TYPE_CHECKING as TC\n"
    )
    assert tc_map(text) == {"a": False, "b": True, "c": False, "d": True, "TYPE_CHECKING": False}
    assert_paths_agree(text)


# --- dynamic imports -------------------------------------------------------------------


def dynamic(text: str) -> list[ImportFact]:
    return [f for f in imports(text) if f.dynamic]


def test_importlib_import_module() -> None:
    text = "import importlib\n\nmod = importlib.import_module('a.b')\n"
    (fact,) = dynamic(text)
    assert fact == ImportFact(
        module="a.b",
        name=None,
        level=0,
        module_range=Range(2, 31, 2, 34),
        name_range=None,
        stmt_line=2,
        dynamic=True,
    )


@pytest.mark.parametrize(
    ("text", "module"),
    [
        ("from importlib import import_module\nimport_module('x.y')\n", "x.y"),
        ("from importlib import import_module as im\nim('x.y')\n", "x.y"),
        ("import importlib as il\nil.import_module('x.y')\n", "x.y"),
        ("import importlib.util\nimportlib.import_module('x.y')\n", "x.y"),
        ("importlib.import_module('x')\n", "x"),  # the name importlib is always understood
        ("__import__('x.y')\n", "x.y"),
        ("__import__('x.y', globals(), None, ['z'], 0)\n", "x.y"),
        ("importlib.import_module('x', package=None)\n", "x"),
        ("importlib.import_module('x', __name__)\n", "x"),
        ("async def f():\n    await __import__('x')\n", "x"),
        ("y = importlib.import_module('x').attr.call()\n", "x"),
        ("f(importlib.import_module('x'))\n", "x"),
        ("(importlib).import_module(('x'))\n", "x"),
        ("await (__import__)('x')\n", "x"),
        ("im('x')\nfrom importlib import (\n    import_module as im,\n)\n", "x"),
        ("@__import__('x').deco\ndef f(a=__import__('y')): pass\n", "x"),
    ],
)
def test_dynamic_import_forms(text: str, module: str) -> None:
    found = dynamic(text)
    assert found
    assert found[0].module == module
    assert text_at(text, found[0].module_range) == module
    assert_paths_agree(text)


@pytest.mark.parametrize(
    ("literal", "content"),
    [
        ("'a.b'", "a.b"),
        ('"a.b"', "a.b"),
        ("r'a.b'", "a.b"),
        ("U'a.b'", "a.b"),
        ("'''a.b'''", "a.b"),
        ('"""a.b"""', "a.b"),
        ("'a' '.b'", "a' '.b"),
        ("(\n    'a'  # part\n    '.b'\n)", "a'  # part\n    '.b"),
        ("'a\\x2eb'", "a\\x2eb"),
    ],
)
def test_dynamic_import_range_is_inside_the_quotes(literal: str, content: str) -> None:
    text = f"x = __import__({literal})\n"
    (fact,) = dynamic(text)
    assert fact.module == "a.b"
    assert text_at(text, fact.module_range) == content
    assert fact.stmt_line == 0
    assert_paths_agree(text)


@pytest.mark.parametrize(
    "text",
    [
        "importlib.import_module('.rel', 'pkg')\n",
        "importlib.import_module(name)\n",
        "importlib.import_module(f'a.{b}')\n",
        "importlib.import_module(f'a.b')\n",
        "importlib.import_module(b'a.b')\n",
        "importlib.import_module(name='a.b')\n",
        "importlib.import_module(*args)\n",
        "importlib.import_module()\n",
        "importlib.import_module('a b')\n",
        "importlib.import_module('1a')\n",
        "importlib.import_module('')\n",
        "import_module('a.b')\n",  # not bound to importlib's import_module
        "from other import import_module\nimport_module('a.b')\n",
        "other.import_module('a.b')\n",
        "x.importlib.import_module('a.b')\n",
        "importlib.util.import_module('a.b')\n",
        "__import__\nprint('a.b')\n",
        "importlib.import_module\n",
        "f()('a')  # __import__\n",
        "[f][0]('a')  # __import__\n",
        "(f)('a')  # __import__\n",
        "async def f():\n    await __import__\n",
    ],
)
def test_not_dynamic_imports(text: str) -> None:
    assert dynamic(text) == []
    assert_paths_agree(text)


def test_dynamic_import_over_lines_and_in_type_checking() -> None:
    text = (
        "import typing\n"
        "if typing.TYPE_CHECKING:\n"
        "    m = importlib.import_module(\n"
        "        'a.b',\n"
        "    )\n"
    )
    (fact,) = dynamic(text)
    assert fact.stmt_line == 2
    assert fact.module_range == Range(3, 9, 3, 12)
    assert fact.type_checking
    assert_paths_agree(text)


def test_dynamic_import_with_non_ascii_text_before() -> None:
    text = "ü = 'é'; m = __import__('ñ.b')  # é\n"
    (fact,) = dynamic(text)
    assert fact.module == "ñ.b"
    assert fact.module_range == Range(0, 25, 0, 28)
    assert_paths_agree(text)


def test_string_content_scanner_gives_up_on_non_literals() -> None:
    src = text_module.Source("x = (1)\ny = 'abc\n")
    assert src.string_content((0, 4), (0, 7)) is None
    assert src.string_content((1, 4), (1, 8)) is None  # never closed
    assert src.string_content((0, 4), (0, 4)) is None  # nothing there


# --- line endings, NULs, BOM, surrogates ----------------------------------------------


def test_crlf_and_cr_line_endings() -> None:
    for newline in ("\r\n", "\r"):
        text = newline.join(["import a", "", "from b import (", "    c)", "import é.d", ""])
        found = imports(text)
        assert [(f.module, f.module_range, f.stmt_line) for f in found] == [
            ("a", Range(0, 7, 0, 8), 0),
            ("b", Range(2, 5, 2, 6), 2),
            ("é.d", Range(4, 7, 4, 10), 4),
        ]
        assert found[1].name_range == Range(3, 4, 3, 5)
        assert extract_facts(text).line_count == 5
        assert_paths_agree(text)


def test_only_python_line_breaks_split_lines() -> None:
    # \x0c, \x1c, \x85 and \u2028 are not line breaks for Python (str.splitlines disagrees)
    text = "x = '\u2028\x1c\x85'  # \u2028 \x0c\n\x0cimport a\nimport b  # \u2029\nimport c\n"
    found = imports(text)
    assert [(f.module, f.module_range) for f in found] == [
        ("a", Range(1, 8, 1, 9)),
        ("b", Range(2, 7, 2, 8)),
        ("c", Range(3, 7, 3, 8)),
    ]
    assert extract_facts(text).line_count == 4
    assert_paths_agree(text)


@pytest.mark.parametrize(
    ("text", "count"),
    [("", 0), ("\n", 1), ("a", 1), ("a\n", 1), ("a\n\n", 2), ("a\r\nb", 2), ("a\rb\r", 2)],
)
def test_line_count(text: str, count: int) -> None:
    assert extract_facts(text).line_count == count


def test_nul_bytes_keep_positions() -> None:
    text = "x = '\0'\0\nimport\0a\nfrom c import d\0  # \0\n"
    result = extract_facts(text)
    assert result.syntax_error is None
    assert [(f.module, f.name, f.module_range, f.name_range) for f in result.imports] == [
        ("a", None, Range(1, 7, 1, 8), None),
        ("c", "d", Range(2, 5, 2, 6), Range(2, 14, 2, 15)),
    ]
    assert result.line_count == 3


def test_nul_bytes_inside_names_are_spaces() -> None:
    text = "import a\0.b\nimport\0c\n"
    found = imports(text)
    assert [(f.module, f.module_range) for f in found] == [
        ("a.b", Range(0, 7, 0, 11)),
        ("c", Range(1, 7, 1, 8)),
    ]


def test_bom_character_at_start_is_whitespace() -> None:
    text = "\ufeffimport os\nfrom é import (b)\n"
    found = imports(text)
    assert [(f.module, f.module_range) for f in found] == [
        ("os", Range(0, 8, 0, 10)),
        ("é", Range(1, 5, 1, 6)),
    ]
    assert_paths_agree(text)
    assert_paths_agree("\ufefffrom é.ü import (ñ)\nimportlib.import_module('é')\n")


def test_bom_with_syntax_error_on_first_line() -> None:
    text = "\ufeffimport ü; def (:\n"
    result = extract_facts(text)
    assert result.syntax_error is not None
    assert result.syntax_error.range.line == 0
    assert result.syntax_error.range.col == 11  # counted with the BOM
    assert text_at(text, result.syntax_error.range) == "def"
    assert [(f.module, f.module_range) for f in result.imports] == [("ü", Range(0, 8, 0, 9))]


def test_lone_surrogates_are_tolerated() -> None:
    text = "x = '\ud800'\nimport a.b  # \udfff\n"
    result = extract_facts(text)
    assert result.syntax_error is None
    assert [(f.module, f.module_range) for f in result.imports] == [("a.b", Range(1, 7, 1, 10))]


# --- decoding --------------------------------------------------------------------------


def test_decode_utf8_default() -> None:
    assert decode_source("import é\n".encode()) == "import é\n"
    assert decode_source(b"") == ""


def test_decode_bom_is_stripped() -> None:
    assert decode_source(b"\xef\xbb\xbfimport a\n") == "import a\n"
    assert decode_source(b"\xef\xbb\xbf# coding: utf-8\nx = '\xc3\xa9'\n") == (
        "# coding: utf-8\nx = 'é'\n"
    )


def test_decode_latin1_cookie() -> None:
    data = "# -*- coding: latin-1 -*-\nx = 'é'\nimport a\n".encode("latin-1")
    text = decode_source(data)
    assert text == "# -*- coding: latin-1 -*-\nx = 'é'\nimport a\n"
    assert summary(text) == [("a", None, 0)]


def test_decode_cookie_on_second_line() -> None:
    data = "#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\nx = '€'\n".encode("cp1252")
    assert decode_source(data).endswith("x = '€'\n")


@pytest.mark.parametrize(
    "data",
    [
        b"# coding: no-such-codec\nx = '\xc3\xa9'\n",  # unknown encoding
        b"\xef\xbb\xbf# coding: latin-1\nx = '\xc3\xa9'\n",  # BOM contradicts the cookie
        b"# coding: ascii\nx = '\xc3\xa9'\n",  # wrong encoding
        b"# coding: hex\nx = '\xc3\xa9'\n",  # a codec that is no text encoding
    ],
)
def test_decode_bad_cookies_fall_back_to_utf8(data: bytes) -> None:
    assert decode_source(data).endswith("x = 'é'\n")


def test_decode_invalid_utf8_is_replaced() -> None:
    text = decode_source(b"x = '\xff\xfe'\nimport a\n")
    assert text == "x = '\ufffd\ufffd'\nimport a\n"
    assert summary(text) == [("a", None, 0)]


@given(st.binary(max_size=300))
@settings(max_examples=200, deadline=None)
def test_decode_never_raises(data: bytes) -> None:
    assert isinstance(decode_source(data), str)


# --- broken files: the parso fallback --------------------------------------------------


def test_broken_file_mid_edit_keeps_its_imports() -> None:
    text = "from shop.web import forms\ndef f(:\n    import os\n"
    result = extract_facts(text)
    assert result.syntax_error is not None
    assert result.syntax_error.message == "invalid syntax"
    assert result.syntax_error.range.line == 1
    assert [
        (f.module, f.name, f.module_range, f.name_range, f.stmt_line) for f in result.imports
    ] == [
        ("shop.web", "forms", Range(0, 5, 0, 13), Range(0, 21, 0, 26), 0),
        ("os", None, Range(2, 11, 2, 13), None, 2),
    ]
    assert result.line_count == 3


def test_syntax_newer_than_the_parser() -> None:
    text = (
        "from typing import TYPE_CHECKING\n"
        "import shop.models\n"
        "def f[T](x: T) -> T:\n"
        "    from shop import helpers\n"
        "    return x\n"
        "if TYPE_CHECKING:\n"
        "    from shop.types import Thing\n"
        "type Alias[T] = list[T]\n"
        "x = importlib.import_module('shop.dyn')\n"
    )
    result = extract_facts(text)
    if sys.version_info < (3, 12):
        assert result.syntax_error is not None
    assert [(f.module, f.name, f.type_checking, f.dynamic) for f in result.imports] == [
        ("typing", "TYPE_CHECKING", False, False),
        ("shop.models", None, False, False),
        ("shop", "helpers", False, False),
        ("shop.types", "Thing", True, False),
        ("shop.dyn", None, False, True),
    ]
    assert _extract_with_parso(text) == result.imports


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("from a.b import\n", [("a.b", None, 0, "a.b", None)]),
        ("from a.b\n", [("a.b", None, 0, "a.b", None)]),
        ("from a.\n", [("a", None, 0, "a", None)]),
        ("from .. import\n", [("", None, 2, "..", None)]),
        ("from ..x import (\n", [("x", None, 2, "..x", None)]),
        ("from a import (b,\n", [("a", "b", 0, "a", "b")]),
        ("from a import (b, c\nx = 1\n", [("a", "b", 0, "a", "b"), ("a", "c", 0, "a", "c")]),
        ("from a import b as\n", [("a", "b", 0, "a", "b")]),
        ("from a import b c\n", [("a", "b", 0, "a", "b")]),
        ("from a import *, b\n", [("a", "*", 0, "a", "*")]),
        ("import a as\n", [("a", None, 0, "a", None)]),
        ("import a.\n", [("a", None, 0, "a", None)]),
        ("import a, \n", [("a", None, 0, "a", None)]),
        ("import\n", []),
        ("from\n", []),
        ("from import x\n", []),
        ("from  \\\n import x\n", []),
        ("raise X from\n", []),
        ("x = import os\n", [("os", None, 0, "os", None)]),
        (
            "from a import (b,\ndef f():\n    import c\n",
            [("a", "b", 0, "a", "b"), ("c", None, 0, "c", None)],
        ),
    ],
)
def test_incomplete_imports(text: str, expected: list[tuple[Any, ...]]) -> None:
    result = extract_facts(text)
    assert result.syntax_error is not None
    got = [
        (
            f.module,
            f.name,
            f.level,
            text_at(text, f.module_range),
            None if f.name_range is None else text_at(text, f.name_range),
        )
        for f in result.imports
    ]
    assert got == expected


def test_broken_file_keeps_type_checking_and_dynamic_imports() -> None:
    text = (
        "import typing as t\n"
        "from importlib import import_module as im\n"
        "if t.TYPE_CHECKING:\n"
        "    from a import b c\n"
        "\n"
        "x = im('dyn.x') + \n"
    )
    result = extract_facts(text)
    assert result.syntax_error is not None
    assert [(f.module, f.name, f.type_checking, f.dynamic) for f in result.imports] == [
        ("typing", None, False, False),
        ("importlib", "import_module", False, False),
        ("a", "b", True, False),
        ("dyn.x", None, False, True),
    ]
    text2 = (
        "if TYPE_CHECKING:\n    import a\n    def f(:\n        import b\nx = __import__('c') +\n"
    )
    result2 = extract_facts(text2)
    assert [(f.module, f.type_checking, f.dynamic) for f in result2.imports] == [
        ("a", True, False),
        ("b", True, False),
        ("c", False, True),
    ]


def test_broken_file_dynamic_imports() -> None:
    text = (
        "import importlib as il\n"
        "a = il.import_module('x.y', pkg)\n"
        "b = __import__('q' 'r')\n"
        "c = __import__(f'{x}')\n"
        "d = __import__('a' f'b')\n"
        "e = __import__(name='x')\n"
        "f = __import__()\n"
        "g = other.import_module('n')\n"
        "h = il.other('n')\n"
        "i = il.import_module\n"
        "j = __import__(b'bytes')\n"
        "k = __import__('.rel')\n"
        "l = __import__('a\\\n.b')\n"
        "m = __import__('a' b'b')\n"
        "def broken(:\n"
    )
    result = extract_facts(text)
    assert result.syntax_error is not None
    assert [(f.module, text_at(text, f.module_range)) for f in result.imports if f.dynamic] == [
        ("x.y", "x.y"),
        ("qr", "q' 'r"),
        ("a.b", "a\\\n.b"),
    ]


def test_syntax_error_position_is_clamped_to_the_text() -> None:
    result = extract_facts("import a\nx = (\n")
    assert result.syntax_error is not None
    assert result.syntax_error.message == "'(' was never closed"
    assert result.syntax_error.range == Range(1, 4, 1, 4)
    eof = extract_facts("if x:\n")
    assert eof.syntax_error is not None
    r = eof.syntax_error.range
    assert r.line <= 1 and r.end_line <= 1
    assert r.col <= len(lines_of("if x:\n")[r.line])


def test_syntax_error_with_unusable_position(monkeypatch: pytest.MonkeyPatch) -> None:
    def fake_parse(source: str, *args: object, **kwargs: object) -> ast.Module:
        error = SyntaxError("bad thing")
        error.lineno, error.offset = 99, 500
        error.end_lineno, error.end_offset = 1, 0
        raise error

    monkeypatch.setattr(ast, "parse", fake_parse)
    result = extract_facts("import a\nimport bb\n")
    assert result.syntax_error is not None
    assert result.syntax_error.message == "bad thing"
    assert result.syntax_error.range == Range(2, 0, 2, 0)
    assert [f.module for f in result.imports] == ["a", "bb"]


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (RecursionError("deep"), "too complex to parse"),
        (MemoryError(), "too complex to parse"),
        (ValueError("odd"), "odd"),
        (ValueError(), "cannot parse"),
    ],
)
def test_parse_failures_other_than_syntax_errors(
    monkeypatch: pytest.MonkeyPatch, error: BaseException, message: str
) -> None:
    def fake_parse(source: str, *args: object, **kwargs: object) -> ast.Module:
        raise error

    monkeypatch.setattr(ast, "parse", fake_parse)
    result = extract_facts("import a\n")
    assert result.syntax_error is not None
    assert result.syntax_error.message == message
    assert result.syntax_error.range == Range(0, 0, 0, 0)
    assert [f.module for f in result.imports] == ["a"]


def test_parso_failure_gives_only_the_syntax_error(monkeypatch: pytest.MonkeyPatch) -> None:
    class Exploding:
        def parse(self, *args: object, **kwargs: object) -> object:
            raise RecursionError("too deep")

    monkeypatch.setattr(parso_module, "_parso_grammar", Exploding)
    result = extract_facts("import a\ndef f(:\n")
    assert result.syntax_error is not None
    assert result.imports == ()
    assert _extract_with_parso("import a\n") == ()


def test_internal_error_never_escapes(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(text: str, conventions: bool = True) -> FileFacts:
        raise RuntimeError("bug")

    monkeypatch.setattr(facts_module, "_extract", boom)
    result = extract_facts("import a\r\nimport b\n")
    assert result.imports == ()
    assert result.line_count == 2
    assert result.syntax_error is not None
    assert "bug" in result.syntax_error.message


def test_ast_path_reports_failure() -> None:
    assert _extract_with_ast("def f(:\n") is None


# --- robustness ------------------------------------------------------------------------


def test_huge_generated_file() -> None:
    chunk = "import m{0}\nfrom p.q{0} import (a, b as c)\ndef f{0}(x):\n    return x + {0}\n"
    text = "".join(chunk.format(i) for i in range(12_500))
    result = extract_facts(text)
    assert result.syntax_error is None
    assert result.line_count == 50_000
    assert len(result.imports) == 37_500
    assert result.imports[-1].module_range.line == 49_997


@pytest.mark.parametrize(
    "deep",
    [
        "(" * 500,
        "[" * 300 + "]" * 300,
        "x = " + "(" * 150 + "1" + ")" * 150,
        "-" * 20_000 + "1",
        "x = " + "+".join(["1"] * 20_000),
        "".join(" " * i + "if x:\n" for i in range(120)) + " " * 120 + "import inner\n",
        "f" + "(x)" * 5000,
        "x = " + "[" * 90 + "]" * 90,
    ],
)
def test_deep_nesting_does_not_crash(deep: str) -> None:
    result = extract_facts("import os\n" + deep + "\n")
    assert isinstance(result, FileFacts)
    assert result.imports == () or result.imports[0].module == "os"


def test_deeply_nested_valid_statements_use_no_recursion() -> None:
    text = (
        "import os\n" + "".join(" " * i + "if x:\n" for i in range(95)) + " " * 95 + "import deep\n"
    )
    found = imports(text)
    assert [f.module for f in found] == ["os", "deep"]
    assert found[1].module_range == Range(96, 102, 96, 106)
    assert_paths_agree(text)


@given(st.text(max_size=400))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_extract_facts_never_raises_on_any_text(text: str) -> None:
    result = extract_facts(text)
    assert isinstance(result, FileFacts)
    assert result.line_count == len(lines_of(text)) - (1 if lines_of(text)[-1] == "" else 0)


PYTHONISH = st.lists(
    st.sampled_from(
        [
            "import a.b",
            "from . import x",
            "from a import (b,",
            "def f(:",
            "    ",
            "\t",
            "if TYPE_CHECKING:",
            "# archrules: allow[x] ADR-1",
            '"""',
            "'",
            "\\",
            "(",
            ")",
            "__import__('a')",
            "\0",
            "\r",
            "\r\n",
            "\n",
            "\ufeff",
            "é",
            "class C:",
            "  import q",
            "from",
            "import",
            " as ",
            ",",
        ]
    ),
    max_size=40,
).map("".join)


@given(PYTHONISH)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_extract_facts_never_raises_on_pythonish_text(text: str) -> None:
    result = extract_facts(text)
    for fact in result.imports:
        for r in (fact.module_range, fact.name_range):
            if r is not None:
                assert (r.line, r.col) <= (r.end_line, r.end_col)
                assert r.end_line < len(lines_of(text))
    assert decode_facts(encode_facts(result)) == result  # the cache codec round-trips


# --- both paths agree ------------------------------------------------------------------

CORPUS = [
    "import a.b.c\nimport a.b as x\nimport a, b\n",
    "from a.b import c, d as e\nfrom a import *\n",
    "from . import x\nfrom ..pkg.sub import y\nfrom ... import (z)\nfrom .import w\n",
    "from a import (\n  b,  # c\n  c as d,\n)\n",
    "from a \\\n . b import \\\n c\n",
    NESTED,
    "import typing as t\nif t.TYPE_CHECKING:\n    import a\n"
    "elif x:\n    import b\nelse:\n    import c\n",
    "from typing import TYPE_CHECKING as TC\nif TC:\n    if y:\n        from x import z\n",
    "import importlib as il\nfrom importlib import import_module as im\n"
    "il.import_module('a.b')\nim('c')\n__import__('d.e')\nimportlib.import_module('f')\n",
    "x = [__import__('a') for _ in y]\n"
    "class C(__import__('b').Base, m=__import__('c')):\n    pass\n",
    "é = 1; import ñ.é as ü\nfrom ü import (é, ñ as o)\n",
    "\ufeffimport a\r\nfrom b import c\r\n",
    "match x:\n    case {'k': 1}:\n        import a\n"
    "    case C(y=2) if __import__('g'):\n        pass\n",
    "with a as b, c:\n    import d\nasync def f():\n    async with x:\n        import e\n",
    "try:\n    import a\nexcept (ImportError, __import__('q').E) as e:\n    import b\n",
    "x = f'{__import__(\"fs\")}'\n",
    "",
    "\n\n\n",
]


@pytest.mark.parametrize("text", CORPUS)
def test_parso_path_agrees_with_ast_path(text: str) -> None:
    by_ast = assert_paths_agree(text)
    assert by_ast == imports(text)


# A generator of valid programs: import statements in random nesting.

NAMES = st.sampled_from(["a", "b", "pkg", "mod", "x1", "_p", "é", "ñu", "Data"])
MODULES = st.lists(NAMES, min_size=1, max_size=3).map(".".join)


@st.composite
def import_statement(draw: st.DrawFn) -> tuple[str, list[tuple[str, str | None, int, bool]]]:
    """One statement and the (module, name, level, dynamic) facts it must yield."""
    kind = draw(st.sampled_from(["import", "from", "relative", "star", "dynamic"]))
    sp = draw(st.sampled_from([" ", "  ", "\t"]))
    if kind == "import":
        modules = draw(st.lists(MODULES, min_size=1, max_size=3))
        parts = [m + (f" as {draw(NAMES)}" if draw(st.booleans()) else "") for m in modules]
        return f"import{sp}{', '.join(parts)}", [(m, None, 0, False) for m in modules]
    if kind == "dynamic":
        module = draw(MODULES)
        call = draw(
            st.sampled_from(["importlib.import_module", "__import__", "im", "il.import_module"])
        )
        quote = draw(st.sampled_from(["'", '"', "'''"]))
        return f"_ = {call}({quote}{module}{quote})", [(module, None, 0, True)]
    if kind == "star":
        module = draw(MODULES)
        return f"from {module}{sp}import *", [(module, "*", 0, False)]
    level = draw(st.integers(1, 4)) if kind == "relative" else 0
    module = draw(st.one_of(st.just(""), MODULES)) if level else draw(MODULES)
    names = draw(st.lists(NAMES, min_size=1, max_size=3))
    items = [n + (f" as {draw(NAMES)}" if draw(st.booleans()) else "") for n in names]
    dots = draw(st.sampled_from(["." * level, " ".join("." * level)])) if level else ""
    listing = ", ".join(items)
    if draw(st.booleans()):
        listing = "(\n" + ",\n".join(items) + ",\n)"
    if draw(st.booleans()) and not listing.startswith("("):
        listing = "\\\n    " + listing
    source_module = f"{dots}{sp if dots and module else ''}{module}"
    return (
        f"from{sp}{source_module}{sp}import {listing}",
        [(module, n, level, False) for n in names],
    )


BLOCKS = [
    ("def f():", False),
    ("async def g():", False),
    ("class C:", False),
    ("if x:", False),
    ("if TYPE_CHECKING:", True),
    ("if typing.TYPE_CHECKING:", True),
    ("if t.TYPE_CHECKING:", True),
    ("if TC:", True),
    ("while y:", False),
    ("for i in z:", False),
    ("with w:", False),
    ("try:", False),
]


@st.composite
def program(
    draw: st.DrawFn, depth: int = 0
) -> tuple[list[str], list[tuple[str, str | None, int, bool, bool]]]:
    """Lines (unindented) and expected (module, name, level, dynamic, type_checking)."""
    lines: list[str] = []
    expected: list[tuple[str, str | None, int, bool, bool]] = []
    for _ in range(draw(st.integers(1, 4))):
        if depth < 4 and draw(st.integers(0, 2)) == 0:
            header, tc = draw(st.sampled_from(BLOCKS))
            body_lines, body_expected = draw(program(depth + 1))
            lines.append(header)
            lines.extend("    " + line for line in body_lines)
            expected.extend((m, n, lv, dyn, tc or in_tc) for m, n, lv, dyn, in_tc in body_expected)
            if header == "try:":
                lines.extend(["except E:", "    pass"])
            elif header.startswith("if ") and draw(st.booleans()):
                else_lines, else_expected = draw(program(depth + 1))
                lines.append("else:")
                lines.extend("    " + line for line in else_lines)
                expected.extend(else_expected)
        else:
            statement, facts = draw(import_statement())
            stmt_lines = statement.split("\n")
            lines.append(stmt_lines[0])
            lines.extend("    " + line if line not in (")",) else line for line in stmt_lines[1:])
            expected.extend((m, n, lv, dyn, False) for m, n, lv, dyn in facts)
    return lines, expected


HEADER = (
    "import importlib\nimport importlib as il\nfrom importlib import import_module as im\n"
    "import typing\nimport typing as t\nfrom typing import TYPE_CHECKING\n"
    "from typing import TYPE_CHECKING as TC\n"
)


def header_facts() -> list[tuple[str, str | None, int, bool, bool]]:
    return [
        ("importlib", None, 0, False, False),
        ("importlib", None, 0, False, False),
        ("importlib", "import_module", 0, False, False),
        ("typing", None, 0, False, False),
        ("typing", None, 0, False, False),
        ("typing", "TYPE_CHECKING", 0, False, False),
        ("typing", "TYPE_CHECKING", 0, False, False),
    ]


@given(program())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_generated_programs_both_paths_agree(generated: tuple[list[str], list[Any]]) -> None:
    body, expected = generated
    text = HEADER + "\n".join(body) + "\n"
    try:
        ast.parse(text)
    except SyntaxError:  # pragma: no cover - the generator writes valid code only
        pytest.fail(f"generated invalid code:\n{text}")
    by_ast = assert_paths_agree(text)
    got = Counter((f.module, f.name, f.level, f.dynamic, f.type_checking) for f in by_ast)
    assert got == Counter(header_facts() + expected)
    for fact in by_ast:
        shown = text_at(text, fact.module_range)
        assert "".join(shown.replace("\\\n", "").split()) == "." * fact.level + fact.module
        if fact.name_range is not None:
            assert text_at(text, fact.name_range) == fact.name


# --- exception comments ----------------------------------------------------------------


def comments(text: str) -> tuple[ExceptionComment, ...]:
    return extract_facts(text).exceptions


def test_exception_comment_full_form() -> None:
    text = "import a  # archrules: allow[rule-a, rule_b.c] ADR-0012 legacy code\n"
    (c,) = comments(text)
    assert c == ExceptionComment(
        line=0,
        own_line=False,
        rules=("rule-a", "rule_b.c"),
        rule_ranges=(Range(0, 29, 0, 35), Range(0, 37, 0, 45)),
        adr=12,
        adr_text="ADR-0012",
        adr_range=Range(0, 47, 0, 55),
        range=Range(0, 10, 0, len(text) - 1),
    )
    assert [text_at(text, r) for r in c.rule_ranges] == ["rule-a", "rule_b.c"]
    assert text_at(text, c.range) == "# archrules: allow[rule-a, rule_b.c] ADR-0012 legacy code"


def test_exception_comment_own_line_without_adr() -> None:
    text = "def f():\n    # archrules: allow[layers]\n    import a\n"
    (c,) = comments(text)
    assert (c.line, c.own_line, c.rules, c.adr, c.adr_text, c.adr_range) == (
        1,
        True,
        ("layers",),
        None,
        None,
        None,
    )
    assert c.range == Range(1, 4, 1, 30)


@pytest.mark.parametrize(
    ("comment", "rules", "adr", "adr_text"),
    [
        ("# archrules: allow[a b,c ,, d]", ("a", "b", "c", "d"), None, None),
        ("# archrules: allow[] no rules", (), None, None),
        ("#archrules:allow[x]adr-7", ("x",), 7, "adr-7"),
        ("# archrules: allow [x] Adr-12: reason", ("x",), 12, "Adr-12"),
        ("# archrules: allow[x] ADR-12abc reason", ("x",), None, None),
        ("# archrules: allow[x] see ADR-12", ("x",), None, None),
        ("# archrules: allow[x] ADR-1234567", ("x",), None, "ADR-1234567"),
        ("# archrules: allow[x/y]", ("x/y",), None, None),
        ("# noqa: E501  # archrules: allow[x] ADR-3", ("x",), 3, "ADR-3"),
    ],
)
def test_exception_comment_variants(
    comment: str, rules: tuple[str, ...], adr: int | None, adr_text: str | None
) -> None:
    text = f"import a  {comment}\n"
    (c,) = comments(text)
    assert (c.rules, c.adr, c.adr_text) == (rules, adr, adr_text)
    assert [text_at(text, r) for r in c.rule_ranges] == list(rules)
    if c.adr_range is not None:
        assert text_at(text, c.adr_range) == adr_text
    assert text_at(text, c.range).startswith("#")
    assert c.range.end_col == len(text) - 1


@pytest.mark.parametrize(
    "text",
    [
        "import a  # archrules: allow\n",
        "import a  # archrules: allow layers\n",
        "import a  # archrules: allow[layers\n",
        "import a  # archrules: deny[layers]\n",
        "import a  # see archrules: docs\n",
        "x = '# archrules: allow[layers]'\n",
        'x = """\n# archrules: allow[layers]\n"""\n',
        "import a  # nothing to see\n",
    ],
)
def test_not_exception_comments(text: str) -> None:
    assert comments(text) == ()


def test_exception_comment_positions_with_unicode_crlf_and_bom() -> None:
    text = "\ufeff# archrules: allow[a]\r\né = 'ü'  # archrules: allow[b] ADR-2\r\n"
    first, second = comments(text)
    assert first.own_line and first.range == Range(0, 1, 0, 22)
    assert not second.own_line
    assert second.range.col == 9
    assert text_at(text, second.rule_ranges[0]) == "b"
    assert text_at(text, second.adr_range or Range(0, 0, 0, 0)) == "ADR-2"


def test_exception_comments_after_tokenize_fails() -> None:
    text = (
        "import a  # archrules: allow[one]\n"
        "if x:\n"
        "        y = 1\n"
        "    z = 2  # archrules: allow[two] ADR-5\n"  # inconsistent dedent: tokenize stops
        "s = '# archrules: allow[in-string]'\n"
        "t = 'it''s'  # archrules: allow[three]\n"
        "u = 'esc\\'  # archrules: allow[four]'  # archrules: allow[five]\n"
        "    # archrules: allow[six]\n"
        "    # archrules: allow\n"
    )
    found = comments(text)
    assert [(c.line, c.rules, c.own_line) for c in found] == [
        (0, ("one",), False),
        (3, ("two",), False),
        (5, ("three",), False),
        (6, ("five",), False),
        (7, ("six",), True),
    ]
    assert found[1].adr == 5
    assert text_at(text, found[1].range) == "# archrules: allow[two] ADR-5"


def test_exception_comments_in_unterminated_string_file() -> None:
    text = "# archrules: allow[one]\nx = '''\n# archrules: allow[two]\n"
    assert [c.rules for c in comments(text)] == [("one",), ("two",)]


def test_exception_comments_in_a_file_without_final_newline() -> None:
    text = "import a\nimport b  # archrules: allow[x]"
    (c,) = comments(text)
    assert c.line == 1 and c.range.end_col == len("import b  # archrules: allow[x]")


# --- JSON ------------------------------------------------------------------------------


# --- scanner corner cases --------------------------------------------------------------


def test_scanner_corner_cases() -> None:
    src = text_module.Source("a   \nb.(\nc \\")
    assert src.skip_space(0, 1) == (0, 4)
    assert src.skip_space(0, 1, newlines=True) == (1, 0)
    assert src.skip_space(2, 1) == (2, 2)  # a backslash on the last line ends nothing
    assert src.dotted_end(1, 0) == (1, 1)
    assert src.ast_end(ast.alias(name="a")) == (0, 0)  # a node without positions


def test_parso_grammar_falls_back_to_an_older_version(monkeypatch: pytest.MonkeyPatch) -> None:

    asked: list[str] = []

    def fake_load_grammar(version: str | None = None) -> str:
        asked.append(str(version))
        if version == "3.14":
            raise NotImplementedError(version)
        return f"grammar {version}"

    parso_module._parso_grammar.cache_clear()
    monkeypatch.setattr(parso.grammar, "load_grammar", fake_load_grammar)
    try:
        assert parso_module._parso_grammar() == "grammar 3.13"
        assert asked == ["3.14", "3.13"]
    finally:
        parso_module._parso_grammar.cache_clear()
