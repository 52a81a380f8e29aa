"""The persistent cache (ADR-0010): file facts and snapshots of whole results, in the user's
cache directory, never in the project (archrules writes no file the user did not ask for).

What is stored, one file each, in ``cache_dir()``:

* ``facts-<key>.arc``, one per config path: per source file its fingerprint (size,
  ``mtime_ns``, inode), the SHA-256 of its bytes and its facts (:func:`encode_facts`). A
  file whose fingerprint is unchanged is not read at all; one whose fingerprint changed is
  read and hashed, and the hash decides.
* ``result-<key>.arc``, one per config path: a :class:`Snapshot`, a result (violations,
  notes, ...) with the fingerprint of every input it was computed from (the directories
  walked, the files read). While no input changed, the result is reused as is, so an
  unchanged tree costs a ``stat`` per file and directory.

Keys hash the config path, the archrules version, the Python version (facts hold ``ast``
body hashes), the format and, for facts, whether convention facts are read; a snapshot
also stores the config text's hash. Format: a magic line, a CRC-32 and a zlib-compressed
``marshal`` of plain tuples (no ``pickle``: loading a cache file cannot run code); a
corrupt, truncated or foreign file is ignored. Writes go to a temporary file renamed over
the old one, so a reader sees the old or the new file, never a mix, and a run killed
mid-write leaves at most a stray temporary file (removed by eviction).

The directory is bounded: past ``ARCHRULES_CACHE_MAX_MB`` (default 256) the least recently
used files are deleted after each write (a hit refreshes a file's mtime). A directory that
cannot be written (read-only, full disk) costs the cache, with one warning per process.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import stat as stat_module
import sys
import tempfile
import time
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archrules import __version__
from archrules.core.config import ConfigProblem
from archrules.core.modules import Discovery, DiscoveryProblem, Skipped, SourceFile
from archrules.core.types import (
    Definition,
    ExceptionComment,
    FileFacts,
    ImportFact,
    Range,
    Reference,
    Related,
    SourceProblem,
    Violation,
)

FORMAT = 3  # 3: binary (marshal), fingerprints, snapshots (ADR-0010); 2: JSON (ADR-0006)
MAGIC = b"archrules-cache\n"
_HEADER = len(MAGIC) + 1 + 4  # magic, format byte, CRC-32 of the payload
_MARSHAL_VERSION = 4
DEFAULT_MAX_MB = 256
# a temporary file older than this is left over by a killed run: eviction removes it
_STALE_TEMP_S = 3600.0
# A file changed this close to the moment it is read may change again within the same
# mtime tick, unseen: its fingerprint is not trusted (it is read and hashed next time).
# Nanosecond mtimes tick with the kernel's coarse clock (<= 10 ms); a whole-second mtime
# hints at a coarse file system (FAT: 2 s).
RACY_NS = 100_000_000
COARSE_RACY_NS = 2_000_000_000

Fingerprint = tuple[int, int, int]  # size, mtime_ns, inode
_NEVER: Fingerprint = (-1, -1, -1)  # matches no file: forces a read next time


def default_cache_dir() -> Path:
    override = os.environ.get("ARCHRULES_CACHE_DIR")
    if override:
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "archrules"


def max_cache_bytes() -> int:
    """The size past which the least recently used cache files are deleted."""
    try:
        megabytes = float(os.environ.get("ARCHRULES_CACHE_MAX_MB", DEFAULT_MAX_MB))
    except ValueError:
        megabytes = DEFAULT_MAX_MB
    return int(max(megabytes, 0.0) * 1024 * 1024)


def content_hash(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def fingerprint(st: os.stat_result) -> Fingerprint:
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def stat_fingerprint(path: str) -> Fingerprint | None:
    """The path's fingerprint, None if it does not exist (or cannot be reached)."""
    try:
        return fingerprint(os.stat(path))
    except OSError:
        return None


def racy(mtime_ns: int, read_ns: int) -> bool:
    """Whether a file with this mtime, read at ``read_ns``, may change unseen."""
    window = COARSE_RACY_NS if mtime_ns % 1_000_000_000 == 0 else RACY_NS
    return mtime_ns >= read_ns - window


