"""``archrules init --from-import-linter`` and ``--from-tach`` (issue 14 item 1, ADR-0026).

Small trees that use every contract type and option, migrated and checked side by side
with the original tool (``migration_support``): the same verdict per contract and the same
violating direct imports. Then what has no equivalent, and the command line.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import tomllib

from archrules.core.config import load_config
from archrules.core.migrate import MigrationError, tach
from archrules.core.migrate import importlinter as il
from archrules.core.migrate.common import find_roots, slug, toml_value
from cli_support import run
from migration_support import compare_import_linter, compare_tach
from support import write_tree

SHOP = {
    "src/shop/__init__.py": "",
    "src/shop/web/__init__.py": "",
    "src/shop/web/views.py": "import shop.api.routes\n",
    "src/shop/api/__init__.py": "",
    "src/shop/api/routes.py": "import shop.services.pricing\nimport shop.data.repo\n",
    "src/shop/services/__init__.py": "",
    "src/shop/services/pricing.py": "import json\nimport shop.data.repo\n",
    "src/shop/domain/__init__.py": "",
    "src/shop/domain/order.py": (
        "from typing import TYPE_CHECKING\n"
        "import shop.services.pricing\n"
        "if TYPE_CHECKING:\n"
        "    import shop.web.views\n"
    ),
    "src/shop/domain/money.py": "from shop.web import views\n",
    "src/shop/data/__init__.py": "",
    "src/shop/data/repo.py": "import shop.legacy\nimport shop.domain.order\n",
    "src/shop/legacy.py": "import shop.web.views\n",
}

EVERY_CONTRACT = """
[importlinter]
root_packages =
    shop
include_external_packages = True

[importlinter:contract:layers]
name = Layers, with optional and open siblings
type = layers
layers =
    (shop.cli)
    shop.web : shop.api
    shop.services
    shop.domain
ignore_imports =
    shop.domain.order -> shop.services.pricing

[importlinter:contract:containers]
name = Exhaustive layers in a container
type = layers
containers =
    shop
layers =
    web | api
    services
    domain
    data
exhaustive = true
exhaustive_ignores =
    legacy

[importlinter:contract:pure]
name = Data reaches no web, nor json
type = forbidden
source_modules =
    shop.data
forbidden_modules =
    shop.web
    json
ignore_imports =
    shop.web -> shop.domain
unmatched_ignore_imports_alerting = none

[importlinter:contract:services]
name = Services use no json
type = forbidden
source_modules =
    shop.services
forbidden_modules =
    json

[importlinter:contract:direct]
name = Domain imports no data directly
type = forbidden
source_modules =
    shop.domain
forbidden_modules =
    shop.legacy
allow_indirect_imports = true

[importlinter:contract:independent]
name = Domain and data are independent
type = independence
modules =
    shop.domain
    shop.data
ignore_imports =
    shop.data.* -> shop.domain.**

[importlinter:contract:protected]
name = Only services use data
type = protected
protected_modules =
    shop.data
allowed_importers =
    shop.services
    shop.legacy

[importlinter:contract:acyclic]
name = No cycles among shop's packages
type = acyclic_siblings
ancestors =
    shop
