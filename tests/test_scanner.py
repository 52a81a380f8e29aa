"""The import scanner (ADR-0009): the same facts as the ``ast`` path on valid code, the
``ast`` path when it cannot be sure, syntax errors still reported."""

from __future__ import annotations

import ast
import contextlib
import sys
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archrules.core.facts import _extract_with_ast, _extract_with_scanner, extract_facts
from archrules.core.reading import scanner as scanner_module
from archrules.core.reading.scanner import Unsure, _guard_key, scan_imports
from archrules.core.reading.text import Source
from archrules.core.types import ImportFact, Range


def scanned(text: str) -> tuple[ImportFact, ...]:
    """The scanner's facts, which must be the ``ast`` path's."""
    by_scanner = _extract_with_scanner(text)
    assert by_scanner is not None, "the scanner stepped aside"
    assert by_scanner == _extract_with_ast(text)
    return by_scanner


def summary(text: str) -> list[tuple[str, str | None, int, bool]]:
    return [(f.module, f.name, f.level, f.type_checking) for f in scanned(text)]


# --- it is used, and a syntax error is still reported ----------------------------------


def test_without_conventions_no_tree_is_built(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_parse(*args: object, **kwargs: object) -> ast.Module:
        raise AssertionError("ast.parse was called")

    monkeypatch.setattr(ast, "parse", no_parse)
    facts = extract_facts("import a\nfrom .b import c as d\n", conventions=False)
    assert facts.syntax_error is None
    assert [(f.module, f.name, f.level) for f in facts.imports] == [("a", None, 0), ("b", "c", 1)]
    assert facts.line_count == 2


def test_syntax_error_is_reported_without_conventions() -> None:
    text = "import a\ndef f(:\n    import b\n"
    with_scanner = extract_facts(text, conventions=False)
    assert with_scanner.syntax_error is not None
    assert with_scanner.syntax_error.range.line == 1
    assert with_scanner == extract_facts(text, conventions=True)
    assert [f.module for f in with_scanner.imports] == ["a", "b"]  # parso's, as before


def test_code_the_symbol_table_rejects_but_ast_accepts_has_no_syntax_error() -> None:
    text = "import a\nnonlocal x\ndef f(a, a):\n    pass\n"
    facts = extract_facts(text, conventions=False)
    assert facts.syntax_error is None
    assert [f.module for f in facts.imports] == ["a"]


def test_conventions_still_get_definitions() -> None:
    facts = extract_facts("import a\ndef f():\n    return a.b()\n", conventions=True)
    assert [d.name for d in facts.definitions] == ["f"]
    assert extract_facts("import a\ndef f():\n    pass\n", conventions=False).definitions == ()


# --- imports -------------------------------------------------------------------------------


def test_statement_forms_and_ranges() -> None:
    text = (
        "import a.b as c, d\n"
        "from . import x\n"
        "from .a import (b,\n    c as e,  # note (\n)\n"
        "from .. pkg . sub import *\n"
        "import x; from y import z; import w\n"
        "from p \\\n  . q import \\\n  r\n"
    )
    found = scanned(text)
    assert [(f.module, f.name, f.level, f.stmt_line) for f in found] == [
        ("a.b", None, 0, 0),
        ("d", None, 0, 0),
        ("", "x", 1, 1),
        ("a", "b", 1, 2),
        ("a", "c", 1, 2),
        ("pkg.sub", "*", 2, 5),
        ("x", None, 0, 6),
        ("y", "z", 0, 6),
        ("w", None, 0, 6),
        ("p.q", "r", 0, 7),
    ]
    assert found[0].module_range == Range(0, 7, 0, 10)
    assert found[-1].module_range == Range(7, 5, 8, 5)
    assert found[-1].name_range == Range(9, 2, 9, 3)


def test_text_that_only_looks_like_imports() -> None:
    text = (
        '"""\nimport docstring\n"""\n'
        "x = 'import a'  # import b\n"
        "y = rb'''\nfrom c import d\n''' + Rb\"import e\" + u'from f import g'\n"
        'z = f\'{x!r:>10} import h\' + F"""{y}\nimport i"""\n'
        "w = '\\' import j'; v = \"\\\\\"; import k\n"
        "def gen():\n    yield from range(3)\n    raise ValueError from None\n"
        "import_x = importer = fromage = 1\n"
        'if"import l": pass\n'
        "s = 'a' \\\n    'import m'\n"
    )
    assert summary(text) == [("k", None, 0, False)]


def test_imports_in_nested_blocks_and_one_line_bodies() -> None:
    text = (
        "class C:\n"
        "    @decorator\n"
        "    def f(self):\n"
        "        try: import a\n"
        "        except ImportError: import b\n"
        "        else:\n"
        "            with x: import c\n"
        "        while y: import d; import e\n"
        "async def g():\n"
        "    match z:\n"
        "        case 1:\n"
        "            from f import h\n"
    )
    assert [m for m, *_ in summary(text)] == ["a", "b", "c", "d", "e", "f"]


def test_f_strings_any_python_reads() -> None:
    text = (
        "a = f\"{d['import x'](y)}{{import z}} {b[1:2]!r:>{w}} { {1}.pop() }\\n\" ; import b\n"
        "c = f'''{x}\nimport in_f_string''' + rf\"{x}\\{{\" + f'{x:%H:%M}'; import c\n"
    )
    assert [m for m, *_ in summary(text)] == ["b", "c"]


def test_non_ascii_names_bom_crlf_and_tabs() -> None:
    text = "\ufeffimport é.ñ as ü\r\nif x:\r\n\tfrom ﬁ import ｂ\r\n"
    found = scanned(text)
    assert [(f.module, f.name) for f in found] == [("é.ñ", None), ("fi", "b")]
    assert found[0].module_range == Range(0, 8, 0, 11)


# --- TYPE_CHECKING -------------------------------------------------------------------------


def test_type_checking_blocks_else_and_elif() -> None:
    text = (
        "import typing as t\n"
        "from typing import TYPE_CHECKING, TYPE_CHECKING as TC\n"
        "if TYPE_CHECKING:\n"
        "    import a\n"
        "    def f():\n"
        "        import b\n"
        "else:\n"
        "    import c\n"
        "if x:\n    pass\nelif (t . TYPE_CHECKING):\n    import d\n"
        "if TC: import e\n"
        "if not TYPE_CHECKING:\n    import f\n"
        "if typing.TYPE_CHECKING and x:\n    import g\n"
        "if ((t).TYPE_CHECKING):\n    import h\n"
        "if y:\n    import i\n"
        "    if TC:\n        x = [\n1]\n        '''\nimport no\n'''\n        import j\n"
        "    import k\n"
        "elif TYPE_CHECKING: import l; import m\n"
        "else: import n\n"
    )
    found = {m: tc for m, _n, _l, tc in summary(text)}
    expected_tc = {"a", "b", "d", "e", "h", "j", "l", "m"}
    assert {m for m, tc in found.items() if tc} == expected_tc
    assert set(found) - expected_tc == {"typing", "c", "f", "g", "i", "k", "n"}


def test_type_checking_after_continuation_and_in_brackets() -> None:
    text = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING: \\\n    import a\n"
        "x = (1,\n 2); import b\n"
        "if TYPE_CHECKING:\n    y = {'k': (\n1)}; import c\n"
        "if TYPE_CHECKING:\n\n    # a comment at column 0 follows\n# here\n    import d\n"
        "if not TYPE_CHECKING: import e\n"
        "if TYPE_CHECKING or ':':\n    import f\n"
        "if TYPE_CHECKING:\n\tif x:\n\t\timport g\n\x0c\timport h\n"
    )
    found = {m: tc for m, _n, _l, tc in summary(text)}
    expected = {"a": True, "b": False, "c": True, "d": True, "e": False, "f": False}
    assert found == {"typing": False, **expected, "g": True, "h": True}


