"""``archrules check --diff REV``: only the violations introduced since a git revision.

Git is an adapter concern (ADR-0016): this module runs ``git`` and materialises the old
tree; the engine checks both trees exactly as ``archrules check`` does, and the baseline's
matching (``core.baseline``: by the finding's key, never by line) decides what is old.

What "introduced" means: a finding of the working tree is old when the same finding (rule
and key: modules, names, the whole chain of an indirect finding) exists at REV, after
renaming the modules of the files git sees as renamed. So ``check --diff REV`` hides
exactly what a baseline recorded at REV would hide. The current config is applied to both
trees: adding a rule reports only what the code changes since REV break, while a finding
that the change causes in a file it did not touch (a chain lengthened elsewhere) is new.

Nothing of the user's repository is written: the old tree is read with ``git ls-tree`` and
``git cat-file`` into a temporary directory (removed afterwards), and git runs with
``GIT_OPTIONAL_LOCKS=0`` so that even the index's stat cache is left alone.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from archrules.core.baseline import Baseline, apply_baseline, entries_of
from archrules.core.cache import FactsCache, Fingerprint
from archrules.core.modules import module_name
from archrules.core.project import Project, discover_files, load_project
from archrules.core.types import FileFacts, Violation

_FILE_MODES = {b"100644", b"100755"}
_SYMLINK_MODE = b"120000"
# what a check reads: sources, configs (nested projects), ADRs, ignore files
_READ_SUFFIXES = (".py", ".pyi", ".md")
_READ_NAMES = frozenset({"archrules.toml", "pyproject.toml", ".gitignore"})


class DiffError(Exception):
    """--diff cannot be answered: no git, not a repository, no such revision."""


@dataclass(frozen=True)
class Base:
    """The revision the working tree is compared with."""

    name: str  # as the user wrote it
    commit: str  # the full commit id
    top: Path  # the repository's top-level directory (resolved)


def _git(args: Sequence[str], cwd: Path, stdin: bytes | None = None) -> bytes:
    env = dict(os.environ, GIT_OPTIONAL_LOCKS="0", LC_ALL="C")
    try:
        done = subprocess.run(  # noqa: S603 - a fixed git command; REV is checked first
            ["git", *args],  # noqa: S607 - git from PATH, as the user runs it
            cwd=cwd,
            input=stdin,
            capture_output=True,
            env=env,
            check=False,
        )
    except OSError as error:  # pragma: no cover - git vanished since resolve_base
        raise DiffError(f"cannot run git: {error.strerror}") from error
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DiffError(detail[-1] if detail else f"git {args[0]} failed")
    return done.stdout


def resolve_base(rev: str, directory: Path) -> Base:
    """The commit REV names in the repository holding ``directory``."""
    if shutil.which("git") is None:
        raise DiffError("--diff needs git, which is not on PATH")
    try:
        top = _git(["rev-parse", "--show-toplevel"], directory).decode().strip()
    except DiffError as error:
        raise DiffError(
            f"--diff {rev}: {directory} is not in a git repository ({error})"
        ) from error
    if not rev or rev.startswith("-"):
        raise DiffError(f"--diff {rev!r}: not a git revision")
    try:
        commit = _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], directory)
    except DiffError as error:
        raise DiffError(f"--diff {rev}: no such git revision in {top}") from error
    return Base(rev, commit.decode().strip(), Path(top))


def renamed_files(base: Base) -> list[tuple[str, str]]:
    """(old, new) paths relative to the top, of the files git sees as renamed between the
    revision and the working tree (committed or staged renames; an untracked file is new)."""
    out = _git(["diff", "--find-renames", "--name-status", "-z", base.commit, "--"], base.top)
    fields = out.split(b"\0")
    pairs: list[tuple[str, str]] = []
    i = 0
    while i < len(fields) and fields[i]:
        if fields[i].startswith(b"R"):  # R<similarity> old new; the others: status path
            pairs.append((os.fsdecode(fields[i + 1]), os.fsdecode(fields[i + 2])))
            i += 3
        else:
            i += 2
    return pairs


def _relative(path: Path, top: Path) -> str | None:
    try:
        relative = Path(os.path.realpath(path)).relative_to(top).as_posix()
    except ValueError:
        return None
    return "" if relative == "." else relative


def extract(base: Base, wanted: Iterable[str], dest: Path) -> None:
    """Write the revision's files that a check reads (sources, configs, ADRs, ignore
    files) under the ``wanted`` directories (relative to the top; "" is everything), and
    every ``.gitignore``, into ``dest``. Submodules are left out."""
    prefixes = [w.rstrip("/") + "/" if w else "" for w in wanted]
    listing = _git(["ls-tree", "-r", "-z", "--full-tree", base.commit], base.top)
    entries: list[tuple[bytes, bytes, str]] = []
    for item in listing.split(b"\0"):
        if not item:
            continue
        meta, _, raw_path = item.partition(b"\t")
        mode, _kind, sha = meta.split(b" ")
        path = os.fsdecode(raw_path)
        name = path.rsplit("/", 1)[-1]
        read = name.endswith(_READ_SUFFIXES) or name in _READ_NAMES
        keep = read and (name == ".gitignore" or any(path.startswith(p) for p in prefixes))
        if keep and (mode in _FILE_MODES or mode == _SYMLINK_MODE):
            entries.append((mode, sha, path))
    if not entries:
        return
    blobs = _git(["cat-file", "--batch"], base.top, b"\n".join(e[1] for e in entries) + b"\n")
    offset = 0
    for mode, _sha, path in entries:
        header_end = blobs.index(b"\n", offset)
        size = int(blobs[offset:header_end].split(b" ")[2])
        content = blobs[header_end + 1 : header_end + 1 + size]
        offset = header_end + 1 + size + 1
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if mode == _SYMLINK_MODE:
            os.symlink(os.fsdecode(content), target)
        else:
            target.write_bytes(content)


class _Borrowed(FactsCache):
    """The current project's facts cache, read-only, for REV's copy of its tree: a file
    of REV with the bytes the cache knows for the same path today is not parsed again."""

    def __init__(self, cache_dir: Path, project: Project, old_root: Path) -> None:
        assert project.config is not None and project.loaded
        super().__init__(cache_dir, project.config_path, project.wants_conventions)
        self._old_root = old_root
        self._new_root = project.config.root_dir

    def _today(self, path: Path) -> Path | None:
        try:
            return self._new_root / path.relative_to(self._old_root)
        except ValueError:
            return None

    def lookup(self, path: Path, fp: Fingerprint) -> FileFacts | None:
        return None  # a fingerprint of the temporary copy means nothing to the cache

    def get(self, path: Path, sha: bytes, fp: Fingerprint | None = None) -> FileFacts | None:
        today = self._today(path)
        return None if today is None else super().get(today, sha)

    def hashes(self, paths: Iterable[Path]) -> dict[Path, bytes]:
        today = {p: t for p in paths if (t := self._today(p)) is not None}
        known = super().hashes(today.values())
        return {p: known[t] for p, t in today.items() if t in known}

    def put(
        self, path: Path, sha: bytes, facts: FileFacts | bytes, fp: Fingerprint | None = None
    ) -> None:
        pass  # REV's files are not today's: nothing is recorded

    def save(self) -> None:  # pragma: no cover - never called: the cache is only read
        pass


@contextmanager
def old_project(
    project: Project, base: Base, jobs: int | None, cache_dir: Path | None = None
) -> Iterator[tuple[Project | None, dict[str, str]]]:
    """The project as it was at the revision, checked with today's config (its text
    written where the config file is), and the module renames since then. The project is
    None when it did not exist then (no source root): every finding is new. With
    ``cache_dir``, files unchanged since REV take their facts from today's cache."""
    config = project.config
    assert config is not None
    config_rel = _relative(project.config_path, base.top)
    assert config_rel is not None  # the top is that of the config's directory
    wanted = {_relative(config.root_dir, base.top) or ""}
    wanted.update(r for r in (_relative(root, base.top) for root in config.roots) if r is not None)
    tmp = Path(os.path.realpath(tempfile.mkdtemp(prefix="archrules-diff-")))
    try:
        extract(base, sorted(wanted), tmp)
        old_config = tmp / config_rel
        old_config.parent.mkdir(parents=True, exist_ok=True)
        old_config.write_text(project.config_text, encoding="utf-8")
        old = load_project(old_config)
        if not old.loaded or old.config is None:
            yield None, {}
            return
        cache = None if cache_dir is None else _Borrowed(cache_dir, project, old.config.root_dir)
        old.read_files(discover_files(old), cache, jobs)
        renames: dict[str, str] = {}
        for before, after in renamed_files(base):
            old_name = module_name(tmp / before, old.config.roots)
            new_name = module_name(base.top / after, config.roots)
            if old_name and new_name and old_name[0] != new_name[0]:
                renames[old_name[0]] = new_name[0]
        yield old, renames
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def rename_key(key: tuple[str, ...], renames: dict[str, str], known: set[str]) -> tuple[str, ...]:
    """The key with each module (or name inside a module: ``mod.func``) that was renamed
    given its new name. A part is renamed by its longest prefix that was a module then."""
    if not renames:
        return key
    return tuple(_renamed(part, renames, known) for part in key)


