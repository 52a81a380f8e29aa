"""The facts cache: keyed by content, config and version; atomic; tolerant of damage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archrules.core import cache as cache_module
from archrules.core.cache import FactsCache, content_hash, default_cache_dir
from archrules.core.facts import extract_facts

CONFIG = Path("/p/archrules.toml")


def test_hit_miss_and_content_key(tmp_path: Path) -> None:
    facts = extract_facts("import os\n")
    cache = FactsCache(tmp_path, CONFIG, "config")
    sha = content_hash(b"import os\n")
    assert cache.get(Path("/p/a.py"), sha) is None
    cache.put(Path("/p/a.py"), sha, facts)
    cache.save()
    again = FactsCache(tmp_path, CONFIG, "config")
    assert again.get(Path("/p/a.py"), sha) == facts
    assert again.get(Path("/p/a.py"), content_hash(b"import sys\n")) is None
    # another config text or another version: another cache file
    assert FactsCache(tmp_path, CONFIG, "config 2").get(Path("/p/a.py"), sha) is None
    again.retain(set())
    again.save()
    assert FactsCache(tmp_path, CONFIG, "config").get(Path("/p/a.py"), sha) is None


def test_version_mismatch_and_corruption_start_afresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = FactsCache(tmp_path, CONFIG, "c")
    sha = content_hash(b"")
    cache.put(Path("/p/a.py"), sha, extract_facts(""))
    cache.save()
    data = json.loads(cache.path.read_text(encoding="utf-8"))
    data["version"] = "0.0.0-other"
    cache.path.write_text(json.dumps(data), encoding="utf-8")
    assert FactsCache(tmp_path, CONFIG, "c").get(Path("/p/a.py"), sha) is None
    cache.path.write_text(
        json.dumps({"format": 1, "version": cache_module.__version__, "files": {"x": 3}}),
        encoding="utf-8",
    )
    assert FactsCache(tmp_path, CONFIG, "c").get(Path("x"), sha) is None


def test_unwritable_cache_directory_costs_nothing_but_time(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    cache = FactsCache(blocker / "sub", CONFIG, "c")  # a directory below a file
    cache.put(Path("/p/a.py"), "0", extract_facts(""))
    cache.save()  # no exception
    assert not (blocker / "sub").exists()


def test_default_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ARCHRULES_CACHE_DIR", str(tmp_path / "a"))
    assert default_cache_dir() == tmp_path / "a"
    monkeypatch.delenv("ARCHRULES_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x"))
    assert default_cache_dir() == tmp_path / "x" / "archrules"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_cache_dir() == Path.home() / ".cache" / "archrules"
