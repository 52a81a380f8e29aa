"""Loading and validating the config: values, defaults, every problem with its position."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pytest

from archrules.core.config import (
    Config,
    ConfigResult,
    _syntax_error,
    find_config,
    find_configs_below,
    load_config,
)
from archrules.core.expressions import ModuleExpr
from archrules.core.kinds import (
    RULE_KINDS,
    AcyclicRule,
    CallsRule,
    DuplicatesRule,
    ExternalRule,
    ForbiddenRule,
    IndependentRule,
    InterfaceRule,
    LayersRule,
    NamingRule,
    SizeRule,
)
from archrules.core.rule import Rule
from archrules.core.types import Range

ROOT = Path("/virtual/shop")

# section 2 of the spec, verbatim
SPEC_EXAMPLE = """\
[project]
roots = ["src"]                    # source roots; default: "src" if it exists, else "."
exclude = ["**/migrations/**"]     # gitignore-style globs; .gitignore is respected too
type-checking-imports = "ignore"   # "ignore" | "check": imports under `if TYPE_CHECKING:`

[adr]
directory = "docs/adr"             # default: first of docs/adr, doc/adr, docs/decisions, docs/architecture/decisions
require-for-exceptions = true      # an inline exception must cite an existing, accepted ADR

[[layers]]
name = "clean-architecture"        # every rule has a unique name: it is the diagnostic code
adr = "ADR-0002"                   # optional on every rule: the decision that explains it
severity = "error"                 # optional on every rule: error | warning | info | hint
description = "UI talks to services, services to the domain."   # optional on every rule
layers = [                         # top to bottom: a layer may import the layers below it
  ["shop.web", "shop.cli"],        # a list is one layer of siblings that may not import each other
  "shop.services",
  "shop.domain",
]
containers = []                    # optional: the same layering inside each of these packages
closed = false                     # true: a layer may import only the layer directly below it
indirect = true                    # also report chains a -> x -> b that reach a forbidden layer
ignore = ["shop.web.legacy -> shop.domain.**"]   # import expressions exempt from this rule

[[forbidden]]
name = "pure-domain"
adr = "ADR-0004"
from = ["shop.domain"]
to = ["shop.data", "sqlalchemy", "sqlite3"]    # internal modules, or external (third-party or stdlib) packages
indirect = false

[[independent]]                    # these may not import each other, directly or indirectly
name = "bounded-contexts"
modules = ["shop.orders", "shop.billing", "shop.catalog"]

[[acyclic]]                        # no import cycle among the matched packages
name = "no-cycles"
modules = ["shop.*"]

[[interface]]                      # outsiders may import only the exposed modules
name = "billing-api"
module = "shop.billing"
expose = ["shop.billing", "shop.billing.api"]  # exactly these; "shop.billing.api.**" adds all below it

[[external]]                       # third-party packages this scope may use (stdlib always allowed)
name = "domain-dependencies"
in = ["shop.domain"]
allow = ["attrs"]

[[naming]]                         # conventions on names defined in a scope
name = "repositories"
in = ["shop.data.repositories.*"]
classes = "*Repository"            # glob, or snake_case | PascalCase | UPPER_CASE
functions = "snake_case"
must-define = "*Repository"        # each module in scope defines at least one such class

[[size]]
name = "small-units"
in = ["shop"]
max-module-lines = 400
max-function-lines = 60

[[calls]]                          # calls and attribute reads not allowed in a scope
name = "settings-only"
in = ["shop"]
except-in = ["shop.settings"]
forbid = ["os.environ", "os.getenv", "print"]

