"""Issue 11 (results a user can trust), end to end: real packages named like default
excludes, excluded files that still exist as modules, nothing skipped silently, exclusion
reaching nested configs, unreadable folders and internal errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import archrules.cli.main as cli
from archrules.cli.main import main
from archrules.core.config import find_config, find_configs_below, scan_configs
from archrules.core.workspace import Workspace
from cli_support import run
from support import write_tree

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _isolated_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    cache = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("ARCHRULES_CACHE_DIR", str(cache))
    monkeypatch.delenv(cli.DEBUG_ENV, raising=False)
    return cache


# --- A1: a package named like a default exclude is code ----------------------------------

PIP_BUILD = (
    "build_tracker",
    "metadata",
    "metadata_editable",
    "metadata_legacy",
    "wheel",
    "wheel_editable",
    "wheel_legacy",
)


def test_a1_violations_in_a_package_named_build_are_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """pip 25.1: pip/_internal/operations/build/ (8 modules) vanished with its violations."""
    build = "src/pip/_internal/operations/build"
    files = {
        "archrules.toml": """
            [[forbidden]]
            name = "operations-not-cli"
            from = ["pip._internal.operations"]
            to = ["pip._internal.cli"]
        """,
        "src/pip/__init__.py": "",
        "src/pip/_internal/__init__.py": "",
        "src/pip/_internal/cli/__init__.py": "",
        "src/pip/_internal/operations/__init__.py": "",
        f"{build}/__init__.py": "",
        **{f"{build}/{name}.py": "from pip._internal.cli import x\n" for name in PIP_BUILD},
    }
    write_tree(tmp_path, files)
    code, out, _ = run(["check", "--no-cache", "--format", "json"], tmp_path, capsys, monkeypatch)
    assert code == 1
    document = json.loads(out)
    assert document["summary"]["files"] == 12
    importers = sorted(v["importer"] for v in document["violations"])
    assert importers == [f"pip._internal.operations.build.{name}" for name in PIP_BUILD]


# --- A2: an excluded file is still a module ------------------------------------------------

VERSION_TREE = {
    "archrules.toml": """
        [project]
        roots = ["."]

        [[layers]]
        name = "layers"
        layers = ["high", "low"]
    """,
    ".gitignore": "_version.py\n",
    "pkg/__init__.py": "import high.api\n",
    "pkg/_version.py": "version = '1.0'\n",
    "high/__init__.py": "",
    "high/api.py": "",
    "low/__init__.py": "",
    "low/a.py": "from pkg._version import version\n",
}

IMPORTLINTER = """
[importlinter]
root_packages =
    high
    low
    pkg

[importlinter:contract:layers]
name = layers
type = layers
layers =
    high
    low
"""


def test_a2_an_ignored_module_still_resolves_imports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``from pkg._version import v`` resolves to pkg._version, not to pkg: no false chain
    low.a -> pkg -> high.api. import-linter says the contract is kept."""
    write_tree(tmp_path, VERSION_TREE)
    code, out, _ = run(["check", "--no-cache", "--format", "json"], tmp_path, capsys, monkeypatch)
    document = json.loads(out)
    assert document["violations"] == []
    assert code == 0
    assert document["summary"]["skipped"] == [
        {
            "path": "pkg/_version.py",
            "kind": "gitignored",
            "reason": ".gitignore:1: '_version.py'",
            "directory": False,
        }
    ]
    # the excluded file is not checked: a violation in it is not reported
    (tmp_path / "pkg" / "_version.py").write_text("import high.api\nimport low.a\n")
    code, out, _ = run(["check", "--no-cache", "--format", "json"], tmp_path, capsys, monkeypatch)
    assert (code, json.loads(out)["violations"]) == (0, [])
    # the oracle agrees
    (tmp_path / "pkg" / "_version.py").write_text("version = '1.0'\n")
    (tmp_path / ".importlinter").write_text(IMPORTLINTER)
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--no-cache"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_a2_the_workspace_sees_excluded_modules_as_a_fresh_check_does(tmp_path: Path) -> None:
    write_tree(tmp_path, {k: v for k, v in VERSION_TREE.items() if k != "pkg/_version.py"})
    workspace = Workspace()
    (state,) = workspace.add_folder(tmp_path)
    while workspace.index_some(40):
        pass
    low_a = tmp_path / "low" / "a.py"
    # no _version.py yet: the import resolves to pkg, and the chain reaches high
    assert [v.chain for v in workspace.results().get(low_a, [])] == [("low.a", "pkg", "high.api")]
    # the generated file appears (gitignored): a module, not checked
    version = tmp_path / "pkg" / "_version.py"
    version.write_text("import high.api\n")
    assert workspace.disk_changed(version) is state
    assert workspace.results() == {}
    model = state.project.model
    assert model is not None and model.excluded_paths == [version]
    # an editor opens it: still not checked
    workspace.set_text(version, "import low.a\nimport high.api\n")
    assert workspace.results() == {}
    workspace.close(version)
    version.unlink()
    workspace.disk_changed(version)
    assert [v.chain for v in workspace.results()[low_a]] == [("low.a", "pkg", "high.api")]


