"""Fuzzing (hypothesis) of everything that reads untrusted text: the import readers (through
``extract_facts``, whichever reader it uses), exception comments, the config loader and the
ADR parser. On valid Python the imports are exactly what ``ast`` sees; on anything else no
exception escapes and no internal error is reported as a finding.

The budget is a hypothesis profile: ``fuzz-ci`` (default, a few seconds per test) or
``ARCHRULES_FUZZ=long`` (1,500 examples per test) for the figures in the closing note::

    ARCHRULES_FUZZ=long python -m pytest tests/test_fuzz.py --hypothesis-show-statistics
"""

from __future__ import annotations

import ast
import json
import os
import string
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archrules.core.adr import parse_adr
from archrules.core.config import load_config
from archrules.core.facts import extract_facts

settings.register_profile(
    "fuzz-ci",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "fuzz-long",
    max_examples=1_500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FUZZ = settings.get_profile(
    "fuzz-long" if os.environ.get("ARCHRULES_FUZZ") == "long" else "fuzz-ci"
)

INTERNAL_ERROR = "archrules could not read this file"

# --- generated Python -------------------------------------------------------------------

identifiers = st.sampled_from(
    ["a", "b", "pkg", "mod", "x_1", "_p", "données", "Ω", "TYPE_CHECKING"]
)
dotted = st.lists(identifiers, min_size=1, max_size=3).map(".".join)


@st.composite
def import_statement(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 4))
    space = draw(st.sampled_from([" ", "  ", "\t"]))
    if kind == 0:
        names = draw(st.lists(dotted, min_size=1, max_size=3))
        parts = [n + (f" as {draw(identifiers)}" if draw(st.booleans()) else "") for n in names]
        return f"import{space}" + ", ".join(parts)
    dots = "." * draw(st.integers(0, 3))
    module = draw(dotted) if not dots or draw(st.booleans()) else ""
    if kind == 1:
        return f"from {dots}{module} import *" if module or dots else "import a"
    names = draw(st.lists(identifiers, min_size=1, max_size=3))
    body = ", ".join(n + (" as z" if draw(st.booleans()) else "") for n in names)
    if kind == 2:
        body = "(\n    " + body.replace(", ", ",\n    ") + ",\n)"
    if kind == 3:
        body = body.replace(", ", ", \\\n    ")
    return f"from{space}{dots}{module} import {body}"


@st.composite
def noise(draw: st.DrawFn) -> str:
    return draw(
        st.sampled_from(
            [
                "x = 1",
                "s = 'import os  # not an import'",
                '"""\nimport fake\nfrom fake import x\n"""',
                "# import commented.out",
                "pass",
                "print('from a import b')",
                "y = [i for i in range(3)]",
                "importlib.import_module('dyn.mod')",
                "__import__('dyn2')",
                "f = lambda: None",
                "z = 'ünïcode ' + \"\\u00e9\"",
                "x = 1; import semi.colon",
                "x = 1  # archrules: allow[some-rule] ADR-0001 because",
            ]
        )
    )


@st.composite
def python_module(draw: st.DrawFn) -> str:
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 12))):
        statement = draw(st.one_of(import_statement(), noise()))
        wrapper = draw(st.integers(0, 6))
        if wrapper == 1:
            statement = "if TYPE_CHECKING:\n" + _indent(statement)
        elif wrapper == 2:
            statement = "try:\n" + _indent(statement) + "\nexcept ImportError:\n    pass"
        elif wrapper == 3:
            statement = "def f():\n" + _indent(statement)
        elif wrapper == 4:
            statement = "class C:\n" + _indent(statement)
        lines.append(statement)
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    prefix = draw(st.sampled_from(["", "\ufeff", "# -*- coding: utf-8 -*-\n"]))
    return prefix + newline.join("\n".join(lines).split("\n")) + draw(st.sampled_from(["", "\n"]))


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.split("\n"))


