"""The persistent cache (ADR-0010): the binary codec, facts keyed by fingerprint and
content, snapshots of whole results, LRU eviction, atomic writes under concurrent runs
and kill -9, and an unwritable directory."""

from __future__ import annotations

import marshal
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import archrules.core.project as project_module
from archrules.core import cache as cache_module
from archrules.core import pool
from archrules.core.cache import (
    CacheDir,
    FactsCache,
    Inputs,
    Snapshot,
    cache_dir,
    content_hash,
    decode_facts,
    default_cache_dir,
    encode_facts,
    fingerprint,
    max_cache_bytes,
    result_from_tuple,
)
from archrules.core.facts import extract_facts
from archrules.core.project import find_configs, load_project, open_cache, open_project, read_into
from archrules.core.types import FileFacts
from support import write_tree

CONFIG = Path("/p/archrules.toml")
RICH = (
    "import typing\nif typing.TYPE_CHECKING:\n    from .a import (b, c as d)  "
    "# archrules: allow[r1, r2] ADR-0003 why\n"
    "m = __import__('x.y')\n# archrules: allow[r3]\n"
    "import os\ndef f(x):\n    '''doc'''\n    return os.getenv(x)\nclass C:\n    def m(self): ...\n"
)


def age(root: Path, seconds: float = 30.0) -> None:
    """Make every file and directory below ``root`` look untouched for a while (a
    fingerprint recorded within seconds of a change is not trusted)."""
    stamp = time.time_ns() - int(seconds * 1e9)
    for path in [root, *root.rglob("*")]:
        os.utime(path, ns=(stamp, stamp), follow_symlinks=False)


def rewrite(path: Path, text: str, seconds: float = 20.0) -> None:
    """Change a file and date it ``seconds`` ago (not racy, yet a new fingerprint)."""
    path.write_text(text, encoding="utf-8")
    stamp = time.time_ns() - int(seconds * 1e9)
    os.utime(path, ns=(stamp, stamp))


# --- the codec ---------------------------------------------------------------------------


def test_codec_round_trips_every_kind_of_fact() -> None:
    broken = extract_facts(RICH + "def broken(:\n")
    full = extract_facts(RICH)
    assert broken.syntax_error is not None and broken.exceptions and broken.imports
    assert full.definitions and full.references
    for facts in (broken, full, FileFacts()):
        assert decode_facts(encode_facts(facts)) == facts


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"garbage",
        marshal.dumps(None),
        marshal.dumps((1, 2)),
        marshal.dumps((0, None, ((1,),), (), (), ())),
        marshal.dumps((0, None, (), (), (("class", "A"),), ())),
        marshal.dumps((0, ("msg", (1, 2)), (), (), (), ())),
    ],
)
def test_malformed_facts_raise_value_error(data: bytes) -> None:
    with pytest.raises(ValueError):
        decode_facts(data)


# --- facts per file ----------------------------------------------------------------------


def test_facts_are_found_by_fingerprint_then_by_content(tmp_path: Path) -> None:
    facts = extract_facts("import os\n")
    cache = FactsCache(tmp_path, CONFIG, False)
    sha = content_hash(b"import os\n")
    old = (10, 1_000, 7)
    assert cache.get(Path("/p/a.py"), sha) is None
    cache.put(Path("/p/a.py"), sha, facts, old)
    cache.save()
    again = FactsCache(tmp_path, CONFIG, False)
    assert again.lookup(Path("/p/a.py"), old) == facts  # no read needed
    assert again.lookup(Path("/p/a.py"), (10, 2_000, 7)) is None  # touched: read it
    assert again.get(Path("/p/a.py"), content_hash(b"import sys\n")) is None
    # same bytes, new fingerprint: the facts are kept and the new fingerprint recorded
    assert again.get(Path("/p/a.py"), sha, (10, 2_000, 7)) == facts
    again.save()
    assert FactsCache(tmp_path, CONFIG, False).lookup(Path("/p/a.py"), (10, 2_000, 7)) == facts
    # convention facts or not: another store
    assert len(FactsCache(tmp_path, CONFIG, True)) == 0
    again.retain(set())
    again.save()
    assert len(FactsCache(tmp_path, CONFIG, False)) == 0