@pytest.mark.parametrize(
    ("test", "key"),
    [
        ("TYPE_CHECKING", "TYPE_CHECKING"),
        (" ( TYPE_CHECKING ) ", "TYPE_CHECKING"),
        ("t . TYPE_CHECKING", "t.TYPE_CHECKING"),
        ("((t).TYPE_CHECKING)", "t.TYPE_CHECKING"),
        ("a.b.c", None),
        ("not TYPE_CHECKING", None),
        ("True", None),
        ("f(x)", None),
        ("x[0]", None),
        ("(a, b)", None),
        ("(a).b)", None),
        ("a \\\n  .b", "a.b"),
        ("x if y else z", None),
        ("x.1", None),
    ],
)
def test_guard_keys_as_ast_reads_them(test: str, key: str | None) -> None:
    assert _guard_key(test) == key


# --- where it steps aside ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "import importlib\nm = importlib.import_module('a')\n",
        "x = __import__('a')\n",
        "from typing import TYPE_CHECKING\nif (TYPE_CHECKING  # why\n):\n    import a\n",
        "from typing import TYPE_CHECKING\nif é:\n    import a\n",
    ],
)
def test_the_scanner_steps_aside_and_ast_reads_the_file(text: str) -> None:
    assert _extract_with_scanner(text) is None
    assert extract_facts(text, conventions=False).imports == _extract_with_ast(text)