def _renamed(part: str, renames: dict[str, str], known: set[str]) -> str:
    pieces = part.split(".")
    for n in range(len(pieces), 0, -1):
        prefix = ".".join(pieces[:n])
        if prefix in renames:
            return ".".join([renames[prefix], *pieces[n:]])
        if prefix in known:
            break
    return part


def introduced(
    found: Sequence[Violation],
    old: Sequence[Violation],
    renames: dict[str, str],
    known: set[str],
    baseline: Baseline | None,
) -> tuple[list[Violation], int]:
    """The findings of ``found`` (already above the baseline) that are not in ``old``
    (the revision's findings), matched by key as the baseline matches; and how many were
    there already. The baseline hides old findings too, so that the counts compare."""
    moved = [replace(v, key=rename_key(v.key, renames, known)) for v in old]
    if baseline is not None:
        moved = apply_baseline(moved, baseline).reported
    result = apply_baseline(found, Baseline(entries_of(moved, None)))
    return result.reported, result.baselined


def diff_findings(
    project: Project,
    base: Base,
    found: Sequence[Violation],
    baseline: Baseline | None,
    select: set[str],
    jobs: int | None,
    cache_dir: Path | None,
) -> tuple[list[Violation], int]:
    """``found`` (the project's findings above the baseline, in the checked paths) without
    those present at ``base``; and how many were present."""
    with old_project(project, base, jobs, cache_dir) as (old, renames):
        if old is None or not old.loaded:
            return list(found), 0
        before = [v for v in old.violations() if not select or v.rule in select]
        return introduced(found, before, renames, old.modules(), baseline)
