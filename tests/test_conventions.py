"""The convention rules: naming, size, calls and duplicates, from the facts they read
(definitions, references, body hashes) to the violations, exceptions and baseline keys."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from archrules.core.baseline import baseline_key
from archrules.core.cache import decode_facts, encode_facts
from archrules.core.config import load_config
from archrules.core.conventions import (
    CheckedFile,
    ConventionChecker,
    _suffix,
    absolute_target,
    is_dunder,
    name_matches,
)
from archrules.core.facts import extract_facts
from archrules.core.kinds import DriftRule
from archrules.core.model import ProjectModel
from archrules.core.types import Definition, FileFacts, Range
from support import memory_model

ROOT = Path("/virtual")


def facts(text: str) -> FileFacts:
    return extract_facts(textwrap.dedent(text))


def defs(text: str) -> dict[str, Definition]:
    return {d.qualname: d for d in facts(text).definitions}


def refs(text: str) -> list[tuple[str, bool]]:
    return [(r.target, r.is_call) for r in facts(text).references]


def body_hash(text: str) -> str | None:
    (first, *_) = facts(text).definitions
    return first.body_hash


def model(config: str, files: dict[str, str]) -> ProjectModel:
    return memory_model(
        '[project]\nroots = ["src"]\n' + textwrap.dedent(config),
        {"src/app/__init__.py": "", **files},
        ROOT,
    )


def found(m: ProjectModel) -> list[tuple[str, str, int, int]]:
    """(rule, path relative to src, 1-based line, 1-based column)."""
    return [
        (v.rule, str(v.path.relative_to(ROOT / "src")), v.range.line + 1, v.range.col + 1)
        for v in m.violations()
    ]


# --- facts: definitions ----------------------------------------------------------------


def test_definitions_kinds_scopes_and_qualnames() -> None:
    found = defs(
        """\
        class A:
            class B:
                def m(self): ...
            async def n(self): ...
        def f():
            def g():
                class C: ...
        """
    )
    assert {q: (d.kind, d.scope) for q, d in found.items()} == {
        "A": ("class", "module"),
        "A.B": ("class", "class"),
        "A.B.m": ("function", "class"),
        "A.n": ("function", "class"),
        "f": ("function", "module"),
        "f.<locals>.g": ("function", "function"),
        "f.<locals>.g.<locals>.C": ("class", "function"),
    }
    assert found["f"].body_hash is not None and found["A.n"].body_hash is not None
    assert found["f.<locals>.g"].body_hash is None and found["A"].body_hash is None


def test_name_ranges_are_the_name_token() -> None:
    text = "@deco\n@other(1)\nasync  def  fetch(x): ...\nclass \\\n  Ünïcode: ...\ndef\tλ(): ...\n"
    found = {d.name: d for d in extract_facts(text).definitions}
    assert found["fetch"].name_range == Range(2, 12, 2, 17)
    assert found["fetch"].first_line == 0  # the first decorator
    assert found["Ünïcode"].name_range == Range(4, 2, 4, 9)
    assert found["Ünïcode"].first_line == 3
    assert found["λ"].name_range == Range(5, 4, 5, 5)
    # a BOM shifts ast's columns on the first line only
    (bom,) = extract_facts("\ufeffdef f(): ...\n").definitions
    assert bom.name_range == Range(0, 5, 0, 6)


def test_line_counts_leave_out_blank_lines_comments_and_the_docstring() -> None:
    found = defs(
        '''\
        @decorator
        def f(
            a,
            b,
        ):
            """A docstring
            over three lines.
            """

            # a comment
            x = """
        # inside a string: counted

            """
            return x  # trailing comment
        def g(): return 1
        def h():
            """Only a docstring."""
        def one(): "doc on the def line"; return 2
        '''
    )
    assert (found["f"].line_count, found["f"].body_lines) == (9, 5)
    assert (found["g"].line_count, found["g"].body_lines) == (1, 1)
    assert (found["h"].line_count, found["h"].body_lines) == (1, 0)
    assert (found["one"].line_count, found["one"].body_lines) == (1, 1)


def test_a_file_that_does_not_parse_has_no_convention_facts() -> None:
    broken = facts("import os\nclass A:\n    def f(:\n        os.getenv('X')\n")
    assert broken.syntax_error is not None and broken.imports
    assert broken.definitions == () and broken.references == ()


# --- facts: references -----------------------------------------------------------------


def test_references_resolve_import_aliases() -> None:
    assert refs(
        """\
        import os as o
        import os.path
        import xml.etree.ElementTree as ET
        from os import getenv, environ as env
        from . import sibling
        from ..pkg import tool as t
        from shop import *
        o.getenv("A")
        getenv("B")
        env["C"]
        os.environ.get("D")
        os.path.join("e")
        ET.parse
        sibling.helper()
        t()
        unknown.attr
        local = 1
        local.attr
        """
    ) == [
        ("os.getenv", True),
        ("os.getenv", True),
        ("os.environ", False),
        ("os.environ.get", True),
        ("os.path.join", True),
        ("xml.etree.ElementTree.parse", False),
        (".sibling.helper", True),
        ("..pkg.tool", True),
    ]


def test_references_to_builtins_and_their_shadows() -> None:
    assert refs("print('x')\nx = len\nimport builtins\nbuiltins.open('f')\n") == [
        ("print", True),
        ("len", False),
        ("open", True),
    ]
    # a module-level definition or assignment rebinds the name: no longer the builtin
    shadowed = "def print(*a): ...\ninput = None\nid: object = 1\nprint('x'); input; id\nlen('x')\n"
    assert refs(shadowed) == [("object", False), ("len", True)]
    # the first binding in the file wins, in one statement too
    assert refs("import os as x\nimport sys as x\nx.argv\n") == [("os.argv", False)]
    assert refs("import sys as x, os as x\nx.argv\n") == [("sys.argv", False)]
    assert refs("from a import b as x, c as x\nx\n") == [("a.b", False)]


def test_reference_ranges_and_nesting() -> None:
    text = 'import os\nos.path.join(os.getcwd(), f().os)\nos.environ["X"] = g(os).x\n'
    found = extract_facts(text).references
    assert [(r.target, r.range) for r in found] == [
        ("os.path.join", Range(1, 0, 1, 33)),
        ("os.getcwd", Range(1, 13, 1, 24)),
        ("os.environ", Range(2, 0, 2, 10)),
        ("os", Range(2, 20, 2, 22)),
    ]


# --- facts: body hashes ----------------------------------------------------------------

TOTAL = '''\
def total(items, factor):
    """Sum the prices."""
    result = 0
    for item in items:
        result += item.price * factor
    return round(result, 2)
'''


def test_bodies_match_after_renaming_locals_and_dropping_docstrings() -> None:
    renamed = """\
    @cache
    def add_up(xs, k):
        acc = 0
        for x in xs:
            acc += x.price * k  # a comment does not matter
        return round(acc, 2)
    """
    assert body_hash(TOTAL) == body_hash(renamed)
    method = "class A:\n" + textwrap.indent(TOTAL, "    ")
    assert defs(method)["A.total"].body_hash == body_hash(TOTAL)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("result = 0", "result = 1"),  # a literal
        ("round(result, 2)", "round(result, 3)"),
        ("round(result, 2)", "floor(result, 2)"),  # another called function
        ("item.price", "item.cost"),  # another attribute
        ("for item in items", "for item in ITEMS"),  # a global instead of a parameter
        ("result = 0", 'result = "0"'),
        ("result = 0", "result = 0.0"),
        ("result = 0", "result = False"),
        ("def total(items, factor)", "def total(items, factor=1)"),
        ("def total(items, factor)", "async def total(items, factor)"),
        ("+= item", "-= item"),
    ],
)
def test_bodies_that_differ_do_not_match(old: str, new: str) -> None:
    assert old in TOTAL
    assert body_hash(TOTAL) != body_hash(TOTAL.replace(old, new))


def test_globals_and_locals_are_told_apart() -> None:
    local = "def f():\n    x = 1\n    return x\n"
    glob = "def f():\n    global x\n    x = 1\n    return x\n"
    other = "def f():\n    global y\n    y = 1\n    return y\n"
    assert len({body_hash(local), body_hash(glob), body_hash(other)}) == 3


def test_every_binding_form_is_local() -> None:
    template = """\
    def f({a}):
        import os.path as {b}
        import json
        try:
            {c} = [{d} for {d} in {a}]
        except ValueError as {e}:
            raise {e}
        def {g}(*{h}, **{i}):
            nonlocal {c}
            return {h}
        class {k}: ...
        with open({b}) as {m}:
            match {m}:
                case [{n}, *{o}]: return {n}, {o}
                case {{"key": {p}, **{q}}}: return {p}, {q}
                case {r}: return {r}, json
        return {g}, {k}
    """
    letters = "abcdeghikmnopqr"
    first = template.format(**{x: f"name_{x}" for x in letters})
    second = template.format(**{x: f"other_{x}" for x in letters})
    assert body_hash(first) == body_hash(second)
    assert body_hash(first) != body_hash(first.replace("import json", "import pickle as json"))


def test_hashing_has_no_depth_limit() -> None:
    deep = "def f(x):\n    return " + " + ".join(["x"] * 2000) + "\n"
    assert body_hash(deep) is not None


# --- facts: the cache codec -----------------------------------------------------------


def test_convention_facts_survive_the_cache_codec() -> None:
    original = facts(TOTAL + "import os\nos.getenv('X')\nclass A:\n    def m(self): ...\n")
    assert original.definitions and original.references
    assert decode_facts(encode_facts(original)) == original


# --- naming ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "name", "expected"),
    [
        ("snake_case", "load_all2", True),
        ("snake_case", "_private", True),
        ("snake_case", "loadAll", False),
        ("snake_case", "__", True),
        ("PascalCase", "HTTPServer", True),
        ("PascalCase", "_Private", True),
        ("PascalCase", "Http_Server", False),
        ("PascalCase", "server", False),
        ("UPPER_CASE", "MAX_SIZE_2", True),
        ("UPPER_CASE", "Max", False),
        ("*Repository", "OrderRepository", True),
        ("*Repository", "RepositoryBase", False),
        ("Test?", "TestA", True),
        ("Test?", "TestAB", False),
    ],
)
def test_name_matches(pattern: str, name: str, expected: bool) -> None:
    assert name_matches(pattern, name) is expected


def test_is_dunder() -> None:
    assert is_dunder("__init__") and not is_dunder("__") and not is_dunder("__private")


NAMING = """
[[naming]]
name = "names"
in = ["app.repos"]
classes = "*Repository"
functions = "snake_case"
modules = "snake_case"
must-define = "*Repository"
"""


def test_naming_flags_classes_functions_and_methods_by_their_name() -> None:
    m = model(
        NAMING,
        {
            "src/app/repos/__init__.py": "",
            "src/app/repos/orders.py": """\
                class OrderRepository:
                    def __init__(self): ...
                    def loadAll(self): ...
                    class Helper: ...
                class orderCache: ...
                def makeRepo():
                    def innerCamel(): ...
                    class Local: ...
                """,
            "src/app/other.py": "class whatever:\n    def Bad(self): ...\n",
        },
    )
    assert found(m) == [
        ("names", "app/repos/orders.py", 3, 9),
        ("names", "app/repos/orders.py", 4, 11),
        ("names", "app/repos/orders.py", 5, 7),
        ("names", "app/repos/orders.py", 6, 5),
    ]
    messages = [v.message for v in m.violations()]
    assert (
        messages[0] == "method name 'OrderRepository.loadAll' in app.repos.orders is not snake_case"
    )
    assert messages[1] == (
        "class name 'OrderRepository.Helper' in app.repos.orders is not '*Repository'"
    )
    assert messages[3] == "function name 'makeRepo' in app.repos.orders is not snake_case"
    assert m.violations()[0].key == ("app.repos.orders", "OrderRepository.loadAll")


def test_naming_of_modules_and_must_define() -> None:
    m = model(
        NAMING,
        {
            "src/app/repos/__init__.py": "",  # a package: exempt from must-define
            "src/app/repos/Customers.py": "class CustomerRepository: ...\n",
            "src/app/repos/helpers.py": "def f(): ...\nclass Inner:\n    class XRepository: ...\n",
            "src/app/repos/draft.py": "class DraftRepository(:\n",  # does not parse
        },
    )
    module_name, must, inner = [v for v in m.violations() if v.rule == "names"]
    assert module_name.range == Range(0, 0, 0, 0) and module_name.path.name == "Customers.py"
    assert module_name.message == "module name 'Customers' (app.repos.Customers) is not snake_case"
    assert inner.message == "class name 'Inner' in app.repos.helpers is not '*Repository'"
    assert must.range == Range(0, 0, 0, 0) and must.path.name == "helpers.py"
    assert must.message == "app.repos.helpers defines no class named '*Repository'"
    assert must.key == ("app.repos.helpers", "must-define")


# --- size ------------------------------------------------------------------------------

SIZE = """
[[size]]
name = "small"
in = ["app.big"]
max-module-lines = 6
max-function-lines = 3
"""


def test_size_of_modules_and_functions() -> None:
    long_function = "def f():\n" + "".join(f"    x{i} = {i}\n" for i in range(3)) + "\n\n"
    method = "class A:\n    def m(self):\n        a = 1\n        # comment\n\n        return a\n"
    m = model(
        SIZE,
        {
            "src/app/big.py": long_function + method,
            "src/app/ok.py": long_function * 3,
        },
    )
    assert found(m) == [("small", "app/big.py", 1, 1), ("small", "app/big.py", 1, 5)]
    module, function = m.violations()
    assert module.message == "app.big has 12 lines, more than 6"
    assert module.key == ("app.big", "module")
    assert function.message == "function f in app.big has 4 lines, more than 3"
    assert function.key == ("app.big", "f")


# --- calls -----------------------------------------------------------------------------

CALLS = """
[[calls]]
name = "settings-only"
in = ["app"]
except-in = ["app.settings"]
forbid = ["os.environ", "os.getenv", "print", "app.util.secret"]
"""


def test_forbidden_calls_and_reads_through_every_alias() -> None:
    m = model(
        CALLS,
        {
            "src/app/util.py": "def secret(): ...\n",
            "src/app/settings.py": "import os\nDEBUG = os.environ.get('DEBUG')\nprint(DEBUG)\n",
            "src/app/web/__init__.py": "from ..util import secret\nsecret()\n",
            "src/app/web/views.py": """\
                import os as o
                from os import getenv as ge, environ as env
                from os import environment, path
                from . import util
                from .. import util as u
                o.getenv("A")
                ge("B")
                env["C"]
                o.environ.get("D")
                environment, path.join("x")
                print("debug")
                u.secret()
                util.secret()
                """,
        },
    )
    assert found(m) == [
        ("settings-only", "app/web/__init__.py", 2, 1),
        ("settings-only", "app/web/views.py", 6, 1),
        ("settings-only", "app/web/views.py", 7, 1),
        ("settings-only", "app/web/views.py", 8, 1),
        ("settings-only", "app/web/views.py", 9, 1),
        ("settings-only", "app/web/views.py", 11, 1),
        ("settings-only", "app/web/views.py", 12, 1),
    ]
    messages = [v.message for v in m.violations()]
    assert messages[1] == (
        "app.web.views calls os.getenv, which is not allowed here (forbidden: os.getenv)"
    )
    assert messages[3] == (
        "app.web.views uses os.environ, which is not allowed here (forbidden: os.environ)"
    )
    assert messages[4].startswith("app.web.views calls os.environ.get,")
    views = [v for v in m.violations() if v.path.name == "views.py"]
    assert views[0].range == Range(5, 0, 5, 13)  # the call
    assert views[0].key == ("app.web.views", "os.getenv")


def test_calls_through_a_relative_import_beyond_the_top_are_ignored() -> None:
    m = model(CALLS, {"src/app/x.py": "from ... import os\nos.getenv('X')\n"})
    assert found(m) == []


def test_rules_of_each_form_alone() -> None:
    config = """
    [[size]]
    name = "modules-only"
    in = ["app"]
    max-module-lines = 1

    [[layers]]
    name = "layers"
    layers = ["app.a", "app.b"]
    """
    m = model(config, {"src/app/a.py": "def f():\n    return 1\n", "src/app/b.py": ""})
    assert found(m) == [("modules-only", "app/a.py", 1, 1)]


def test_absolute_target() -> None:
    assert absolute_target("os.path", "a.b", False) == "os.path"
    assert absolute_target(".x.y", "a.b", False) == "a.x.y"
    assert absolute_target(".x", "a.b", True) == "a.b.x"
    assert absolute_target("..x", "a.b.c", False) == "a.x"
    assert absolute_target("...x", "a.b", False) is None


def test_the_base_checker_is_abstract() -> None:
    with pytest.raises(NotImplementedError):
        ConventionChecker().check_file(CheckedFile(ROOT, "m", False, FileFacts()))


# --- duplicates ------------------------------------------------------------------------

DUPLICATES = """
[[duplicates]]
name = "copies"
adr = "ADR-0001"
in = ["app"]
min-lines = 3
"""

COPY = """\
def {name}({a}, {b}):
    {c} = {a} * 2
    if {c} > {b}:
        return {b}
    return {c}
