"""The hooks of ``.pre-commit-hooks.yaml``, run by the real pre-commit (from PyPI, a dev
extra) on commits in a temporary git repository that uses this checkout as its hook
repository. pre-commit's cache (PRE_COMMIT_HOME) and HOME live in the test's directory."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from support import write_tree

pytest.importorskip("pre_commit")
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

CHECKOUT = Path(__file__).resolve().parents[1]
CONFIG = '[[layers]]\nname = "layering"\nlayers = ["app.web", "app.core"]\n'
CLEAN = {
    "archrules.toml": CONFIG,
    "app/__init__.py": "",
    "app/web/__init__.py": "",
    "app/web/views.py": "import app.core.model\n",
    "app/core/__init__.py": "",
    "app/core/model.py": "",
}
VIOLATION = {"app/core/model.py": "from app.web import views\n"}


def _git(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args],  # noqa: S607
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _hook_repository(tmp_path: Path, env: dict[str, str]) -> tuple[Path, str]:
    """This checkout's hooks file and package, as pre-commit clones them: a git
    repository with them committed (the working tree's versions, not the last commit's)."""
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    for name in (".pre-commit-hooks.yaml", "pyproject.toml", "README.md"):
        shutil.copy(CHECKOUT / name, hooks / name)
    shutil.copytree(
        CHECKOUT / "server",
        hooks / "server",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"),
    )
    for args in (("init", "-q"), ("add", "-A"), ("commit", "-q", "-m", "hooks")):
        assert _git(hooks, env, *args).returncode == 0
    return hooks, _git(hooks, env, "rev-parse", "HEAD").stdout.strip()


def _environment(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    return {
        **os.environ,
        "HOME": str(home),
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "PRE_COMMIT_COLOR": "never",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }


def _project(tmp_path: Path, env: dict[str, str], hook: str, args: str = "") -> Path:
    """A repository whose pre-commit config uses ``hook`` from the hook repository, with
    the pre-commit git hook installed."""
    hooks, rev = _hook_repository(tmp_path, env)
    project = tmp_path / "project"
    project.mkdir()
    assert _git(project, env, "init", "-q").returncode == 0
    config = f"repos:\n  - repo: {hooks}\n    rev: {rev}\n    hooks:\n      - id: {hook}\n"
    if args:
        config += f"        args: [{args}]\n"
    _install(project, env, config)
    return project


def _install(project: Path, env: dict[str, str], config: str) -> None:
    """Write the pre-commit config and install the git hook, as a user does."""
    (project / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    installed = subprocess.run(
        [sys.executable, "-m", "pre_commit", "install"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr


def _commit(project: Path, env: dict[str, str], files: dict[str, str], message: str) -> str:
    """Write and stage ``files``, commit; the output if the commit was refused, else ""."""
    write_tree(project, files)
    assert _git(project, env, "add", "-A").returncode == 0
    before = _git(project, env, "rev-list", "--all", "--count").stdout
    done = _git(project, env, "commit", "-m", message)
    after = _git(project, env, "rev-list", "--all", "--count").stdout
    assert (done.returncode == 0) == (before != after), done.stdout + done.stderr
    return "" if done.returncode == 0 else done.stdout + done.stderr


def _assert_gate(project: Path, env: dict[str, str]) -> None:
    assert _commit(project, env, CLEAN, "clean") == ""
    refused = _commit(project, env, VIOLATION, "violation")
    assert "archrules" in refused
    assert "Failed" in refused
    assert (
        "app/core/model.py:1:21: layering app.core.model (layer app.core) imports "
        "app.web.views (layer app.web)"
    ) in refused
    # a commit that touches no Python, TOML or Markdown file does not run the hook
    _git(project, env, "reset", "-q", "--hard")
    assert _commit(project, env, {"data.txt": "x\n"}, "data") == ""


def test_the_system_hook_refuses_a_violating_commit_offline(tmp_path: Path) -> None:
    env = _environment(tmp_path) | {"PIP_NO_INDEX": "1", "no_proxy": "*", "NO_PROXY": "*"}
    project = _project(tmp_path, env, "archrules-system")
    _assert_gate(project, env)
    assert not (tmp_path / "home" / ".cache").exists()  # nothing written to HOME


def test_with_diff_only_new_violations_refuse_a_commit(tmp_path: Path) -> None:
    """Adopting archrules on a codebase with violations: ``args: [--diff, HEAD]`` lets a
    commit through unless it adds a violation."""
    env = _environment(tmp_path)
    project = _project(tmp_path, env, "archrules-system", "--diff, HEAD")
    write_tree(project, {**CLEAN, **VIOLATION})
    assert _git(project, env, "add", "-A").returncode == 0
    assert _git(project, env, "commit", "-q", "--no-verify", "-m", "legacy").returncode == 0
    assert _commit(project, env, {"app/web/more.py": "import app.core\n"}, "more") == ""
    refused = _commit(project, env, {"app/core/new.py": "import app.web\n"}, "new")
    assert "app/core/new.py:1:8: layering" in refused
    assert "app/core/model.py" not in refused


def _index_reachable() -> bool:
    try:
        with urllib.request.urlopen("https://pypi.org/simple/setuptools/", timeout=10):
            return True
    except OSError:
        return False


@pytest.mark.skipif(
    os.environ.get("ARCHRULES_TEST_OFFLINE") == "1" or not _index_reachable(),
    reason="the python hook installs archrules' dependencies from the package index",
)
def test_the_python_hook_installs_archrules_and_refuses_a_violating_commit(
    tmp_path: Path,
) -> None:
    env = _environment(tmp_path)
    env["PATH"] = os.pathsep.join(
        p for p in env["PATH"].split(os.pathsep) if Path(p) != Path(sys.executable).parent
    )  # the hook's own archrules, not this environment's
    project = _project(tmp_path, env, "archrules")
    _assert_gate(project, env)
    environments = list((tmp_path / "pre-commit-home").glob("repo*/py_env-*/bin/archrules"))
    assert len(environments) == 1


def test_the_guides_local_hook_refuses_a_violating_commit_and_clones_nothing(
    tmp_path: Path,
) -> None:
    """docs/guide.md step 6, as written: a `repo: local` hook; no hook repository exists and
    nothing may be fetched (pre-commit would fail on any clone)."""
    guide = (CHECKOUT / "docs" / "guide.md").read_text(encoding="utf-8")
    step = guide[guide.index("## 6.") :]
    config = step[step.index("```yaml\n") + len("```yaml\n") : step.index("```\n", 10)]
    assert "repo: local" in config
    env = _environment(tmp_path) | {"PIP_NO_INDEX": "1", "GIT_ALLOW_PROTOCOL": "none"}
    project = tmp_path / "project"
    project.mkdir()
    assert _git(project, env, "init", "-q").returncode == 0
    _install(project, env, config)
    _assert_gate(project, env)
    assert not list((tmp_path / "pre-commit-home").glob("repo*/"))  # nothing was cloned