# --- A3: nothing is skipped silently --------------------------------------------------------


def test_a3_skipped_files_are_counted_listed_and_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(
        tmp_path,
        {
            "archrules.toml": """
                [project]
                exclude = ["legacy/"]

                [[acyclic]]
                name = "cycles"
                modules = ["app.*"]
            """,
            "src/app/__init__.py": "",
            "src/app/core.py": "",
            "src/app/migrations/__init__.py": "",
            "src/app/migrations/0001_initial.py": "",
            "src/app/legacy/old.py": "",
        },
    )
    code, out, _ = run(["check", "--no-cache"], tmp_path, capsys, monkeypatch)
    assert code == 0
    assert out.splitlines()[-1] == (
        "skipped 2: 1 excluded by the config, 1 not an importable name (--verbose names them)"
    )
    code, out, _ = run(["check", "--no-cache", "--verbose"], tmp_path, capsys, monkeypatch)
    assert out.splitlines()[-3:] == [
        "skipped 2: 1 excluded by the config, 1 not an importable name",
        "    src/app/legacy/old.py: 'exclude' pattern 'legacy/' of the config",
        "    src/app/migrations/0001_initial.py: the name is not an importable module name",
    ]
    code, out, _ = run(["check", "--no-cache", "--format", "json"], tmp_path, capsys, monkeypatch)
    assert [(s["path"], s["kind"]) for s in json.loads(out)["summary"]["skipped"]] == [
        ("src/app/legacy/old.py", "excluded"),
        ("src/app/migrations/0001_initial.py", "name"),
    ]
    # checking one file reports what is skipped in that scope only
    code, out, _ = run(["check", "--no-cache", "src/app/core.py"], tmp_path, capsys, monkeypatch)
    assert "skipped" not in out
    # baseline says what it did not see too
    code, out, err = run(["baseline", "--no-cache"], tmp_path, capsys, monkeypatch)
    assert code == 0
    assert "skipped 2: 1 excluded by the config, 1 not an importable name" in err


@pytest.mark.parametrize(
    ("config", "warning"),
    [
        ("", "archrules.toml:1:1: config warning: this file declares no rules"),
        (
            '[[layers]]\nname = "one"\nlayers = ["app"]\n',
            "archrules.toml:2:8: config warning: rule one has a single layer: it checks nothing",
        ),
        (
            '[[acyclic]]\nname = "none"\nmodules = []\n',
            "archrules.toml:2:8: config warning: rule none names no modules: it checks nothing",
        ),
        (
            '[[independent]]\nname = "alone"\nmodules = ["app"]\n',
            "rule alone names fewer than two modules: it checks nothing",
        ),
        ('[[forbidden]]\nname = "f"\nfrom = ["app"]\nto = []\n', "rule f has an empty 'to'"),
    ],
)
def test_a3_a_config_that_checks_nothing_is_a_warning(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    config: str,
    warning: str,
) -> None:
    write_tree(tmp_path, {"archrules.toml": config, "src/app/__init__.py": ""})
    code, out, err = run(["check", "--no-cache"], tmp_path, capsys, monkeypatch)
    assert code == 0
    assert warning in err
    assert out == "No violations in 1 file checked.\n"