def test_a_racily_new_file_is_read_again(tmp_path: Path) -> None:
    """A file changed just before it was read may change again within the same mtime
    tick: its fingerprint is not recorded as trustworthy."""
    cache = FactsCache(tmp_path, CONFIG, False)
    now = (5, time.time_ns() + 1, 1)
    cache.put(Path("/p/a.py"), b"sha", FileFacts(), now)
    assert cache.lookup(Path("/p/a.py"), now) is None
    assert cache.get(Path("/p/a.py"), b"sha") == FileFacts()
    # a whole-second mtime (a coarse file system): not trusted for 2 s
    second = (5, (time.time_ns() // 1_000_000_000 - 1) * 1_000_000_000, 2)
    cache.put(Path("/p/b.py"), b"sha", FileFacts(), second)
    assert cache.lookup(Path("/p/b.py"), second) is None
    older = (5, second[1] - 2_000_000_000, 2)
    cache.put(Path("/p/b.py"), b"sha", FileFacts(), older)
    assert cache.lookup(Path("/p/b.py"), older) == FileFacts()


def test_a_version_change_uses_another_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = FactsCache(tmp_path, CONFIG, False)
    cache.put(Path("/p/a.py"), b"s", FileFacts(), (1, 1, 1))
    cache.save()
    monkeypatch.setattr(cache_module, "__version__", "0.0.0-other")
    assert len(FactsCache(tmp_path, CONFIG, False)) == 0


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: data[:-1] + bytes([data[-1] ^ 1]),  # a flipped bit
        lambda data: b"something else\n" + data,  # foreign
        lambda data: data[:16] + b"\x02" + data[17:],  # another format
        lambda data: b"",
    ],
)
def test_a_damaged_or_foreign_file_is_ignored(tmp_path: Path, damage) -> None:  # type: ignore[no-untyped-def]
    cache = FactsCache(tmp_path, CONFIG, False)
    cache.put(Path("/p/a.py"), b"s", extract_facts(RICH), (1, 1, 1))
    cache.save()
    cache.path.write_bytes(damage(cache.path.read_bytes()))
    assert len(FactsCache(tmp_path, CONFIG, False)) == 0


def test_a_well_formed_file_of_the_wrong_shape_is_ignored(tmp_path: Path) -> None:
    directory = CacheDir(tmp_path)
    path = directory.file("facts", CONFIG, False)
    assert directory.write(path, ("not", "rows"))
    assert len(FactsCache(tmp_path, CONFIG, False)) == 0
    assert directory.write(path, (("/p/a.py", 1, 1, 1, b"s", b"not marshal"),))
    assert FactsCache(tmp_path, CONFIG, False).lookup(Path("/p/a.py"), (1, 1, 1)) is None


# --- the directory: eviction, unwritable ----------------------------------------------------


def test_least_recently_used_files_are_evicted_past_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = CacheDir(tmp_path)
    blob = os.urandom(40_000)  # does not compress
    paths = [directory.file("facts", i) for i in range(5)]
    for i, path in enumerate(paths):
        directory.write(path, blob)
        stamp = time.time() - 100 + i
        os.utime(path, (stamp, stamp))
    legacy = tmp_path / "facts-0123.json"  # format 2 (JSON) leftovers count too
    legacy.write_bytes(b"{}")
    os.utime(legacy, (1, 1))
    stale = tmp_path / ".tmp-killed.arc"  # left by a killed run
    stale.write_bytes(b"x")
    os.utime(stale, (1, 1))
    foreign = tmp_path / "notes.txt"
    foreign.write_bytes(b"not ours")
    assert directory.read(paths[0]) == blob  # a hit makes it the most recently used
    directory.evict(limit=3 * 41_000)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted(["notes.txt", paths[0].name, paths[3].name, paths[4].name])
    monkeypatch.setenv("ARCHRULES_CACHE_MAX_MB", "0.05")
    assert max_cache_bytes() == int(0.05 * 1024 * 1024)
    directory.write(paths[1], blob)  # each write enforces the limit
    assert {p.name for p in tmp_path.glob("*.arc")} == {paths[1].name}
    monkeypatch.setenv("ARCHRULES_CACHE_MAX_MB", "lots")
    assert max_cache_bytes() == cache_module.DEFAULT_MAX_MB * 1024 * 1024


def test_an_unwritable_directory_is_reported_once(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    directory = cache_dir(blocker / "sub")  # a directory below a file: cannot be created
    assert cache_dir(blocker / "sub") is directory
    cache = FactsCache(blocker / "sub", CONFIG, False)
    cache.put(Path("/p/a.py"), b"0", extract_facts(""))
    cache.save()  # no exception
    assert not (blocker / "sub").exists()
    problem = directory.take_problem()
    assert problem is not None and "cannot write the cache" in problem
    cache.save()
    assert directory.take_problem() is None  # once per process


def test_a_full_disk_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*_: object) -> None:
        raise OSError(28, "No space left on device")

    directory = CacheDir(tmp_path)
    monkeypatch.setattr(cache_module.os, "replace", full)
    assert not directory.write(directory.file("facts", 1), (1, 2))
    assert list(tmp_path.iterdir()) == []
    assert directory.problem is not None and "No space left" in directory.problem