@pytest.mark.parametrize(
    "text",
    [
        "x = 'unterminated\n",
        "x = f'{unterminated\n",
        "x = f'{a\\\nb}'\n",
        "x = f'{a:{{}}'\n",
        "x = f'{a:\\n}'\n",
        "x = (\n",
        "x = )\nimport a\n",
        "import\n",
        "from a import (\n",
        "import a as\n",
        "from a import ;\n",
        "x = f'{a}\n",
        "if TYPE_CHECKING\n    import a\n",
        "__import__('a')\n",
    ],
)
def test_what_the_scanner_cannot_read_raises_unsure(text: str) -> None:
    with pytest.raises(Unsure):
        scan_imports(Source("from typing import TYPE_CHECKING\n" + text))


def test_a_dotted_name_stops_where_no_name_follows_a_dot() -> None:
    (raw,) = scan_imports(Source("import a.;\n"))
    assert (raw.module, raw.module_range) == ("a", Range(0, 7, 0, 8))


def test_no_import_at_all_is_read_without_lexing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scanner_module, "_Lexed", None)
    assert scan_imports(Source("x = 1\n")) == []


# --- f-strings as Python 3.12 reads them ---------------------------------------------------


@pytest.mark.skipif(sys.version_info < (3, 12), reason="PEP 701 f-strings are Python 3.12+")
def test_pep_701_f_strings() -> None:
    text = (
        'x = f"{d["import a"]}" ; import b\n'
        'y = f"{x:{"#"}>{w}} {x!r} {{import c}}"\n'
        'z = f"""{\n  x  # import d\n}"""\n'
        'w = f"{f"{f"{1}"}"}" ; import e\n'
        "v = f'{1 +\n 2}' ; import f\n"
        "u = rf'\\{x}\\N{{y}}' + f'\\N{EM DASH} {x}'\n"
    )
    assert [m for m, *_ in summary(text)] == ["b", "e", "f"]


# --- generated programs: the scanner agrees with ast, and never raises ---------------------

NAMES = st.sampled_from(["a", "b", "pkg", "x1", "_p", "é", "TYPE_CHECKING", "typing", "t"])
DOTTED = st.lists(NAMES, min_size=1, max_size=3).map(".".join)
SP = st.sampled_from([" ", "  ", "\t", " \\\n ", " \\\r\n"])