def test_a3_one_wildcard_independent_expression_checks_and_is_no_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each module ``app.*`` matches is a component: the rule checks, no warning."""
    write_tree(
        tmp_path,
        {
            "archrules.toml": '[[independent]]\nname = "apart"\nmodules = ["app.*"]\n',
            "src/app/__init__.py": "",
            "src/app/a.py": "import app.b\n",
            "src/app/b.py": "",
        },
    )
    code, out, err = run(["check", "--no-cache"], tmp_path, capsys, monkeypatch)
    assert code == 1
    assert "checks nothing" not in err
    assert "app.a and app.b are independent" in out


def test_a3_an_empty_tool_archrules_table_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, {"pyproject.toml": "[tool.archrules]\n", "app.py": ""})
    code, _, err = run(["check", "--no-cache"], tmp_path, capsys, monkeypatch)
    assert code == 0
    assert "pyproject.toml:1:7: config warning: [tool.archrules] declares no rules" in err


def test_a3_a_missing_source_root_is_one_error_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(
        tmp_path,
        {
            "archrules.toml": """
                [project]
                roots = ["scr"]

                [[layers]]
                name = "layers"
                layers = ["app.web", "app.core"]
            """,
            "src/app/__init__.py": "",
        },
    )
    code, out, err = run(["check", "--no-cache"], tmp_path, capsys, monkeypatch)
    assert (code, out) == (2, "")
    assert err == "archrules.toml:3:9: config error: source root 'scr' does not exist\n"
    # outside the project, and a file where a directory should be: each named
    config = (tmp_path / "archrules.toml").read_text()
    (tmp_path / "file.py").write_text("")
    elsewhere = tmp_path.parent / "elsewhere-root"
    config = config.replace('roots = ["scr"]', f'roots = ["src", "../{elsewhere.name}", "file.py"]')
    (tmp_path / "archrules.toml").write_text(config)
    code, out, err = run(["check", "--no-cache"], tmp_path, capsys, monkeypatch)
    assert code == 2
    assert err.splitlines() == [
        f"archrules.toml:3:9: config error: source root '{elsewhere.as_posix()}' does not exist",
        "archrules.toml:3:9: config error: source root 'file.py' is not a directory",
    ]


# --- A5: exclude reaches nested configs ------------------------------------------------------


def test_a5_exclude_stops_nested_configs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(
        tmp_path,
        {
            "archrules.toml": '[project]\nroots = ["lib"]\nexclude = ["examples"]\n'
            '[[acyclic]]\nname = "c"\nmodules = ["lib"]\n',
            "lib/lib.py": "",
            "examples/demo/archrules.toml": '[[forbidden]]\nname = "f"\nfrom = ["demo"]\n'
            'to = ["sqlite3"]\n',
            "examples/demo/demo.py": "import sqlite3\n",
            "other/archrules.toml": '[[forbidden]]\nname = "g"\nfrom = ["o"]\nto = ["json"]\n',
            "other/o.py": "",
        },
    )
    scan = scan_configs(tmp_path)
    assert scan.found == (tmp_path / "archrules.toml", tmp_path / "other" / "archrules.toml")
    assert scan.skipped == (
        (
            tmp_path / "examples" / "demo" / "archrules.toml",
            f"excluded by the 'exclude' pattern 'examples' of {tmp_path / 'archrules.toml'}",
        ),
    )
    assert find_configs_below(tmp_path) == list(scan.found)
    code, out, _ = run(["check", "--no-cache", "--verbose"], tmp_path, capsys, monkeypatch)
    assert code == 0
    assert "examples/demo/archrules.toml: excluded by the 'exclude' pattern 'examples'" in out
    # named explicitly, the example is checked
    code, out, _ = run(["check", "--no-cache", "examples/demo"], tmp_path, capsys, monkeypatch)
    assert code == 1
    # the editor: a folder opened at the root does not load the excluded project
    workspace = Workspace()
    assert [s.config_path for s in workspace.add_folder(tmp_path)] == list(scan.found)


def test_a5_this_repository_checks_clean_at_its_root(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What scripts/test runs: `archrules check --no-cache` at the root, examples excluded."""
    code, out, _ = run(["check", "--no-cache"], REPO, capsys, monkeypatch)
    assert code == 0, out
    assert "archrules check --no-cache\n" in (REPO / "scripts" / "test").read_text()


# --- B9: unreadable folders, internal errors ---------------------------------------------------


@pytest.fixture
def unreadable(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """Directories that cannot be listed or searched (chmod does not stop root)."""
    blocked: set[str] = set()
    real_scandir, real_stat = os.scandir, os.stat

    def inside(path: Any) -> bool:
        text = os.path.abspath(os.fspath(path))
        return any(text == b or text.startswith(b + os.sep) for b in blocked)

    def fake_scandir(path: Any = ".") -> Any:
        if inside(path):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    def fake_stat(path: Any, *args: Any, **kwargs: Any) -> Any:
        text = os.path.abspath(os.fspath(path))
        if any(text.startswith(b + os.sep) for b in blocked):  # inside, not the folder itself
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "scandir", fake_scandir)
    monkeypatch.setattr(os, "stat", fake_stat)
    return blocked


