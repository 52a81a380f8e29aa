"""The rule semantics added so that import-linter and tach configs translate without loss
(ADR-0026): ``ignore-exact``, siblings that may import each other, optional layer members,
exhaustive layers, and the warning for ignore entries that match no import."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from archrules.core.explain import explain_module
from archrules.core.expressions import ImportExpr, ModuleExpr
from archrules.core.project import Project
from support import summary

Make = Callable[..., Project]

TREE = {
    "src/app/__init__.py": "",
    "src/app/web/__init__.py": "",
    "src/app/web/views.py": "",
    "src/app/web/forms/__init__.py": "",
    "src/app/web/forms/login.py": "",
    "src/app/api/__init__.py": "",
    "src/app/api/routes.py": "",
    "src/app/core/__init__.py": "",
    "src/app/core/model.py": "",
}


def findings(
    make: Make, config: str, files: dict[str, str]
) -> list[tuple[str, str | None, str | None, int]]:
    project = make('[project]\nroots = ["src"]\n' + config, {**TREE, **files})
    assert not project.problems, [p.message for p in project.problems]
    assert project.model is not None
    return summary(project.model.violations())


# --- ignore-exact ---------------------------------------------------------------------


def test_module_expression_names_exact_modules() -> None:
    assert ModuleExpr.parse("a.b").names("a.b")
    assert not ModuleExpr.parse("a.b").names("a.b.c")
    assert ModuleExpr.parse("a.*").names("a.b")
    assert not ModuleExpr.parse("a.*").names("a.b.c")
    assert not ModuleExpr.parse("a.*").names("a")
    assert ModuleExpr.parse("a.**").names("a.b.c")
    assert ModuleExpr.parse("a.*.**").names("a.b")
    assert not ModuleExpr.parse("a.*.**").names("a")
    exact = ImportExpr.parse("a.b -> c", exact=True)
    assert exact.matches("a.b", "c") and not exact.matches("a.b.x", "c")
    assert not exact.matches("a.b", "c.d")
    assert ImportExpr.parse("a.b -> c").matches("a.b.x", "c.d")  # subtrees


LAYERED = """
[[layers]]
name = "tiers"
layers = ["app.web", "app.core"]
{extra}
"""


def test_ignore_exact_exempts_only_the_named_import(project: Make) -> None:
    files = {
        "src/app/core/__init__.py": "import app.web\n",
        "src/app/core/model.py": "import app.web\nimport app.web.views\n",
    }
    extra = 'ignore-exact = ["app.core -> app.web"]'
    assert findings(project, LAYERED.format(extra=extra), files) == [
        ("tiers", "app.core.model", "app.web", 1),
        ("tiers", "app.core.model", "app.web.views", 2),
    ]
    # the subtree form exempts all three
    extra = 'ignore = ["app.core -> app.web"]'
    assert findings(project, LAYERED.format(extra=extra), files) == []


def test_ignore_exact_wildcards_name_one_part_or_many(project: Make) -> None:
    files = {
        "src/app/core/model.py": "import app.web.views\nimport app.web.forms.login\n",
    }
    one = 'ignore-exact = ["app.core.model -> app.web.*"]'
    assert findings(project, LAYERED.format(extra=one), files) == [
        ("tiers", "app.core.model", "app.web.forms.login", 2)
    ]
    many = 'ignore-exact = ["app.core.model -> app.web.**"]'
    assert findings(project, LAYERED.format(extra=many), files) == []


def test_ignore_exact_cuts_a_chain_at_that_import_only(project: Make) -> None:
    files = {
        "src/app/core/model.py": "import app.api.routes\n",
        "src/app/api/routes.py": "import app.web.views\n",
    }
    cut = 'ignore-exact = ["app.api.routes -> app.web.views"]'
    assert findings(project, LAYERED.format(extra=cut), files) == []
    other = (  # app.api is not the importer
        'ignore-exact = ["app.api -> app.web.views"]\nwarn-unmatched-ignores = false'
    )
    assert [f[:3] for f in findings(project, LAYERED.format(extra=other), files)] == [
        ("tiers", "app.core.model", "app.api.routes")
    ]


# --- siblings that may import each other, optional members ------------------------------


def test_siblings_of_an_open_layer_may_import_each_other(project: Make) -> None:
    files = {
        "src/app/web/views.py": "import app.api.routes\n",
        "src/app/core/model.py": "import app.api\n",
    }
    closed = '[[layers]]\nname = "tiers"\nlayers = [["app.web", "app.api"], "app.core"]\n'
    assert findings(project, closed, files) == [
        ("tiers", "app.core.model", "app.api", 1),
        ("tiers", "app.web.views", "app.api.routes", 1),
    ]
    opened = (
        '[[layers]]\nname = "tiers"\n'
        'layers = [{ modules = ["app.web", "app.api"], independent = false }, "app.core"]\n'
    )
    assert findings(project, opened, files) == [("tiers", "app.core.model", "app.api", 1)]


def test_a_layer_table_is_validated(project: Make) -> None:
    config = (
        '[project]\nroots = ["src"]\n[[layers]]\nname = "tiers"\n'
        'layers = [{ modules = "app.web", independant = false }, "app.core"]\n'
        'optional = ["app.cli"]\n'
    )
    p = project(config, TREE)
    messages = [problem.message for problem in p.problems]
    assert any("unknown key 'independant' in a layer" in m for m in messages), messages
    assert any("'modules' of a layer must be an array of strings" in m for m in messages)
    assert any("'app.cli' in 'optional' is not a layer" in m for m in messages)


def test_an_optional_layer_may_be_missing(project: Make) -> None:
    files = {"src/app/core/model.py": "import app.web\n"}
    config = '[[layers]]\nname = "tiers"\nlayers = ["app.cli", "app.web", "app.core"]\n'
    p = project('[project]\nroots = ["src"]\n' + config, {**TREE, **files})
    assert [x.message for x in p.problems] == [
        "rule tiers: 'app.cli' matches no module of this project"
    ]
    optional = config + 'optional = ["app.cli"]\n'
    assert findings(project, optional, files) == [("tiers", "app.core.model", "app.web", 1)]


# --- exhaustive ---------------------------------------------------------------------------


EXHAUSTIVE = """
[[layers]]
name = "tiers"
layers = ["web", "core"]
containers = ["app"]
exhaustive = true
{extra}
"""


def test_exhaustive_layers_report_children_in_no_layer(project: Make) -> None:
    p = project('[project]\nroots = ["src"]\n' + EXHAUSTIVE.format(extra=""), TREE)
    assert p.model is not None and not p.problems
    (v,) = p.model.violations()
    assert (v.rule, v.kind, v.path.name, v.range.line) == ("tiers", "layers", "archrules.toml", 6)
    assert v.message.startswith("app has children in no layer: api; rule tiers is exhaustive")
    ignored = EXHAUSTIVE.format(extra='exhaustive-ignores = ["api"]')
    assert findings(project, ignored, {}) == []


def test_exhaustive_needs_containers(project: Make) -> None:
    config = (
        '[project]\nroots = ["src"]\n[[layers]]\nname = "t"\n'
        'layers = ["app.web", "app.core"]\nexhaustive = true\n'
    )
    p = project(config, TREE)
    assert [x.message for x in p.problems] == ["rule t: 'exhaustive' needs 'containers'"]


def test_exhaustive_follows_the_module_set(project: Make) -> None:
    p = project(
        '[project]\nroots = ["src"]\n' + EXHAUSTIVE.format(extra='exhaustive-ignores = ["api"]'),
        TREE,
    )
    model = p.model
    assert model is not None and model.violations() == []
    assert p.config is not None
    extra = p.config.root_dir / "src" / "app" / "jobs.py"
    extra.write_text("", encoding="utf-8")
    model.set_text(extra, "")
    assert [v.message.split(";")[0] for v in model.violations()] == [
        "app has children in no layer: jobs"
    ]
    model.remove(extra)
    assert model.violations() == []


# --- unmatched ignores --------------------------------------------------------------------


def test_an_ignore_that_matches_no_import_is_a_warning(project: Make) -> None:
    extra = (
        'ignore = ["app.api -> app.web"]\n'
        'ignore-exact = ["app.core.model -> app.web", "app.core -> app.web.views"]'
    )
    files = {"src/app/core/model.py": "import app.web\n"}
    p = project('[project]\nroots = ["src"]\n' + LAYERED.format(extra=extra), {**TREE, **files})
    assert p.model is not None
    found = [(v.rule, v.kind, v.severity, v.message) for v in p.model.violations()]
    assert found == [
        (
            "unmatched-ignore",
            "config",
            "warning",
            "rule tiers: 'app.api -> app.web' in 'ignore' matches no import (remove it, or set"
            " warn-unmatched-ignores = false)",
        ),
        (
            "unmatched-ignore",
            "config",
            "warning",
            "rule tiers: 'app.core -> app.web.views' in 'ignore-exact' matches no import"
            " (remove it, or set warn-unmatched-ignores = false)",
        ),
    ]
    quiet = LAYERED.format(extra=extra + "\nwarn-unmatched-ignores = false")
    assert findings(project, quiet, files) == []


@pytest.mark.parametrize("kind", ["forbidden", "independent", "acyclic", "interface", "external"])
def test_every_import_rule_takes_ignore_exact(project: Make, kind: str) -> None:
    body = {
        "forbidden": 'from = ["app.core"]\nto = ["app.web"]',
        "independent": 'modules = ["app.core", "app.web"]',
        "acyclic": 'modules = ["app.*"]',
        "interface": 'module = "app.web"\nexpose = ["app.web"]',
        "external": 'in = ["app.core"]\nallow = []',
    }[kind]
    files = {
        "src/app/core/model.py": "import app.web.views\nimport yaml\n",
        "src/app/web/views.py": "import app.core\n",
    }
    config = f'[[{kind}]]\nname = "r"\n{body}\n'
    before = findings(project, config, files)
    assert before and all(f[0] == "r" for f in before)
    exempt = [f'"{a} -> {b}"' for _, a, b, _ in before]
    after = findings(project, config + f"ignore-exact = [{', '.join(exempt)}]\n", files)
    assert after == []


def test_explain_and_summary_of_an_open_layer(project: Make) -> None:
    config = (
        '[project]\nroots = ["src"]\n[[layers]]\nname = "tiers"\n'
        'layers = [{ modules = ["app.web", "app.api"], independent = false }, ["app.core"]]\n'
    )
    p = project(config, TREE)
    assert p.model is not None and p.config is not None
    (role,) = explain_module(p.model, "app.web.views").roles
    assert role.may_import == ("app.core", "app.api")
    assert role.may_not_import == ()
    (rule,) = p.config.rules
    assert rule.summary().startswith("layers, top to bottom: `app.web` : `app.api` > `app.core`;")
