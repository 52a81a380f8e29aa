"""Reading and writing files of an untrusted tree: the one place that opens them.

Reading (:func:`read_bytes`): only regular files, opened without blocking (a FIFO or a
device named ``x.py`` or ``0001-x.md`` is refused at once, never waited on), and at most
:data:`MAX_FILE_BYTES` (a bigger file is refused before it is read). Every refusal is an
``OSError`` whose ``strerror`` says why, so callers report it like any unreadable file.

Writing (:func:`write_atomic`): a temporary file in the target's directory, flushed to disk,
then renamed over the target (``overwrite=True``) or linked to a name that must not exist
yet (``overwrite=False``): a reader never sees half a file, a crash leaves the old file or
none, and a user's file is never replaced unless the caller was asked to replace it."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

# One source, config, ADR or baseline file. Parsing costs ~60x a file's size in memory and
# ~6 s per MiB on a loaded machine (bench/hostile.py): a bigger file is refused with a
# message instead of taking minutes and gigabytes.
MAX_FILE_BYTES = 10 * 1024 * 1024
# Imports in one module: real modules have hundreds; resolving and checking a million took
# minutes and gigabytes (bench/hostile.py). A file with more is reported, not checked.
MAX_IMPORTS_PER_FILE = 50_000


class NotRegularFile(OSError):
    pass


class FileTooLarge(OSError):
    pass


def read_bytes(path: Path | str, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; ``OSError`` otherwise."""
    _, data = read_regular(path, None, limit)
    assert data is not None  # without ``need``, the file is always read
    return data


def read_regular(
    path: Path | str,
    need: Callable[[os.stat_result], bool] | None = None,
    limit: int = MAX_FILE_BYTES,
) -> tuple[os.stat_result, bytes | None]:
    """Open a regular file of at most ``limit`` bytes (``OSError`` otherwise) and return
    its ``fstat`` and its bytes; the bytes are None when ``need(fstat)`` says they are not
    needed (the facts cache knows the file by its size, mtime and inode)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    flags |= getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(errno.EINVAL, "not a regular file (a FIFO, device or socket)")
        if info.st_size > limit:
            raise FileTooLarge(errno.EFBIG, too_large(info.st_size, limit))
        if need is not None and not need(info):
            return info, None
        chunks: list[bytes] = []
        remaining = limit + 1  # a file that grew since fstat is still bounded
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        if remaining <= 0:
            raise FileTooLarge(errno.EFBIG, f"the file grew beyond {_size(limit)}")
        return info, b"".join(chunks)
    finally:
        os.close(fd)


def read_text(path: Path | str, encoding: str = "utf-8", limit: int = MAX_FILE_BYTES) -> str:
    """``read_bytes`` decoded, newlines translated to ``\n`` (as ``Path.read_text``);
    ``UnicodeDecodeError`` as ``bytes.decode`` raises it."""
    text = read_bytes(path, limit).decode(encoding)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def too_large(size: int, limit: int = MAX_FILE_BYTES) -> str:
    return f"the file is too large ({_size(size)}; archrules reads at most {_size(limit)})"


def _size(count: int) -> str:
    return f"{count / (1024 * 1024):.1f} MiB" if count >= 1024 * 1024 else f"{count} bytes"


def write_atomic(path: Path, text: str, *, overwrite: bool) -> None:
    """Write ``text`` (UTF-8, ``\\n`` newlines) to ``path`` atomically. ``overwrite=False``:
    ``FileExistsError`` if ``path`` exists, even if it appeared during the write."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(tmp, path)
        else:
            _link_exclusive(tmp, path, text)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _link_exclusive(tmp: str, path: Path, text: str) -> None:
    """Give the finished file its name only if the name is free (``link`` fails on an
    existing name, atomically). Where hard links are not supported, an exclusive create."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError:
        with open(path, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)


def refuse_reason(text: str) -> str | None:
    """Why a file's text is not checked (SECURITY.md's bounds), or None. Counting the word
    ``import`` costs milliseconds; parsing a million imports took minutes and gigabytes."""
    if len(text) > MAX_FILE_BYTES:  # an editor buffer (files on disk are refused unread)
        return f"cannot read this file: {too_large(len(text))}"
    count = text.count("import")
    if count > MAX_IMPORTS_PER_FILE:
        return too_many_imports(count)
    return None


def too_many_imports(count: int) -> str:
    return (
        f"cannot check this file: {count:,} imports (archrules checks at most "
        f"{MAX_IMPORTS_PER_FILE:,} per file)"
    )
