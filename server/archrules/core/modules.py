"""Finding the project's modules on disk, and classifying imported names.

Nothing here imports or executes the analysed code: module names come from file names,
and the stdlib is known from ``sys.stdlib_module_names``.

Discovery rules (``discover``):

- each source root is walked iteratively with ``os.scandir``; only ``.py`` files count;
- a file or directory whose name is not an importable identifier (``my-script.py``,
  ``1st/``, ``class/``: keywords included) is skipped with everything below it;
- ``root/a/b.py`` is ``a.b``; ``root/a/__init__.py`` is the package ``a``; a directory
  without ``__init__.py`` that holds modules is a namespace package (PEP 420); an
  ``__init__.py`` directly in a root belongs to no package and is skipped;
- ``.gitignore`` files apply (the one in ``root_dir``, those between ``root_dir`` and a
  root, and nested ones, each relative to its own directory), then the config's
  ``exclude`` (relative to ``root_dir``) and ``DEFAULT_EXCLUDES``; the config decides
  first (``"!build/"`` re-includes a default exclude), then the defaults, then the
  ``.gitignore`` files, the deepest first. A directory holding ``pyvenv.cfg`` is skipped;
- a configured root is always walked, even when a pattern would match it; its
  ``pyvenv.cfg``, if any, is ignored (``python -m venv .`` projects);
- roots nested in another root belong to themselves: the outer walk leaves them out, so a
  file has one module name, the one from its deepest root;
- symlinked files and directories are followed; a directory already entered (same
  ``st_dev``/``st_ino``) is not entered again: through a symlink to one of its ancestors it
  is reported once as a "symlink loop", otherwise as already scanned;
- the same module in two roots: the first root's file is kept and the other reported; in
  one directory ``a/__init__.py`` shadows ``a.py`` (as in Python's import system);
- problems (unreadable directories, broken symlinks, loops, duplicates) are collected,
  never raised.

Paths are absolute but not resolved: a file reached through a symlinked directory keeps
the path it was found at.
"""

from __future__ import annotations

import keyword
import os
import sys
from collections import deque
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import Literal

from archrules.core.ignore import IgnoreRules, IgnoreStack

__all__ = [
    "DEFAULT_EXCLUDES",
    "STDLIB_MODULES",
    "Classifier",
    "Discovery",
    "DiscoveryProblem",
    "ModuleKind",
    "SourceFile",
    "discover",
    "first_party_tops",
    "is_excluded",
    "module_name",
]

# Directory patterns (gitignore syntax) never walked unless the config re-includes them
# with a negation. Like ruff's default ``exclude``, plus caches and build outputs.
DEFAULT_EXCLUDES: tuple[str, ...] = (
    ".bzr/",
    ".direnv/",
    ".eggs/",
    ".git/",
    ".git-rewrite/",
    ".hg/",
    ".ipynb_checkpoints/",
    ".mypy_cache/",
    ".nox/",
    ".pants.d/",
    ".pyenv/",
    ".pytest_cache/",
    ".pytype/",
    ".ruff_cache/",
    ".svn/",
    ".tox/",
    ".venv/",
    ".vscode/",
    "__pycache__/",
    "__pypackages__/",
    "_build/",
    "buck-out/",
    "build/",
    "dist/",
    "node_modules/",
    "site-packages/",
    "venv/",
    "*.egg-info/",
)

_NAME = attrgetter("name")
# DirEntry.stat() leaves st_ino and st_dev at zero on Windows: a full stat is needed there
_WINDOWS = os.name == "nt"
_VENV_MARKER = "pyvenv.cfg"
_GITIGNORE = ".gitignore"
_INIT = "__init__"

# Modules removed from the stdlib in recent Pythons (PEP 594, PEP 632, ...) and added
# lately: the classification must not depend on which Python runs archrules.
_STDLIB_EXTRA = frozenset(
    {
        "aifc",
        "asynchat",
        "asyncore",
        "audioop",
        "cgi",
        "cgitb",
        "chunk",
        "crypt",
        "distutils",
        "imghdr",
        "imp",
        "lib2to3",
        "mailcap",
        "msilib",
        "nis",
        "nntplib",
        "ossaudiodev",
        "pipes",
        "smtpd",
        "sndhdr",
        "spwd",
        "sunau",
        "telnetlib",
        "tomllib",
        "uu",
        "xdrlib",
        "__future__",  # listed by sys.stdlib_module_names too; named here for clarity
    }
)

