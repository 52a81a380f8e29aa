"""Tests for archrules.core.modules: finding modules on disk and classifying names."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archrules.core.modules import (
    DEFAULT_EXCLUDES,
    STDLIB_MODULES,
    Classifier,
    Discovery,
    SourceFile,
    discover,
    first_party_tops,
    is_excluded,
    module_name,
    path_status,
)


def make(root: Path, *paths: str, text: str = "") -> None:
    """Create files (a trailing '/' makes a directory)."""
    for rel in paths:
        target = root / rel
        if rel.endswith("/"):
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)


def names(discovery: Discovery) -> list[str]:
    return [source.module for source in discovery.files]


def messages(discovery: Discovery) -> list[str]:
    return [problem.message for problem in discovery.problems]


def symlink(link: Path, target: Path | str, *, is_dir: bool = True) -> None:
    try:
        os.symlink(target, link, target_is_directory=is_dir)
    except (OSError, NotImplementedError):  # pragma: no cover - Windows without rights
        pytest.skip("symlinks are not available")


# --- layouts ------------------------------------------------------------------------------


def test_flat_layout(tmp_path: Path) -> None:
    make(
        tmp_path,
        "top.py",
        "shop/__init__.py",
        "shop/models.py",
        "shop/web/__init__.py",
        "shop/web/forms.py",
        "shop/web/__main__.py",
        "README.md",
        "shop/data.json",
        "shop/stub.pyi",
        "shop/compiled.pyc",
    )
    discovery = discover(tmp_path, [tmp_path], [])
    assert names(discovery) == [
        "shop",
        "shop.models",
        "shop.web",
        "shop.web.__main__",
        "shop.web.forms",
        "top",
    ]
    by_module = discovery.by_module()
    assert by_module["shop"] == SourceFile(
        tmp_path / "shop" / "__init__.py", "shop", True, tmp_path
    )
    assert by_module["shop.web.forms"] == SourceFile(
        tmp_path / "shop" / "web" / "forms.py", "shop.web.forms", False, tmp_path
    )
    assert all(source.path.is_absolute() for source in discovery.files)
    assert discovery.namespace_packages == frozenset()
    assert discovery.problems == ()
    assert first_party_tops(discovery) == {"shop", "top"}


def test_src_layout_with_tests_root(tmp_path: Path) -> None:
    make(
        tmp_path,
        "src/shop/__init__.py",
        "src/shop/domain/__init__.py",
        "src/shop/domain/order.py",
        "tests/conftest.py",
        "tests/unit/test_order.py",
        "setup.py",
    )
    src, tests = tmp_path / "src", tmp_path / "tests"
    discovery = discover(tmp_path, [src, tests], [])
    assert names(discovery) == [
        "conftest",
        "shop",
        "shop.domain",
        "shop.domain.order",
        "unit.test_order",
    ]
    roots = {source.module: source.root for source in discovery.files}
    assert roots["shop.domain.order"] == src
    assert roots["unit.test_order"] == tests
    assert discovery.namespace_packages == {"unit"}
    assert first_party_tops(discovery) == {"shop", "conftest", "unit"}


def test_relative_paths_are_made_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make(tmp_path, "src/pkg/__init__.py")
    monkeypatch.chdir(tmp_path)
    discovery = discover(Path(), [Path("src")], [])
    assert discovery.files[0].path == tmp_path / "src" / "pkg" / "__init__.py"
    assert discovery.files[0].root == tmp_path / "src"


def test_namespace_packages(tmp_path: Path) -> None:
    make(
        tmp_path,
        "ns/a/mod.py",  # ns and ns.a are namespace packages
        "ns/b/__init__.py",  # ns.b is regular
        "ns/b/inner/x.py",  # a namespace package inside a regular one
        "docs/readme.txt",  # no Python: not a package
        "empty/",
        "only_bad/my-script.py",  # nothing importable below
        "only_bad/deeper/1x.py",
        "data/__pycache__/x.py",  # excluded by default
    )
    discovery = discover(tmp_path, [tmp_path], [])
    assert names(discovery) == ["ns.a.mod", "ns.b", "ns.b.inner.x"]
    assert discovery.namespace_packages == {"ns", "ns.a", "ns.b.inner"}
    assert first_party_tops(discovery) == {"ns"}


def test_first_party_tops_include_namespace_packages() -> None:
    discovery = Discovery((), frozenset({"ns", "ns.sub"}), ())
    assert first_party_tops(discovery) == {"ns"}


def test_names_that_are_not_identifiers_are_skipped(tmp_path: Path) -> None:
    make(
        tmp_path,
        "ok.py",
        "my-script.py",
        "foo.bar.py",
        "1st.py",
        "class.py",  # a keyword: 'import class' is a syntax error
        "match.py",  # a soft keyword is a fine module name
        "_private.py",
        "café.py",
        ".hidden.py",
        "1st/inside.py",
        "my-dir/__init__.py",
        "my-dir/inside.py",
        "pkg/__init__.py",
        "pkg/sub-dir/x.py",
        "pkg/import/x.py",
        "__init__.py",  # directly in the root: belongs to no package
    )
    discovery = discover(tmp_path, [tmp_path], [])
    assert names(discovery) == ["_private", "café", "match", "ok", "pkg"]
    assert discovery.problems == ()


# --- ignore rules -------------------------------------------------------------------------


def test_nested_gitignore_with_negation(tmp_path: Path) -> None:
    make(
        tmp_path,
        "src/shop/__init__.py",
        "src/shop/a_gen.py",
        "src/shop/scratch/x.py",
        "src/shop/sub/__init__.py",
        "src/shop/sub/keep_gen.py",
        "src/shop/sub/b_gen.py",
        "src/shop/sub/tmp.py",
        "src/shop/sub/deeper/tmp.py",
        "src/shop/other/tmp.py",
        "src/shop/anchored.py",
        "src/shop/sub/anchored.py",
    )
    (tmp_path / ".gitignore").write_text("*_gen.py\nscratch/\n/src/shop/anchored.py\n")
    (tmp_path / "src" / ".gitignore").write_text("# between root_dir and the root\nother/\n")
    (tmp_path / "src" / "shop" / "sub" / ".gitignore").write_text("!keep_gen.py\n/tmp.py\n")
    discovery = discover(tmp_path, [tmp_path / "src"], [])
    assert names(discovery) == [
        "shop",
        "shop.sub",
        "shop.sub.anchored",
        "shop.sub.deeper.tmp",
        "shop.sub.keep_gen",
    ]
    assert discovery.problems == ()


def test_gitignore_negation_reincludes_a_file(tmp_path: Path) -> None:
    make(tmp_path, "pkg/__init__.py", "pkg/keep_gen.py", "pkg/drop_gen.py", "pkg/plain.py")
    (tmp_path / ".gitignore").write_text("*_gen.py\n")
    (tmp_path / "pkg" / ".gitignore").write_text("!keep_gen.py\n")
    discovery = discover(tmp_path, [tmp_path], [])
    assert names(discovery) == ["pkg", "pkg.keep_gen", "pkg.plain"]


def test_a_file_in_an_ignored_directory_cannot_be_reincluded(tmp_path: Path) -> None:
    make(tmp_path, "pkg/__init__.py", "pkg/gen/__init__.py", "pkg/gen/keep.py")
    (tmp_path / ".gitignore").write_text("gen/\n!gen/keep.py\n")
    discovery = discover(tmp_path, [tmp_path], [])
    assert names(discovery) == ["pkg"]


def test_exclude_globs_relative_to_root_dir(tmp_path: Path) -> None:
    make(
        tmp_path,
        "src/shop/__init__.py",
        "src/shop/migrations/__init__.py",
        "src/shop/migrations/0001_initial.py",
        "src/shop/legacy/__init__.py",
        "src/shop/orders/legacy/x.py",
        "src/shop/orders/__init__.py",
        "src/shop/settings_local.py",
        "src/shop/settings.py",
        "tests/fixtures/broken.py",
        "tests/test_x.py",
    )
    exclude = ["**/migrations/**", "/src/shop/legacy/", "*_local.py", "tests/fixtures"]
    discovery = discover(tmp_path, [tmp_path / "src", tmp_path / "tests"], exclude)
    assert names(discovery) == [
        "shop",  # '**/migrations/**' matches all inside, migrations/__init__.py included
        "shop.orders",
        "shop.orders.legacy.x",
        "shop.settings",
        "test_x",
    ]


def test_config_exclude_beats_gitignore(tmp_path: Path) -> None:
    make(tmp_path, "pkg/__init__.py", "pkg/generated/__init__.py", "pkg/kept.py")
    (tmp_path / ".gitignore").write_text("generated/\n!kept.py\n")
    discovery = discover(tmp_path, [tmp_path], ["!generated/", "kept.py"])
    assert names(discovery) == ["pkg", "pkg.generated"]


def test_default_excludes(tmp_path: Path) -> None:
    make(
        tmp_path,
        "pkg/__init__.py",
        "pkg/build.py",  # a module named like a default exclude is kept
        "pkg/dist.py",
        "build/lib/pkg/__init__.py",
        "dist/x.py",
        "_build/x.py",
        "node_modules/x.py",
        "__pypackages__/x.py",
        "venv/lib/x.py",
        "pkg/__pycache__/x.py",
        "pkg/sub/build/x.py",
        "buck-out/x.py",
        "site-packages/x.py",
        "mylib.egg-info/x.py",
        ".venv/x.py",
        ".tox/x.py",
    )
    discovery = discover(tmp_path, [tmp_path], [])
    # inside a package a directory is code, whatever its name (pkg/sub is a namespace
    # package in the regular package pkg)
    assert names(discovery) == ["pkg", "pkg.build", "pkg.dist", "pkg.sub.build.x"]
    assert "build/" in DEFAULT_EXCLUDES
    assert "*.egg-info/" in DEFAULT_EXCLUDES
    # the config can re-include a default exclude; a .gitignore cannot
    (tmp_path / ".gitignore").write_text("!dist/\n")
    discovery = discover(tmp_path, [tmp_path], ["!build/"])
    assert names(discovery) == [
        "build.lib.pkg",
        "pkg",
        "pkg.build",
        "pkg.dist",
        "pkg.sub.build.x",
    ]


def test_virtualenv_directories_are_skipped(tmp_path: Path) -> None:
    make(
        tmp_path,
        "pkg/__init__.py",
        "env311/pyvenv.cfg",
        "env311/lib/helper.py",
        "env311/bin/activate_this.py",
        "pkg/tools/pyvenv.cfg",
        "pkg/tools/x.py",
    )
    discovery = discover(tmp_path, [tmp_path], [])
    assert names(discovery) == ["pkg"]


def test_a_root_holding_pyvenv_cfg_is_still_walked(tmp_path: Path) -> None:
    make(tmp_path, "pyvenv.cfg", "app.py", "inner/pyvenv.cfg", "inner/x.py")
    discovery = discover(tmp_path, [tmp_path], [])
    assert names(discovery) == ["app"]


def test_a_root_matched_by_an_ignore_pattern_is_still_walked(tmp_path: Path) -> None:
    make(tmp_path, "build/gen/pkg/__init__.py", "build/gen/pkg/build/x.py")
    (tmp_path / ".gitignore").write_text("build/\n")
    discovery = discover(tmp_path, [tmp_path / "build" / "gen"], ["gen/"])
    assert names(discovery) == ["pkg"]


def test_unreadable_gitignore_is_a_problem(tmp_path: Path) -> None:
    make(tmp_path, "src/inner/pkg/__init__.py", "src/inner/pkg/.gitignore/", "src/.gitignore/")
    discovery = discover(tmp_path, [tmp_path / "src" / "inner"], [])
    assert names(discovery) == ["pkg"]
    assert [p.path for p in discovery.problems] == [
        tmp_path / "src" / ".gitignore",
        tmp_path / "src" / "inner" / "pkg" / ".gitignore",
    ]
    assert all("cannot read .gitignore" in m for m in messages(discovery))


def test_an_empty_gitignore_changes_nothing(tmp_path: Path) -> None:
    make(tmp_path, "pkg/__init__.py", "pkg/.gitignore")
    assert names(discover(tmp_path, [tmp_path], [])) == ["pkg"]


def test_root_outside_root_dir_ignores_root_dir_rules(tmp_path: Path) -> None:
    project, shared = tmp_path / "project", tmp_path / "shared"
    make(project, "app.py")
    make(shared, "lib/__init__.py", "lib/x.py")
    (project / ".gitignore").write_text("x.py\n")
    discovery = discover(project, [project, shared], ["lib/"])
    assert names(discovery) == ["app", "lib", "lib.x"]


# --- symlinks and unreadable entries ------------------------------------------------------


def test_symlink_loop_terminates_and_is_reported_once(tmp_path: Path) -> None:
    make(tmp_path, "pkg/__init__.py", "pkg/sub/__init__.py", "pkg/sub/mod.py")
    symlink(tmp_path / "pkg" / "sub" / "back", tmp_path / "pkg")
    symlink(tmp_path / "pkg" / "sub" / "again", Path(".."))
    symlink(tmp_path / "pkg" / "self", Path("."))
    symlink(tmp_path / "pkg" / "sub" / "subself", Path("."))
    discovery = discover(tmp_path, [tmp_path], [])
    assert names(discovery) == ["pkg", "pkg.sub", "pkg.sub.mod"]
    # once per directory: three links lead back to pkg, one to pkg/sub
    assert messages(discovery) == [
        f"symlink loop: leads back to {tmp_path / 'pkg'}",
        f"symlink loop: leads back to {tmp_path / 'pkg' / 'sub'}",
    ]


def test_symlink_loop_to_the_root(tmp_path: Path) -> None:
    make(tmp_path, "a/__init__.py")
    symlink(tmp_path / "a" / "up", tmp_path)
    discovery = discover(tmp_path, [tmp_path], [])
    assert names(discovery) == ["a"]
    assert messages(discovery) == [f"symlink loop: leads back to {tmp_path}"]


def test_symlinked_package_is_followed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    make(elsewhere, "realpkg/__init__.py", "realpkg/core.py")
    project = tmp_path / "project"
    make(project, "app/__init__.py")
    symlink(project / "app" / "plugins", elsewhere / "realpkg")
    symlink(project / "linked.py", elsewhere / "realpkg" / "core.py", is_dir=False)
    discovery = discover(project, [project], [])
    assert names(discovery) == ["app", "app.plugins", "app.plugins.core", "linked"]
    plugin = discovery.by_module()["app.plugins.core"]
    assert plugin.path == project / "app" / "plugins" / "core.py"  # where it was found
    assert discovery.problems == ()


def test_the_same_directory_twice_is_scanned_once(tmp_path: Path) -> None:
    make(tmp_path, "shared/__init__.py", "shared/x.py", "a/__init__.py", "b/__init__.py")
    symlink(tmp_path / "a" / "s", tmp_path / "shared")
    symlink(tmp_path / "b" / "s", tmp_path / "shared")
    discovery = discover(tmp_path, [tmp_path], [])
    # the real directory wins over the links, whatever the names' order; reported once
    assert names(discovery) == ["a", "b", "shared", "shared.x"]
    assert [(p.path, p.message) for p in discovery.problems] == [
        (tmp_path / "a" / "s", f"same directory as {tmp_path / 'shared'}, already scanned")
    ]


def test_a_link_to_a_link_target_met_later_is_scanned_once(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    make(outside, "lib/__init__.py")
    make(tmp_path / "root", "a/__init__.py", "b/__init__.py")
    symlink(tmp_path / "root" / "a" / "one", outside / "lib")
    symlink(tmp_path / "root" / "b" / "two", outside / "lib")
    discovery = discover(tmp_path, [tmp_path / "root"], [])
    assert names(discovery) == ["a", "a.one", "b"]
    assert [p.path for p in discovery.problems] == [tmp_path / "root" / "b" / "two"]


def test_broken_symlinks_are_problems(tmp_path: Path) -> None:
    make(tmp_path, "pkg/__init__.py")
    symlink(tmp_path / "pkg" / "gone.py", tmp_path / "missing.py", is_dir=False)
    symlink(tmp_path / "pkg" / "gonedir", tmp_path / "missing")
    symlink(tmp_path / "pkg" / "not-a-name", tmp_path / "missing")  # skipped, not reported
    symlink(tmp_path / "pkg" / "ignored.py", tmp_path / "missing.py", is_dir=False)
    (tmp_path / ".gitignore").write_text("ignored.py\n")
    discovery = discover(tmp_path, [tmp_path], [])
    assert names(discovery) == ["pkg"]
    assert [p.path.name for p in discovery.problems] == ["gone.py", "gonedir"]
    assert all("broken symbolic link" in m for m in messages(discovery))


def test_symlinked_non_python_file_is_not_reported(tmp_path: Path) -> None:
    make(tmp_path, "pkg/__init__.py", "LICENSE.txt")
    symlink(tmp_path / "pkg" / "LICENSE", tmp_path / "LICENSE.txt", is_dir=False)
    discovery = discover(tmp_path, [tmp_path], [])
    assert discovery.problems == ()


@pytest.fixture
def unreadable(monkeypatch: pytest.MonkeyPatch) -> Iterator[set[str]]:
    """Directories whose listing fails with PermissionError (chmod does not stop root)."""
    blocked: set[str] = set()
    real_scandir = os.scandir

    def fake_scandir(path: Any) -> Any:
        if os.fspath(path) in blocked:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", fake_scandir)
    yield blocked


def test_unreadable_directory_is_a_problem(tmp_path: Path, unreadable: set[str]) -> None:
    make(tmp_path, "pkg/__init__.py", "pkg/secret/__init__.py", "pkg/open/x.py")
    unreadable.add(str(tmp_path / "pkg" / "secret"))
    discovery = discover(tmp_path, [tmp_path], [])
    assert names(discovery) == ["pkg", "pkg.open.x"]
    assert [(p.path, p.message) for p in discovery.problems] == [
        (tmp_path / "pkg" / "secret", "cannot read directory: Permission denied")
    ]


def test_missing_and_unreadable_roots(tmp_path: Path, unreadable: set[str]) -> None:
    make(tmp_path, "a/x.py", "b/y.py", "file.py")
    unreadable.add(str(tmp_path / "b"))
    discovery = discover(
        tmp_path, [tmp_path / "a", tmp_path / "b", tmp_path / "nope", tmp_path / "file.py"], []
    )
    assert names(discovery) == ["x"]
    assert [p.path.name for p in discovery.problems] == ["b", "file.py", "nope"]
    assert "cannot read source root" in discovery.problems[2].message


class _FailingEntry:
    """A DirEntry whose checks fail, to reach the OSError paths."""

    def __init__(self, entry: os.DirEntry[str], fail: str) -> None:
        self._entry = entry
        self._fail = fail
        self.name = entry.name
        self.path = entry.path

    def _check(self, what: str) -> None:
        if what == self._fail:
            raise PermissionError(13, "Permission denied", self.path)

    def is_file(self) -> bool:
        self._check("is_file")
        return self._entry.is_file()

    def is_dir(self) -> bool:
        self._check("is_dir")
        return self._entry.is_dir()

    def is_symlink(self) -> bool:
        return self._entry.is_symlink()

    def stat(self) -> os.stat_result:
        self._check("stat")
        return self._entry.stat()


class _Listing:
    def __init__(self, entries: list[Any]) -> None:
        self._entries = entries

    def __enter__(self) -> list[Any]:
        return self._entries

    def __exit__(self, *args: object) -> None:
        return None


def test_failing_entry_checks_are_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make(tmp_path, "a.py", "b.py", "c/__init__.py", "d/__init__.py", "e/__init__.py")
    failures = {"a.py": "is_file", "c": "is_dir", "d": "stat"}
    real_scandir = os.scandir

    def fake_scandir(path: Any) -> Any:
        with real_scandir(path) as iterator:
            entries = list(iterator)
        if os.fspath(path) != str(tmp_path):
            return _Listing(entries)
        return _Listing([_FailingEntry(e, failures.get(e.name, "")) for e in entries])

    monkeypatch.setattr(os, "scandir", fake_scandir)
    discovery = discover(tmp_path, [tmp_path], [])
    assert names(discovery) == ["b", "e"]
    assert [(p.path.name, p.message) for p in discovery.problems] == [
        ("a.py", "cannot read: Permission denied"),
        ("c", "cannot read: Permission denied"),
        ("d", "cannot read directory: Permission denied"),
    ]


# --- roots, skip_dirs, duplicates ---------------------------------------------------------


def test_skip_dirs(tmp_path: Path) -> None:
    make(
        tmp_path,
        "app/__init__.py",
        "services/billing/archrules.toml",
        "services/billing/billing/__init__.py",
        "services/orders/orders.py",
        "services/__init__.py",
    )
    symlink(tmp_path / "app" / "alias", tmp_path / "services" / "billing")
    discovery = discover(
        tmp_path, [tmp_path], [], skip_dirs=[tmp_path / "services" / "billing", tmp_path / "gone"]
    )
    assert names(discovery) == ["app", "services", "services.orders.orders"]
    assert discovery.problems == ()


def test_a_root_inside_skip_dirs_is_not_walked(tmp_path: Path) -> None:
    make(tmp_path, "app/x.py", "services/billing/src/billing.py")
    roots = [tmp_path / "app", tmp_path / "services" / "billing" / "src"]
    discovery = discover(tmp_path, roots, [], skip_dirs=[tmp_path / "services" / "billing"])
    assert names(discovery) == ["x"]
    assert discovery.problems == ()


def test_duplicate_module_across_roots_keeps_the_first(tmp_path: Path) -> None:
    make(tmp_path, "src/common.py", "src/pkg/__init__.py", "lib/common.py", "lib/other.py")
    make(tmp_path, "lib/pkg/__init__.py")
    discovery = discover(tmp_path, [tmp_path / "src", tmp_path / "lib"], [])
    assert names(discovery) == ["common", "other", "pkg"]
    assert discovery.by_module()["common"].root == tmp_path / "src"
    assert [p.path for p in discovery.problems] == [
        tmp_path / "lib" / "common.py",
        tmp_path / "lib" / "pkg" / "__init__.py",
    ]
    assert "also in" in discovery.problems[0].message
    assert str(tmp_path / "src" / "common.py") in discovery.problems[0].message


def test_package_shadows_module_of_the_same_name(tmp_path: Path) -> None:
    make(tmp_path, "a.py", "a/__init__.py", "a/x.py", "z/__init__.py", "z.py")
    discovery = discover(tmp_path, [tmp_path], [])
    assert names(discovery) == ["a", "a.x", "z"]
    assert discovery.by_module()["a"].is_package
    assert discovery.by_module()["z"].is_package
    assert [p.path.name for p in discovery.problems] == ["a.py", "z.py"]
    assert "shadowed" in discovery.problems[0].message


def test_namespace_portions_across_roots_merge(tmp_path: Path) -> None:
    make(tmp_path, "one/ns/a.py", "two/ns/b.py", "two/reg/__init__.py", "one/reg/c.py")
    discovery = discover(tmp_path, [tmp_path / "one", tmp_path / "two"], [])
    assert names(discovery) == ["ns.a", "ns.b", "reg", "reg.c"]
    assert discovery.namespace_packages == {"ns"}  # 'reg' is a regular package somewhere
    assert discovery.problems == ()


def test_nested_roots_each_file_belongs_to_its_deepest_root(tmp_path: Path) -> None:
    make(tmp_path, "tool.py", "src/pkg/__init__.py", "src/pkg/m.py")
    for roots in ([tmp_path, tmp_path / "src"], [tmp_path / "src", tmp_path]):
        discovery = discover(tmp_path, roots, [])
        assert names(discovery) == ["pkg", "pkg.m", "tool"]
        assert discovery.by_module()["pkg.m"].root == tmp_path / "src"
        assert discovery.problems == ()


def test_nested_root_reached_through_a_symlink_is_left_to_itself(tmp_path: Path) -> None:
    make(tmp_path, "src/pkg/__init__.py", "other/x.py")
    symlink(tmp_path / "other" / "alias", tmp_path / "src")
    discovery = discover(tmp_path, [tmp_path / "other", tmp_path / "src"], [])
    assert names(discovery) == ["pkg", "x"]
    assert discovery.problems == ()


def test_duplicate_roots_are_walked_once(tmp_path: Path) -> None:
    make(tmp_path, "src/m.py")
    symlink(tmp_path / "alias", tmp_path / "src")
    discovery = discover(
        tmp_path, [tmp_path / "src", tmp_path / "src", tmp_path / "x" / ".." / "src"], []
    )
    assert names(discovery) == ["m"]
    assert discovery.problems == ()
    discovery = discover(tmp_path, [tmp_path / "src", tmp_path / "alias"], [])
    assert names(discovery) == ["m"]
    assert [p.path for p in discovery.problems] == [tmp_path / "alias"]
    assert "already scanned" in discovery.problems[0].message


def test_problems_never_raise_on_odd_input(tmp_path: Path) -> None:
    discovery = discover(tmp_path, [], [])
    assert discovery == Discovery((), frozenset(), ())


def test_a_larger_tree(tmp_path: Path) -> None:
    """Many packages, nested .gitignore files; speed is measured in bench/, not here."""
    for package in range(40):
        for sub in range(5):
            directory = tmp_path / f"p{package}" / f"s{sub}"
            directory.mkdir(parents=True)
            (directory / "__init__.py").touch()
            for module in range(10):
                (directory / f"m{module}.py").touch()
        (tmp_path / f"p{package}" / ".gitignore").write_text("s3/m0.py\n")
    (tmp_path / ".gitignore").write_text("*.log\n/p0/s0/m1.py\n!keep.py\n")
    discovery = discover(tmp_path, [tmp_path], ["**/s4/m9.py"])
    assert len(discovery.files) == 40 * 5 * 11 - 1 - 40 - 40
    assert len(discovery.namespace_packages) == 40
    assert discovery.problems == ()


# --- module_name and is_excluded ----------------------------------------------------------


def test_module_name(tmp_path: Path) -> None:
    src, tests = tmp_path / "src", tmp_path / "tests"
    roots = [src, tests]
    assert module_name(src / "shop" / "web" / "forms.py", roots) == ("shop.web.forms", src)
    assert module_name(src / "shop" / "__init__.py", roots) == ("shop", src)
    assert module_name(src / "top.py", roots) == ("top", src)
    assert module_name(tests / "unit" / "test_x.py", roots) == ("unit.test_x", tests)
    # outside the roots, or not importable
    assert module_name(tmp_path / "setup.py", roots) is None
    assert module_name(tmp_path / "srcx" / "a.py", roots) is None
    assert module_name(src, roots) is None
    assert module_name(src / "__init__.py", roots) is None
    assert module_name(src / "my-script.py", roots) is None
    assert module_name(src / "1st" / "a.py", roots) is None
    assert module_name(src / "pkg" / "class.py", roots) is None
    assert module_name(src / "notes.txt", roots) is None
    assert module_name(src / "stub.pyi", roots) is None
    assert module_name(src / "a" / "..", roots) is None


def test_module_name_prefers_the_deepest_root(tmp_path: Path) -> None:
    roots = [tmp_path, tmp_path / "src"]
    assert module_name(tmp_path / "src" / "pkg" / "m.py", roots) == ("pkg.m", tmp_path / "src")
    assert module_name(tmp_path / "tool.py", roots) == ("tool", tmp_path)


def test_module_name_resolves_symlinks_when_needed(tmp_path: Path) -> None:
    real = tmp_path / "real"
    make(real, "src/pkg/m.py")
    symlink(tmp_path / "alias", real)
    roots = [real / "src"]
    assert module_name(tmp_path / "alias" / "src" / "pkg" / "m.py", roots) == (
        "pkg.m",
        Path(os.path.realpath(real / "src")),
    )
    assert module_name(tmp_path / "alias" / "src" / "pkg" / "m.py", [tmp_path / "alias" / "src"])


def test_module_name_relative_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert module_name(Path("src/a/b.py"), [Path("src")]) == ("a.b", tmp_path / "src")


def test_is_excluded(tmp_path: Path) -> None:
    make(
        tmp_path,
        "src/pkg/__init__.py",
        "src/pkg/gen/x.py",
        "src/pkg/env/pyvenv.cfg",
        "src/pyvenv.cfg",
        "src/pkg/sub/.gitignore",
    )
    (tmp_path / ".gitignore").write_text("gen/\n*_tmp.py\n")
    (tmp_path / "src" / "pkg" / "sub" / ".gitignore").write_text("local.py\n")
    src = tmp_path / "src"
    roots = [src]

    def excluded(rel: str, exclude: tuple[str, ...] = (), skip: tuple[Path, ...] = ()) -> bool:
        return is_excluded(src / rel, tmp_path, roots, exclude, skip)

    assert not excluded("pkg/__init__.py")
    assert not excluded("pkg/new_module.py")  # need not exist
    assert not excluded("top.py")  # the root's own pyvenv.cfg does not count
    assert excluded("pkg/gen/x.py")
    assert excluded("pkg/a_tmp.py")
    assert excluded("pkg/env/x.py")
    assert excluded("pkg/sub/local.py")
    assert not excluded("pkg/local.py")
    assert not excluded("pkg/build/x.py")  # part of a package: code, whatever its name
    assert excluded("build/x.py")  # a default exclude
    assert excluded("build/pkg/x.py", exclude=("!build/pkg/",))  # a parent is excluded
    assert excluded("pkg/__pycache__/x.py")
    assert excluded("pkg/legacy/x.py", exclude=("legacy/",))
    assert not excluded("pkg/gen/x.py", exclude=("!gen/",))
    assert excluded("pkg/nested/x.py", skip=(src / "pkg" / "nested",))
    assert not excluded("pkg/x.py", skip=(src / "pkg" / "nested", tmp_path / "other"))
    assert excluded("pkg/nested", skip=(src / "pkg" / "nested",))
    assert excluded("my-script.py")
    assert is_excluded(tmp_path / "setup.py", tmp_path, roots, [])


def test_is_excluded_with_unreadable_gitignores(tmp_path: Path) -> None:
    make(tmp_path, "a/.gitignore/", "a/b/pkg/.gitignore/", "a/b/pkg/__init__.py")
    roots = [tmp_path / "a" / "b"]
    assert not is_excluded(tmp_path / "a" / "b" / "pkg" / "m.py", tmp_path, roots, [])


def test_is_excluded_through_a_symlinked_path(tmp_path: Path) -> None:
    tmp_path = tmp_path.resolve()
    make(tmp_path, "real/src/pkg/__init__.py")
    (tmp_path / "real" / ".gitignore").write_text("hidden/\n")
    symlink(tmp_path / "alias", tmp_path / "real")
    roots = [tmp_path / "real" / "src"]
    alias = tmp_path / "alias" / "src" / "pkg"
    assert not is_excluded(alias / "m.py", tmp_path / "real", roots, [])
    assert is_excluded(alias / "hidden" / "m.py", tmp_path / "real", roots, [])


# --- classification -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        ("io", "stdlib"),
        ("os", "stdlib"),
        ("os.path", "stdlib"),
        ("typing", "stdlib"),
        ("json.decoder", "stdlib"),
        ("__future__", "stdlib"),
        ("_io", "stdlib"),
        ("distutils.core", "stdlib"),  # removed in 3.12, still stdlib for the project
        ("tomllib", "stdlib"),  # added in 3.11
        ("asyncore", "stdlib"),
        ("requests", "third-party"),
        ("requests.adapters", "third-party"),
        ("attrs", "third-party"),
        ("test", "third-party"),  # the stdlib's test package is not importable by users
        ("shop", "first-party"),
        ("shop.web.forms", "first-party"),
        ("conftest", "first-party"),
        ("shopping", "third-party"),
        ("", "first-party"),  # 'from . import x' before resolution
        (".sibling", "first-party"),
    ],
)
def test_classify(module: str, expected: str) -> None:
    classifier = Classifier({"shop", "conftest", "io", "json"})
    assert classifier.classify(module) == expected
    assert classifier.classify(module) == expected  # cached


def test_stdlib_wins_over_a_local_module_of_the_same_name(tmp_path: Path) -> None:
    make(tmp_path, "io.py", "typing.py", "mylib/__init__.py")
    discovery = discover(tmp_path, [tmp_path], [])
    classifier = Classifier(first_party_tops(discovery))
    assert classifier.classify("io") == "stdlib"
    assert classifier.classify("typing") == "stdlib"
    assert classifier.classify("mylib.x") == "first-party"
    assert classifier.first_party == {"io", "typing", "mylib"}


def test_stdlib_set_covers_the_running_python() -> None:
    assert set(sys.stdlib_module_names) <= STDLIB_MODULES
    assert "__future__" in STDLIB_MODULES
    assert "requests" not in STDLIB_MODULES


def test_unknown_names_are_third_party_without_importing() -> None:
    classifier = Classifier({"shop"})
    assert classifier.classify("definitely_not_installed_pkg.sub") == "third-party"
    assert "definitely_not_installed_pkg" not in sys.modules


# --- issue 11: packages named like default excludes, excluded modules, what is skipped -----

PIP_BUILD = [
    "__init__.py",
    "build_tracker.py",
    "metadata.py",
    "metadata_editable.py",
    "metadata_legacy.py",
    "wheel.py",
    "wheel_editable.py",
    "wheel_legacy.py",
]


def test_a_package_named_build_is_code(tmp_path: Path) -> None:
    """pip 25.1: pip._internal.operations.build (8 modules) was dropped by 'build/'."""
    make(
        tmp_path,
        "src/pip/__init__.py",
        "src/pip/_internal/__init__.py",
        "src/pip/_internal/operations/__init__.py",
        *(f"src/pip/_internal/operations/build/{name}" for name in PIP_BUILD),
        "build/lib/pip/__init__.py",  # a build output at the top: still left out
    )
    discovery = discover(tmp_path, [tmp_path / "src"], [])
    build = [m for m in names(discovery) if m.startswith("pip._internal.operations.build")]
    assert len(build) == 8
    assert "pip._internal.operations.build.wheel" in build
    # the same tree with the project root as source root: build/ at the top is output
    discovery = discover(tmp_path, [tmp_path], [])
    assert len([m for m in names(discovery) if ".operations.build" in m]) == 8
    assert not any(m.startswith("build") for m in names(discovery))
    assert [(s.path, s.kind) for s in discovery.skipped] == [(tmp_path / "build", "default")]
    assert discovery.skipped[0].reason == "default exclude 'build/'"


def test_a_top_level_build_package_with_init_is_code(tmp_path: Path) -> None:
    make(tmp_path, "build/__init__.py", "build/api.py", "dist/notes.py", "__pycache__/x.py")
    discovery = discover(tmp_path, [tmp_path], [])
    assert names(discovery) == ["build", "build.api"]
    assert [s.path.name for s in discovery.skipped] == ["dist"]  # __pycache__: never code


def test_excluded_files_are_modules_that_are_not_checked(tmp_path: Path) -> None:
    make(
        tmp_path,
        "pkg/__init__.py",
        "pkg/_version.py",
        "pkg/api.py",
        "pkg/migrations/__init__.py",
        "pkg/migrations/0001_initial.py",
        "pkg/migrations/helpers.py",
        "pkg/gen/deep/out.py",
    )
    (tmp_path / ".gitignore").write_text("# generated\n_version.py\ngen/\n")
    discovery = discover(tmp_path, [tmp_path], ["**/migrations/**"])
    assert names(discovery) == ["pkg", "pkg.api"]
    assert [s.module for s in discovery.excluded] == [
        "pkg._version",
        "pkg.gen.deep.out",
        "pkg.migrations",  # the '**' pattern matches what is inside migrations/
        "pkg.migrations.helpers",  # 0001_initial is not a module name
    ]
    skipped = {
        s.path.relative_to(tmp_path).as_posix(): (s.kind, s.reason) for s in discovery.skipped
    }
    assert skipped == {
        "pkg/_version.py": ("gitignored", ".gitignore:2: '_version.py'"),
        "pkg/gen/deep/out.py": ("gitignored", ".gitignore:3: 'gen/'"),
        "pkg/migrations/0001_initial.py": (
            "excluded",
            "'exclude' pattern '**/migrations/**' of the config",
        ),
        "pkg/migrations/__init__.py": (
            "excluded",
            "'exclude' pattern '**/migrations/**' of the config",
        ),
        "pkg/migrations/helpers.py": (
            "excluded",
            "'exclude' pattern '**/migrations/**' of the config",
        ),
    }


def test_names_that_are_not_identifiers_are_skipped_and_reported(tmp_path: Path) -> None:
    make(
        tmp_path,
        "app/__init__.py",
        "app/migrations/__init__.py",
        "app/migrations/0001_initial.py",
        "my-scripts/run.py",
        "my-docs/readme.txt",  # holds no Python: not worth reporting
        ".hidden/x.py",
    )
    discovery = discover(tmp_path, [tmp_path], [])
    assert names(discovery) == ["app", "app.migrations"]
    assert [(s.path.name, s.kind, s.directory) for s in discovery.skipped] == [
        ("0001_initial.py", "name", False),
        ("my-scripts", "name", True),
    ]


def test_unreadable_directories_and_virtualenvs_are_skipped(
    tmp_path: Path, unreadable: set[str]
) -> None:
    make(tmp_path, "pkg/__init__.py", "pkg/secret/x.py", "env/pyvenv.cfg", "env/y.py")
    unreadable.add(str(tmp_path / "pkg" / "secret"))
    discovery = discover(tmp_path, [tmp_path], [])
    assert [(s.path.name, s.kind) for s in discovery.skipped] == [
        ("env", "venv"),
        ("secret", "unreadable"),
    ]


def test_path_status(tmp_path: Path) -> None:
    make(tmp_path, "src/pkg/__init__.py", "src/pkg/gen/x.py", "src/pkg/build/__init__.py")
    (tmp_path / ".gitignore").write_text("_version.py\n")
    roots = [tmp_path / "src"]

    def status(rel: str, exclude: tuple[str, ...] = ()) -> str:
        return path_status(tmp_path / "src" / rel, tmp_path, roots, exclude)

    assert status("pkg/api.py") == "checked"
    assert status("pkg/_version.py") == "excluded"
    assert status("pkg/gen/x.py", ("gen/",)) == "excluded"
    assert status("pkg/gen/build/x.py", ("gen/",)) == "excluded"  # in a package
    assert status("build/x.py", ("gen/",)) == "outside"  # a default exclude at the top
    assert status("pkg/build/x.py") == "checked"
    assert status("pkg/0001_initial.py") == "outside"
    assert status("../setup.py") == "outside"