def trusted(fp: Fingerprint, now_ns: int) -> Fingerprint:
    """``fp`` as it may be recorded at ``now_ns``: a racily new file is not trusted."""
    return _NEVER if racy(fp[1], now_ns) else fp


# --- the codec: facts and results as plain tuples ------------------------------------


def _r(r: Range) -> tuple[int, int, int, int]:
    return (r.line, r.col, r.end_line, r.end_col)


def _opt_r(r: Range | None) -> tuple[int, int, int, int] | None:
    return None if r is None else (r.line, r.col, r.end_line, r.end_col)


_new_tuple = tuple.__new__  # a named tuple from a tuple: one C call, no Python __new__


def _range(t: Sequence[int]) -> Range:
    if len(t) != 4:
        raise ValueError("a range has four numbers")
    return _new_tuple(Range, t)


def _opt_range(t: Sequence[int] | None) -> Range | None:
    return None if t is None else _range(t)


def facts_to_tuple(facts: FileFacts) -> tuple[Any, ...]:
    """``facts`` as nested tuples of ints, strings, booleans and None (``marshal``-able)."""
    error = facts.syntax_error
    return (
        facts.line_count,
        None if error is None else (error.message, _r(error.range)),
        tuple(
            (
                f.module,
                f.name,
                f.level,
                _r(f.module_range),
                _opt_r(f.name_range),
                f.stmt_line,
                f.type_checking,
                f.dynamic,
            )
            for f in facts.imports
        ),
        tuple(
            (
                e.line,
                e.own_line,
                e.rules,
                tuple(_r(r) for r in e.rule_ranges),
                e.adr,
                e.adr_text,
                _opt_r(e.adr_range),
                _r(e.range),
            )
            for e in facts.exceptions
        ),
        tuple(
            (
                d.kind,
                d.name,
                d.qualname,
                d.scope,
                _r(d.name_range),
                d.first_line,
                d.line_count,
                d.body_lines,
                d.body_hash,
            )
            for d in facts.definitions
        ),
        tuple((r.target, _r(r.range), r.is_call) for r in facts.references),
    )


def facts_from_tuple(data: Any) -> FileFacts:
    """The inverse of :func:`facts_to_tuple`; raises ValueError on malformed data."""
    try:
        line_count, error, imports, exceptions, definitions, references = data
        return FileFacts(
            imports=tuple(
                _new_tuple(ImportFact, (m, n, lv, _range(mr), _opt_range(nr), sl, tc, dy))
                for m, n, lv, mr, nr, sl, tc, dy in imports
            ),
            exceptions=tuple(
                ExceptionComment(
                    line,
                    own,
                    tuple(rules),
                    tuple(_range(r) for r in ranges),
                    adr,
                    adr_text,
                    _opt_range(adr_range),
                    _range(whole),
                )
                for line, own, rules, ranges, adr, adr_text, adr_range, whole in exceptions
            ),
            syntax_error=None if error is None else SourceProblem(error[0], _range(error[1])),
            line_count=line_count,
            definitions=tuple(
                Definition(kind, name, qual, scope, _range(nr), first, lines, body, digest)
                for kind, name, qual, scope, nr, first, lines, body, digest in definitions
            ),
            references=tuple(Reference(t, _range(r), c) for t, r, c in references),
        )
    except (TypeError, ValueError, IndexError) as error:
        raise ValueError(f"malformed facts: {error}") from error


def encode_facts(facts: FileFacts) -> bytes:
    """Compact bytes for ``facts`` (what workers send back, what the cache stores)."""
    return marshal.dumps(facts_to_tuple(facts), _MARSHAL_VERSION)


def decode_facts(data: bytes) -> FileFacts:
    """The inverse of :func:`encode_facts`; raises ValueError on malformed data."""
    try:
        value = marshal.loads(data)
    except (EOFError, TypeError, ValueError) as error:
        raise ValueError(f"malformed facts: {error}") from error
    return facts_from_tuple(value)


def _violation_tuple(v: Violation) -> tuple[Any, ...]:
    return (
        v.rule,
        v.kind,
        v.severity,
        str(v.path),
        _r(v.range),
        v.message,
        v.importer,
        v.imported,
        v.chain,
        v.adr,
        v.key,
        tuple((str(r.path), _r(r.range), r.message) for r in v.related),
    )


