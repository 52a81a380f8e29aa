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
- the defaults do not apply to a directory that is part of a package (it holds
  ``__init__.py``, or the directory holding it is part of a package): a subpackage named
  ``build`` is code (ADR-0013);
- files that ``exclude`` or a ``.gitignore`` leaves out are not checked, but they are
  modules (``Discovery.excluded``): excluded directories are walked for module names;
- every ``.py`` file or directory that is not checked is in ``Discovery.skipped`` with why;
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

from archrules.core.ignore import IgnorePattern, IgnoreRules, IgnoreStack

__all__ = [
    "DEFAULT_EXCLUDES",
    "STDLIB_MODULES",
    "Classifier",
    "Discovery",
    "DiscoveryProblem",
    "ModuleKind",
    "PathStatus",
    "SkipKind",
    "Skipped",
    "SourceFile",
    "discover",
    "first_party_tops",
    "is_excluded",
    "module_name",
    "path_status",
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


# Why a path was not checked (``Skipped.kind``): a name Python cannot import, the config's
# ``exclude``, a ``.gitignore``, a default exclude, a virtual environment, a read error.
SkipKind = Literal["name", "excluded", "gitignored", "default", "venv", "unreadable"]


@dataclass(frozen=True)
class Skipped:
    """A ``.py`` file or a directory under a root that is not checked, and why."""

    path: Path
    kind: SkipKind
    reason: str  # for a person: which pattern, which .gitignore line, which error
    directory: bool = False


@dataclass(frozen=True)
class Discovery:
    files: tuple[SourceFile, ...]  # sorted by module
    # directories that are packages without __init__.py (PEP 420), holding modules
    namespace_packages: frozenset[str]
    # unreadable directories, broken symlinks, symlink loops, duplicate modules, ...
    problems: tuple[DiscoveryProblem, ...]
    # modules excluded from checking (``exclude``, ``.gitignore``): not read, not checked,
    # but they exist, so that imports of them resolve to them (sorted by module)
    excluded: tuple[SourceFile, ...] = ()
    # what was not checked, sorted by path: excluded files, names that are not
    # identifiers, default-excluded and unreadable directories, virtual environments
    skipped: tuple[Skipped, ...] = ()

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
# default-excluded names that never hold source, even inside a package
_NEVER_CODE = frozenset({"__pycache__", "node_modules"})

_Key = tuple[int, int]
# why a subtree is walked for module names only: (kind, reason), None when it is checked
_Mode = tuple[SkipKind, str] | None
# a directory to walk: its path (str and Path), its module parts, the ignore rules in force, the
# directories entered on the way down (to detect symlink loops), whether it is excluded,
# whether the directory holding it is part of a package
_Frame = tuple[str, Path, tuple[str, ...], IgnoreStack, tuple[_Key, ...], _Mode, bool]


def _is_default(rules: IgnoreRules) -> bool:
    return rules.patterns is _DEFAULT_RULES.patterns


def _is_package_dir(path: str, name: str, in_package: bool) -> bool:
    """Whether a directory is part of a package: it holds ``__init__.py``, or the directory
    holding it is part of a package (it is then a subpackage, regular or namespace). A
    directory directly in a root without ``__init__.py`` is not (``build/lib/...``)."""
    if name in _NEVER_CODE:
        return False
    return in_package or os.path.isfile(os.path.join(path, _INIT + ".py"))


def _dir_decision(
    ignore: IgnoreStack, name: str, path: str, in_package: bool
) -> tuple[IgnoreRules, IgnorePattern] | None:
    """The pattern deciding whether the directory ``name`` is ignored. The default
    excludes (``build/``, ``dist/``, ...) do not apply to a directory that is part of a
    package: a real subpackage named ``build`` is code; the next layer decides then."""
    for rules, pattern in ignore.decisions(name, True):
        if _is_default(rules) and _is_package_dir(path, name, in_package):
            continue
        return rules, pattern
    return None


def _describe(
    rules: IgnoreRules, pattern: IgnorePattern, config_rules: IgnoreRules, root_dir: str
) -> tuple[SkipKind, str]:
    """What ``pattern`` is, for a person: a default, the config's ``exclude`` or a
    ``.gitignore`` line."""
    if _is_default(rules):
        return "default", f"default exclude '{pattern.text}'"
    if rules is config_rules:
        return "excluded", f"'exclude' pattern '{pattern.text}' of the config"
    where = os.path.join(str(rules.base), _GITIGNORE)
    if _below(where, root_dir):
        where = os.path.relpath(where, root_dir)
    return "gitignored", f"{where}:{pattern.line}: '{pattern.text}'"


class _Walk:
    """State shared by the walks of all roots of one ``discover`` call."""

    def __init__(
        self,
        root_dir: str,
        config_rules: IgnoreRules,
        roots: Sequence[str],
        skip_dirs: Iterable[str],
        seen: list[str] | None = None,
    ) -> None:
        self.root_dir = root_dir
        self.seen = seen  # directories listed and files read, for snapshots (ADR-0010)
        self.config_rules = config_rules
        self.roots = roots
        self.root_paths = [Path(root) for root in roots]
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
        self.skipped: list[Skipped] = []
        # per root, in root order: module -> file (checked, and excluded from checking)
        self.found: list[dict[str, SourceFile]] = []
        self.found_excluded: list[dict[str, SourceFile]] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append(DiscoveryProblem(Path(path), message))

    def skip(self, path: str, kind: SkipKind, reason: str, directory: bool = False) -> None:
        self.skipped.append(Skipped(Path(path), kind, reason, directory))

    def unreadable(self, path: str, message: str) -> None:
        self.problem(path, message)
        self.skip(path, "unreadable", message, True)

    def run(self) -> None:
        """Walk every root, then the symlinked directories met on the way.

        Symlinked directories are entered last, so that a directory reachable both directly
        and through a symlink is found at its real place, whatever the names' order.
        """
        for index, root in enumerate(self.roots):
            self.found.append({})
            self.found_excluded.append({})
            frame = self.root_frame(root)
            if frame is not None:
                self.walk(index, frame)
        while self.deferred:
            index, frame, key = self.deferred.popleft()
            if self.claim(key, frame[0]):
                self.walk(index, frame)

    def root_frame(self, root: str) -> _Frame | None:
        if self.seen is not None:
            self.seen.append(root)  # a missing root that appears
        if any(root == skip or _below(root, skip) for skip in self.skip_paths):
            return None
        try:
            stat = os.stat(root)
        except OSError as exc:
            self.unreadable(root, f"cannot read source root: {_error_text(exc)}")
            return None
        key = (stat.st_dev, stat.st_ino)
        if key in self.entered:
            self.problem(root, f"source root already scanned as {self.entered[key]}")
            return None
        self.entered[key] = root
        ignore = _root_stack(self.root_dir, self.config_rules, root, self)
        return (root, Path(root), (), ignore, (key,), None, False)

    def claim(self, key: _Key, path: str) -> bool:
        """Enter the directory ``key`` at ``path`` unless it was entered already."""
        if key in self.entered:
            self.report_once(key, path, f"same directory as {self.entered[key]}, already scanned")
            return False
        self.entered[key] = path
        return True

    def walk(self, index: int, start: _Frame) -> None:
        stack = [start]
        while stack:
            directory, directory_path, parts, ignore, ancestors, mode, in_package = stack.pop()
            if self.seen is not None:
                self.seen.append(directory)
            try:
                with os.scandir(directory) as iterator:
                    entries = sorted(iterator, key=_NAME)
            except OSError as exc:
                self.unreadable(directory, f"cannot read directory: {_error_text(exc)}")
                continue
            gitignore: os.DirEntry[str] | None = None
            venv = False
            for entry in entries:
                if entry.name == _GITIGNORE:
                    gitignore = entry
                elif entry.name == _VENV_MARKER:
                    venv = True
                elif entry.name == "__init__.py" and parts:
                    in_package = True  # this directory is a regular package
            if venv and parts:
                if mode is None:
                    self.skip(directory, "venv", "a virtual environment (pyvenv.cfg)", True)
                continue
            if gitignore is not None and mode is None:
                ignore = self.read_gitignore(gitignore.path, ignore)
            subdirectories: list[_Frame] = []
            for entry in entries:
                name = entry.name
                if name.endswith(".py"):
                    self.visit_file(index, entry, directory_path, parts, ignore, mode)
                    continue
                frame = self.visit_dir(
                    entry, directory_path, parts, in_package, ignore, ancestors, mode
                )
                if frame is None:
                    continue
                key = frame[4][-1]
                if entry.is_symlink() and key not in self.entered:
                    self.deferred.append((index, frame, key))  # after the real directories
                    continue
                if self.claim(key, frame[0]):
                    subdirectories.append(frame)
            subdirectories.reverse()  # depth first, in name order
            stack.extend(subdirectories)

    def visit_file(
        self,
        index: int,
        entry: os.DirEntry[str],
        directory_path: Path,
        parts: tuple[str, ...],
        ignore: IgnoreStack,
        mode: _Mode,
    ) -> None:
        name = entry.name
        stem = name[:-3]
        importable = _importable(stem)
        if mode is None and ignore.is_ignored_name(name, False):  # the common case is cheap
            rules, pattern = next(ignore.decisions(name, False))
            mode = _describe(rules, pattern, self.config_rules, self.root_dir)
        if mode is None and not importable:
            if self.is_file(entry, report_broken=False):
                self.skip(entry.path, "name", "the name is not an importable module name")
            return
        if not self.is_file(entry, report_broken=mode is None):
            return
        if stem == _INIT and not parts:
            return  # an __init__.py directly in a root belongs to no package
        if mode is not None:
            self.skip(entry.path, *mode)
            if not importable:
                return
        module_parts = parts if stem == _INIT else (*parts, stem)
        found = self.found if mode is None else self.found_excluded
        self.add(
            found[index],
            directory_path / name,
            module_parts,
            stem == _INIT,
            self.root_paths[index],
        )

    def visit_dir(
        self,
        entry: os.DirEntry[str],
        directory_path: Path,
        parts: tuple[str, ...],
        in_package: bool,
        ignore: IgnoreStack,
        ancestors: tuple[_Key, ...],
        mode: _Mode,
    ) -> _Frame | None:
        """The frame to walk the subdirectory ``entry`` with, None to leave it out."""
        name, path = entry.name, entry.path
        if not _importable(name):
            if mode is None and not name.startswith(".") and self.holds_python(entry, ignore):
                self.skip(path, "name", "the directory name is not an importable name", True)
            return None
        matched = ignore.last_match(name, True) is not None  # the common case is cheap
        decided = _dir_decision(ignore, name, path, in_package) if matched else None
        child_mode = mode
        if decided is not None and not decided[1].negated:
            kind, reason = _describe(decided[0], decided[1], self.config_rules, self.root_dir)
            if kind == "default":
                if mode is None and name not in _NEVER_CODE and self.is_dir(entry, False):
                    self.skip(path, kind, reason, True)
                return None
            if mode is None:
                child_mode = (kind, reason)
        if not self.is_dir(entry, mode is None and child_mode is None):
            return None
        if path in self.skip_paths or path in self.root_set:
            return None
        try:
            stat = os.stat(path) if _WINDOWS else entry.stat()
        except OSError as exc:
            self.unreadable(path, f"cannot read directory: {_error_text(exc)}")
            return None
        key = (stat.st_dev, stat.st_ino)
        if key in self.skip_keys:
            return None
        if key in ancestors:
            self.report_once(key, path, f"symlink loop: leads back to {self.entered[key]}")
            return None
        if key in self.root_keys:
            return None  # another root (or this one, elsewhere), walked on its own
        return (
            path,
            directory_path / name,
            (*parts, name),
            ignore.child(name),
            (*ancestors, key),
            child_mode,
            in_package,
        )

    def holds_python(self, entry: os.DirEntry[str], ignore: IgnoreStack) -> bool:
        """Whether a directory that is not an importable name holds ``.py`` files (and is
        not excluded): it is reported as skipped then."""
        try:
            if not entry.is_dir() or next(ignore.decisions(entry.name, True), None) is not None:
                return False
            with os.scandir(entry.path) as iterator:
                return any(child.name.endswith(".py") for child in iterator)
        except OSError:
            return False

    def read_gitignore(self, path: str, ignore: IgnoreStack) -> IgnoreStack:
        if self.seen is not None:
            self.seen.append(path)
        try:
            rules = IgnoreRules.from_file(Path(path))
        except OSError as exc:
            self.problem(path, f"cannot read .gitignore: {_error_text(exc)}")
            return ignore
        if not rules:
            return ignore
        return ignore.push(rules)

    def is_file(self, entry: os.DirEntry[str], report_broken: bool) -> bool:
        try:
            if entry.is_file():
                return True
            if report_broken:
                self.check_broken(entry)
        except OSError as exc:
            self.problem(entry.path, f"cannot read: {_error_text(exc)}")
        return False

    def is_dir(self, entry: os.DirEntry[str], report_broken: bool) -> bool:
        try:
            if entry.is_dir():
                return True
            if report_broken:
                self.check_broken(entry)
        except OSError as exc:
            self.problem(entry.path, f"cannot read: {_error_text(exc)}")
        return False

    def check_broken(self, entry: os.DirEntry[str]) -> None:
        """Report a symlink whose target is missing or unreadable (``OSError`` propagates)."""
        if not entry.is_symlink():
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
            if walk is not None and walk.seen is not None:
                walk.seen.extend((directory, path))
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
    seen: list[str] | None = None,
) -> Discovery:
    """Find the modules under ``roots``.

    ``root_dir``: the config's directory (``exclude`` and its ``.gitignore`` are relative to
    it). ``roots``: source roots, in priority order. ``skip_dirs``: absolute directories to
    leave out entirely (subtrees governed by nested configs). ``seen``, if given, receives
    every directory listed and ``.gitignore`` read: while none of them changes, nor any
    found file, discovery finds the same (a snapshot relies on it, ADR-0010).
    """
    root_dir_s = _abs(root_dir)
    config_rules = IgnoreRules.from_lines(exclude, Path(root_dir_s))
    root_list = _dedupe(_abs(root) for root in roots)
    walk = _Walk(root_dir_s, config_rules, root_list, (_abs(d) for d in skip_dirs), seen)
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
    excluded: dict[str, SourceFile] = {}
    for modules in walk.found_excluded:
        for module, source in modules.items():
            if module not in kept:
                excluded.setdefault(module, source)
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
    return Discovery(
        files,
        frozenset(namespaces),
        problems,
        tuple(excluded[module] for module in sorted(excluded)),
        tuple(sorted(walk.skipped, key=lambda s: (str(s.path), s.kind))),
    )


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
    consulted: see ``path_status``.
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