@st.composite
def statement(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 9))
    sp = draw(SP)
    if kind == 0:
        items = draw(st.lists(DOTTED, min_size=1, max_size=3))
        return "import" + sp + ", ".join(i + draw(st.sampled_from(["", " as q"])) for i in items)
    if kind == 1:
        dots = draw(st.sampled_from(["", ".", "..", ". .", "..."]))
        module = draw(DOTTED) if not dots or draw(st.booleans()) else ""
        names = draw(st.lists(NAMES, min_size=1, max_size=3))
        listing = ", ".join(n + draw(st.sampled_from(["", " as r"])) for n in names)
        if draw(st.booleans()):
            listing = "(\n  " + listing.replace(", ", ",  # c (\n  ") + ",\n)"
        return f"from{sp}{dots}{sp if dots and module else ''}{module}{sp}import {listing}"
    if kind == 2:
        return "from typing import TYPE_CHECKING" + draw(st.sampled_from(["", " as TC"]))
    if kind == 3:
        quote = draw(st.sampled_from(["'", '"', "'''", '"""']))
        prefix = draw(st.sampled_from(["", "r", "b", "rb", "f", "Rf", "u", "F"]))
        body = draw(st.sampled_from(["import a", "from b import c", "#", "{x}", "\\\\", "{{"]))
        if "f" in prefix.lower() and "{" in body and "{{" not in body:
            body = "{x!r:>10} import z"
        return f"s = {prefix}{quote}{body}{quote}"
    if kind == 4:
        return draw(st.sampled_from(["x = 1", "pass", "y = (1,\n 2)", "z = [\n]", "f(x)"]))
    if kind == 5:
        return "# import commented " + draw(st.sampled_from(["(", "'", '"""']))
    if kind == 6:
        return "yield from g()" if draw(st.booleans()) else "raise E from None"
    if kind == 7:
        return f"{draw(statement())}; {draw(statement())}".replace("\n", " ")
    if kind == 8:
        return "@decorator"
    return "x = '''\nimport in_string\n'''"


HEADERS = st.sampled_from(
    [
        "if TYPE_CHECKING:",
        "if typing.TYPE_CHECKING:",
        "if (t.TYPE_CHECKING):",
        "if TC:",
        "if not TYPE_CHECKING:",
        "elif TYPE_CHECKING:",
        "else:",
        "def f():",
        "class C:",
        "try:",
        "except E:",
        "with w:",
        "for i in x:",
        "while y:",
        "if x:",
    ]
)


@st.composite
def program(draw: st.DrawFn) -> str:
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 12))):
        indent = draw(st.sampled_from(["", "", "    ", "        ", "\t"]))
        if draw(st.integers(0, 3)) == 0:
            header = draw(HEADERS)
            if draw(st.booleans()):
                lines.append(f"{indent}{header} {draw(statement())}".replace("\n", " "))
            else:
                lines.append(indent + header)
        else:
            lines.append(indent + draw(statement()))
    ending = draw(st.sampled_from(["\n", "\r\n", ""]))
    return ending.join(lines) + ending


def parses(text: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


@given(program())
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_generated_programs_scanner_equals_ast(text: str) -> None:
    by_scanner = _extract_with_scanner(text)  # never raises, valid or not
    if parses(text):
        assert by_scanner == _extract_with_ast(text)
        assert extract_facts(text, conventions=False).imports == _extract_with_ast(text)
    else:
        assert by_scanner is None
        assert extract_facts(text, conventions=False).syntax_error is not None


PIECES = st.sampled_from([*"()'\"#\\\n:;.,f{}\ta ", "import", "from", "TYPE_CHECKING", "if"])


@given(st.lists(PIECES, max_size=60).map("".join))
@settings(max_examples=300, deadline=None)
def test_the_scanner_raises_only_unsure_even_on_broken_text(text: str) -> None:
    with contextlib.suppress(Unsure):
        scan_imports(Source(text))