def _violation(t: Sequence[Any]) -> Violation:
    rule, kind, severity, path, r, message, importer, imported, chain, adr, key, related = t
    return Violation(
        rule,
        kind,
        severity,
        Path(path),
        _range(r),
        message,
        importer,
        imported,
        tuple(chain),
        adr,
        tuple(key),
        tuple(Related(Path(p), _range(rr), m) for p, rr, m in related),
    )


# --- files in the cache directory ----------------------------------------------------


class CacheDir:
    """The cache directory: reads and atomic writes of cache files, LRU eviction.

    One per directory and process (:func:`cache_dir`), so that a directory that cannot be
    written is reported once (``problem``, ``take_problem``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problem: str | None = None  # why the cache cannot be written
        self._reported = False

    def file(self, kind: str, *parts: object) -> Path:
        text = "\0".join(str(p) for p in (kind, __version__, FORMAT, _python(), *parts))
        return self.path / f"{kind}-{hashlib.sha256(text.encode()).hexdigest()[:24]}.arc"

    def read(self, path: Path) -> Any:
        """The value stored in ``path``; None if missing, foreign or corrupt."""
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            return None
        if len(data) < _HEADER or not data.startswith(MAGIC) or data[len(MAGIC)] != FORMAT:
            return None
        payload = data[_HEADER:]
        if zlib.crc32(payload) != int.from_bytes(data[len(MAGIC) + 1 : _HEADER], "big"):
            return None
        try:
            value = marshal.loads(zlib.decompress(payload))
        except (EOFError, TypeError, ValueError, zlib.error):  # pragma: no cover - CRC guards
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: evicted last
        return value

    def write(self, path: Path, value: Any, level: int = 1) -> bool:
        """Store ``value`` (plain tuples) atomically; False (and ``problem``) if it cannot."""
        payload = zlib.compress(marshal.dumps(value, _MARSHAL_VERSION), level)
        header = MAGIC + bytes((FORMAT,)) + zlib.crc32(payload).to_bytes(4, "big")
        tmp: str | None = None
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".arc", dir=self.path)
            with os.fdopen(fd, "wb") as handle:
                handle.write(header)
                handle.write(payload)
            os.replace(tmp, path)
        except OSError as error:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            if self.problem is None:
                reason = error.strerror or str(error)
                self.problem = (
                    f"cannot write the cache in {self.path} ({reason}): running without it"
                )
            return False
        self.evict()
        return True

    def take_problem(self) -> str | None:
        """The write problem, the first time it is asked for (one warning per process)."""
        if self.problem is None or self._reported:
            return None
        self._reported = True
        return self.problem

    def evict(self, limit: int | None = None) -> None:
        """Delete the least recently used cache files until the total is under ``limit``
        (default :func:`max_cache_bytes`), and temporary files left by killed runs."""
        limit = max_cache_bytes() if limit is None else limit
        now = time.time()
        files: list[tuple[float, int, str]] = []
        try:
            with os.scandir(self.path) as entries:
                for entry in entries:
                    name = entry.name
                    ours = name.endswith(".arc") or (
                        name.startswith("facts-") and name.endswith(".json")  # format 2
                    )
                    if not ours:
                        continue
                    try:
                        st = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    if not stat_module.S_ISREG(st.st_mode):
                        continue
                    if name.startswith(".tmp-"):
                        if now - st.st_mtime > _STALE_TEMP_S:
                            with contextlib.suppress(OSError):
                                os.unlink(entry.path)
                        continue
                    files.append((st.st_mtime, st.st_size, entry.path))
        except OSError:
            return
        total = sum(size for _, size, _ in files)
        for _, size, path in sorted(files):
            if total <= limit:
                break
            with contextlib.suppress(OSError):
                os.unlink(path)  # another run may have removed it first
            total -= size


_DIRS: dict[Path, CacheDir] = {}


def cache_dir(path: Path) -> CacheDir:
    """The :class:`CacheDir` of ``path``, shared by everything in this process."""
    found = _DIRS.get(path)
    if found is None:
        found = _DIRS[path] = CacheDir(path)
    return found


def _python() -> str:
    return f"{sys.version_info[0]}.{sys.version_info[1]}"


# --- facts per file ------------------------------------------------------------------


class FactsCache:
    """The facts of one project's files, keyed by path, fingerprint and content hash.

    ``lookup`` answers from the fingerprint alone (no read); ``get`` from the content
    hash once the file was read; ``put`` records both. ``save`` writes the whole store
    when something changed (one file: ~2 MB compressed for 6,700 files, see ADR-0010)."""

    def __init__(self, directory: Path, config_path: Path, conventions: bool) -> None:
        self.dir = cache_dir(directory)
        self.path = self.dir.file("facts", config_path, conventions)
        # path -> (fingerprint, sha-256, encoded facts)
        self._entries: dict[str, tuple[Fingerprint, bytes, bytes]] = {}
        self._dirty = False
        self._load()

    def _load(self) -> None:
        value = self.dir.read(self.path)
        try:
            for path, size, mtime, inode, sha, blob in value:
                self._entries[path] = ((size, mtime, inode), sha, blob)
        except (TypeError, ValueError):
            self._entries.clear()  # missing or foreign: start afresh

    def __len__(self) -> int:
        return len(self._entries)

    def lookup(self, path: Path, fp: Fingerprint) -> FileFacts | None:
        """The facts of an unchanged file: same fingerprint as when it was stored."""
        entry = self._entries.get(str(path))
        if entry is None or entry[0] != fp or fp == _NEVER:
            return None
        return self._decode(str(path), entry[2])

    def get(self, path: Path, sha: bytes, fp: Fingerprint | None = None) -> FileFacts | None:
        """The facts of a file whose bytes hash to ``sha``; ``fp`` (its new fingerprint)
        is recorded so that the next run need not read it."""
        key = str(path)
        entry = self._entries.get(key)
        if entry is None or entry[1] != sha:
            return None
        facts = self._decode(key, entry[2])
        if facts is not None and fp is not None and entry[0] != fp:
            self._entries[key] = (trusted(fp, time.time_ns()), sha, entry[2])
            self._dirty = True
        return facts

    def _decode(self, key: str, blob: bytes) -> FileFacts | None:
        try:
            return decode_facts(blob)
        except ValueError:
            del self._entries[key]
            self._dirty = True
            return None

    def put(
        self, path: Path, sha: bytes, facts: FileFacts | bytes, fp: Fingerprint | None = None
    ) -> None:
        """Record a file's facts (or their :func:`encode_facts` bytes)."""
        blob = facts if isinstance(facts, bytes) else encode_facts(facts)
        recorded = _NEVER if fp is None else trusted(fp, time.time_ns())
        self._entries[str(path)] = (recorded, sha, blob)
        self._dirty = True

    def hashes(self, paths: Iterable[Path]) -> dict[Path, bytes]:
        """The stored content hashes of ``paths`` (those the cache has)."""
        found: dict[Path, bytes] = {}
        for path in paths:
            entry = self._entries.get(str(path))
            if entry is not None:
                found[path] = entry[1]
        return found

    def retain(self, paths: Iterable[Path]) -> None:
        """Forget files that are gone."""
        keep = {str(p) for p in paths}
        for key in [k for k in self._entries if k not in keep]:
            del self._entries[key]
            self._dirty = True

    def save(self) -> None:
        """Best effort: a cache that cannot be written only costs time next run."""
        if not self._dirty:
            return
        rows = tuple(
            (path, fp[0], fp[1], fp[2], sha, blob)
            for path, (fp, sha, blob) in sorted(self._entries.items())
        )
        if self.dir.write(self.path, rows):
            self._dirty = False


