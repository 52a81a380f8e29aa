"""Reading source files into facts, on every core (ADR-0010).

:func:`read_sources` reads, hashes and extracts a list of files, in worker processes when
there are enough of them to pay for the start-up (``PARALLEL_MIN_FILES``), else in this
process. Workers get big chunks of paths and send back one ``marshal`` blob per chunk
holding each file's fingerprint, hash and :func:`~archrules.core.cache.encode_facts`
bytes, which the parent decodes (and the cache stores as they are). Both paths run the
same function, so their results are identical (tested).

The number of workers: ``jobs`` if given, else ``ARCHRULES_JOBS``, else the usable CPUs;
1 reads in-process. On Linux a single-threaded parent forks (cheap: nothing to
re-import); a parent with threads (the language server) uses ``forkserver``.
"""

from __future__ import annotations

import marshal
import os
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from archrules.core.cache import Fingerprint, content_hash, encode_facts, fingerprint
from archrules.core.facts import decode_source, extract_facts
from archrules.core.files import read_regular, refuse_reason

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

# fewer files than this are read in-process: below it, starting workers costs more than
# it saves (measured on a 2-core machine, bench/README.md)
PARALLEL_MIN_FILES = 300
CHUNKS_PER_JOB = 4  # chunks per worker: big enough to be cheap to ship, enough to balance


@dataclass(frozen=True)
class SourceRead:
    """One file read from disk: ``missing`` (it is gone), ``error`` (not checked: the
    message for the user), else its fingerprint, content hash and encoded facts (``facts``
    is None when the hash equals the one the caller already knew: its facts are
    unchanged)."""

    path: Path
    fingerprint: Fingerprint | None = None
    sha: bytes = b""
    facts: bytes | None = None
    missing: bool = False
    error: str | None = None


def default_jobs() -> int:
    """``ARCHRULES_JOBS`` if set (at least 1), else the CPUs this process may use."""
    value = os.environ.get("ARCHRULES_JOBS", "").strip()
    if value:
        try:
            return max(1, int(value))
        except ValueError:
            pass
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _read_chunk(paths: Sequence[str], known: Sequence[bytes | None], conventions: bool) -> bytes:
    """Read each file: (fingerprint or None, sha, encoded facts or None, error or None)."""
    rows: list[tuple[object, ...]] = []
    for path, sha_known in zip(paths, known, strict=True):
        try:
            info, data = read_regular(path)
        except FileNotFoundError:
            rows.append((None, b"", None, None))
            continue
        except OSError as error:
            rows.append((None, b"", None, f"cannot read this file: {error.strerror or error}"))
            continue
        assert data is not None
        fp = fingerprint(info)
        sha = content_hash(data)
        blob = None
        if sha != sha_known:
            text = decode_source(data)
            refused = refuse_reason(text)
            if refused is not None:
                rows.append((None, b"", None, refused))
                continue
            blob = encode_facts(extract_facts(text, conventions))
        rows.append((fp, sha, blob, None))
    return marshal.dumps(rows)


def _context() -> BaseContext:
    import multiprocessing  # noqa: PLC0415 - only when workers start: a warm run needs none

    if sys.platform == "linux" and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("forkserver")
    return multiprocessing.get_context("spawn")  # pragma: no cover - not Linux


def read_sources(
    paths: Sequence[Path],
    conventions: bool,
    known: Mapping[Path, bytes] | None = None,
    jobs: int | None = None,
) -> list[SourceRead]:
    """Read ``paths`` (in their order) into facts. ``known``: content hashes whose facts
    the caller has already: a file that still has that hash comes back with
    ``facts=None``. ``jobs``: see the module docstring."""
    names = [str(p) for p in paths]
    hashes = [known.get(p) if known else None for p in paths]
    jobs = default_jobs() if jobs is None else max(1, jobs)
    if jobs == 1 or len(names) < PARALLEL_MIN_FILES:
        blobs = [_read_chunk(names, hashes, conventions)]
    else:
        size = -(-len(names) // (jobs * CHUNKS_PER_JOB))
        starts = range(0, len(names), size)
        from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415 - as above

        try:
            with ProcessPoolExecutor(jobs, mp_context=_context()) as pool:
                blobs = list(
                    pool.map(
                        _read_chunk,
                        [names[i : i + size] for i in starts],
                        [hashes[i : i + size] for i in starts],
                        [conventions] * len(starts),
                    )
                )
        except (OSError, RuntimeError):  # pragma: no cover - no processes allowed here
            blobs = [_read_chunk(names, hashes, conventions)]
    reads: list[SourceRead] = []
    index = 0
    for blob in blobs:
        for fp, sha, facts, error in marshal.loads(blob):
            path = paths[index]
            index += 1
            if error is not None:
                reads.append(SourceRead(path, error=error))
            elif fp is None:
                reads.append(SourceRead(path, missing=True))
            else:
                reads.append(SourceRead(path, tuple(fp), sha, facts))
    return reads
