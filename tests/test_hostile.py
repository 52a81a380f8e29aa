"""Hostile trees (tests/hostile_trees.py, shrunk for CI; bench/hostile.py runs them at full
size): ``archrules check`` and the language server end each in bounded time, find the
planted violation, say what they skipped, and never show a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.hostile_trees import CASES, base
from tests.lsp.raw import RawServer

from archrules.core.files import (
    MAX_FILE_BYTES,
    FileTooLarge,
    NotRegularFile,
    read_bytes,
    read_text,
    write_atomic,
)
from archrules.core.project import open_project

SCALE = 0.02  # 1 MB instead of 50, 20,000 imports instead of a million...
VIOLATION = "src/pkg/core.py:1:8: layers"


def check(root: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archrules", "check", "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=timeout,
        check=False,
        env={**os.environ, "ARCHRULES_CACHE_DIR": str(root.parent / "cache")},
    )


@pytest.mark.parametrize("name", list(CASES))
def test_the_check_ends_with_its_findings_and_no_traceback(tmp_path: Path, name: str) -> None:
    root = tmp_path / "tree"
    root.mkdir()
    CASES[name](root, SCALE)
    out = check(root)
    assert out.returncode == 1, out.stderr[-2000:]
    assert VIOLATION in out.stdout
    assert "Traceback" not in out.stderr + out.stdout


EXPECTED: dict[str, list[str]] = {
    "50 MB file (over the limit)": [
        "src/pkg/big.py:1:1: unreadable-file cannot read this file: the file is too large "
        "(47.7 MiB; archrules reads at most 10.0 MiB)"
    ],
    "FIFOs and devices": ["0002-fifo.md:1: cannot read the ADR: not a regular file"],
    "binary ADR files": ["0002-random.md", "is not valid UTF-8"],
}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_what_was_skipped_is_said(tmp_path: Path, name: str) -> None:
    root = tmp_path / "tree"
    root.mkdir()
    CASES[name](root, SCALE)
    out = check(root)
    for text in EXPECTED[name]:
        assert text in out.stdout + out.stderr


def test_a_module_with_too_many_imports_is_reported_not_checked(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    root.mkdir()
    pkg = base(root)
    (pkg / "many.py").write_bytes(b"import a\n" * 60_000)
    names = ", ".join(f"n{i}" for i in range(60_000))
    (pkg / "names.py").write_text(f"from os import ({names})\n")  # one word, 60,000 imports
    out = check(root)
    assert VIOLATION in out.stdout
    assert (
        "src/pkg/many.py:1:1: unreadable-file cannot check this file: 60,000 imports "
        "(archrules checks at most 50,000 per file)"
    ) in out.stdout
    assert "src/pkg/names.py:1:1: unreadable-file cannot check this file: 60,000" in out.stdout


def test_the_server_indexes_a_hostile_tree_and_stays_responsive(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    root.mkdir()
    for name in ("FIFOs and devices", "symlink loops", "odd file names", "NUL bytes"):
        part = tmp_path / name.replace(" ", "_")
        part.mkdir()
        CASES[name](part, SCALE)
    server = RawServer(env={"ARCHRULES_CACHE_DIR": str(tmp_path / "cache")})
    try:
        server.initialize(tmp_path)
        deadline = time.monotonic() + 60
        while server.status()["indexing"] and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not server.status()["indexing"]
        fifo = tmp_path / "FIFOs_and_devices" / "src" / "pkg" / "fifo.py"
        reply = server.call(
            "textDocument/hover",
            {"textDocument": {"uri": fifo.as_uri()}, "position": {"line": 0, "character": 0}},
        )
        assert "result" in reply
        assert "Traceback" not in server.log_text()
    finally:
        server.kill()


# --- the file helpers ------------------------------------------------------------------------


def test_reading_refuses_fifos_devices_and_big_files_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.py"
    os.mkfifo(fifo)
    start = time.monotonic()
    with pytest.raises(NotRegularFile, match="not a regular file"):
        read_bytes(fifo)
    with pytest.raises(NotRegularFile):
        read_bytes("/dev/zero")
    big = tmp_path / "big.py"
    with open(big, "wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(FileTooLarge, match="too large"):
        read_bytes(big)
    assert time.monotonic() - start < 5
    small = tmp_path / "small.txt"
    small.write_bytes(b"a\r\nb\rc\n")
    assert read_bytes(small) == b"a\r\nb\rc\n"
    assert read_text(small) == "a\nb\nc\n"
    with pytest.raises(FileTooLarge, match="grew beyond"):  # /proc files report size 0
        read_bytes("/proc/self/status", limit=10)


def test_atomic_writes_replace_only_when_asked(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "file.txt"
    write_atomic(target, "one\n", overwrite=False)
    assert target.read_text() == "one\n"
    with pytest.raises(FileExistsError):
        write_atomic(target, "two\n", overwrite=False)
    assert target.read_text() == "one\n"
    write_atomic(target, "three\n", overwrite=True)
    assert target.read_text() == "three\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["file.txt"]  # no temp left


def test_an_atomic_write_that_fails_leaves_the_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "file.txt"
    target.write_text("old\n")

    def full_disk(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space"):
        write_atomic(target, "new\n", overwrite=True)
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["file.txt"]


def test_without_hard_links_an_exclusive_create_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(*args: object) -> None:
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    target = tmp_path / "file.txt"
    write_atomic(target, "one\n", overwrite=False)
    assert target.read_text() == "one\n"
    with pytest.raises(FileExistsError):
        write_atomic(target, "two\n", overwrite=False)
    assert target.read_text() == "one\n"


def test_commands_never_overwrite_a_users_file(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    root.mkdir()
    base(root)
    notes = root / "notes.txt"
    notes.write_text("my notes\n")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "archrules", *args],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "ARCHRULES_CACHE_DIR": str(tmp_path / "cache")},
        )

    out = run("baseline", "--baseline", "notes.txt")
    assert out.returncode == 2 and "not an archrules baseline; not overwritten" in out.stderr
    assert notes.read_text() == "my notes\n"
    assert run("baseline").returncode == 0
    assert run("baseline").returncode == 0  # a baseline may be replaced by a baseline
    config = (root / "archrules.toml").read_text()
    out = run("init", "--write")
    assert out.returncode == 2 and "already configures archrules" in out.stderr
    assert (root / "archrules.toml").read_text() == config
    assert run("init", "--write", "--force").returncode == 0
    assert (root / "archrules.toml").read_text() != config
    assert not [p for p in root.iterdir() if p.name.endswith(".tmp")]


def test_an_editor_buffer_over_the_limit_is_refused_like_a_file(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    root.mkdir()
    pkg = base(root)
    project = open_project(root / "archrules.toml", cache_dir=None)
    assert project.model is not None
    assert project.model.set_text(pkg / "web.py", "#" * (MAX_FILE_BYTES + 1))
    found = [v.message for v in project.model.violations() if v.rule == "unreadable-file"]
    assert found == [
        "cannot read this file: the file is too large (10.0 MiB; archrules reads at most 10.0 MiB)"
    ]