[[duplicates]]                     # the same logic written twice will diverge
name = "no-copies"
in = ["shop"]
min-lines = 6                      # function bodies identical after renaming locals
"""  # noqa: E501


def load(text: str, name: str = "archrules.toml") -> ConfigResult:
    return load_config(ROOT / name, text)


def problems(text: str, name: str = "archrules.toml") -> list[tuple[Range, str]]:
    result = load(text, name)
    assert result.config is not None
    return [(p.range, p.message) for p in result.problems]


def one_problem(text: str, name: str = "archrules.toml") -> tuple[Range, str]:
    found = problems(text, name)
    assert len(found) == 1, found
    return found[0]


def rules_of(text: str) -> tuple[Rule, ...]:
    result = load(text)
    assert result.config is not None
    assert result.problems == ()
    return result.config.rules


def texts(exprs: Sequence[ModuleExpr]) -> list[str]:
    return [expr.text for expr in exprs]


# --- The spec's example ------------------------------------------------------------------


def test_spec_example_loads_without_problems() -> None:
    result = load(SPEC_EXAMPLE)
    assert result.problems == ()
    config = result.config
    assert config is not None
    assert config.path == ROOT / "archrules.toml"
    assert config.root_dir == ROOT
    assert config.text == SPEC_EXAMPLE
    assert config.roots == (ROOT / "src",)
    assert config.roots_range == Range(1, 8, 1, 15)
    assert config.exclude == ("**/migrations/**",)
    assert config.type_checking_imports == "ignore"
    assert config.adr_directory == ROOT / "docs" / "adr"
    assert config.adr_directory_range == Range(6, 12, 6, 22)
    assert config.require_for_exceptions is True
    assert [rule.name for rule in config.rules] == [
        "clean-architecture",
        "pure-domain",
        "bounded-contexts",
        "no-cycles",
        "billing-api",
        "domain-dependencies",
        "repositories",
        "small-units",
        "settings-only",
        "no-copies",
    ]


def test_spec_example_layers_rule() -> None:
    config = load(SPEC_EXAMPLE).config
    assert config is not None
    rule = config.rule("clean-architecture")
    assert isinstance(rule, LayersRule)
    assert rule.kind == "layers"
    assert rule.severity == "error"
    assert rule.adr == 2
    assert rule.adr_range == Range(11, 6, 11, 16)
    assert rule.description == "UI talks to services, services to the domain."
    assert rule.range == Range(10, 7, 10, 27)
    assert [texts(layer) for layer in rule.layers] == [
        ["shop.web", "shop.cli"],
        ["shop.services"],
        ["shop.domain"],
    ]
    assert rule.layers[0][1].range == Range(15, 15, 15, 25)
    assert rule.layers[0][1].parts == ("shop", "cli")
    assert rule.layers[2][0].range == Range(17, 2, 17, 15)
    assert rule.containers == ()
    assert rule.closed is False
    assert rule.indirect is True
    (ignore,) = rule.ignore
    assert ignore.importer.text == "shop.web.legacy"
    assert ignore.imported.text == "shop.domain.**"
    assert ignore.range == Range(22, 10, 22, 45)
    assert ignore.importer.range == ignore.range


def test_spec_example_other_rules() -> None:
    config = load(SPEC_EXAMPLE).config
    assert config is not None
    forbidden = config.rule("pure-domain")
    assert isinstance(forbidden, ForbiddenRule)
    assert (forbidden.adr, forbidden.indirect) == (4, False)
    assert texts(forbidden.from_) == ["shop.domain"]
    assert texts(forbidden.to) == ["shop.data", "sqlalchemy", "sqlite3"]
    assert forbidden.to[2].range == Range(28, 33, 28, 42)
    assert forbidden.ignore == ()

    independent = config.rule("bounded-contexts")
    assert isinstance(independent, IndependentRule)
    assert texts(independent.modules) == ["shop.orders", "shop.billing", "shop.catalog"]
    assert independent.indirect is True
    assert independent.adr is None
    assert independent.adr_range is None
    assert independent.description == ""

    acyclic = config.rule("no-cycles")
    assert isinstance(acyclic, AcyclicRule)
    assert acyclic.modules[0].parts == ("shop", "*")

    interface = config.rule("billing-api")
    assert isinstance(interface, InterfaceRule)
    assert interface.module is not None
    assert interface.module.text == "shop.billing"
    assert interface.module.range == Range(41, 9, 41, 23)
    assert texts(interface.expose) == ["shop.billing", "shop.billing.api"]

    external = config.rule("domain-dependencies")
    assert isinstance(external, ExternalRule)
    assert texts(external.in_) == ["shop.domain"]
    assert external.allow == ("attrs",)

    naming = config.rule("repositories")
    assert isinstance(naming, NamingRule)
    assert texts(naming.in_) == ["shop.data.repositories.*"]
    assert (naming.classes, naming.functions, naming.modules, naming.must_define) == (
        "*Repository",
        "snake_case",
        None,
        "*Repository",
    )

    size = config.rule("small-units")
    assert isinstance(size, SizeRule)
    assert (size.max_module_lines, size.max_function_lines) == (400, 60)

    calls = config.rule("settings-only")
    assert isinstance(calls, CallsRule)
    assert texts(calls.except_in) == ["shop.settings"]
    assert calls.forbid == ("os.environ", "os.getenv", "print")

    duplicates = config.rule("no-copies")
    assert isinstance(duplicates, DuplicatesRule)
    assert duplicates.min_lines == 6
    assert duplicates.range == Range(69, 7, 69, 18)
    assert config.rule("nothing") is None


def pyproject_of(text: str) -> str:
    """The spec example moved into a pyproject.toml under [tool.archrules]."""
    body = text.replace("[[", "[[tool.archrules.").replace(
        "\n[project]", "\n[tool.archrules.project]"
    )
    body = body.replace("[project]\n", "[tool.archrules.project]\n", 1)
    body = body.replace("\n[adr]", "\n[tool.archrules.adr]")
    return '[project]\nname = "shop"\n\n[tool.ruff]\nline-length = 100\n\n' + body


def test_pyproject_variant() -> None:
    text = pyproject_of(SPEC_EXAMPLE)
    result = load(text, "pyproject.toml")
    assert result.problems == ()
    config = result.config
    assert config is not None
    assert config.path == ROOT / "pyproject.toml"
    assert len(config.rules) == 10
    assert config.roots == (ROOT / "src",)
    assert config.roots_range == Range(7, 8, 7, 15)  # six lines of prefix
    rule = config.rule("clean-architecture")
    assert isinstance(rule, LayersRule)
    assert rule.range == Range(16, 7, 16, 27)
    assert rule.layers[0][1].range == Range(21, 15, 21, 25)
    assert config.rules[-1].range == Range(75, 7, 75, 18)


def test_pyproject_problems_point_into_the_table() -> None:
    text = (
        '[project]\nname = "x"\n[tool.archrules]\nfoo = 1\n[[tool.archrules.layers]]\nnme = "a"\n'
    )
    assert problems(text, "pyproject.toml") == [
        (
            Range(3, 0, 3, 3),
            "unknown key 'foo' in [tool.archrules]; allowed keys: "
            + ", ".join(("project", "adr", *RULE_KINDS)),
        ),
        (
            Range(4, 0, 4, 25),
            "[[tool.archrules.layers]] rule has no 'name': every rule needs a unique name"
            " (it is the diagnostic code)",
        ),
        (Range(4, 0, 4, 25), "[[tool.archrules.layers]] rule is missing the required key 'layers'"),
        (
            Range(5, 0, 5, 3),
            "unknown key 'nme' in [[tool.archrules.layers]] (did you mean 'name'?); allowed keys:"
            " name, adr, severity, description, layers, containers, closed, indirect, optional,"
            " exhaustive, exhaustive-ignores, ignore, ignore-exact, warn-unmatched-ignores",
        ),
    ]


def test_pyproject_inline_table() -> None:
    text = '[tool]\narchrules = { project = { roots = ["lib"] } }\n'
    config = load(text, "pyproject.toml").config
    assert config is not None
    assert config.roots == (ROOT / "lib",)
    assert config.roots_range == Range(1, 34, 1, 41)


def test_pyproject_without_the_table() -> None:
    result = load('[project]\nname = "x"\n[tool.ruff]\n', "pyproject.toml")
    assert result.config is None
    assert [(p.range, p.message) for p in result.problems] == [
        (Range(0, 0, 0, 0), "no [tool.archrules] table")
    ]
    assert load("tool = 3\n", "pyproject.toml").problems[0].message == "no [tool.archrules] table"


def test_pyproject_archrules_not_a_table() -> None:
    result = load("[tool]\narchrules = 3\n", "pyproject.toml")
    assert result.config is None
    assert [(p.range, p.message) for p in result.problems] == [
        (Range(1, 0, 1, 9), "'tool.archrules' must be a table, not an integer")
    ]


# --- Reading, syntax errors, defaults -------------------------------------------------------


def test_syntax_error_position() -> None:
    result = load('[project]\nroots = ["src"\nexclude = []\n')
    assert result.config is None
    (problem,) = result.problems
    assert problem.path == ROOT / "archrules.toml"
    assert problem.range == Range.point(2, 0)
    assert problem.message.startswith("invalid TOML: ")
    assert "(at line" not in problem.message


def test_syntax_error_column() -> None:
    (problem,) = load("[project]\nroots = [\"src\", 'x' 'y']\n").problems
    assert problem.range == Range.point(1, 20)


def test_syntax_error_at_end_of_document() -> None:
    (problem,) = load('[project]\nroots = "src').problems
    assert problem.range == Range.point(1, 12)
    assert problem.message == "invalid TOML: Unterminated string (at the end of the file)"


def test_syntax_error_without_position() -> None:
    assert _syntax_error("odd", "x") == (Range(0, 0, 0, 0), "invalid TOML: odd")


def test_nesting_too_deep() -> None:
    result = load("x = " + "[" * 3000 + "]" * 3000 + "\n")
    assert result.config is None
    assert result.problems[0].message == "invalid TOML: arrays or tables nested too deeply"


def test_reads_the_file(tmp_path: Path) -> None:
    path = tmp_path / "archrules.toml"
    path.write_bytes(b'\xef\xbb\xbf[project]\r\nroots = ["lib"]\r\n')
    (tmp_path / "lib").mkdir()
    result = load_config(path)
    assert result.problems == ()
    assert result.config is not None
    assert result.config.roots == (tmp_path / "lib",)
    assert result.config.text == '[project]\nroots = ["lib"]\n'
    assert result.config.roots_range == Range(1, 8, 1, 15)


def test_relative_path_becomes_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = load_config(Path("archrules.toml"), "").config
    assert config is not None
    assert config.path == tmp_path / "archrules.toml"
    assert config.root_dir == tmp_path


def test_unreadable_file(tmp_path: Path) -> None:
    result = load_config(tmp_path / "missing" / "archrules.toml")
    assert result.config is None
    (problem,) = result.problems
    assert problem.range == Range(0, 0, 0, 0)
    assert problem.message.startswith("cannot read the config: ")
    (tmp_path / "archrules.toml").write_bytes(b"x = '\xff'\n")
    assert (
        load_config(tmp_path / "archrules.toml")
        .problems[0]
        .message.startswith("cannot read the config: ")
    )


def test_default_roots(tmp_path: Path) -> None:
    empty = load_config(tmp_path / "archrules.toml", "").config
    assert empty is not None
    assert empty.roots == (tmp_path,)
    assert empty.roots_range is None
    (tmp_path / "src").mkdir()
    config = load_config(tmp_path / "archrules.toml", "[project]\n").config
    assert config is not None
    assert config.roots == (tmp_path / "src",)


def test_defaults() -> None:
    config = load("").config
    assert config == Config(
        path=ROOT / "archrules.toml", root_dir=ROOT, text="", roots=(ROOT,), rules=()
    )
    assert config.adr_directory is None
    assert config.require_for_exceptions is False
    assert config.type_checking_imports == "ignore"


def test_roots_are_normalised() -> None:
    text = '[project]\nroots = ["src/../lib", ".", "../shared/", "/abs/x"]\n'
    config = load(text).config
    assert config is not None
    assert config.roots == (ROOT / "lib", ROOT, Path("/virtual/shared"), Path("/abs/x"))


def test_project_and_adr_values() -> None:
    text = (
        '[project]\nexclude = ["a/**", "*.pyi"]\ntype-checking-imports = "check"\n'
        '[adr]\ndirectory = "../decisions"\n'
    )
    config = load(text).config
    assert config is not None
    assert config.exclude == ("a/**", "*.pyi")
    assert config.type_checking_imports == "check"
    assert config.adr_directory == Path("/virtual/decisions")
    assert config.adr_directory_range == Range(4, 12, 4, 26)
    assert config.require_for_exceptions is False


def test_rule_defaults_and_inline_tables() -> None:
    text = (
        'forbidden = [{name = "f", from = ["a"], to = ["b"]}]\n'
        '[[duplicates]]\nname = "d"\nin = ["a"]\nseverity = "hint"\n'
    )
    config = load(text).config
    assert config is not None
    forbidden, duplicates = config.rules
    assert isinstance(forbidden, ForbiddenRule)
    assert forbidden.range == Range(0, 21, 0, 24)
    assert forbidden.to[0].range == Range(0, 46, 0, 49)
    assert (forbidden.severity, forbidden.indirect, forbidden.description) == ("error", True, "")
    assert isinstance(duplicates, DuplicatesRule)
    assert (duplicates.severity, duplicates.min_lines) == ("hint", 6)


def test_rules_are_in_file_order_across_kinds() -> None:
    text = (
        '[[acyclic]]\nname = "a"\nmodules = ["x"]\n'
        '[[layers]]\nname = "b"\nlayers = ["x", "y"]\n'
        '[[acyclic]]\nname = "c"\nmodules = ["y"]\n'
    )
    config = load(text).config
    assert config is not None
    assert [rule.name for rule in config.rules] == ["a", "b", "c"]


def test_layers_variants() -> None:
    text = (
        '[[layers]]\nname = "l"\nlayers = ["a", ["b"], ["c", "d.*"]]\n'
        'containers = ["shop.*"]\nclosed = true\nindirect = false\nignore = ["a->b", "c -> d"]\n'
    )
    (rule,) = rules_of(text)
    assert isinstance(rule, LayersRule)
    assert [texts(layer) for layer in rule.layers] == [["a"], ["b"], ["c", "d.*"]]
    assert texts(rule.containers) == ["shop.*"]
    assert (rule.closed, rule.indirect) == (True, False)
    assert [(i.importer.text, i.imported.text) for i in rule.ignore] == [("a", "b"), ("c", "d")]


def test_interface_expose_below_and_wildcard_module() -> None:
    text = (
        '[[interface]]\nname = "i"\nmodule = "shop.billing"\nexpose = ["shop.billing.api.**"]\n'
        '[[interface]]\nname = "j"\nmodule = "shop.*"\nexpose = []\nignore = ["a -> b"]\n'
    )
    result = load(text)
    assert result.problems == ()
    assert result.config is not None
    first, second = result.config.rules
    assert isinstance(first, InterfaceRule)
    assert first.expose[0].parts == ("shop", "billing", "api", "**")
    assert isinstance(second, InterfaceRule)
    assert second.expose == ()
    assert len(second.ignore) == 1


def test_adr_id_forms() -> None:
    text = '[[acyclic]]\nname = "a"\nmodules = ["x"]\nadr = "adr-12"\n'
    (rule,) = rules_of(text)
    assert rule.adr == 12
    assert rule.adr_range == Range(3, 6, 3, 14)


# --- Problems: unknown keys ---------------------------------------------------------------


def test_unknown_top_level_key() -> None:
    assert one_problem('[projet]\nroots = ["src"]\n') == (
        Range(0, 1, 0, 7),
        "unknown key 'projet' at the top level (did you mean 'project'?); allowed keys: "
        + ", ".join(("project", "adr", *RULE_KINDS)),
    )


def test_unknown_key_without_suggestion() -> None:
    range_, message = one_problem("zzz = 1\n")
    assert range_ == Range(0, 0, 0, 3)
    assert message.startswith("unknown key 'zzz' at the top level; allowed keys: project, adr")


def test_unknown_keys_in_project_and_adr() -> None:
    text = '[project]\nroot = ["src"]\n[adr]\ndirectory = "d"\nrequire = true\n'
    assert problems(text) == [
        (
            Range(1, 0, 1, 4),
            "unknown key 'root' in [project] (did you mean 'roots'?);"
            " allowed keys: roots, exclude, type-checking-imports",
        ),
        (
            Range(4, 0, 4, 7),
            "unknown key 'require' in [adr]; allowed keys: directory, require-for-exceptions",
        ),
    ]


def test_unknown_key_in_a_rule() -> None:
    text = '[[forbidden]]\nname = "f"\nfrom = ["a"]\nto = ["b"]\nindirekt = false\n'
    assert problems(text) == [
        (
            Range(4, 0, 4, 8),
            "unknown key 'indirekt' in [[forbidden]] (did you mean 'indirect'?); allowed keys:"
            " name, adr, severity, description, from, to, indirect, ignore, ignore-exact,"
            " warn-unmatched-ignores",
        )
    ]


def test_underscore_spelling_is_suggested() -> None:
    text = '[[size]]\nname = "s"\nin = ["a"]\nmax_module_lines = 3\n'
    found = problems(text)
    assert found[-1][0] == Range(3, 0, 3, 16)
    assert "(did you mean 'max-module-lines'?)" in found[-1][1]


def test_dotted_unknown_key_points_at_its_last_part() -> None:
    assert one_problem('project.rots = ["src"]\n')[0] == Range(0, 8, 0, 12)


# --- Problems: types ----------------------------------------------------------------------


def test_wrong_types_in_project() -> None:
    text = (
        '[project]\nroots = "src"\nexclude = ["a", 3]\ntype-checking-imports = false\n'
        "[adr]\ndirectory = 1\nrequire-for-exceptions = 'yes'\n"
    )
    assert problems(text) == [
        (Range(1, 0, 1, 5), "'roots' must be an array of strings such as [\"src\"], not a string"),
        (Range(2, 16, 2, 17), "each entry of 'exclude' must be a string, not an integer"),
        (Range(3, 0, 3, 21), "'type-checking-imports' must be a string, not a boolean"),
        (Range(5, 0, 5, 9), "'directory' must be a string, not an integer"),
        (
            Range(6, 0, 6, 22),
            "'require-for-exceptions' must be a boolean (true or false), not a string",
        ),
    ]


def test_project_not_a_table() -> None:
    assert problems("project = [1]\nadr = 1979-05-27\n") == [
        (Range(0, 0, 0, 7), "'project' must be a table, not an array"),
        (Range(1, 0, 1, 3), "'adr' must be a table, not a date"),
    ]


def test_wrong_type_names() -> None:
    text = (
        '[[size]]\nname = "s"\nin = {a = 1}\nmax-module-lines = 1.5\n'
        "max-function-lines = 1979-05-27T07:32:00\n"
        '[[naming]]\nname = "n"\nin = ["a"]\nclasses = 07:32:00\n'
    )
    assert problems(text) == [
        (Range(2, 0, 2, 2), "'in' must be an array of strings, not a table"),
        (Range(3, 0, 3, 16), "'max-module-lines' must be an integer, not a float"),
        (Range(4, 0, 4, 18), "'max-function-lines' must be an integer, not a date-time"),
        (Range(8, 0, 8, 7), "'classes' must be a string, not a time"),
    ]


def test_boolean_is_not_an_integer() -> None:
    text = '[[duplicates]]\nname = "d"\nin = ["a"]\nmin-lines = true\n'
    assert one_problem(text) == (
        Range(3, 0, 3, 9),
        "'min-lines' must be an integer, not a boolean",
    )


def test_rule_kind_not_an_array_of_tables() -> None:
    text = '[layers]\nname = "x"\n'
    assert one_problem(text) == (
        Range(0, 1, 0, 7),
        "'layers' must be an array of tables ([[layers]]), not a table",
    )


def test_rule_kind_entries_not_tables() -> None:
    assert one_problem('acyclic = ["x"]\n') == (
        Range(0, 11, 0, 14),
        "each entry of 'acyclic' must be a table, not a string",
    )


def test_wrong_type_in_common_keys() -> None:
    text = '[[acyclic]]\nname = 3\nmodules = ["a"]\nadr = 2\nseverity = 1\ndescription = []\n'
    assert problems(text) == [
        (Range(1, 0, 1, 4), "'name' must be a string, not an integer"),
        (Range(3, 0, 3, 3), "'adr' must be a string, not an integer"),
        (Range(4, 0, 4, 8), "'severity' must be a string, not an integer"),
        (Range(5, 0, 5, 11), "'description' must be a string, not an array"),
    ]


def test_wrong_type_of_booleans_in_rules() -> None:
    text = '[[layers]]\nname = "l"\nlayers = ["a"]\nclosed = "yes"\nindirect = 1\nignore = [1]\n'
    assert problems(text) == [
        (Range(3, 0, 3, 6), "'closed' must be a boolean (true or false), not a string"),
        (Range(4, 0, 4, 8), "'indirect' must be a boolean (true or false), not an integer"),
        (Range(5, 10, 5, 11), "each entry of 'ignore' must be a string, not an integer"),
    ]


# --- Problems: names ----------------------------------------------------------------------


def test_rule_without_name_points_at_its_header() -> None:
    text = '[project]\n\n[[acyclic]]  # x\nmodules = ["a"]\n'
    result = load(text)
    assert [(p.range, p.message) for p in result.problems] == [
        (
            Range(2, 0, 2, 11),
            "[[acyclic]] rule has no 'name': every rule needs a unique name"
            " (it is the diagnostic code)",
        )
    ]
    assert result.config is not None
    assert result.config.rules == ()


def test_duplicate_rule_names() -> None:
    text = (
        '[[acyclic]]\nname = "same"\nmodules = ["a"]\n\n'
        '[[forbidden]]\nname = "other"\nfrom = ["a"]\nto = ["b"]\n\n'
        '[[layers]]\nname   = "same"\nlayers = ["a"]\n'
    )
    result = load(text)
    assert [(p.range, p.message) for p in result.problems] == [
        (
            Range(10, 9, 10, 15),
            "duplicate rule name 'same': already used by the [[acyclic]] rule on line 2",
        )
    ]
    assert result.config is not None
    assert [rule.kind for rule in result.config.rules] == ["acyclic", "forbidden"]


def test_duplicate_of_an_invalid_rule_is_still_reported() -> None:
    text = (
        '[[acyclic]]\nname = "same"\nmodules = ["a b"]\n'
        '[[acyclic]]\nname = "same"\nmodules = ["a"]\n'
    )
    assert [r for r, _ in problems(text)] == [Range(2, 11, 2, 16), Range(4, 7, 4, 13)]


def test_bad_rule_names() -> None:
    text = (
        '[[acyclic]]\nname = "no cycles"\nmodules = ["a"]\n'
        '[[acyclic]]\nname = ""\nmodules = ["b"]\n'
    )
    message = (
        "rule name '{}' must be non-empty and made of letters, digits, '-', '_' and '.'"
        " (it is written in exception comments)"
    )
    assert problems(text) == [
        (Range(1, 7, 1, 18), message.format("no cycles")),
        (Range(4, 7, 4, 9), message.format("")),
    ]


# --- Problems: values ---------------------------------------------------------------------


def test_bad_severity() -> None:
    text = '[[acyclic]]\nname = "a"\nmodules = ["a"]\nseverity = "warn"\n'
    assert one_problem(text) == (
        Range(3, 11, 3, 17),
        "'warn' is not a severity (did you mean 'warning'?); expected one of:"
        " error, warning, info, hint",
    )
    other = text.replace('"warn"', '"fatal"')
    assert one_problem(other)[1] == (
        "'fatal' is not a severity; expected one of: error, warning, info, hint"
    )


def test_all_severities() -> None:
    for severity in ("error", "warning", "info", "hint"):
        text = f'[[acyclic]]\nname = "a"\nmodules = ["a"]\nseverity = "{severity}"\n'
        assert rules_of(text)[0].severity == severity


def test_bad_adr_id() -> None:
    text = '[[acyclic]]\nname = "a"\nmodules = ["a"]\nadr = "ADR 12"\n'
    assert one_problem(text) == (
        Range(3, 6, 3, 14),
        "'ADR 12' is not an ADR id: expected ADR-<digits>, such as ADR-0012",
    )


def test_bad_module_expressions() -> None:
    text = '[[forbidden]]\nname = "f"\nfrom = ["shop..web"]\nto = [\n  "ok",\n  "shop.web-ui",\n]\n'
    assert problems(text) == [
        (Range(2, 8, 2, 19), "'shop..web' is not a module expression: bad part ''"),
        (Range(5, 2, 5, 15), "'shop.web-ui' is not a module expression: bad part 'web-ui'"),
    ]


def test_bad_import_expressions() -> None:
    text = '[[acyclic]]\nname = "a"\nmodules = ["a"]\nignore = ["a.b", "a -> 1b"]\n'
    assert problems(text) == [
        (Range(3, 10, 3, 15), "'a.b' is not an import expression: expected 'A -> B'"),
        (Range(3, 17, 3, 26), "'1b' is not a module expression: bad part '1b'"),
    ]


def test_bad_single_module() -> None:
    text = '[[interface]]\nname = "i"\nmodule = "a..b"\nexpose = []\n'
    assert one_problem(text) == (
        Range(2, 9, 2, 15),
        "'a..b' is not a module expression: bad part ''",
    )


def test_bad_type_checking_imports() -> None:
    assert one_problem('[project]\ntype-checking-imports = "skip"\n') == (
        Range(1, 24, 1, 30),
        "'type-checking-imports' must be 'ignore' or 'check', not 'skip'",
    )


def test_empty_roots() -> None:
    result = load("[project]\nroots = []\n")
    assert [(p.range, p.message) for p in result.problems] == [
        (Range(1, 8, 1, 10), "'roots' must name at least one directory")
    ]
    assert result.config is not None
    assert result.config.roots == (ROOT,)


def test_empty_layers() -> None:
    text = '[[layers]]\nname = "l"\nlayers = []\n'
    assert one_problem(text) == (Range(2, 9, 2, 11), "'layers' must name at least one layer")


def test_bad_layer_entries() -> None:
    text = '[[layers]]\nname = "l"\nlayers = [\n  "a",\n  [],\n  ["b", 2],\n  3,\n  "c d",\n]\n'
    assert problems(text) == [
        (Range(4, 2, 4, 4), "a layer must name at least one module"),
        (Range(5, 8, 5, 9), "each module of a layer must be a string, not an integer"),
        (
            Range(6, 2, 6, 3),
            "each entry of 'layers' must be a module expression, an array of them or a table"
            " { modules = [...] }, not an integer",
        ),
        (Range(7, 2, 7, 7), "'c d' is not a module expression: bad part 'c d'"),
    ]


def test_layers_not_an_array() -> None:
    text = '[[layers]]\nname = "l"\nlayers = "a"\n'
    assert one_problem(text) == (
        Range(2, 0, 2, 6),
        "'layers' must be an array of layers, not a string",
    )


def test_bad_name_styles() -> None:
    text = (
        '[[naming]]\nname = "n"\nin = ["a"]\nclasses = "snake-case"\nfunctions = "get_[a-z]+"\n'
        'modules = "UPPER_CASE"\nmust-define = "*Repo?"\n'
    )
    tail = (
        "; styles: snake_case, PascalCase, UPPER_CASE; globs use letters, digits, '_', '*' and '?'"
    )
    assert problems(text) == [
        (
            Range(3, 10, 3, 22),
            "'snake-case' is not a name style (did you mean snake_case?); styles: snake_case, "
            "PascalCase, UPPER_CASE (spelled exactly so); a name glob needs '*' or '?' to match "
            "more than one name",
        ),
        (Range(4, 12, 4, 24), "'get_[a-z]+' is neither a name style nor a name glob" + tail),
    ]


@pytest.mark.parametrize(
    ("written", "meant"),
    [("pascalcase", "PascalCase"), ("Snake_Case", "snake_case"), ("upper-case", "UPPER_CASE")],
)
def test_a_misspelt_style_is_an_error_not_a_glob(written: str, meant: str) -> None:
    text = f'[[naming]]\nname = "n"\nin = ["a"]\nclasses = "{written}"\n'
    range_, message = one_problem(text)
    assert range_.line == 3
    assert message.startswith(f"'{written}' is not a name style (did you mean {meant}?)")


def test_a_style_word_with_no_close_style_is_still_an_error() -> None:
    _, message = one_problem('[[naming]]\nname = "n"\nin = ["a"]\nclasses = "camelcase"\n')
    assert message.startswith("'camelcase' is not a name style; styles: snake_case")


def test_empty_name_glob() -> None:
    text = '[[naming]]\nname = "n"\nin = ["a"]\nmust-define = ""\n'
    assert one_problem(text)[0] == Range(3, 14, 3, 16)


def test_sizes_must_be_positive() -> None:
    text = (
        '[[size]]\nname = "s"\nin = ["a"]\nmax-module-lines = 0\nmax-function-lines = -5\n'
        '[[duplicates]]\nname = "d"\nin = ["a"]\nmin-lines = 0\n'
    )
    assert problems(text) == [
        (Range(3, 19, 3, 20), "'max-module-lines' must be at least 1, not 0"),
        (Range(4, 21, 4, 23), "'max-function-lines' must be at least 1, not -5"),
        (Range(8, 12, 8, 13), "'min-lines' must be at least 1, not 0"),
    ]


def test_size_with_one_limit_and_min_lines_one() -> None:
    text = (
        '[[size]]\nname = "s"\nin = ["a"]\nmax-function-lines = 1\n'
        '[[duplicates]]\nname = "d"\nin = ["a"]\nmin-lines = 1\n'
    )
    result = load(text)
    assert result.problems == ()
    assert result.config is not None
    size, duplicates = result.config.rules
    assert isinstance(size, SizeRule)
    assert (size.max_module_lines, size.max_function_lines) == (None, 1)
    assert isinstance(duplicates, DuplicatesRule)
    assert duplicates.min_lines == 1


def test_missing_required_keys_point_at_the_name() -> None:
    text = '[[forbidden]]\nname = "pure"\nto = ["b"]\n[[calls]]\nname = "c"\n'
    assert problems(text) == [
        (Range(1, 7, 1, 13), "[[forbidden]] rule 'pure' is missing the required key 'from'"),
        # same range: by message
        (Range(4, 7, 4, 10), "[[calls]] rule 'c' is missing the required key 'forbid'"),
        (Range(4, 7, 4, 10), "[[calls]] rule 'c' is missing the required key 'in'"),
    ]


@pytest.mark.parametrize(
    ("kind", "required"),
    [
        ("layers", ["layers"]),
        ("forbidden", ["from", "to"]),
        ("independent", ["modules"]),
        ("acyclic", ["modules"]),
        ("interface", ["module", "expose"]),
        ("external", ["in"]),
        ("naming", ["in"]),
        ("size", ["in"]),
        ("calls", ["in", "forbid"]),
        ("duplicates", ["in"]),
    ],
)
def test_required_keys_per_kind(kind: str, required: list[str]) -> None:
    text = f'[[{kind}]]\nname = "r"\n'
    missing = [m for r, m in problems(text) if "required key" in m]
    assert missing == [
        f"[[{kind}]] rule 'r' is missing the required key '{k}'" for k in sorted(required)
    ]


def test_naming_and_size_need_something_to_check() -> None:
    text = '[[naming]]\nname = "n"\nin = ["a"]\n[[size]]\nname = "s"\nin = ["a"]\n'
    assert problems(text) == [
        (
            Range(1, 7, 1, 10),
            "[[naming]] rule 'n' needs at least one of 'classes', 'functions', 'modules',"
            " 'must-define'",
        ),
        (
            Range(4, 7, 4, 10),
            "[[size]] rule 's' needs at least one of 'max-module-lines', 'max-function-lines'",
        ),
    ]


def test_missing_required_key_without_name_points_at_the_header() -> None:
    found = problems("[[independent]]\n")
    assert found[1] == (
        Range(0, 0, 0, 15),
        "[[independent]] rule is missing the required key 'modules'",
    )


def test_expose_must_name_exact_modules() -> None:
    text = (
        '[[interface]]\nname = "i"\nmodule = "shop.billing"\n'
        'expose = ["shop.billing.*", "shop.**.api", "**", "shop.orders", "shop.billing.api.**"]\n'
    )
    assert problems(text) == [
        (
            Range(3, 10, 3, 26),
            "'shop.billing.*' in 'expose' must name exact modules"
            " (only a trailing '.**' is allowed)",
        ),
        (
            Range(3, 28, 3, 41),
            "'shop.**.api' in 'expose' must name exact modules (only a trailing '.**' is allowed)",
        ),
        (
            Range(3, 43, 3, 47),
            "'**' in 'expose' must name exact modules (only a trailing '.**' is allowed)",
        ),
        (Range(3, 49, 3, 62), "'shop.orders' in 'expose' is not inside 'shop.billing'"),
    ]


def test_external_allow_takes_import_names() -> None:
    text = (
        '[[external]]\nname = "e"\nin = ["a"]\nallow = ["attrs", "python-dateutil", "a.b", "_x"]\n'
    )
    result = load(text)
    assert [(p.range, p.message) for p in result.problems] == [
        (
            Range(3, 18, 3, 35),
            "'python-dateutil' in 'allow' is not a top-level import name"
            " (the name you import, such as 'yaml')",
        ),
        (
            Range(3, 37, 3, 42),
            "'a.b' in 'allow' is not a top-level import name (the name you import, such as 'yaml')",
        ),
    ]


def test_calls_forbid_takes_dotted_names() -> None:
    text = (
        '[[calls]]\nname = "c"\nin = ["a"]\nforbid = ["print", "os.environ", "os.", "1x", "a b"]\n'
    )
    found = problems(text)
    suffix = "' in 'forbid' is not a name or dotted name such as 'print' or 'os.environ'"
    assert found == [
        (Range(3, 33, 3, 38), "'os." + suffix),
        (Range(3, 40, 3, 44), "'1x" + suffix),
        (Range(3, 46, 3, 51), "'a b" + suffix),
    ]


def test_every_problem_is_collected_and_bad_rules_are_dropped() -> None:
    text = (
        "unknown = 1\n"
        '[project]\ntype-checking-imports = "x"\n'
        '[[acyclic]]\nname = "good"\nmodules = ["a"]\n'
        '[[acyclic]]\nname = "bad"\nmodules = ["a b"]\nseverity = "loud"\nadr = "x"\n'
    )
    result = load(text)
    assert [p.range.line for p in result.problems] == [0, 2, 8, 9, 10]
    assert result.config is not None
    assert [rule.name for rule in result.config.rules] == ["good"]
    assert result.config.type_checking_imports == "ignore"


def test_problems_carry_the_config_path() -> None:
    result = load("x = 1\n")
    assert result.problems[0].path == ROOT / "archrules.toml"


# --- Finding configs ----------------------------------------------------------------------


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_find_config_walks_up(tmp_path: Path) -> None:
    config = write(tmp_path / "repo" / "archrules.toml", "")
    source = write(tmp_path / "repo" / "src" / "shop" / "web.py", "")
    assert find_config(source) == config
    assert find_config(source.parent) == config
    assert find_config(tmp_path / "repo") == config
    assert find_config(tmp_path / "repo" / "src" / "new_unsaved.py") == config


def test_find_config_prefers_archrules_toml(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.archrules]\n")
    config = write(tmp_path / "archrules.toml", "")
    assert find_config(tmp_path) == config


def test_find_config_pyproject_needs_the_table(tmp_path: Path) -> None:
    outer = write(tmp_path / "archrules.toml", "")
    write(tmp_path / "pkg" / "pyproject.toml", "[tool.ruff]\nline-length = 99\n")
    assert find_config(tmp_path / "pkg" / "x.py") == outer
    inner = write(tmp_path / "pkg" / "pyproject.toml", "[tool.archrules.project]\nroots = []\n")
    assert find_config(tmp_path / "pkg" / "x.py") == inner
    write(tmp_path / "pkg" / "pyproject.toml", "[tool]\narchrules = {}\n")
    assert find_config(tmp_path / "pkg") == inner


def test_find_config_broken_pyproject(tmp_path: Path) -> None:
    outer = write(tmp_path / "archrules.toml", "")
    pyproject = write(tmp_path / "a" / "pyproject.toml", "[tool.archrules]\nx = [\n")
    assert find_config(tmp_path / "a") == pyproject
    write(tmp_path / "b" / "pyproject.toml", "[[ tool . 'archrules' . layers ]]\nx = \n")
    assert find_config(tmp_path / "b") == tmp_path / "b" / "pyproject.toml"
    write(tmp_path / "c" / "pyproject.toml", "[tool.ruff]\nx = \n")
    assert find_config(tmp_path / "c") == outer
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "pyproject.toml").write_bytes(b"[tool.archrules]\nx = '\xff'\n")
    assert find_config(tmp_path / "d") == outer


def test_find_config_none(tmp_path: Path) -> None:
    above = find_config(tmp_path.parent)
    found = find_config(tmp_path / "x.py")
    assert found == above
    assert found is None or tmp_path not in found.parents


def test_find_config_returns_absolute_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write(tmp_path / "archrules.toml", "")
    monkeypatch.chdir(tmp_path)
    assert find_config(Path("src/x.py")) == config
    assert find_config(Path(".")) == config


def test_find_configs_below(tmp_path: Path) -> None:
    root = tmp_path / "mono"
    expected = [
        write(root / "services" / "a" / "archrules.toml", ""),
        write(root / "services" / "b" / "pyproject.toml", "[tool.archrules]\n"),
        write(root / "services" / "b" / "nested" / "archrules.toml", ""),
        write(root / "libs" / "c" / "archrules.toml", ""),
    ]
    write(root / "services" / "d" / "pyproject.toml", "[tool.black]\n")
    for skipped in (".git", ".venv", "venv", "node_modules", "__pycache__", ".hidden", "env"):
        write(root / skipped / "x" / "archrules.toml", "")
    write(root / "env" / "pyvenv.cfg", "home = /usr\n")
    assert find_configs_below(root) == sorted(expected)
    own = write(root / "archrules.toml", "")
    assert find_configs_below(root) == sorted([own, *expected])


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_find_configs_below_survives_symlink_loops(tmp_path: Path) -> None:
    config = write(tmp_path / "a" / "archrules.toml", "")
    try:
        (tmp_path / "a" / "loop").symlink_to(tmp_path, target_is_directory=True)
        (tmp_path / "self").symlink_to(tmp_path / "self")  # a link to itself
        (tmp_path / "b").mkdir()
        (tmp_path / "b" / "up").symlink_to(tmp_path / "b", target_is_directory=True)
    except OSError:  # pragma: no cover - no permission to create symlinks
        pytest.skip("cannot create symlinks")
    assert find_configs_below(tmp_path) == [config]


def test_find_configs_below_of_a_file_or_nothing(tmp_path: Path) -> None:
    file = write(tmp_path / "x.py", "")
    assert find_configs_below(file) == []
    assert find_configs_below(tmp_path / "missing") == []
