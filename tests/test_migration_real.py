"""``archrules init --from-import-linter`` / ``--from-tach`` on real projects (issue 14 item 1).

Each project's own configuration is committed under ``tests/data/migration/<project>/``
(``ORIGIN.md`` says where it comes from and under which licence); its code is the PyPI
release that ships that very file (the test checks that the sdist's copy is identical),
downloaded into pytest's cache directory and skipped when PyPI cannot be reached. Then:

1. the original tool checks the release: import-linter in a subprocess through its own API
   (``read_user_options``, ``create_report``) with the source roots on ``PYTHONPATH``, the
   findings read as the import-linter oracle reads them (``oracle_support.check_findings``);
   tach through ``tach check --output json``;
2. ``archrules init --from-... --write`` migrates the configuration, ``archrules check
   --format json`` checks the release;
3. per contract the verdict is the same, and so is the set of violating direct imports
   (importer, imported); for tach, the set of (importer module, imported tach module).

Nothing of the projects is imported or executed by archrules; import-linter (grimp) and
tach parse the files.
"""

from __future__ import annotations

import hashlib
import json
import tarfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import tomllib

from archrules.core.migrate.common import toml_value
from migration_support import compare_import_linter, compare_tach

DATA = Path(__file__).parent / "data" / "migration"

# project: (PyPI name, version, config file in the sdist)
IMPORT_LINTER = {
    "kedro": ("kedro", "1.7.0", "pyproject.toml"),
    "sqlfluff": ("sqlfluff", "4.5.0", "pyproject.toml"),
    "napari": ("napari", "0.9.2", "pyproject.toml"),
    "import-linter": ("import-linter", "2.17", ".importlinter"),
}
TACH = {
    "horde-sdk": ("horde-sdk", "0.33.3", "tach.toml"),
    "predylogic": ("predylogic", "0.1.1", "tach.toml"),
}


def sdist(name: str, version: str, cache: Path) -> Path:
    """The release's sdist, from PyPI into ``cache`` (once)."""
    target = cache / f"{name}-{version}"
    found = sorted(target.glob("*.tar.gz"))
    if found:
        return found[0]
    url = f"https://pypi.org/pypi/{name}/json"
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            project = json.load(answer)
        [entry] = [f for f in project["releases"][version] if f["packagetype"] == "sdist"]
        with urllib.request.urlopen(urllib.parse.urljoin(url, entry["url"]), timeout=120) as f:  # noqa: S310
            data = f.read()
    except (urllib.error.URLError, OSError, ValueError, KeyError) as error:
        pytest.skip(f"cannot download {name} {version} from PyPI: {error}")
    assert hashlib.sha256(data).hexdigest() == entry["digests"]["sha256"]
    target.mkdir(parents=True, exist_ok=True)
    archive = target / entry["filename"]
    archive.with_suffix(".part").write_bytes(data)
    archive.with_suffix(".part").replace(archive)
    return archive


@pytest.fixture
def release(
    request: pytest.FixtureRequest, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Any:
    store = getattr(request.config, "cache", None)
    cache = Path(store.mkdir("archrules-migration") if store else tmp_path_factory.mktemp("sdists"))

    def unpack(name: str, version: str, config: str, project: str) -> Path:
        with tarfile.open(sdist(name, version, cache)) as tar:
            tar.extractall(tmp_path, filter="data")
        [root] = [p for p in tmp_path.iterdir() if p.is_dir()]
        ours = DATA / project / config
        assert (root / config).read_bytes() == ours.read_bytes(), "the release ships its config"
        assert (DATA / project / "ORIGIN.md").is_file()
        return root

    return unpack


@pytest.mark.parametrize("project", sorted(IMPORT_LINTER))
def test_import_linter_projects_keep_their_verdicts(project: str, release: Any) -> None:
    name, version, config_name = IMPORT_LINTER[project]
    root = release(name, version, config_name, project)
    compare_import_linter(root, config_name, project)


@pytest.mark.parametrize("project", ["kedro", "napari", "sqlfluff"])
def test_import_linter_projects_without_their_ignores(project: str, release: Any) -> None:
    """The same contracts without ``ignore_imports``: the imports they exempted now break
    them, and both tools must report the same ones."""
    name, version, config_name = IMPORT_LINTER[project]
    root = release(name, version, config_name, project)
    table = tomllib.loads((root / config_name).read_text(encoding="utf-8"))["tool"]
    session = {k: v for k, v in table["importlinter"].items() if k != "contracts"}
    lines = ["[tool.importlinter]", *(f"{k} = {toml_value(v)}" for k, v in session.items())]
    for contract in table["importlinter"]["contracts"]:
        lines.append("[[tool.importlinter.contracts]]")
        lines += [f"{k} = {toml_value(v)}" for k, v in contract.items() if k != "ignore_imports"]
    (root / "strict.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    compared = compare_import_linter(root, "strict.toml", project)
    assert any(broken for _, broken in compared)


@pytest.mark.parametrize("project", sorted(TACH))
def test_tach_projects_keep_their_verdicts(project: str, release: Any) -> None:
    name, version, config_name = TACH[project]
    root = release(name, version, config_name, project)
    compare_tach(root, project)


@pytest.mark.parametrize("project", sorted(TACH))
def test_tach_projects_with_stricter_boundaries(project: str, release: Any) -> None:
    """The same modules with no declared dependency and the layers upside down: every
    import between modules breaks a boundary, and both tools must report the same ones."""
    name, version, config_name = TACH[project]
    root = release(name, version, config_name, project)
    document = tomllib.loads((root / config_name).read_text(encoding="utf-8"))
    if "layers" in document:
        document["layers"] = document["layers"][::-1]
    lines = [f"{k} = {toml_value(v)}" for k, v in document.items() if k != "modules"]
    for module in document["modules"]:
        strict = {**module, "depends_on": []}
        lines += ["[[modules]]", *(f"{k} = {toml_value(v)}" for k, v in strict.items())]
    (root / config_name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert compare_tach(root, project)