STDLIB_MODULES: frozenset[str] = frozenset(sys.stdlib_module_names) | _STDLIB_EXTRA

ModuleKind = Literal["stdlib", "first-party", "third-party"]


@dataclass(frozen=True)
class SourceFile:
    path: Path  # absolute (not resolved: the path it was found at)
    module: str  # dotted name, e.g. "shop.web.forms"; a package's __init__.py is "shop.web"
    is_package: bool  # True for __init__.py
    root: Path  # the source root it was found under


@dataclass(frozen=True)
class DiscoveryProblem:
    path: Path
    message: str


@dataclass(frozen=True)
class Discovery:
    files: tuple[SourceFile, ...]  # sorted by module
    # directories that are packages without __init__.py (PEP 420), holding modules
    namespace_packages: frozenset[str]
    # unreadable directories, broken symlinks, symlink loops, duplicate modules, ...
    problems: tuple[DiscoveryProblem, ...]

    def by_module(self) -> dict[str, SourceFile]:
        return {source.module: source for source in self.files}


def _importable(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name)


def _abs(path: Path | str) -> str:
    return os.path.abspath(os.fspath(path))


def _below(path: str, directory: str) -> bool:
    prefix = directory if directory.endswith(os.sep) else directory + os.sep
    return path.startswith(prefix) and path != prefix


def _error_text(exc: OSError) -> str:
    return exc.strerror or str(exc)


_DEFAULT_RULES = IgnoreRules.from_lines(DEFAULT_EXCLUDES, Path(os.sep))

_Key = tuple[int, int]
# a directory to walk: its path (str and Path), its module parts, the ignore rules in force, the
# directories entered on the way down (to detect symlink loops)
_Frame = tuple[str, Path, tuple[str, ...], IgnoreStack, tuple[_Key, ...]]


