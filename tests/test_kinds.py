"""The registry of rule kinds (ADR-0024): every kind declares what the loader, the schema
and the hooks need, so that adding one touches its own module and one registry line."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from archrules.core.config import load_config
from archrules.core.conventions import ConventionChecker, DriftChecker, DuplicatesChecker
from archrules.core.kinds import KINDS, RULE_CLASSES, RULE_KINDS, compile_rules
from archrules.core.rule import Rule
from archrules.core.rules import Checker

FAMILY = {
    "layers": Checker,
    "forbidden": Checker,
    "independent": Checker,
    "acyclic": Checker,
    "interface": Checker,
    "external": Checker,
    "protected": Checker,
    "naming": ConventionChecker,
    "size": ConventionChecker,
    "calls": ConventionChecker,
    "duplicates": DuplicatesChecker,
    "drift": DriftChecker,
}


def test_the_registry_is_the_one_list_of_kinds() -> None:
    assert tuple(cls.KIND for cls in RULE_CLASSES) == RULE_KINDS
    assert set(FAMILY) == set(RULE_KINDS)
    assert len(set(RULE_KINDS)) == len(RULE_KINDS)


@pytest.mark.parametrize("cls", RULE_CLASSES, ids=lambda cls: cls.KIND)
def test_each_kind_declares_its_keys(cls: type[Rule]) -> None:
    assert cls.DOC and cls.DOC.endswith(".")
    assert cls.EXAMPLE.endswith("\n"), "an example of the kind's keys, for the reference"
    attrs = {f.name for f in dataclasses.fields(cls)}
    keys = [field.key for field in cls.FIELDS]
    assert len(keys) == len(set(keys))
    for field in cls.FIELDS:
        assert field.attr in attrs, f"{cls.KIND}.{field.key} fills no attribute"
        assert field.doc.endswith("."), f"{cls.KIND}.{field.key} has no documentation"
        if field.type == "names":
            assert field.valid is not None and field.what
    assert set(cls.AT_LEAST_ONE) <= set(keys)
    assert any(field.required for field in cls.FIELDS)


@pytest.mark.parametrize("kind", RULE_KINDS)
def test_each_kind_loads_compiles_and_explains_itself(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "archrules.toml"
    path.write_text(f'[[{kind}]]\nname = "r"\n{KINDS[kind].EXAMPLE}', encoding="utf-8")
    result = load_config(path)
    assert result.problems == ()
    assert result.config is not None
    (rule,) = result.config.rules
    assert type(rule) is KINDS[kind]
    assert rule.severity == KINDS[kind].DEFAULT_SEVERITY
    compiled = compile_rules([rule])
    families = [compiled.imports, compiled.files, compiled.duplicates, compiled.drift]
    assert sum(len(family) for family in families) == 1
    checker = next(c for family in families for c in family)
    assert isinstance(checker, FAMILY[kind])
    assert checker.rule is rule
    assert rule.summary() and "`app" in rule.summary()
    assert rule.checks_nothing() is None


@pytest.mark.parametrize("kind", RULE_KINDS)
def test_a_missing_required_key_is_named(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "archrules.toml"
    path.write_text(f'[[{kind}]]\nname = "r"\n', encoding="utf-8")
    messages = [p.message for p in load_config(path).problems]
    required = [f.key for f in KINDS[kind].FIELDS if f.required]
    for key in required:
        assert f"[[{kind}]] rule 'r' is missing the required key '{key}'" in messages


def test_an_unknown_key_suggests_the_declared_one(tmp_path: Path) -> None:
    path = tmp_path / "archrules.toml"
    path.write_text('[[size]]\nname = "r"\nin = ["app"]\nmax-module-line = 3\n', encoding="utf-8")
    messages = [p.message for p in load_config(path).problems]
    (problem,) = [m for m in messages if m.startswith("unknown key")]
    assert "did you mean 'max-module-lines'?" in problem
    assert "allowed keys: name, adr, severity, description, in, max-module-lines" in problem


def test_a_wrong_value_keeps_the_declared_default(tmp_path: Path) -> None:
    """A value of the wrong type is reported at its place; the rule is left out."""
    path = tmp_path / "archrules.toml"
    path.write_text(
        '[[duplicates]]\nname = "d"\nin = ["app"]\nmin-lines = "six"\n'
        '[[layers]]\nname = "l"\nlayers = ["a", "b"]\nclosed = 1\n',
        encoding="utf-8",
    )
    result = load_config(path)
    assert [(p.range.line, p.message) for p in result.problems] == [
        (3, "'min-lines' must be an integer, not a string"),
        (7, "'closed' must be a boolean (true or false), not an integer"),
    ]
    assert result.config is not None and result.config.rules == ()