def ast_imports(text: str) -> list[tuple[str, str, int, int]]:
    """(module, name, level, statement line) of every import statement, from ``ast``."""
    found = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            found += [(alias.name, "", 0, node.lineno - 1) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found += [
                (node.module or "", alias.name, node.level, node.lineno - 1) for alias in node.names
            ]
    return sorted(found)


@FUZZ
@given(python_module())
def test_on_valid_python_the_imports_are_exactly_what_ast_sees(text: str) -> None:
    try:
        ast.parse(text)
    except SyntaxError:  # the generator can make invalid code (a BOM after a comment...)
        return
    facts = extract_facts(text)
    assert facts.syntax_error is None
    got = sorted(
        (f.module, f.name or "", f.level, f.stmt_line) for f in facts.imports if not f.dynamic
    )
    assert got == ast_imports(text)
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for fact in facts.imports:
        r = fact.module_range
        if not fact.dynamic and r.line == r.end_line and fact.module:
            written = lines[r.line][r.col : r.end_col]
            assert "".join(written.split()).lstrip(".") == fact.module


@FUZZ
@given(st.one_of(st.text(), st.text(alphabet=string.printable + "\x00\ufeff\u2028()[]:\\")))
def test_any_text_gives_facts_and_no_internal_error(text: str) -> None:
    facts = extract_facts(text)
    if facts.syntax_error is not None:
        assert INTERNAL_ERROR not in facts.syntax_error.message


@FUZZ
@given(python_module(), st.integers(0, 400), st.text(max_size=5))
def test_broken_python_gives_facts_and_no_internal_error(text: str, cut: int, junk: str) -> None:
    """A file being edited: valid code cut anywhere, with a few characters thrown in."""
    broken = text[:cut] + junk + text[cut:]
    facts = extract_facts(broken)
    if facts.syntax_error is not None:
        assert INTERNAL_ERROR not in facts.syntax_error.message


# --- exception comments -------------------------------------------------------------------

rule_names = st.text(alphabet=string.ascii_lowercase + "-_0123456789.", min_size=1, max_size=12)


@FUZZ
@given(
    st.lists(rule_names, max_size=4),
    st.sampled_from([", ", ",", " ", " , "]),
    st.integers(0, 99999),
    st.sampled_from(["", " because", " ünïcode 🐍"]),
    st.sampled_from(["import a.b", "x = 1", ""]),
    st.sampled_from(["#", "#  ", "# "]),
)
def test_exception_comments_are_read_as_written(
    rules: list[str], separator: str, adr: int, words: str, code: str, hash_: str
) -> None:
    comment = f"{hash_}archrules: allow[{separator.join(rules)}] ADR-{adr:04d}{words}"
    line = f"{code}  {comment}" if code else comment
    text = f"import os\n{line}\nimport c\n"
    [found] = extract_facts(text).exceptions
    assert list(found.rules) == rules
    assert found.adr == adr
    assert found.own_line == (not code)
    assert found.line == 1
    for rule, r in zip(found.rules, found.rule_ranges, strict=True):
        assert line[r.col : r.end_col] == rule


@FUZZ
@given(st.text(max_size=60), st.sampled_from(["", "import a\n", "'''\n"]))
def test_any_exception_comment_text_is_no_error(tail: str, before: str) -> None:
    text = f"{before}x = 1  # archrules: allow[{tail}\n# archrules:{tail}\n"
    facts = extract_facts(text)
    if facts.syntax_error is not None:
        assert INTERNAL_ERROR not in facts.syntax_error.message


# --- the config loader ----------------------------------------------------------------------

CONFIG_KEYS = (
    "project",
    "roots",
    "type-checking-imports",
    "exclude",
    "adr",
    "directory",
    "require-for-exceptions",
    "layers",
    "forbidden",
    "independent",
    "acyclic",
    "interface",
    "conventions",
    "naming",
    "size",
    "calls",
    "duplicates",
    "drift",
    "name",
    "severity",
    "description",
    "indirect",
    "ignore",
    "modules",
    "from",
    "to",
    "source",
    "forbid",
    "allow",
    "expose",
    "containers",
    "closed",
    "except-in",
    "in",
    "functions",
    "classes",
    "must-define",
    "max-function-lines",
    "max-module-lines",
    "min-lines",
    "external",
    "hint",
    "venv",
    "check",
    "error",
    "tool",
    "archrules",
)

keys = st.one_of(st.sampled_from(CONFIG_KEYS), st.text(min_size=1, max_size=8))
scalars = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["shop.web", "shop.*", "**", "*.*.*", "a -> b", "ADR-0001", "error", "[", ""]),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False),
    st.booleans(),
)
structures = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=5)
    ),
    max_leaves=25,
)


def toml_value(value: Any) -> str:
    """An inline TOML value (the standard library can read TOML but not write it)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        text = repr(value)
        return {"inf": "inf", "-inf": "-inf"}.get(text, text)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def toml_document(table: dict[str, Any]) -> str:
    return "".join(f"{json.dumps(k)} = {toml_value(v)}\n" for k, v in table.items())


@FUZZ
@given(st.dictionaries(keys, structures, max_size=6))
def test_any_config_structure_gives_problems_not_exceptions(table: dict[str, Any]) -> None:
    text = toml_document(table)
    for name in ("archrules.toml", "pyproject.toml"):
        result = load_config(Path("/fuzz") / name, text)
        for problem in result.problems:
            assert problem.message and problem.range.line >= 0


@FUZZ
@given(
    st.one_of(
        st.text(),
        st.lists(
            st.sampled_from(
                [
                    "[project]",
                    "[[layers]]",
                    "[tool.archrules]",
                    'roots = ["src"]',
                    'name = "x"',
                    'layers = ["a", "b"]',
                    "layers = 3",
                    '"a.b" = 1',
                    "x = [[[[[[[[[[[[[[[[[[[[[[[[",
                    "[a.b.c]",
                    "= 1",
                    'adr = "ADR-"',
                    "\x00",
                    "'''",
                    '"""',
                ]
            ),
            max_size=10,
        ).map("\n".join),
    )
)
def test_any_config_text_gives_problems_not_exceptions(text: str) -> None:
    for name in ("archrules.toml", "pyproject.toml"):
        load_config(Path("/fuzz") / name, text)


# --- the ADR parser -------------------------------------------------------------------------

adr_fragments = st.sampled_from(
    [
        "---",
        "status: accepted",
        "status:",
        'status: "superseded by ADR-0002"',
        "date: 2024-01-02",
        "# 1. Title",
        "#",
        "# ",
        "## Status",
        "Superceded by [5. Use X](0005-use-x.md)",
        "* Status: proposed",
        "- **Status**: deprecated",
        "## Decision",
        "We will",
        "```",
        "    indented",
        "\ufeff",
        "\x00",
        "ADR-99999999999999999999",
    ]
)


@FUZZ
@given(
    st.one_of(st.text(), st.lists(st.one_of(adr_fragments, st.text(max_size=10))).map("\n".join)),
    st.sampled_from(["0001-a.md", "99999999999999999999-x.md", "0002-x y é.md"]),
)
def test_any_adr_text_gives_an_adr_not_an_exception(text: str, name: str) -> None:
    adr = parse_adr(Path("/fuzz") / name, text)
    assert adr is not None
    assert adr.status in ("proposed", "accepted", "rejected", "deprecated", "superseded", "unknown")
