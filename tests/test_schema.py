"""The JSON Schema of archrules.toml (`archrules schema`) and the rule reference
(`docs/rules.md`), both generated from the loader's own declarations (ADR-0024).

Checked three ways: with the `jsonschema` library, with a real TOML language tool (Taplo's
CLI, the engine of the Even Better TOML extension), and against the loader itself: for
the problems a schema can express, the loader and the schema reject the same configs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from archrules.core.config import load_config
from archrules.core.kinds import RULE_CLASSES
from archrules.core.rule import Rule
from archrules.core.schema import json_schema, rule_reference
from cli_support import run

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[1]
CONFIGS = [REPO / "archrules.toml", *sorted((REPO / "examples").glob("*/archrules.toml"))]

VALID = {
    "every kind": """
[project]
roots = ["src"]
exclude = ["legacy"]
type-checking-imports = "check"

[adr]
directory = "docs/adr"
require-for-exceptions = true

[[layers]]
name = "layers"
layers = ["app.web", ["app.a", "app.b"], "app.core"]
containers = ["app"]
closed = true
indirect = false
ignore = ["app.core -> app.web"]
severity = "warning"
adr = "ADR-0001"
description = "why"

[[forbidden]]
name = "forbidden"
from = ["app.core"]
to = ["requests"]

[[independent]]
name = "independent"
modules = ["app.plugins.*"]

[[acyclic]]
name = "acyclic"
modules = ["app.*"]

[[interface]]
name = "interface"
module = "app.core"
expose = ["app.core.api", "app.core.types.**"]

[[external]]
name = "external"
in = ["app.core"]
allow = ["attr"]

[[naming]]
name = "naming"
in = ["app"]
classes = "PascalCase"
functions = "snake_case"
modules = "*_mod"
must-define = "*Service"

[[size]]
name = "size"
in = ["app"]
max-module-lines = 500

[[calls]]
name = "calls"
in = ["app.core"]
except-in = ["app.core.cli"]
forbid = ["print", "os.environ"]

[[duplicates]]
name = "duplicates"
in = ["app"]
min-lines = 8