def test_default_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ARCHRULES_CACHE_DIR", str(tmp_path / "a"))
    assert default_cache_dir() == tmp_path / "a"
    monkeypatch.delenv("ARCHRULES_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x"))
    assert default_cache_dir() == tmp_path / "x" / "archrules"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_cache_dir() == Path.home() / ".cache" / "archrules"


def test_tests_never_use_the_users_cache() -> None:
    """conftest.py points every test (and subprocess) at a temporary directory."""
    assert Path.home() / ".cache" not in default_cache_dir().parents


# --- snapshots ----------------------------------------------------------------------------

LAYERED = """
[project]
roots = ["src"]

[[layers]]
name = "layers"
layers = ["app.web", "app.core"]
"""


def make_project(root: Path) -> Path:
    write_tree(
        root,
        {
            "archrules.toml": LAYERED,
            "docs/adr/0001-use-layers.md": "# Use layers\n\n## Status\n\nAccepted\n",
            "src/app/__init__.py": "",
            "src/app/web/__init__.py": "",
            "src/app/web/views.py": "from app.core import model\n",
            "src/app/core/__init__.py": "",
            "src/app/core/model.py": "import os\n",
        },
    )
    age(root)
    return root / "archrules.toml"


def check(config: Path, cache: Path) -> tuple[list[str], bool]:
    """The findings as text, and whether they came from the snapshot (no file read)."""
    project = open_project(config, cache_dir=cache, snapshot=True)
    assert project.model is not None and project.result is not None
    from_snapshot = project.model.file_count == 0
    found = [f"{v.path.name}:{v.range.line}:{v.rule}" for v in project.violations()]
    return [*found, f"files={project.file_count}", *project.notes], from_snapshot


def fresh(config: Path) -> list[str]:
    project = open_project(config, cache_dir=None)
    assert project.model is not None
    found = [f"{v.path.name}:{v.range.line}:{v.rule}" for v in project.violations()]
    return [*found, f"files={project.file_count}", *project.notes]


def test_an_unchanged_tree_is_answered_from_the_snapshot(tmp_path: Path) -> None:
    config = make_project(tmp_path / "proj")
    cache = tmp_path / "cache"
    first, snapped = check(config, cache)
    assert not snapped and first == fresh(config)
    again, snapped = check(config, cache)
    assert snapped and again == first


@pytest.mark.parametrize(
    "change",
    [
        # a file's content
        lambda root: rewrite(root / "src/app/core/model.py", "from app.web import views\n"),
        # a new file (its directory's listing changes)
        lambda root: (root / "src/app/core/extra.py").write_text("from app.web import views\n"),
        # a file removed
        lambda root: (root / "src/app/web/views.py").unlink(),
        # a .gitignore that now hides a file
        lambda root: (root / "src/app/web/.gitignore").write_text("views.py\n"),
        # an ADR that is no longer accepted (the directory walk finds nothing new)
        lambda root: rewrite(
            root / "docs/adr/0001-use-layers.md", "# Use layers\n\n## Status\n\nSuperseded\n"
        ),
        # a new ADR (the directory listing changes)
        lambda root: (root / "docs/adr/0002-more.md").write_text("# More\n\n## Status\n\nx\n"),
        # a nested project takes a subtree
        lambda root: (root / "src/app/web/archrules.toml").write_text("[project]\n"),
    ],
)
def test_any_input_change_recomputes_the_result(tmp_path: Path, change) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "proj"
    config = make_project(root)
    (root / "archrules.toml").write_text(LAYERED + 'adr = "ADR-0001"\n', encoding="utf-8")
    age(root)
    cache = tmp_path / "cache"
    check(config, cache)
    assert check(config, cache)[1]
    change(root)
    after, snapped = check(config, cache)
    assert not snapped
    assert after == fresh(config)


