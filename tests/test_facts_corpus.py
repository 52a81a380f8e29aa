"""The import scanner against the ``ast`` path on real code (ADR-0009).

Every ``.py`` file of Django 5.0.6 (sdist) and a fixed sample (every 8th file, by name) of
Home Assistant 2024.3.3 (wheel), downloaded from PyPI with ``pip download --no-deps`` into
pytest's cache directory (``.pytest_cache/``, reused by later runs). Skipped only when the
download fails. ``bench/facts_speed.py`` compares every file of both, and times them.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from archrules.core.facts import _extract_with_ast, _extract_with_scanner, extract_facts
from archrules.core.reading.text import decode_source

CORPORA = {
    # requirement: (download kind, compare every Nth file)
    "django==5.0.6": ("--no-binary", 1),
    "homeassistant==2024.3.3": ("--only-binary", 8),
}


def download(requirement: str, kind: str, cache: Path) -> Path:
    target = cache / requirement.replace("==", "-")
    found = sorted(p for p in target.glob("*") if p.suffix in (".gz", ".whl"))
    if found:
        return found[0]
    target.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "download", "--no-deps", kind, ":all:"]
    command += ["--disable-pip-version-check", "--quiet", "--retries", "1", "--timeout", "20"]
    command += [requirement, "-d", str(target)]
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=300)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as error:
        detail = getattr(error, "stderr", b"") or b""
        pytest.skip(f"cannot download {requirement} from PyPI: {error} {detail[-300:]!r}")
    [archive] = [p for p in target.glob("*") if p.suffix in (".gz", ".whl")]
    return archive


def python_files(archive: Path) -> list[tuple[str, str]]:
    """(name, text) of every .py file in the archive, sorted by name; nothing unpacked."""
    files: list[tuple[str, str]] = []
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as wheel:
            for name in wheel.namelist():
                if name.endswith(".py"):
                    files.append((name, decode_source(wheel.read(name))))
    else:
        with tarfile.open(archive) as sdist:
            for member in sdist.getmembers():
                if member.isfile() and member.name.endswith(".py"):
                    data = sdist.extractfile(member)
                    assert data is not None
                    files.append((member.name, decode_source(data.read())))
    return sorted(files)


@pytest.mark.parametrize("requirement", list(CORPORA))
def test_scanner_gives_the_ast_facts_on_real_code(
    requirement: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> None:
    kind, step = CORPORA[requirement]
    cache = getattr(request.config, "cache", None)
    root = cache.mkdir("archrules-corpora") if cache else tmp_path_factory.mktemp("corpora")
    files = python_files(download(requirement, kind, Path(root)))[::step]
    assert len(files) > 300
    compared = 0
    stepped_aside: list[str] = []
    mismatches: list[str] = []
    for name, text in files:
        by_scanner = _extract_with_scanner(text)
        if by_scanner is None:
            stepped_aside.append(name)
            continue
        compared += 1
        if by_scanner != _extract_with_ast(text):
            mismatches.append(name)
    assert mismatches == []
    # the scanner is really used: it steps aside only for dynamic imports and broken files
    assert len(stepped_aside) <= len(files) // 50, stepped_aside
    for name, text in files[:: max(1, len(files) // 40)]:  # the entry point, end to end
        assert extract_facts(text, conventions=False).imports == (
            _extract_with_scanner(text) or extract_facts(text).imports
        ), name
    assert compared + len(stepped_aside) == len(files)