# --- snapshots of whole results ------------------------------------------------------


class Inputs:
    """The paths a computation looked at: directories it listed, files it read. A result
    computed from them stays valid while each has the fingerprint it had before the
    computation started (or is still missing)."""

    def __init__(self, started_ns: int | None = None) -> None:
        self.started_ns = time.time_ns() if started_ns is None else started_ns
        self._paths: dict[str, None] = {}  # ordered set

    def add(self, path: str | os.PathLike[str]) -> None:
        self._paths[os.fspath(path)] = None

    def add_all(self, paths: Iterable[str | os.PathLike[str]]) -> None:
        for path in paths:
            self._paths[os.fspath(path)] = None

    def fingerprints(self) -> tuple[tuple[str, Fingerprint | None], ...]:
        rows: list[tuple[str, Fingerprint | None]] = []
        for path in self._paths:
            fp = stat_fingerprint(path)
            if fp is not None and racy(fp[1], self.started_ns):
                fp = _NEVER  # changed (or may change) while it was being read
            rows.append((path, fp))
        return tuple(rows)


@dataclass
class Result:
    """What ``archrules check`` reports for one project, as a snapshot keeps it: every
    violation, the config problems that need the module set, the notes of discovery."""

    violations: list[Violation]
    config_problems: list[ConfigProblem]
    notes: list[str]
    file_count: int
    skipped: list[Skipped] = field(default_factory=list)  # files and directories not checked


