"""The release package: `python -m build` makes a wheel and an sdist that `twine check`
accepts, that hold the whole of archrules and nothing else, and that install in a clean
virtualenv, where `archrules --version`, `archrules check` and `archrules server` work.

The build runs once per session (``dist``). Installing needs PyPI for archrules'
dependencies (and, for the sdist, setuptools): the install tests are skipped when PyPI
cannot be reached, and fail on any other error. pip's cache is a temporary directory, never
the user's. All of this is marked ``slow``: the full suite runs it (about 30 s here),
``-m 'not slow'`` leaves it out while iterating.
"""

from __future__ import annotations

import email
import email.message
import os
import re
import shutil
import subprocess
import sys
import tarfile
import venv
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.lsp.raw import RawServer

import archrules

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "server" / "archrules"
SHOP = REPO / "examples" / "shop"
RUNTIME_DEPS = {"pygls", "lsprotocol", "jedi", "parso", "tomli"}
# what pip prints when it cannot reach the index (the machine is offline)
OFFLINE = (
    "NewConnectionError",
    "Temporary failure in name resolution",
    "Network is unreachable",
    "No matching distribution found",
    "Could not find a version that satisfies",
)


@dataclass(frozen=True)
class Dist:
    wheel: Path
    sdist: Path
    pip_cache: Path


def _run(cmd: list[str | Path], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(c) for c in cmd],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        **kwargs,  # type: ignore[call-overload]
    )