class _Walk:
    """State shared by the walks of all roots of one ``discover`` call."""

    def __init__(
        self,
        root_dir: str,
        config_rules: IgnoreRules,
        roots: Sequence[str],
        skip_dirs: Iterable[str],
    ) -> None:
        self.root_dir = root_dir
        self.config_rules = config_rules
        self.roots = roots
        self.root_set = frozenset(roots)
        self.skip_paths = frozenset(skip_dirs)
        self.skip_keys: set[_Key] = set()
        for directory in self.skip_paths:
            key = _stat_key(directory)
            if key is not None:
                self.skip_keys.add(key)
        self.root_keys: dict[_Key, str] = {}
        for root in roots:
            key = _stat_key(root)
            if key is not None:
                self.root_keys.setdefault(key, root)
        self.entered: dict[_Key, str] = {}  # directory -> the path it was entered at
        self.deferred: deque[tuple[int, _Frame, _Key]] = deque()  # symlinked directories
        self.reported: set[_Key] = set()
        self.problems: list[DiscoveryProblem] = []
        # per root, in root order: module -> file
        self.found: list[dict[str, SourceFile]] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append(DiscoveryProblem(Path(path), message))

    def run(self) -> None:
        """Walk every root, then the symlinked directories met on the way.

        Symlinked directories are entered last, so that a directory reachable both directly
        and through a symlink is found at its real place, whatever the names' order.
        """
        for index, root in enumerate(self.roots):
            self.found.append({})
            frame = self.root_frame(root)
            if frame is not None:
                self.walk(index, frame)
        while self.deferred:
            index, frame, key = self.deferred.popleft()
            if self.claim(key, frame[0]):
                self.walk(index, frame)

    def root_frame(self, root: str) -> _Frame | None:
        if any(root == skip or _below(root, skip) for skip in self.skip_paths):
            return None
        try:
            stat = os.stat(root)
        except OSError as exc:
            self.problem(root, f"cannot read source root: {_error_text(exc)}")
            return None
        key = (stat.st_dev, stat.st_ino)
        if key in self.entered:
            self.problem(root, f"source root already scanned as {self.entered[key]}")
            return None
        self.entered[key] = root
        ignore = _root_stack(self.root_dir, self.config_rules, root, self)
        return (root, Path(root), (), ignore, (key,))

    def claim(self, key: _Key, path: str) -> bool:
        """Enter the directory ``key`` at ``path`` unless it was entered already."""
        if key in self.entered:
            self.report_once(key, path, f"same directory as {self.entered[key]}, already scanned")
            return False
        self.entered[key] = path
        return True

    def walk(self, index: int, start: _Frame) -> None:
        root_path = Path(self.roots[index])
        modules = self.found[index]
        stack = [start]
        while stack:
            directory, directory_path, parts, ignore, ancestors = stack.pop()
            try:
                with os.scandir(directory) as iterator:
                    entries = sorted(iterator, key=_NAME)
            except OSError as exc:
                self.problem(directory, f"cannot read directory: {_error_text(exc)}")
                continue
            gitignore: os.DirEntry[str] | None = None
            venv = False
            for entry in entries:
                if entry.name == _GITIGNORE:
                    gitignore = entry
                elif entry.name == _VENV_MARKER:
                    venv = True
            if venv and parts:
                continue
            if gitignore is not None:
                ignore = self.read_gitignore(gitignore.path, ignore)
            subdirectories: list[_Frame] = []
            for entry in entries:
                name = entry.name
                if name.endswith(".py"):
                    stem = name[:-3]
                    if not _importable(stem) or not self.is_file(entry, ignore):
                        continue
                    if stem == _INIT:
                        if parts:
                            self.add(modules, directory_path / name, parts, True, root_path)
                    else:
                        self.add(modules, directory_path / name, (*parts, stem), False, root_path)
                    continue
                if not _importable(name) or not self.is_dir(entry, ignore):
                    continue
                path = entry.path
                if path in self.skip_paths or path in self.root_set:
                    continue
                try:
                    stat = os.stat(path) if _WINDOWS else entry.stat()
                except OSError as exc:
                    self.problem(path, f"cannot read directory: {_error_text(exc)}")
                    continue
                key = (stat.st_dev, stat.st_ino)
                if key in self.skip_keys:
                    continue
                if key in ancestors:
                    self.report_once(key, path, f"symlink loop: leads back to {self.entered[key]}")
                    continue
                if key in self.root_keys:
                    continue  # another root (or this one, elsewhere), walked on its own
                frame = (
                    path,
                    directory_path / name,
                    (*parts, name),
                    ignore.child(name),
                    (*ancestors, key),
                )
                if entry.is_symlink() and key not in self.entered:
                    self.deferred.append((index, frame, key))  # after the real directories
                    continue
                if self.claim(key, path):
                    subdirectories.append(frame)
            subdirectories.reverse()  # depth first, in name order
            stack.extend(subdirectories)

    def read_gitignore(self, path: str, ignore: IgnoreStack) -> IgnoreStack:
        try:
            rules = IgnoreRules.from_file(Path(path))
        except OSError as exc:
            self.problem(path, f"cannot read .gitignore: {_error_text(exc)}")
            return ignore
        if not rules:
            return ignore
        return ignore.push(rules)

    def is_file(self, entry: os.DirEntry[str], ignore: IgnoreStack) -> bool:
        try:
            if entry.is_file():
                return not ignore.is_ignored_name(entry.name, False)
            self.check_broken(entry, ignore)
        except OSError as exc:
            self.problem(entry.path, f"cannot read: {_error_text(exc)}")
        return False

    def is_dir(self, entry: os.DirEntry[str], ignore: IgnoreStack) -> bool:
        try:
            if entry.is_dir():
                return not ignore.is_ignored_name(entry.name, True)
            self.check_broken(entry, ignore)
        except OSError as exc:
            self.problem(entry.path, f"cannot read: {_error_text(exc)}")
        return False

    def check_broken(self, entry: os.DirEntry[str], ignore: IgnoreStack) -> None:
        """Report a symlink whose target is missing or unreadable (``OSError`` propagates)."""
        if not entry.is_symlink() or ignore.is_ignored_name(entry.name, False):
            return
        try:
            os.stat(entry.path)
        except OSError as exc:
            self.problem(entry.path, f"broken symbolic link: {_error_text(exc)}")

    def report_once(self, key: _Key, path: str, message: str) -> None:
        if key not in self.reported:
            self.reported.add(key)
            self.problem(path, message)

    def add(
        self,
        modules: dict[str, SourceFile],
        path: Path,
        parts: tuple[str, ...],
        is_package: bool,
        root: Path,
    ) -> None:
        module = ".".join(parts)
        source = SourceFile(path, module, is_package, root)
        previous = modules.get(module)
        if previous is None:
            modules[module] = source
            return
        package, plain = (source, previous) if is_package else (previous, source)
        modules[module] = package
        self.problem(str(plain.path), f"module '{module}' is shadowed by {package.path}")