def result_to_tuple(result: Result) -> tuple[Any, ...]:
    return (
        tuple(_violation_tuple(v) for v in result.violations),
        tuple((str(p.path), _r(p.range), p.message) for p in result.config_problems),
        tuple(result.notes),
        result.file_count,
        tuple((str(s.path), s.kind, s.reason, s.directory) for s in result.skipped),
    )


def result_from_tuple(value: Any) -> Result:
    """The inverse of :func:`result_to_tuple`; raises ValueError on malformed data."""
    try:
        violations, problems, notes, file_count, skipped = value
        return Result(
            [_violation(v) for v in violations],
            [ConfigProblem(Path(p), _range(r), m) for p, r, m in problems],
            [str(n) for n in notes],
            int(file_count),
            [Skipped(Path(p), kind, reason, directory) for p, kind, reason, directory in skipped],
        )
    except (TypeError, ValueError, IndexError) as error:
        raise ValueError(f"malformed result: {error}") from error


def _source_files(files: Iterable[SourceFile]) -> tuple[Any, ...]:
    return tuple((str(f.path), f.module, f.is_package, str(f.root)) for f in files)


def _source_files_from(rows: Any) -> tuple[SourceFile, ...]:
    return tuple(SourceFile(Path(p), m, bool(pkg), Path(r)) for p, m, pkg, r in rows)


def discovery_to_tuple(discovery: Discovery) -> tuple[Any, ...]:
    return (
        _source_files(discovery.files),
        tuple(sorted(discovery.namespace_packages)),
        tuple((str(p.path), p.message) for p in discovery.problems),
        _source_files(discovery.excluded),
        tuple((str(s.path), s.kind, s.reason, s.directory) for s in discovery.skipped),
    )


def discovery_from_tuple(value: Any) -> Discovery:
    """The inverse of :func:`discovery_to_tuple`; raises ValueError on malformed data."""
    try:
        files, namespaces, problems, excluded, skipped = value
        return Discovery(
            _source_files_from(files),
            frozenset(str(n) for n in namespaces),
            tuple(DiscoveryProblem(Path(p), str(m)) for p, m in problems),
            _source_files_from(excluded),
            tuple(
                Skipped(Path(p), kind, reason, directory) for p, kind, reason, directory in skipped
            ),
        )
    except (TypeError, ValueError, IndexError) as error:
        raise ValueError(f"malformed discovery: {error}") from error


def unchanged(rows: Iterable[tuple[str, Fingerprint | None]]) -> bool:
    """Whether every path still has its recorded fingerprint (missing ones still missing)."""
    return all(fp != _NEVER and stat_fingerprint(path) == fp for path, fp in rows)


class Snapshot:
    """A value computed from files on disk, stored with the fingerprints of its
    :class:`Inputs`: ``load`` returns it while none of them changed and ``check`` (e.g.
    the hash of the config text) is the same. ``kind`` and ``key`` name the file (one
    per key: a new value replaces the old one)."""

    def __init__(self, directory: Path, kind: str, *key: object, check: bytes = b"") -> None:
        self.dir = cache_dir(directory)
        self.path = self.dir.file(kind, *key)
        self.check = check

    def load(self) -> Any:
        """The stored value (plain tuples) if nothing it depends on changed, else None."""
        stored = self.dir.read(self.path)
        try:
            check, rows, value = stored
            rows = [(path, None if fp is None else tuple(fp)) for path, fp in rows]
            if check != self.check or not unchanged(rows):
                return None
        except (TypeError, ValueError):
            return None
        return value

    def save(self, value: Any, inputs: Inputs) -> None:
        self.dir.write(self.path, (self.check, inputs.fingerprints(), value))