def test_an_edit_to_a_files_text_walks_no_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Discovery is snapshotted too: after an edit to a file's text the run reads that file
    but lists no directory; an edited .gitignore or a new file walks the tree again."""

    root = tmp_path / "proj"
    config = make_project(root)
    (root / "src/app/web/.gitignore").write_text("nothing.py\n")
    age(root)
    cache = tmp_path / "cache"
    walks: list[Path] = []
    scan = project_module.scan_project
    monkeypatch.setattr(
        project_module,
        "scan_project",
        lambda project, *args, **kwargs: (
            walks.append(project.config_path) or scan(project, *args, **kwargs)
        ),
    )
    check(config, cache)
    assert len(walks) == 1

    def walked(change) -> int:  # type: ignore[no-untyped-def]
        before = len(walks)
        change()
        after, snapped = check(config, cache)
        count = len(walks) - before
        assert not snapped and after == fresh(config)
        return count

    assert walked(lambda: rewrite(root / "src/app/core/model.py", "import app.web\n")) == 0
    assert walked(lambda: rewrite(root / "src/app/web/.gitignore", "views.py\n")) == 1
    assert walked(lambda: (root / "src/app/core/extra.py").write_text("import app.web\n")) == 1
    assert "views.py" not in str(check(config, cache)[0])


def test_a_config_edit_recomputes_the_result(tmp_path: Path) -> None:
    config = make_project(tmp_path / "proj")
    cache = tmp_path / "cache"
    before, _ = check(config, cache)
    rewrite(config, LAYERED.replace('"app.web", "app.core"', '"app.core", "app.web"'))
    after, snapped = check(config, cache)
    assert not snapped and after != before and after == fresh(config)


def test_a_snapshot_of_racy_inputs_is_not_trusted(tmp_path: Path) -> None:
    config = make_project(tmp_path / "proj")
    changed = tmp_path / "proj/src/app/core/model.py"
    changed.write_text("import sys\n")
    soon = time.time_ns() + 50_000_000  # as if written while archrules reads it
    os.utime(changed, ns=(soon, soon))
    cache = tmp_path / "cache"
    check(config, cache)
    assert not check(config, cache)[1]  # read again: it may have changed in the same tick


def test_the_config_search_is_snapshotted(tmp_path: Path) -> None:
    root = tmp_path / "mono"
    write_tree(root, {"a/archrules.toml": "", "b/pyproject.toml": "[tool.archrules]\n"})
    age(root)
    cache = tmp_path / "cache"
    expected = (root / "a/archrules.toml", root / "b/pyproject.toml")
    assert find_configs(root, cache).found == expected
    assert find_configs(root, cache).found == expected
    rewrite(root / "b/pyproject.toml", "[tool.other]\n")
    assert find_configs(root, cache).found == (root / "a/archrules.toml",)
    (root / "c").mkdir()
    (root / "c/archrules.toml").write_text("")
    assert find_configs(root, cache).found == (root / "a/archrules.toml", root / "c/archrules.toml")
    assert find_configs(root, None) == find_configs(root, cache)


def test_a_snapshot_records_missing_inputs(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    missing = tmp_path / "later.txt"
    inputs = Inputs()
    inputs.add(missing)
    stored = Snapshot(cache, "test", "key", check=b"1")
    stored.save(("value",), inputs)
    assert stored.load() == ("value",)
    assert Snapshot(cache, "test", "key", check=b"2").load() is None
    missing.write_text("now")
    assert stored.load() is None


# --- concurrent runs, kill -9 ---------------------------------------------------------------

WRITER = """
import os, sys
from pathlib import Path
from archrules.core.cache import CacheDir
directory = CacheDir(Path(sys.argv[1]))
path = directory.file("facts", "shared")
value = tuple((f"/p/{i}.py", i, i, i, b"s" * 32, os.urandom(200)) for i in range(20000))
print("ready", flush=True)
while True:
    directory.write(path, value)