depth = 1
"""


def test_every_import_linter_contract_keeps_its_verdict(tmp_path: Path) -> None:
    write_tree(tmp_path, {**SHOP, ".importlinter": EVERY_CONTRACT})
    compared = dict(compare_import_linter(tmp_path, ".importlinter", "every contract"))
    assert compared == {
        "Layers, with optional and open siblings": True,  # money -> web; order -> web (typing)
        "Exhaustive layers in a container": True,
        "Data reaches no web, nor json": True,
        "Services use no json": True,
        "Domain imports no data directly": False,
        "Domain and data are independent": True,  # through shop.web and shop.services
        "Only services use data": True,
        "No cycles among shop's packages": True,
    }


def test_type_checking_imports_excluded_as_in_import_linter(tmp_path: Path) -> None:
    config = EVERY_CONTRACT.replace(
        "include_external_packages = True",
        "include_external_packages = True\nexclude_type_checking_imports = True",
    )
    files = {**SHOP, ".importlinter": config}
    files["src/shop/domain/money.py"] = ""
    write_tree(tmp_path, files)
    compared = dict(compare_import_linter(tmp_path, ".importlinter", "typing excluded"))
    assert len(compared) == 8
    migrated = il.migrate(tmp_path).text
    assert "type-checking-imports" not in migrated  # archrules' default: ignore


def test_the_layers_translation(tmp_path: Path) -> None:
    write_tree(tmp_path, {**SHOP, ".importlinter": EVERY_CONTRACT})
    migration = il.migrate(tmp_path)
    config = tomllib.loads(migration.text)
    assert config["project"] == {"roots": ["src"], "type-checking-imports": "check"}
    first, second = config["layers"]
    assert first == {
        "name": "layers-with-optional-and-open-siblings",
        "description": "Layers, with optional and open siblings",
        "layers": [
            "shop.cli",
            {"modules": ["shop.web", "shop.api"], "independent": False},
            "shop.services",
            "shop.domain",
        ],
        "optional": ["shop.cli"],
        "ignore-exact": ["shop.domain.order -> shop.services.pricing"],
    }
    assert second["layers"] == [["web", "api"], "services", "domain", "data"]
    assert second["exhaustive-ignores"] == ["legacy"]
    assert config["protected"] == [
        {
            "name": "only-services-use-data",
            "description": "Only services use data",
            "modules": ["shop.data"],
            "allow": ["shop.services", "shop.legacy"],
        }
    ]
    assert config["independent"][0]["ignore-exact"] == ["shop.data.* -> shop.domain.*.**"]
    assert config["forbidden"][0]["warn-unmatched-ignores"] is False
    assert migration.unmapped == ()
    result = load_config(tmp_path / "archrules.toml", migration.text)
    assert not result.problems


def test_pyproject_and_setup_cfg_are_found(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "shop/__init__.py": "",
            "setup.cfg": "[metadata]\nname = shop\n",
            "pyproject.toml": (
                '[tool.importlinter]\nroot_package = "shop"\n'
                "[[tool.importlinter.contracts]]\n"
                'name = "A forbidden one"\ntype = "forbidden"\n'
                'source_modules = ["shop.a"]\nforbidden_modules = ["shop.b"]\n'
                "as_packages = false\n"
            ),
        },
    )
    migration = il.migrate(tmp_path)
    assert migration.source.name == "pyproject.toml"
    assert tomllib.loads(migration.text)["project"]["roots"] == ["."]
    assert migration.unmapped == (
        "contract 'A forbidden one': as_packages = false (archrules' 'from' and 'to' always "
        "include what is below each module)",
    )
    write_tree(
        tmp_path, {"setup.cfg": EVERY_CONTRACT.replace("[importlinter]", "[importlinter]", 1)}
    )
    assert il.migrate(tmp_path).source.name == "setup.cfg"


def test_what_import_linter_has_and_archrules_not_is_named(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "src/shop/__init__.py": "",
            ".importlinter": (
                "[importlinter]\nroot_package = shop\ncontract_types =\n"
                "    custom: mypackage.Custom\ncache_dir = .cache\n"
                "[importlinter:contract:one]\nname = Custom one\ntype = custom\n"
                "[importlinter:contract:two]\nname = Cycles\ntype = acyclic_siblings\n"
                "ancestors = shop\nskip_descendants = shop.x\nfancy = yes\n"
                "[importlinter:contract:three]\nname = Protected\ntype = protected\n"
                "protected_modules = shop.p\nallowed_importers = shop.q\nas_packages = False\n"
                "broken_contract_guidance = Ask the team\n"
            ),
        },
    )
    migration = il.migrate(tmp_path)
    assert migration.unmapped == (
        "custom contract types (custom: mypackage.Custom)",
        "the option cache_dir = '.cache'",
        "contract 'Custom one' of type 'custom'",
        "contract 'Cycles': the option fancy = 'yes'",
        "contract 'Cycles': depth = 10: archrules checks the cycles among the ancestors' "
        "children; the cycles among the children of their descendants are not checked",
        "contract 'Cycles': skip_descendants = ['shop.x']",
        "contract 'Protected': as_packages = false (archrules protects each module with what "
        "is below it, and allows each importer with what is below it)",
    )
    for item in migration.unmapped:
        assert " ".join(item.split()[:3]) in " ".join(migration.text.split())
    assert "# guidance: Ask the team" in migration.text
    config = tomllib.loads(migration.text)
    assert config["protected"][0]["modules"] == ["shop.p"]


def test_bad_import_linter_configs_are_errors(tmp_path: Path) -> None:
    with pytest.raises(MigrationError, match="no import-linter configuration in"):
        il.migrate(tmp_path)
    write_tree(tmp_path, {".importlinter": "[importlinter]\n"})
    with pytest.raises(MigrationError, match="no root_package or root_packages"):
        il.migrate(tmp_path)
    write_tree(tmp_path, {"x.cfg": "[importlinter\n"})
    with pytest.raises(MigrationError, match="invalid INI"):
        il.migrate(tmp_path, tmp_path / "x.cfg")
    write_tree(tmp_path, {"x.toml": "[tool\n"})
    with pytest.raises(MigrationError, match="invalid TOML"):
        il.migrate(tmp_path, tmp_path / "x.toml")
    write_tree(tmp_path, {"y.toml": "[tool.importlinter]\ncontracts = 3\n"})
    with pytest.raises(MigrationError, match="contracts must be tables"):
        il.migrate(tmp_path, tmp_path / "y.toml")
    with pytest.raises(MigrationError, match="has no import-linter configuration"):
        il.migrate(tmp_path, _write(tmp_path / "z.toml", "[tool.other]\n"))
    with pytest.raises(MigrationError, match="cannot read"):
        il.migrate(tmp_path, tmp_path / "missing.cfg")


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_rule_names_from_contract_names() -> None:
    assert slug("CLI > Context > Library") == "cli-context-library"
    assert slug("  ") == "rule"
    migration_names = il.Names()
    assert [migration_names.unique("A b") for _ in range(3)] == ["a-b", "a-b-2", "a-b-3"]


# --- tach -----------------------------------------------------------------------------------

TACH_TREE = {
    "src/shop/__init__.py": "",
    "src/shop/web/__init__.py": "import shop.services\nimport shop.utils\n",
    "src/shop/api/__init__.py": "import shop.web\nimport shop.domain\n",
    "src/shop/services/__init__.py": "import shop.domain\nimport shop.api\n",
    "src/shop/domain/__init__.py": "import shop.services\nimport shop.utils\n",
    "src/shop/domain/rules/__init__.py": "import shop.web\n",
    "src/shop/utils.py": "",
    "src/shop/data.py": "import shop.domain\nimport shop.web\n",
}

TACH_CONFIG = """
source_roots = ["src"]
exclude = ["**/tests"]
layers = ["ui", "logic"]

