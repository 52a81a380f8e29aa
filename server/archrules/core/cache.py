"""A persistent cache of file facts, so that a second ``archrules check`` re-reads only
the files that changed.

One JSON file per project and archrules version, in the user's cache directory (never in
the project: archrules writes no file the user did not ask for). Entries are keyed by the
file's path and the SHA-256 of its bytes; the cache file's name carries a hash of the config
file's path and text, the archrules version and the Python version (facts hold ``ast``-derived
body hashes), so a config edit or an upgrade starts afresh.
Writes go to a temporary file renamed over the old one: an interrupted run leaves the old
cache intact, two concurrent runs each write a complete file (the last one wins), and a
corrupt or foreign file is ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

from archrules import __version__
from archrules.core.facts import facts_from_json, facts_to_json
from archrules.core.types import FileFacts

CACHE_FORMAT = 2  # 2: facts carry definitions and references


def default_cache_dir() -> Path:
    override = os.environ.get("ARCHRULES_CACHE_DIR")
    if override:
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "archrules"


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class FactsCache:
    def __init__(self, directory: Path, config_path: Path, config_text: str) -> None:
        # facts (body hashes of ``ast`` trees) may differ between Python versions
        python = f"{sys.version_info[0]}.{sys.version_info[1]}"
        ident = hashlib.sha256(
            f"{config_path}\0{config_text}\0{__version__}\0{CACHE_FORMAT}\0{python}".encode()
        ).hexdigest()[:24]
        self.path = directory / f"facts-{ident}.json"
        self._entries: dict[str, tuple[str, FileFacts]] = {}
        self._dirty = False
        self._load()

    def _load(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("version") != __version__ or data.get("format") != CACHE_FORMAT:
                return
            for path, entry in data["files"].items():
                self._entries[path] = (entry["sha"], facts_from_json(entry["facts"]))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self._entries.clear()  # missing, foreign or corrupt: start afresh

    def get(self, path: Path, sha: str) -> FileFacts | None:
        entry = self._entries.get(str(path))
        return entry[1] if entry is not None and entry[0] == sha else None

    def put(self, path: Path, sha: str, facts: FileFacts) -> None:
        self._entries[str(path)] = (sha, facts)
        self._dirty = True

    def retain(self, paths: set[Path]) -> None:
        """Forget files that are gone."""
        keep = {str(p) for p in paths}
        for key in list(self._entries):
            if key not in keep:
                del self._entries[key]
                self._dirty = True

    def save(self) -> None:
        """Best effort: a cache that cannot be written only costs time next run."""
        if not self._dirty:
            return
        data = {
            "format": CACHE_FORMAT,
            "version": __version__,
            "files": {
                path: {"sha": sha, "facts": facts_to_json(facts)}
                for path, (sha, facts) in sorted(self._entries.items())
            },
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".facts-", dir=self.path.parent)
        except OSError:
            return
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, separators=(",", ":"))
            os.replace(tmp, self.path)
            self._dirty = False
        except OSError:
            Path(tmp).unlink(missing_ok=True)