"""


def test_kill_9_mid_write_leaves_a_usable_or_ignorable_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    for delay in (0.05, 0.15, 0.3, 0.45):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(cache)], stdout=subprocess.PIPE, text=True
        )
        assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        directory = CacheDir(cache)
        value = directory.read(directory.file("facts", "shared"))
        assert value is None or len(value) == 20000
    stale = list(cache.glob(".tmp-*"))
    for path in stale:
        os.utime(path, (1, 1))
    CacheDir(cache).evict()
    assert not list(cache.glob(".tmp-*"))


def test_concurrent_runs_never_corrupt_the_cache(tmp_path: Path) -> None:
    config = make_project(tmp_path / "proj")
    for i in range(30):
        (tmp_path / f"proj/src/app/core/m{i}.py").write_text(f"import os\nX = {i}\n")
    age(tmp_path / "proj")
    cache = tmp_path / "cache"
    env = {**os.environ, "ARCHRULES_CACHE_DIR": str(cache), "ARCHRULES_JOBS": "1"}
    command = [sys.executable, "-m", "archrules", "check", "--format", "json", "--no-baseline"]
    expected = subprocess.run(
        [*command, "--no-cache"],
        cwd=config.parent,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    for round_ in range(3):
        runs = [
            subprocess.Popen(command, cwd=config.parent, env=env, stdout=subprocess.PIPE, text=True)
            for _ in range(3)
        ]
        outputs = [run.communicate()[0] for run in runs]
        assert outputs == [expected] * 3
        rewrite(config.parent / "src/app/core/m0.py", f"import os\nX = {round_ + 100}\n")
    for path in cache.glob("*.arc"):
        assert CacheDir(cache).read(path) is not None
    assert not list(cache.glob(".tmp-*"))
    again = subprocess.run(
        command, cwd=config.parent, env=env, capture_output=True, text=True, check=False
    )
    assert again.stdout == expected


def test_the_cli_warns_once_when_the_cache_cannot_be_written(tmp_path: Path) -> None:
    root = tmp_path / "mono"
    for name in ("a", "b"):
        make_project(root / name)
    blocker = tmp_path / "file"
    blocker.write_text("")
    env = {**os.environ, "ARCHRULES_CACHE_DIR": str(blocker / "cache")}
    command = [sys.executable, "-m", "archrules", "check", "--no-baseline"]
    with_cache = subprocess.run(
        command, cwd=root, env=env, capture_output=True, text=True, check=False
    )
    without = subprocess.run(
        [*command, "--no-cache"], cwd=root, env=env, capture_output=True, text=True, check=False
    )
    assert with_cache.stdout == without.stdout and with_cache.returncode == without.returncode
    assert with_cache.stderr.count("cannot write the cache") == 1, with_cache.stderr
    assert "cannot write" not in without.stderr


def test_fingerprint_is_size_mtime_inode(tmp_path: Path) -> None:
    path = tmp_path / "a"
    path.write_text("abc")
    st = path.stat()
    assert fingerprint(st) == (3, st.st_mtime_ns, st.st_ino)


def test_a_malformed_result_raises_value_error() -> None:

    with pytest.raises(ValueError):
        result_from_tuple(("not", "a", "result"))


def test_eviction_skips_what_is_not_a_cache_file(tmp_path: Path) -> None:
    CacheDir(tmp_path / "missing").evict(limit=0)  # no directory: nothing to do
    (tmp_path / "dir.arc").mkdir()
    recent = tmp_path / ".tmp-running.arc"  # a run writing right now
    recent.write_bytes(b"x")
    CacheDir(tmp_path).evict(limit=0)
    assert (tmp_path / "dir.arc").is_dir() and recent.exists()


def test_reading_one_file_through_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``read_into`` (the language server's path): unchanged files are not read, touched
    ones are hashed, changed ones parsed again; gone and unreadable files are reported."""

    config = make_project(tmp_path / "proj")
    model_py = tmp_path / "proj/src/app/core/model.py"
    project = load_project(config)
    model = project.model
    assert model is not None
    cache = open_cache(project, tmp_path / "cache")
    assert cache is not None
    assert read_into(model, model_py, cache)  # parsed, then stored
    assert read_into(model, model_py, cache)  # from the fingerprint
    rewrite(model_py, "import os\n", seconds=10)  # same bytes, new mtime: hashed, kept
    assert read_into(model, model_py, cache)
    rewrite(model_py, "import sys\n", seconds=5)
    assert read_into(model, model_py, cache)
    assert model.facts_of(model_py) == extract_facts("import sys\n", model.wants_conventions)

    def denied(*_: object, **__: object) -> None:
        raise PermissionError(13, "Permission denied")

    with monkeypatch.context() as patch:
        patch.setattr(project_module, "read_regular", denied)
        assert read_into(model, model_py, cache)
    assert any(v.rule == "unreadable-file" for v in model.violations())
    model_py.unlink()
    assert not read_into(model, model_py, cache)
    assert model.facts_of(model_py) is None


def test_workers_start_from_a_parent_with_threads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The language server has threads: forking it is unsafe, so workers use forkserver."""

    monkeypatch.setattr(pool, "PARALLEL_MIN_FILES", 2)
    for i in range(6):
        (tmp_path / f"m{i}.py").write_text(f"import os{i}\n")
    paths = sorted(tmp_path.glob("*.py"))
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert pool._context().get_start_method() == "forkserver"
        reads = pool.read_sources(paths, False, jobs=2)
    finally:
        stop.set()
        thread.join()
    assert [decode_facts(r.facts or b"").imports[0].module for r in reads] == [
        f"os{i}" for i in range(6)
    ]