@pytest.fixture(scope="session")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Dist:
    """`python -m build` of the repository, once: the sdist, then the wheel built from the
    unpacked sdist (so a file missing from the sdist breaks the wheel too)."""
    out = tmp_path_factory.mktemp("dist")
    proc = _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", out, REPO], cwd=out)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    wheels = sorted(out.glob("archrules-*.whl"))
    sdists = sorted(out.glob("archrules-*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1, sorted(p.name for p in out.iterdir())
    return Dist(wheels[0], sdists[0], tmp_path_factory.mktemp("pip-cache"))


def _package_files() -> set[str]:
    """archrules' own files, relative to server/ (archrules/...), as the wheel holds them."""
    return {
        p.relative_to(PACKAGE.parent).as_posix()
        for p in PACKAGE.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def _metadata(text: str) -> email.message.Message:
    return email.message_from_string(text)


def test_twine_check_accepts_both(dist: Dist) -> None:
    proc = _run([sys.executable, "-m", "twine", "check", "--strict", dist.wheel, dist.sdist])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("PASSED") == 2, proc.stdout


def test_wheel_holds_archrules_and_its_metadata(dist: Dist) -> None:
    assert dist.wheel.name == f"archrules-{archrules.__version__}-py3-none-any.whl"
    with zipfile.ZipFile(dist.wheel) as whl:
        names = set(whl.namelist())
        info = f"archrules-{archrules.__version__}.dist-info"
        meta = _metadata(whl.read(f"{info}/METADATA").decode())
        entry_points = whl.read(f"{info}/entry_points.txt").decode()
    code = {n for n in names if not n.startswith(f"{info}/")}
    assert code == _package_files()  # every module and py.typed; no tests, no examples
    assert f"{info}/licenses/LICENSE" in names
    assert "archrules = archrules.cli.main:main" in entry_points
    assert meta["Name"] == "archrules"
    assert meta["Version"] == archrules.__version__
    assert meta["Requires-Python"] == ">=3.10"
    assert meta["License-Expression"] == "MIT"
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL") or [])
    assert urls["Homepage"].startswith("https://"), urls
    assert {"Homepage", "Source", "Issues"} <= set(urls), urls
    requires = meta.get_all("Requires-Dist") or []
    runtime = {re.split(r"[ <>=!~;\[]", r)[0] for r in requires if "extra ==" not in r}
    assert runtime == RUNTIME_DEPS, requires
    # the long description is the README, rendered as Markdown
    assert meta["Description-Content-Type"] == "text/markdown"
    assert "pip install archrules" in meta.get_payload()


def test_sdist_holds_the_sources_and_nothing_else(dist: Dist) -> None:
    top = f"archrules-{archrules.__version__}"
    assert dist.sdist.name == f"{top}.tar.gz"
    with tarfile.open(dist.sdist) as tar:
        names = {n.removeprefix(f"{top}/") for n in tar.getnames()}
    for required in ("pyproject.toml", "README.md", "LICENSE", "PKG-INFO"):
        assert required in names, sorted(names)
    assert {f"server/{f}" for f in _package_files()} <= names
    stray = sorted(
        n
        for n in names
        if n.split("/")[0] in {"tests", "examples", "clients", "bench", ".venv", "docs"}
        or "__pycache__" in n
    )
    assert stray == []


def _clean_venv(where: Path) -> Path:
    """A new virtualenv with nothing but pip; its bin directory."""
    venv.EnvBuilder(with_pip=True, clear=True).create(where)
    return where / "bin"


def _env(bindir: Path, dist: Dist) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH"}}
    env["PATH"] = os.pathsep.join([str(bindir), "/usr/bin", "/bin"])
    env["PIP_CACHE_DIR"] = str(dist.pip_cache)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def _pip_install(bindir: Path, target: Path, env: dict[str, str]) -> None:
    proc = _run([bindir / "python", "-m", "pip", "install", target], env=env)
    if proc.returncode != 0:
        output = proc.stdout + proc.stderr
        if any(sign in output for sign in OFFLINE):
            pytest.skip(f"PyPI cannot be reached to install the dependencies: {output[-500:]}")
        raise AssertionError(output[-4000:])


def _check_installed(bindir: Path, env: dict[str, str], work: Path) -> None:
    """What a user does first with an installed archrules: it is the one just built (not a
    copy from the repository), and it checks the example project."""
    exe = bindir / "archrules"
    assert exe.is_file()
    version = _run([exe, "--version"], env=env, cwd=work)
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"archrules {archrules.__version__}"
    where = _run(
        [bindir / "python", "-c", "import archrules, sys; print(archrules.__file__)"],
        env=env,
        cwd=work,
    )
    assert where.stdout.strip().startswith(str(bindir.parent)), where.stdout + where.stderr

    shop = work / "shop"
    shutil.copytree(SHOP, shop, ignore=shutil.ignore_patterns("__pycache__"))
    check = _run([exe, "check", "--no-cache"], env=env, cwd=shop)
    assert check.returncode == 1, check.stdout + check.stderr
    assert "src/shop/domain/cart.py:11:" in check.stdout, check.stdout
    assert "clean-architecture" in check.stdout

    # no config: says so and proposes `archrules init`, exit status 2 (spec section 5)
    bare = work / "bare"
    bare.mkdir()
    (bare / "app.py").write_text("import os\n", encoding="utf-8")
    none = _run([exe, "check"], env=env, cwd=bare)
    assert none.returncode == 2, none.stdout + none.stderr
    assert "no archrules.toml" in none.stderr and "archrules init" in none.stderr

    # the language server starts from the installed script and answers with diagnostics
    server = RawServer(command=[str(exe), "server"], env=env, cwd=shop)
    try:
        server.initialize(shop, process_id=os.getpid())
        uri = server.open(shop / "src/shop/domain/cart.py")
        published = server.wait_for(
            lambda m: (
                m.get("method") == "textDocument/publishDiagnostics"
                and m["params"]["uri"] == uri
                and any(d.get("code") == "clean-architecture" for d in m["params"]["diagnostics"])
            ),
            timeout=30,
        )
        assert published["params"]["diagnostics"]
        assert server.stop() == 0
    finally:
        server.kill()


def test_wheel_installs_in_a_clean_virtualenv(dist: Dist, tmp_path: Path) -> None:
    bindir = _clean_venv(tmp_path / "venv")
    env = _env(bindir, dist)
    _pip_install(bindir, dist.wheel, env)
    _check_installed(bindir, env, tmp_path)


def test_sdist_installs_in_a_clean_virtualenv(dist: Dist, tmp_path: Path) -> None:
    bindir = _clean_venv(tmp_path / "venv")
    env = _env(bindir, dist)
    _pip_install(bindir, dist.sdist, env)
    version = _run([bindir / "archrules", "--version"], env=env, cwd=tmp_path)
    assert version.stdout.strip() == f"archrules {archrules.__version__}", version.stderr
