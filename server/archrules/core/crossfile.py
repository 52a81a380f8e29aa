"""The indexes of the convention rules that compare files: duplicates and drift.

The per-file conventions (naming, size, calls) look at one file; duplicates and drift look
at many. Each index here is kept up to date one file at a time by the model (``update``
when a file's facts were checked, ``remove`` when it is gone or shadowed) and recomputes,
when asked for its ``findings``, only what the files changed since can alter:

* ``DuplicatesIndex``: body hash -> file -> that file's definitions with the hash; the
  hashes whose copies changed are checked again;
* ``DriftIndex``: package -> file -> its module-level classes; the packages whose classes
  changed are checked again, and module names whenever the module map changed.

With no rule of its kind, an index holds nothing and finds nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from archrules.core.conventions import Copy, DriftChecker, DuplicatesChecker, Sibling
from archrules.core.types import FILE_START, Definition, Violation


class DuplicatesIndex:
    """Definitions by body hash, for the ``duplicates`` rules."""

    def __init__(self, checkers: Sequence[DuplicatesChecker]) -> None:
        self._checkers = list(checkers)
        self._min_lines = min((c.min_lines for c in checkers), default=0)
        self._copies: dict[str, dict[Path, tuple[Copy, ...]]] = {}
        self._indexed: dict[Path, tuple[str, ...]] = {}  # file -> the hashes it is under
        self._results: dict[str, list[Violation]] = {}
        self._dirty: set[str] = set()

    def update(self, path: Path, module: str, definitions: Sequence[Definition]) -> None:
        """The file's definitions now (those long enough to count); the hashes whose
        copies change are marked for recomputation."""
        if not self._checkers:
            return
        new: dict[str, list[Copy]] = {}
        for definition in definitions:
            if definition.body_hash is not None and definition.body_lines >= self._min_lines:
                new.setdefault(definition.body_hash, []).append(Copy(path, module, definition))
        for old in self._indexed.pop(path, ()):
            if old not in new:
                bucket = self._copies[old]
                del bucket[path]
                if not bucket:
                    del self._copies[old]
                self._dirty.add(old)
        for body_hash, found in new.items():
            bucket = self._copies.setdefault(body_hash, {})
            if bucket.get(path) != tuple(found):
                bucket[path] = tuple(found)
                self._dirty.add(body_hash)
        if new:
            self._indexed[path] = tuple(new)

    def remove(self, path: Path) -> None:
        """The file is gone, or no longer the one that defines its module."""
        self.update(path, "", ())

    def findings(self) -> list[Violation]:
        """Every duplicates finding, recomputed for the hashes whose copies changed."""
        for body_hash in self._dirty:
            copies = [c for group in self._copies.get(body_hash, {}).values() for c in group]
            found = [v for checker in self._checkers for v in checker.check_copies(copies)]
            if found:
                self._results[body_hash] = found
            else:
                self._results.pop(body_hash, None)
        self._dirty.clear()
        return [v for found in self._results.values() for v in found]


class DriftIndex:
    """Module-level classes by package, for the ``drift`` rules."""

    def __init__(self, checkers: Sequence[DriftChecker]) -> None:
        self._checkers = list(checkers)
        self._classes: dict[str, dict[Path, tuple[Sibling, ...]]] = {}
        self._indexed: dict[Path, str] = {}  # file -> the package its classes are in
        self._dirty: set[str] = set()
        self._results: dict[tuple[str, str], list[Violation]] = {}
        self._owners: Mapping[str, Path] | None = None  # the module map last judged

    def update(
        self, path: Path, module: str, is_package: bool, definitions: Sequence[Definition]
    ) -> None:
        """The file's definitions now; the packages whose classes change are marked for
        recomputation."""
        if not self._checkers:
            return
        package = module if is_package else module.rpartition(".")[0]
        new = tuple(
            Sibling(path, module, d.name, d.qualname, d.name_range)
            for d in definitions
            if d.kind == "class" and d.scope == "module"
        )
        self._put(path, package, new)

    def remove(self, path: Path) -> None:
        """The file is gone, or no longer the one that defines its module."""
        if self._checkers:
            self._put(path, None, ())

    def _put(self, path: Path, package: str | None, new: tuple[Sibling, ...]) -> None:
        old = self._indexed.pop(path, None)
        if old is not None and (old != package or not new):
            bucket = self._classes[old]
            del bucket[path]
            if not bucket:
                del self._classes[old]
            self._dirty.add(old)
        if package is not None and new:
            bucket = self._classes.setdefault(package, {})
            if bucket.get(path) != new:
                bucket[path] = new
                self._dirty.add(package)
            self._indexed[path] = package

    def findings(self, owners: Mapping[str, Path]) -> list[Violation]:
        """Every drift finding: recomputed for the packages whose classes changed, and for
        module names when ``owners`` (module -> the file that defines it) is another map
        than last time (the model replaces it when a file appears or disappears)."""
        if not self._checkers:
            return []
        if owners is not self._owners:
            self._owners = owners
            modules: dict[str, list[Sibling]] = {}
            for module, path in owners.items():
                package, _, name = module.rpartition(".")
                modules.setdefault(package, []).append(Sibling(path, module, name, "", FILE_START))
            for key in [key for key in self._results if key[0] == "module"]:
                del self._results[key]
            for package, siblings in modules.items():
                found = [
                    v for c in self._checkers for v in c.check_siblings("module", package, siblings)
                ]
                if found:
                    self._results[("module", package)] = found
        for package in self._dirty:
            siblings = [s for group in self._classes.get(package, {}).values() for s in group]
            found = [
                v for c in self._checkers for v in c.check_siblings("class", package, siblings)
            ]
            if found:
                self._results[("class", package)] = found
            else:
                self._results.pop(("class", package), None)
        self._dirty.clear()
        return [v for found in self._results.values() for v in found]