"""


def copy_of(name: str, letters: str = "abc") -> str:
    return COPY.format(name=name, **dict(zip("abc", letters, strict=True)))


def test_duplicates_across_files_and_in_one_file() -> None:
    m = model(
        DUPLICATES,
        {
            "src/app/one.py": copy_of("first"),
            "src/app/two.py": "\n\nclass K:\n" + textwrap.indent(copy_of("second", "xyz"), "    "),
            "src/app/three.py": copy_of("third").replace("* 2", "* 3")
            + copy_of("fourth").replace("* 2", "* 3"),
            "src/app/short.py": "def f(a):\n    return a * 2\n\ndef g(b):\n    return b * 2\n",
        },
    )
    assert found(m) == [
        ("copies", "app/one.py", 1, 5),
        ("copies", "app/three.py", 1, 5),
        ("copies", "app/three.py", 6, 5),
        ("copies", "app/two.py", 4, 9),
    ]
    first = m.violations()[0]
    assert first.message == (
        "function app.one.first has the same body as app.two.K.second (4 lines, after "
        "renaming locals)"
    )
    assert first.key == ("app.one.first", "app.two.K.second")
    assert baseline_key(first) == ("copies", "app.one.first", "app.two.K.second")
    assert [(r.path.name, r.range, r.message) for r in first.related] == [
        ("two.py", Range(3, 8, 3, 14), "the same body: app.two.K.second"),
    ]
    assert first.adr == 1 and first.kind == "duplicates"


def test_a_copy_typed_later_is_flagged_at_once_and_unflagged_when_gone() -> None:
    m = model(DUPLICATES, {"src/app/one.py": copy_of("first"), "src/app/two.py": ""})
    assert m.violations() == []
    m.set_text(ROOT / "src/app/two.py", "import os\n\n" + copy_of("pasted", "pqr"))
    assert [v.key for v in m.violations()] == [
        ("app.one.first", "app.two.pasted"),
        ("app.two.pasted", "app.one.first"),
    ]
    m.set_text(ROOT / "src/app/two.py", "import os\n\n" + copy_of("pasted").replace("2", "4"))
    assert m.violations() == []
    m.set_text(ROOT / "src/app/two.py", copy_of("again"))
    m.set_text(ROOT / "src/app/three.py", copy_of("third"))
    assert len(m.violations()) == 3
    m.remove(ROOT / "src/app/one.py")
    m.remove(ROOT / "src/app/three.py")
    assert m.violations() == []


def test_duplicates_respect_scope_and_shadowed_modules() -> None:
    config = DUPLICATES.replace('in = ["app"]', 'in = ["app.a"]').replace(
        'roots = ["src"]', 'roots = ["src", "lib"]'
    )
    m = memory_model(
        '[project]\nroots = ["src", "lib"]\n' + config,
        {
            "src/app/__init__.py": "",
            "src/app/a.py": copy_of("f"),
            "src/app/b.py": copy_of("g"),
            "lib/app/a.py": copy_of("h") + copy_of("i"),  # shadowed by src/app/a.py
        },
        ROOT,
    )
    assert m.violations() == []


# --- exceptions ------------------------------------------------------------------------


def test_inline_exceptions_silence_convention_findings() -> None:
    config = NAMING + SIZE.replace("app.big", "app.repos") + CALLS
    m = model(
        config,
        {
            "src/app/repos/__init__.py": "",
            "src/app/repos/x.py": """\
                # archrules: allow[names, small] legacy module
                import os
                @decorator
                # archrules: allow[names]
                class badName: ...
                # archrules: allow[names]
                @decorator(
                    1,
                )
                class alsoBad: ...
                class Third: ...  # archrules: allow[names]
                print("x")  # archrules: allow[settings-only]
                os.getenv("X")  # archrules: allow[settings-only]
                os.getenv(  # archrules: allow[names]
                    "Y"
                )
                """,
        },
    )
    assert [(v.rule, v.range.line + 1) for v in m.violations()] == [
        ("settings-only", 14),
        ("unused-exception", 14),
    ]


def test_duplicates_are_silenced_per_copy() -> None:
    m = model(
        DUPLICATES,
        {
            "src/app/one.py": "# archrules: allow[copies]\n" + copy_of("first"),
            "src/app/two.py": copy_of("second"),
        },
    )
    assert [(v.path.name, v.rule) for v in m.violations()] == [("two.py", "copies")]


# --- drift -----------------------------------------------------------------------------

DRIFT = """
[[drift]]
name = "drift"
in = ["app"]
"""

REPOS = {
    "src/app/repos/__init__.py": "class BaseRepository: ...\n",
    **{
        f"src/app/repos/{name}.py": f"class {name.title()}Repository: ...\n"
        for name in ("orders", "customers", "products", "suppliers", "stock")
    },
}


@pytest.mark.parametrize(
    ("name", "kind", "suffix"),
    [
        ("OrderRepository", "class", "*Repository"),
        ("HTTPServer", "class", "*Server"),
        ("OrderID", "class", "*ID"),
        ("Order", "class", None),
        ("order_views", "module", "*_views"),
        ("views", "module", None),
        ("_private", "module", None),
    ],
)
def test_the_suffix_a_name_suggests(name: str, kind: str, suffix: str | None) -> None:
    assert _suffix(name, kind) == suffix


def test_drift_flags_the_name_that_breaks_what_its_siblings_do() -> None:
    m = model(
        DRIFT,
        {
            **REPOS,
            "src/app/repos/cache.py": "class SupplierCache: ...\nclass _Helper: ...\n",
            "src/app/repos/Weird.py": "class WeirdRepository: ...\n",
        },
    )
    weird, cache = m.violations()
    assert (cache.path.name, cache.range, cache.severity, cache.kind) == (
        "cache.py",
        Range(0, 6, 0, 19),
        "hint",
        "drift",
    )
    assert cache.message == (
        "class SupplierCache is not '*Repository', like 7 of the 7 other classes in app.repos"
    )
    assert cache.key == ("app.repos.cache", "class", "SupplierCache")
    assert weird.message == (
        "module app.repos.Weird is not snake_case, like 6 of the 6 other modules in app.repos"
    )
    assert (weird.range, weird.key) == (Range(0, 0, 0, 0), ("app.repos.Weird", "module"))


def test_drift_needs_five_siblings_and_ninety_percent() -> None:
    five = {k: v for k, v in REPOS.items() if "stock" not in k}
    m = model(DRIFT, {**five, "src/app/repos/cache.py": "class SupplierCache: ...\n"})
    assert len(m.violations()) == 1  # 5 siblings besides SupplierCache
    four = {k: v for k, v in five.items() if "suppliers" not in k}
    m = model(DRIFT, {**four, "src/app/repos/cache.py": "class SupplierCache: ...\n"})
    assert m.violations() == []
    mixed = {**REPOS, "src/app/repos/a.py": "class A: ...\n", "src/app/repos/b.py": "class B: ..."}
    m = model(DRIFT, {**mixed, "src/app/repos/cache.py": "class SupplierCache: ...\n"})
    assert m.violations() == []  # 6 of 8 others end with Repository: 75 %
    out_of_scope = DRIFT.replace('in = ["app"]', 'in = ["app.other"]')
    m = model(out_of_scope, {**REPOS, "src/app/repos/cache.py": "class SupplierCache: ...\n"})
    assert m.violations() == []


def test_drift_follows_edits_and_file_removals() -> None:
    m = model(DRIFT, REPOS)
    assert m.violations() == []
    m.set_text(ROOT / "src/app/repos/cache.py", "class SupplierCache: ...\n")
    assert [v.key for v in m.violations()] == [("app.repos.cache", "class", "SupplierCache")]
    m.set_text(ROOT / "src/app/repos/cache.py", "class SupplierCacheRepository: ...\n")
    assert m.violations() == []
    m.set_text(ROOT / "src/app/repos/cache.py", "class SupplierCache: ...\n")
    m.set_text(ROOT / "src/app/repos/stock.py", "")  # no classes left in these files
    m.set_text(ROOT / "src/app/repos/suppliers.py", "")
    assert m.violations() == []  # 4 siblings: not enough
    m.set_text(ROOT / "src/app/repos/stock.py", "class StockRepository: ...\n")
    assert len(m.violations()) == 1
    m.remove(ROOT / "src/app/repos/cache.py")
    assert m.violations() == []
    for i in range(6):
        m.set_text(ROOT / f"src/app/repos/x{i}.py", "")
    m.set_text(ROOT / "src/app/repos/Upper.py", "")
    assert [v.key for v in m.violations()] == [("app.repos.Upper", "module")]
    m.remove(ROOT / "src/app/repos/Upper.py")
    assert m.violations() == []


def test_drift_rule_config() -> None:
    result = load_config(ROOT / "archrules.toml", '[[drift]]\nname = "d"\nin = ["app"]\n')
    assert result.config is not None and not result.problems
    (rule,) = result.config.rules
    assert isinstance(rule, DriftRule) and rule.severity == "hint" and rule.kind == "drift"
    result = load_config(ROOT / "archrules.toml", '[[drift]]\nname = "d"\nseverity = "bad"\n')
    assert [p.message for p in result.problems] == [
        "[[drift]] rule 'd' is missing the required key 'in'",
        "'bad' is not a severity; expected one of: error, warning, info, hint",
    ]
    result = load_config(
        ROOT / "archrules.toml", '[[drift]]\nname = "d"\nin = ["app"]\nseverity = "warning"\n'
    )
    assert result.config is not None and result.config.rules[0].severity == "warning"
