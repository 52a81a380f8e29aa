"""The model: inline exceptions in every form, ADR checks on exceptions and rules, config
validation that needs the module set, and import resolution corner cases."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from archrules.core.project import Project
from support import memory_model, summary

Make = Callable[..., Project]

CONFIG = """
[project]
roots = ["src"]

[adr]
require-for-exceptions = {require}

[[layers]]
name = "clean"
adr = "ADR-0001"
layers = ["app.web", "app.core"]

[[forbidden]]
name = "no-sqlite"
from = ["app.core"]
to = ["sqlite3"]
"""

ADRS = {
    "0001-layers.md": "---\nstatus: accepted\n---\n# Layers\n",
    "0002-old.md": "# 2. Old way\n\n## Status\n\nSuperceded by [3. New way](0003-new-way.md)\n",
    "0003-new-way.md": "# 3. New way\n\n## Status\n\nAccepted\n",
    "0004-idea.md": "# Idea\n\n- Status: proposed\n",
}

BASE = {"src/app/__init__.py": "", "src/app/web.py": ""}


def run(
    make: Make, core: str, require: bool = False
) -> list[tuple[str, str | None, str | None, int]]:
    project = make(
        CONFIG.format(require=str(require).lower()), {**BASE, "src/app/core.py": core}, adrs=ADRS
    )
    assert not project.problems, project.problems
    assert project.model is not None
    return summary(project.model.violations())


def messages(make: Make, core: str, require: bool = False) -> list[str]:
    project = make(
        CONFIG.format(require=str(require).lower()), {**BASE, "src/app/core.py": core}, adrs=ADRS
    )
    assert project.model is not None
    return [f"{v.rule}: {v.message}" for v in project.model.violations()]


def test_exception_on_the_line(project: Make) -> None:
    assert run(project, "import app.web  # archrules: allow[clean] ADR-0001 legacy\n") == []


def test_exception_alone_on_the_line_above(project: Make) -> None:
    code = "x = 1\n    # archrules: allow[clean] ADR-0001\nimport app.web\n"
    assert run(project, code) == []


def test_exception_above_applies_to_the_next_line_only(project: Make) -> None:
    code = "# archrules: allow[clean] ADR-0001\n\nimport app.web\n"
    assert run(project, code) == [
        ("unused-exception", None, None, 1),
        ("clean", "app.core", "app.web", 3),
    ]


def test_exception_on_the_first_line_of_a_multiline_import(project: Make) -> None:
    code = "from app.web import (  # archrules: allow[clean] ADR-0001\n    a,\n    b,\n)\n"
    assert run(project, code) == []


def test_exception_silences_only_the_named_rules(project: Make) -> None:
    code = "import app.web, sqlite3  # archrules: allow[no-sqlite] ADR-0001\n"
    assert run(project, code) == [("clean", "app.core", "app.web", 1)]


def test_exception_for_several_rules(project: Make) -> None:
    code = "import app.web, sqlite3  # archrules: allow[clean, no-sqlite] ADR-0001\n"
    assert run(project, code) == []


def test_unused_and_unknown_rules_in_exceptions(project: Make) -> None:
    code = "import os  # archrules: allow[clean, nope] ADR-0001\n"
    assert messages(project, code) == [
        "unused-exception: unused exception: allow[clean] silences nothing on this line",
        "unused-exception: unused exception: there is no rule named 'nope'",
    ]


def test_exception_text_in_a_string_is_not_an_exception(project: Make) -> None:
    code = 'import app.web; s = "# archrules: allow[clean] ADR-0001"\n'
    assert run(project, code) == [("clean", "app.core", "app.web", 1)]


def test_exception_adr_checks(project: Make) -> None:
    missing = "import app.web  # archrules: allow[clean] ADR-0099\n"
    assert messages(project, missing) == [
        "exception-adr: the exception cites ADR-0099, which does not exist"
    ]
    superseded = "import app.web  # archrules: allow[clean] ADR-2\n"
    assert messages(project, superseded) == [
        "exception-adr: the exception cites ADR-0002 (Old way), which is superseded by "
        "ADR-0003 (New way)"
    ]
    none = "import app.web  # archrules: allow[clean]\n"
    assert messages(project, none) == []
    assert messages(project, none, require=True) == [
        "exception-adr: the exception allow[clean] cites no ADR; this project requires one "
        "(require-for-exceptions)"
    ]
    proposed = "import app.web  # archrules: allow[clean] ADR-0004\n"
    assert messages(project, proposed) == []
    assert messages(project, proposed, require=True) == [
        "exception-adr: the exception cites ADR-0004 (Idea), which is proposed, not accepted "
        "(require-for-exceptions)"
    ]


def test_rule_citing_a_superseded_adr_warns_on_the_config(project: Make, tmp_path: Path) -> None:
    config = CONFIG.format(require="false").replace('adr = "ADR-0001"', 'adr = "ADR-0002"')
    p = project(config, {**BASE, "src/app/core.py": ""}, adrs=ADRS)
    assert p.model is not None
    (v,) = p.model.violations()
    assert (v.rule, v.kind, v.severity, v.path.name) == (
        "adr-status",
        "adr",
        "warning",
        "archrules.toml",
    )
    assert v.range.line + 1 == 10  # the adr = "ADR-0002" line
    assert "superseded by ADR-0003 (New way)" in v.message


def test_config_expressions_must_match_modules(project: Make) -> None:
    config = CONFIG.format(require="false").replace(
        'to = ["sqlite3"]', 'to = ["sqlite3", "app.nothere", "somelib"]'
    )
    config = config.replace('layers = ["app.web", "app.core"]', 'layers = ["app.web", "app.kore"]')
    p = project(config, {**BASE, "src/app/core.py": ""}, adrs=ADRS)
    assert [(pr.range.line + 1, pr.message) for pr in p.problems] == [
        (11, "rule clean: 'app.kore' matches no module of this project"),
        (16, "rule no-sqlite: 'app.nothere' matches no module of this project"),
    ]


def test_missing_adr_directory_is_a_config_error(project: Make) -> None:
    config = CONFIG.format(require="false").replace("[adr]", '[adr]\ndirectory = "decisions"')
    p = project(config, {**BASE, "src/app/core.py": ""})
    assert any("does not exist" in pr.message for pr in p.problems)
    assert any("ADR-0001 matches no ADR file" in pr.message for pr in p.problems)


def test_syntax_error_is_reported_and_imports_still_checked(project: Make) -> None:
    assert run(project, "import app.web\ndef broken(:\n") == [
        ("clean", "app.core", "app.web", 1),
        ("syntax-error", None, None, 2),
    ]


# --- resolution, in memory --------------------------------------------------------------

LAYERS = """
[project]
roots = ["src", "lib"]