[[modules]]
path = "shop.web"
layer = "ui"
depends_on = []

[[modules]]
path = "shop.api"
layer = "ui"
depends_on = [{ path = "shop.web" }]

[[modules]]
path = "shop.services"
layer = "logic"
depends_on = ["shop.domain"]

[[modules]]
path = "shop.domain"
layer = "logic"
depends_on = []

[[modules]]
path = "shop.domain.rules"
depends_on = ["shop.w*"]

[[modules]]
path = "shop.utils"
utility = true

[[modules]]
path = "shop.data"
cannot_depend_on = ["shop.web"]
visibility = ["shop.api"]
"""


def test_tach_modules_layers_and_dependencies_keep_their_findings(tmp_path: Path) -> None:
    write_tree(tmp_path, {**TACH_TREE, "tach.toml": TACH_CONFIG})
    assert compare_tach(tmp_path, "small") == {
        ("shop.services", "shop.api"),  # a lower layer imports a higher one
        ("shop.domain", "shop.services"),  # in one layer, not declared
        ("shop.data", "shop.web"),  # cannot_depend_on
    }  # and shop.domain.rules may import shop.web: "shop.w*", in no layer


def test_the_tach_translation(tmp_path: Path) -> None:
    write_tree(tmp_path, {**TACH_TREE, "tach.toml": TACH_CONFIG})
    migration = tach.migrate(tmp_path)
    config = tomllib.loads(migration.text)
    assert config["project"] == {"roots": ["src"], "exclude": ["**/tests"]}
    assert config["layers"] == [
        {
            "name": "layers",
            "description": "tach: ui > logic",
            "layers": [
                {"modules": ["shop.web", "shop.api"], "independent": False},
                {"modules": ["shop.services", "shop.domain"], "independent": False},
            ],
            "indirect": False,
            "ignore": ["shop.domain.rules -> **", "** -> shop.domain.rules"],
            "warn-unmatched-ignores": False,
        }
    ]
    rules = {r["name"]: r for r in config["forbidden"]}
    assert rules["shop.web-dependencies"]["to"] == ["shop.api", "shop.domain.rules", "shop.data"]
    assert rules["shop.domain-dependencies"]["to"] == [
        "shop.services",
        "shop.domain.rules",
        "shop.data",
    ]
    assert rules["shop.domain-dependencies"]["ignore"] == ["shop.domain.rules -> **"]
    assert rules["shop.data-visibility"]["from"] == [
        "shop.web",
        "shop.services",
        "shop.domain",
        "shop.domain.rules",
        "shop.utils",
    ]
    assert not load_config(tmp_path / "archrules.toml", migration.text).problems


def test_what_tach_has_and_archrules_not_is_named(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "tach.toml": (
                'exact = true\nroot_module = "allow"\nrespect_gitignore = false\n'
                "forbid_circular_dependencies = true\nignore_type_checking_imports = false\n"
                'layers = ["a", { name = "b", closed = true }]\n'
                '[[modules]]\npath = "<root>"\n[[modules]]\npath = "x.*"\n'
                '[[modules]]\npaths = ["x", "y"]\nlayer = "a"\n'
                'depends_on = [{ path = "z", deprecated = true }]\n'
                '[[modules]]\npath = "z"\nlayer = "b"\nunchecked = true\n'
                '[[interfaces]]\nexpose = ["api"]\nfrom = ["x"]\n'
                '[external]\nexclude = ["pytest"]\n[rules]\nunused_ignore_directives = "warn"\n'
            )
        },
    )
    migration = tach.migrate(tmp_path)
    assert migration.unmapped == (
        "[external]",
        "[rules]",
        "exact = true (unused declared dependencies are not reported)",
        "root_module = 'allow': code in no module is not checked",
        "respect_gitignore (archrules always respects .gitignore)",
        "interfaces: tach checks which names of a module others import; archrules' interface "
        "rule names modules, not members",
        "the module '<root>' (a root module or a glob of modules)",
        "the module 'x.*' (a root module or a glob of modules)",
        "deprecated dependencies (allowed, without a warning)",
        "unchecked module z (archrules checks it with no rule)",
        "closed layers b (archrules closes all or none)",
    )
    config = tomllib.loads(migration.text)
    assert config["project"]["type-checking-imports"] == "check"
    assert config["acyclic"][0]["modules"] == ["x", "y", "z"]
    all_closed = tach.migrate(
        tmp_path,
        _write(
            tmp_path / "closed.toml",
            'layers = [{ name = "a", closed = true }, { name = "b", closed = true }]\n'
            '[[modules]]\npath = "x"\nlayer = "a"\n[[modules]]\npath = "y"\nlayer = "b"\n',
        ),
    )
    assert tomllib.loads(all_closed.text)["layers"][0]["closed"] is True


def test_bad_tach_configs_are_errors(tmp_path: Path) -> None:
    with pytest.raises(MigrationError, match=r"no tach\.toml in"):
        tach.migrate(tmp_path)
    cases = {
        "[x\n": "invalid TOML",
        "modules = 3\n": "modules must be an array of tables",
        "modules = [3]\n": "modules must be an array of tables",
        '[[modules]]\npath = "a"\ndepends_on = 3\n': "depends_on must be a list",
        '[[modules]]\npath = "a"\ndepends_on = [3]\n': "depends_on must list module paths",
    }
    for text, message in cases.items():
        with pytest.raises(MigrationError, match=message):
            tach.migrate(tmp_path, _write(tmp_path / "tach.toml", text))
    with pytest.raises(MigrationError, match="cannot read"):
        tach.migrate(tmp_path, tmp_path / "nothing.toml")


# --- the command line ---------------------------------------------------------------------


def test_init_from_import_linter_prints_names_what_is_lost_and_writes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lossy = EVERY_CONTRACT.replace("depth = 1", "depth = 3")
    write_tree(tmp_path, {**SHOP, ".importlinter": lossy})
    code, out, err = run(["init", "--from-import-linter"], tmp_path, capsys, monkeypatch)
    assert code == 0
    assert out.startswith("# archrules.toml migrated by `archrules init --from-import-linter`")
    assert err.splitlines() == [
        "archrules: no equivalent in archrules: contract 'No cycles among shop's packages': "
        "depth = 3: archrules checks the cycles among the ancestors' children; the cycles "
        "among the children of their descendants are not checked",
        "archrules: translated .importlinter (8 rules); not written; `--write` saves it as "
        "archrules.toml",
    ]
    assert not (tmp_path / "archrules.toml").exists()
    code, out, _ = run(["init", "--from-import-linter", "--write"], tmp_path, capsys, monkeypatch)
    assert code == 0
    assert out == (
        "archrules: wrote archrules.toml from .importlinter (8 rules); review it, "
        "then run `archrules check`\n"
    )
    code, _, err = run(["init", "--from-tach", "--write"], tmp_path, capsys, monkeypatch)
    assert code == 2 and "already configures archrules" in err


def test_init_from_tach_with_a_file_and_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, {**TACH_TREE, "conf/tach.toml": TACH_CONFIG})
    code, _, err = run(["init", "--from-tach"], tmp_path, capsys, monkeypatch)
    assert code == 2 and "no tach.toml in ." in err
    code, out, err = run(["init", "--from-tach", "conf/tach.toml"], tmp_path, capsys, monkeypatch)
    assert code == 0 and "[[forbidden]]" in out
    assert "translated conf/tach.toml" in err
    with pytest.raises(SystemExit):
        run(["init", "--from-tach", "x", "--from-import-linter"], tmp_path, capsys, monkeypatch)
    assert "not allowed with argument" in capsys.readouterr().err


def test_init_help_names_the_migrations(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with pytest.raises(SystemExit):
        run(["init", "--help"], tmp_path, capsys, monkeypatch)
    out = capsys.readouterr().out
    assert "--from-import-linter [FILE]" in out and "--from-tach [FILE]" in out


def test_source_roots_are_found_where_the_packages_are(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(
        tmp_path,
        {
            "code/src/shop/__init__.py": "",
            "tools.py": "",
            ".venv/lib/other/__init__.py": "",
            "env/pyvenv.cfg": "",
            "env/other/__init__.py": "",
            "build/other/__init__.py": "",
        },
    )
    assert find_roots(tmp_path, ["shop.web", "tools", "other"]) == (
        ["code/src", "."],
        ["other"],
    )
    write_tree(
        tmp_path,
        {".importlinter": "[importlinter]\nroot_packages =\n    shop\n    other\n"},
    )
    migration = il.migrate(tmp_path)
    assert tomllib.loads(migration.text)["project"]["roots"] == ["code/src"]
    assert migration.notes == (
        "the package(s) other were not found in the project's directory or two levels below "
        "it: check [project] roots",
    )
    assert "# note: the package(s) other were not found" in migration.text
    code, _, err = run(["init", "--from-import-linter"], tmp_path, capsys, monkeypatch)
    assert code == 0 and "archrules: note: the package(s) other were not found" in err
    assert toml_value(3) == "3"