[[drift]]
name = "drift"
in = ["app"]
""",
}

# configs with a problem both the loader and the schema can see
INVALID = {
    "unknown top-level key": '[[layer]]\nname = "x"\nlayers = ["a", "b"]\n',
    "unknown rule key": '[[layers]]\nname = "x"\nlayers = ["a", "b"]\nclosd = true\n',
    "missing required key": '[[forbidden]]\nname = "x"\nfrom = ["a"]\n',
    "missing name": '[[acyclic]]\nmodules = ["a.*"]\n',
    "bad severity": '[[acyclic]]\nname = "x"\nmodules = ["a.*"]\nseverity = "fatal"\n',
    "bad ADR id": '[[acyclic]]\nname = "x"\nmodules = ["a.*"]\nadr = "0001"\n',
    "string for an array": '[[acyclic]]\nname = "x"\nmodules = "a.*"\n',
    "boolean as a string": '[[layers]]\nname = "x"\nlayers = ["a", "b"]\nindirect = "no"\n',
    "count below one": '[[size]]\nname = "x"\nin = ["a"]\nmax-module-lines = 0\n',
    "none of the alternatives": '[[size]]\nname = "x"\nin = ["a"]\n',
    "unknown project key": '[project]\nroot = ["src"]\n',
    "bad choice": '[project]\ntype-checking-imports = "always"\n',
    "empty layers": '[[layers]]\nname = "x"\nlayers = []\n',
    "ignore without an arrow": '[[acyclic]]\nname = "x"\nmodules = ["a.*"]\nignore = ["a.b"]\n',
    "bad name style": '[[naming]]\nname = "x"\nin = ["a"]\nclasses = "Pascal Case"\n',
}


def _loader_errors(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "archrules.toml"
    path.write_text(text, encoding="utf-8")
    result = load_config(path)
    return [problem.message for problem in result.problems]


def _schema_errors(text: str) -> list[str]:
    validator = jsonschema.Draft7Validator(json_schema())
    return [error.message for error in validator.iter_errors(tomllib.loads(text))]


def test_the_schema_is_a_valid_draft_7_schema() -> None:
    jsonschema.Draft7Validator.check_schema(json_schema())


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: str(p.relative_to(REPO)))
def test_the_projects_own_configs_are_valid(path: Path) -> None:
    assert _schema_errors(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("name", sorted(VALID))
def test_loader_and_schema_accept_the_same_configs(tmp_path: Path, name: str) -> None:
    text = VALID[name]
    assert _loader_errors(tmp_path, text) == []
    assert _schema_errors(text) == []


@pytest.mark.parametrize("cls", RULE_CLASSES, ids=lambda cls: cls.KIND)
def test_each_kinds_example_is_valid_for_both(tmp_path: Path, cls: type[Rule]) -> None:
    text = f'[[{cls.KIND}]]\nname = "example"\n{cls.EXAMPLE}'
    assert _loader_errors(tmp_path, text) == []
    assert _schema_errors(text) == []


@pytest.mark.parametrize("name", sorted(INVALID))
def test_loader_and_schema_reject_the_same_configs(tmp_path: Path, name: str) -> None:
    text = INVALID[name]
    assert _loader_errors(tmp_path, text), "the loader accepted it"
    assert _schema_errors(text), "the schema accepted it"


def test_every_key_the_loader_knows_is_in_the_schema() -> None:
    definitions = json_schema()["definitions"]
    assert set(definitions) == {cls.KIND for cls in RULE_CLASSES}
    for cls in RULE_CLASSES:
        properties = definitions[cls.KIND]["properties"]
        assert {"name", "adr", "severity", "description"} <= set(properties)
        for field in cls.FIELDS:
            assert properties[field.key]["description"] == field.doc
    assert definitions["duplicates"]["properties"]["min-lines"]["default"] == 6
    assert definitions["drift"]["properties"]["severity"]["default"] == "hint"
    assert definitions["layers"]["properties"]["indirect"]["default"] is True


def test_archrules_schema_prints_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run(["schema"], tmp_path, capsys, monkeypatch)
    assert code == 0
    assert json.loads(out) == json_schema()
    code, out, _ = run(["schema", "--format", "markdown"], tmp_path, capsys, monkeypatch)
    assert code == 0
    assert out == rule_reference()


def test_the_rule_reference_in_docs_is_generated_and_current() -> None:
    shown = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert shown == rule_reference(), (
        "docs/rules.md is stale: archrules schema --format markdown > docs/rules.md"
    )
    for cls in RULE_CLASSES:
        assert f"## `[[{cls.KIND}]]`" in shown
        for field in cls.FIELDS:
            assert f"| `{field.key}` |" in shown


TAPLO = shutil.which("taplo", path=str(Path(sys.executable).parent)) or shutil.which("taplo")


@pytest.mark.skipif(TAPLO is None, reason="taplo is not installed (pip install taplo)")
def test_taplo_validates_the_configs_and_reports_a_planted_error(tmp_path: Path) -> None:
    """Taplo, the engine of Even Better TOML, reads the schema as an editor would."""
    assert TAPLO is not None
    schema = tmp_path / "archrules.schema.json"
    schema.write_text(json.dumps(json_schema()), encoding="utf-8")
    good = subprocess.run(
        [TAPLO, "check", "--schema", schema.as_uri(), *map(str, CONFIGS)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert good.returncode == 0, good.stderr
    bad = tmp_path / "archrules.toml"
    bad.write_text(
        (REPO / "examples" / "shop" / "archrules.toml").read_text(encoding="utf-8")
        + '\n[[acyclic]]\nname = "planted"\nmodules = ["shop.*"]\nseverity = "fatal"\n',
        encoding="utf-8",
    )
    # the schema directive, as the README tells users to write it
    directive = tmp_path / "directive.toml"
    directive.write_text("#:schema ./archrules.schema.json\n" + INVALID["unknown rule key"])
    for path, expected in ((bad, '"fatal" is not one of'), (directive, "'closd' was unexpected")):
        args = [TAPLO, "check", str(path)]
        if path is bad:
            args[2:2] = ["--schema", schema.as_uri()]
        result = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
        assert result.returncode != 0
        assert expected in result.stderr