# What ``discover`` makes of one ``.py`` file: checked; a module excluded from checking
# (``exclude``, ``.gitignore``: it exists for imports, it is not read); not a module at all.
PathStatus = Literal["checked", "excluded", "outside"]


def path_status(
    path: Path,
    root_dir: Path,
    roots: Sequence[Path],
    exclude: Sequence[str],
    skip_dirs: Collection[Path] = (),
) -> PathStatus:
    """What ``discover`` would make of the ``.py`` file ``path`` (for a file the editor
    opens or creates): "outside" when outside the roots, not importable, under a skipped
    directory, a virtual environment or a default exclude; "excluded" when the config's
    ``exclude`` or a ``.gitignore`` leaves it out; else "checked". Duplicates across roots
    and symlink loops are not considered. The file need not exist.
    """
    found = module_name(path, roots)
    if found is None:
        return "outside"
    root = str(found[1])
    text = _abs(path)
    if not _below(text, root):
        text = os.path.realpath(text)
    for skip_dir in skip_dirs:
        skip = _abs(skip_dir)
        if text == skip or _below(text, skip):
            return "outside"
    root_dir_s = _abs(root_dir)
    config_rules = IgnoreRules.from_lines(exclude, Path(root_dir_s))
    ignore = _root_stack(root_dir_s, config_rules, root, None)
    *dirs, name = text[len(root.rstrip(os.sep)) + 1 :].split(os.sep)
    directory = root
    ignore = _with_gitignore(ignore, directory)
    excluded = in_package = False
    for depth, part in enumerate(dirs):
        if depth > 0 and not in_package:
            in_package = os.path.isfile(os.path.join(directory, _INIT + ".py"))
        child = os.path.join(directory, part)
        decided = _dir_decision(ignore, part, child, in_package)
        if decided is not None and not decided[1].negated:
            if _is_default(decided[0]):
                return "outside"
            excluded = True
        directory = child
        if os.path.isfile(os.path.join(directory, _VENV_MARKER)):
            return "outside"
        ignore = ignore.child(part) if excluded else _with_gitignore(ignore.child(part), directory)
    if excluded or ignore.is_ignored_name(name, False):
        return "excluded"
    return "checked"


def is_excluded(
    path: Path,
    root_dir: Path,
    roots: Sequence[Path],
    exclude: Sequence[str],
    skip_dirs: Collection[Path] = (),
) -> bool:
    """Whether ``discover`` would leave the ``.py`` file ``path`` out of the checked files
    (see ``path_status``)."""
    return path_status(path, root_dir, roots, exclude, skip_dirs) != "checked"


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
