"""``[[protected]]``: only the allowed importers may import a protected module directly
(import-linter's protected contract; a rule kind added as one module, ADR-0024)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from archrules.core.explain import explain_module
from support import memory_model, summary, write_tree

CONFIG = """
[[protected]]
name = "db-behind-repos"
modules = ["app.db"]
allow = ["app.repos", "app.main"]
ignore = ["app.legacy -> app.db.session"]
"""
FILES = {
    "app/__init__.py": "",
    "app/db/__init__.py": "from app.db import session\n",  # inside: allowed
    "app/db/session.py": "",
    "app/db/models.py": "from app.db.session import x\n",
    "app/repos/__init__.py": "",
    "app/repos/orders.py": "import app.db.models\n",  # an allowed importer's submodule
    "app/main.py": "from app.db import session\n",
    "app/web.py": "import app.db\nfrom app.db.models import Order\n",  # two violations
    "app/legacy.py": "from app.db import session\n",  # ignored
    "app/util.py": "import app.repos.orders\n",  # indirect: protected is direct only
}


def test_only_allowed_importers_may_import_a_protected_module() -> None:
    model = memory_model(CONFIG, FILES)
    assert [
        (rule, importer, imported) for rule, importer, imported, _ in summary(model.violations())
    ] == [
        ("db-behind-repos", "app.web", "app.db"),
        ("db-behind-repos", "app.web", "app.db.models"),
    ]
    (first, _) = sorted(model.violations(), key=lambda v: v.range)
    assert first.message == (
        "app.web imports app.db, which is protected: only app.repos, app.main may import app.db"
    )
    assert first.kind == "protected"


def test_a_wildcard_protects_each_module_it_matches() -> None:
    model = memory_model(
        '[[protected]]\nname = "p"\nmodules = ["app.plugins.*"]\n',
        {
            "app/__init__.py": "",
            "app/plugins/__init__.py": "",
            "app/plugins/a.py": "import app.plugins.b\n",  # another protected module
            "app/plugins/b.py": "from app.plugins.b import inner\n",
            "app/plugins/b/inner.py": "",
        },
    )
    assert [(i, m) for _, i, m, _ in summary(model.violations())] == [
        ("app.plugins.a", "app.plugins.b")
    ]


def test_explained_on_hover_and_warned_when_empty(tmp_path: Path) -> None:
    model = memory_model(CONFIG, FILES)
    roles = {m: explain_module(model, m).roles[0].role for m in ("app.db.models", "app.web")}
    assert roles == {
        "app.db.models": "protected (app.db): only `app.repos`, `app.main` may import it",
        "app.web": "may not import protected modules",
    }
    model = memory_model('[[protected]]\nname = "p"\nmodules = ["app.db"]\n', FILES)
    assert model.config.rules[0].summary() == "only no other module may import `app.db`"


LINT_IMPORTS = shutil.which("lint-imports", path=str(Path(sys.executable).parent))


@pytest.mark.skipif(LINT_IMPORTS is None, reason="import-linter is not installed")
def test_the_same_violations_as_import_linters_protected_contract(tmp_path: Path) -> None:
    """import-linter's own verdict on the same tree: the same illegal imports."""
    assert LINT_IMPORTS is not None
    write_tree(tmp_path, {**FILES, "archrules.toml": CONFIG})
    (tmp_path / ".importlinter").write_text(
        "[importlinter]\nroot_package = app\n\n"
        "[importlinter:contract:db]\nname = db behind repos\ntype = protected\n"
        "protected_modules = app.db\nallowed_importers =\n    app.repos\n    app.main\n"
        "ignore_imports = app.legacy -> app.db.session\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [LINT_IMPORTS, "--no-cache"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PATH": str(Path(sys.executable).parent), "PYTHONPATH": str(tmp_path)},
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "db behind repos BROKEN" in result.stdout
    reported = {
        tuple(line.strip().split(" -> ")[:2])
        for line in result.stdout.splitlines()
        if line.startswith("- app.") and " -> " in line
    }
    reported = {(a.removeprefix("- "), b.split(" ")[0]) for a, b in reported}
    assert reported == {("app.web", "app.db"), ("app.web", "app.db.models")}