def _stat_key(path: str) -> _Key | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino)


def _root_stack(
    root_dir: str, config_rules: IgnoreRules, root: str, walk: _Walk | None
) -> IgnoreStack:
    """The ignore rules in force in ``root``, before its own ``.gitignore``.

    ``.gitignore`` files of ``root_dir`` and of the directories between it and ``root``
    apply; read errors are reported to ``walk`` (or ignored when it is None).
    """
    gitignores: list[IgnoreRules] = []
    if _below(root, root_dir):
        directory = root_dir
        for part in os.path.relpath(root, root_dir).split(os.sep):
            path = os.path.join(directory, _GITIGNORE)
            try:
                gitignores.append(IgnoreRules.from_file(Path(path)))
            except FileNotFoundError:
                pass
            except OSError as exc:
                if walk is not None:
                    walk.problem(path, f"cannot read .gitignore: {_error_text(exc)}")
            directory = os.path.join(directory, part)
    defaults = _DEFAULT_RULES.rebased(Path(root))
    return IgnoreStack.build(Path(root), (config_rules, defaults), gitignores)


def _dedupe(paths: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for path in paths:
        if path not in seen:
            seen.add(path)
            out.append(path)
    return out


def discover(
    root_dir: Path,
    roots: Sequence[Path],
    exclude: Sequence[str],
    skip_dirs: Collection[Path] = (),
) -> Discovery:
    """Find the modules under ``roots``.

    ``root_dir``: the config's directory (``exclude`` and its ``.gitignore`` are relative to
    it). ``roots``: source roots, in priority order. ``skip_dirs``: absolute directories to
    leave out entirely (subtrees governed by nested configs).
    """
    root_dir_s = _abs(root_dir)
    config_rules = IgnoreRules.from_lines(exclude, Path(root_dir_s))
    root_list = _dedupe(_abs(root) for root in roots)
    walk = _Walk(root_dir_s, config_rules, root_list, (_abs(d) for d in skip_dirs))
    walk.run()

    kept: dict[str, SourceFile] = {}
    for modules in walk.found:
        for module, source in modules.items():
            first = kept.get(module)
            if first is None:
                kept[module] = source
            else:
                walk.problem(
                    str(source.path),
                    f"module '{module}' is also in {first.path} (source root {first.root}):"
                    " the first root wins",
                )
    namespaces: set[str] = set()
    for module in kept:
        end = module.rfind(".")
        while end != -1:
            prefix = module[:end]
            if prefix in namespaces:
                break
            if prefix not in kept:
                namespaces.add(prefix)
            end = module.rfind(".", 0, end)
    files = tuple(kept[module] for module in sorted(kept))
    problems = tuple(sorted(walk.problems, key=lambda p: (str(p.path), p.message)))
    return Discovery(files, frozenset(namespaces), problems)


def _containing_root(path: str, roots: Iterable[str]) -> str | None:
    best: str | None = None
    for root in roots:
        if _below(path, root) and (best is None or len(root) > len(best)):
            best = root
    return best


def _module_parts(rel: str) -> tuple[str, ...] | None:
    parts = rel.split(os.sep)
    name = parts[-1]
    if not name.endswith(".py"):
        return None
    stem = name[:-3]
    packages = parts[:-1]
    if not all(_importable(part) for part in packages) or not _importable(stem):
        return None
    if stem != _INIT:
        return (*packages, stem)
    return tuple(packages) if packages else None


def module_name(path: Path, roots: Sequence[Path]) -> tuple[str, Path] | None:
    """The module a single ``.py`` file would be, and its root; None if outside the roots
    or not importable (a non-identifier name on the way, not a ``.py`` file).

    The deepest root containing the file is its root, as in ``discover``. Paths are
    compared as given, then resolved (symlinks) if that finds no root. Excludes are not
    consulted: see ``is_excluded``.
    """
    text = _abs(path)
    root_list = [_abs(root) for root in roots]
    root = _containing_root(text, root_list)
    if root is None:
        text = os.path.realpath(text)
        root_list = [os.path.realpath(r) for r in root_list]
        root = _containing_root(text, root_list)
        if root is None:
            return None
    parts = _module_parts(text[len(root.rstrip(os.sep)) + 1 :])
    if parts is None:
        return None
    return ".".join(parts), Path(root)


def _with_gitignore(ignore: IgnoreStack, directory: str) -> IgnoreStack:
    try:
        return ignore.push(IgnoreRules.from_file(Path(directory, _GITIGNORE)))
    except OSError:  # none, or unreadable: discover() reports the latter
        return ignore


def is_excluded(
    path: Path,
    root_dir: Path,
    roots: Sequence[Path],
    exclude: Sequence[str],
    skip_dirs: Collection[Path] = (),
) -> bool:
    """Whether ``discover`` would leave out the ``.py`` file ``path`` (for a file the
    editor opens or creates): outside the roots, not importable, under a skipped
    directory, a virtualenv, or an ignored file or directory. Duplicates across roots and
    symlink loops are not considered. The file need not exist.
    """
    found = module_name(path, roots)
    if found is None:
        return True
    root = str(found[1])
    text = _abs(path)
    if not _below(text, root):
        text = os.path.realpath(text)
    for skip_dir in skip_dirs:
        skip = _abs(skip_dir)
        if text == skip or _below(text, skip):
            return True
    root_dir_s = _abs(root_dir)
    config_rules = IgnoreRules.from_lines(exclude, Path(root_dir_s))
    ignore = _root_stack(root_dir_s, config_rules, root, None)
    *dirs, name = text[len(root.rstrip(os.sep)) + 1 :].split(os.sep)
    directory = root
    ignore = _with_gitignore(ignore, directory)
    for part in dirs:
        if ignore.is_ignored_name(part, True):
            return True
        directory = os.path.join(directory, part)
        if os.path.isfile(os.path.join(directory, _VENV_MARKER)):
            return True
        ignore = _with_gitignore(ignore.child(part), directory)
    return ignore.is_ignored_name(name, False)


class Classifier:
    """Tells stdlib, first-party and third-party modules apart, by their top-level name.

    The stdlib wins: ``io``, ``json`` or ``typing`` are stdlib even when the project has a
    top-level ``io.py``, as in Python, where builtin and frozen stdlib modules are found
    before ``sys.path`` and a shadowing local module is a bug. Otherwise a module whose
    top-level name is a first-party top is first-party, and anything else third-party.
    A relative name (leading ``.``, or empty as in ``from . import x``) is first-party.
    """

    def __init__(self, first_party: Collection[str]) -> None:
        self.first_party = frozenset(first_party)
        self._cache: dict[str, ModuleKind] = {}

    def classify(self, module: str) -> ModuleKind:
        top = module.partition(".")[0]
        kind = self._cache.get(top)
        if kind is None:
            if not top:
                kind = "first-party"
            elif top in STDLIB_MODULES:
                kind = "stdlib"
            elif top in self.first_party:
                kind = "first-party"
            else:
                kind = "third-party"
            self._cache[top] = kind
        return kind


def first_party_tops(discovery: Discovery) -> frozenset[str]:
    """Top-level names of the discovered modules, packages and namespace packages."""
    tops = {source.module.partition(".")[0] for source in discovery.files}
    tops.update(name for name in discovery.namespace_packages if "." not in name)
    return frozenset(tops)