def test_b9_an_unreadable_folder_is_skipped_and_reported(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    unreadable: set[str],
) -> None:
    write_tree(
        tmp_path,
        {
            "archrules.toml": '[[acyclic]]\nname = "c"\nmodules = ["app"]\n',
            "src/app/__init__.py": "",
            "src/app/secret/x.py": "",
            "private/archrules.toml": "",
        },
    )
    unreadable.update({str(tmp_path / "src" / "app" / "secret"), str(tmp_path / "private")})
    assert find_config(tmp_path / "private" / "deep") == tmp_path / "archrules.toml"
    code, out, err = run(["check", "--no-cache", "--verbose"], tmp_path, capsys, monkeypatch)
    assert code == 0, err
    assert "Traceback" not in err
    assert "skipped 2: 2 unreadable" in out
    assert "    private/: cannot read directory: Permission denied" in out
    assert "    src/app/secret/: cannot read directory: Permission denied" in out


def test_b9_the_config_search_survives_places_it_cannot_search(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`archrules check /` as root met /proc entries whose stat fails; any OSError there
    means "no config here"."""
    write_tree(tmp_path, {"archrules.toml": "", "a/b/x.py": ""})
    real_isfile = os.path.isfile

    def failing_stat(path: Any, *args: Any, **kwargs: Any) -> Any:
        if "a" in Path(os.fspath(path)).parts[-3:]:
            raise OSError(22, "Invalid argument", os.fspath(path))
        return os.lstat(path)

    monkeypatch.setattr(os, "stat", failing_stat)
    assert real_isfile(tmp_path / "archrules.toml")
    assert find_configs_below(tmp_path) == [tmp_path / "archrules.toml"]
    assert find_config(tmp_path / "a" / "b") == tmp_path / "archrules.toml"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any folder")
def test_b9_a_real_unreadable_folder(  # pragma: no cover - CI runs as root
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, {"archrules.toml": "", "src/app/__init__.py": "", "src/app/s/x.py": ""})
    secret = tmp_path / "src" / "app" / "s"
    secret.chmod(0o000)
    try:
        code, out, err = run(["check", "--no-cache"], tmp_path, capsys, monkeypatch)
    finally:
        secret.chmod(0o755)
    assert code == 0 and "Traceback" not in err
    assert "skipped 1: 1 unreadable" in out


def test_b9_an_internal_error_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, {"archrules.toml": "", "app.py": ""})

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "open_project", broken)
    code, out, err = run(["check", "--no-cache"], tmp_path, capsys, monkeypatch)
    assert code == cli.EXIT_INTERNAL == 2  # the spec: 2 for internal errors; never 1
    assert out == ""
    assert len(err.splitlines()) == 1
    assert "internal error (RuntimeError: boom)" in err
    assert "This is a bug in archrules" in err
    code, _, err = run(["check", "--no-cache", "--verbose"], tmp_path, capsys, monkeypatch)
    assert code == 2 and "Traceback (most recent call last)" in err
    monkeypatch.setenv(cli.DEBUG_ENV, "1")
    code, _, err = run(["baseline", "--no-cache"], tmp_path, capsys, monkeypatch)
    assert code == 2 and "Traceback (most recent call last)" in err


def test_b9_exit_statuses_are_documented(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "2 usage or config error, or an internal error" in text
    readme = " ".join((REPO / "README.md").read_text().split())
    assert "an internal error (a bug in archrules" in readme


def test_a3_the_editor_shows_a_config_that_checks_nothing_as_a_warning(tmp_path: Path) -> None:
    write_tree(tmp_path, {"archrules.toml": "", "src/app/__init__.py": ""})
    workspace = Workspace()
    workspace.add_folder(tmp_path)
    config = tmp_path / "archrules.toml"
    (warning,) = workspace.config_problems()[config]
    assert (warning.severity, warning.message.split(":")[0]) == (
        "warning",
        "this file declares no rules",
    )
    # a config error wins over the warning; fixing it brings the warning back
    workspace.set_text(config, "[[layers]]\nname = 'one'\nlayers = ['app']\nbad = 1\n")
    assert [p.severity for p in workspace.config_problems()[config]] == ["error"]
    workspace.set_text(config, "[[layers]]\nname = 'one'\nlayers = ['app']\n")
    (warning,) = workspace.config_problems()[config]
    assert (
        warning.message
        == "rule one has a single layer: it checks nothing (list two layers or more)"
    )