[[layers]]
name = "l"
layers = ["app.web", "app.core"]
"""


def test_relative_import_beyond_the_top_is_ignored() -> None:
    model = memory_model(
        LAYERS,
        {
            "src/app/__init__.py": "from .. import web\n",
            "src/app/web.py": "",
            "src/app/core.py": "",
        },
    )
    assert model.violations() == []


def test_namespace_packages_and_submodule_names() -> None:
    model = memory_model(
        LAYERS,
        {
            "src/app/web/views.py": "",  # app and app.web are namespace packages
            "src/app/core.py": "from app.web import views\nfrom app import web\n",
        },
    )
    assert summary(model.violations()) == [
        ("l", "app.core", "app.web.views", 1),
        ("l", "app.core", "app.web", 2),
    ]


def test_unknown_submodule_resolves_to_the_nearest_module() -> None:
    model = memory_model(
        LAYERS, {"src/app/web.py": "", "src/app/core.py": "import app.web.missing.deeper\n"}
    )
    assert summary(model.violations()) == [("l", "app.core", "app.web", 1)]


def test_duplicate_module_in_two_roots_first_root_wins() -> None:
    model = memory_model(
        LAYERS,
        {
            "src/app/web.py": "",
            "src/app/core.py": "import app.web\n",
            "lib/app/core.py": "",  # shadowed by src/app/core.py
        },
    )
    assert summary(model.violations()) == [("l", "app.core", "app.web", 1)]
    model.remove(Path("/virtual/src/app/core.py"))
    assert model.violations() == []


def test_files_outside_the_roots_are_not_modules() -> None:
    model = memory_model(LAYERS, {"src/app/web.py": "", "src/app/core.py": ""})
    assert model.set_text(Path("/elsewhere/x.py"), "import app.web\n") is False
    assert model.set_text(Path("/virtual/src/app/not-a-module.py"), "import app.web\n") is False
    assert model.paths == [Path("/virtual/src/app/core.py"), Path("/virtual/src/app/web.py")]
    assert model.classify("app.web") == "first-party"
    assert model.classify("io") == "stdlib"
    assert model.classify("requests") == "third-party"
