"""The GitHub Actions example (docs/examples/github-actions-archrules.yml): its archrules
steps run as written, with bash, in a git repository shaped like a pull request's checkout
(``origin/main`` is the base); the SARIF log they write is what upload-sarif accepts (the
official SARIF 2.1.0 schema) and what the upload step names."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from support import write_tree
from test_formats import _validator

yaml = pytest.importorskip("yaml")  # PyYAML comes with pre-commit (dev extra)
pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or shutil.which("bash") is None, reason="needs git and bash"
)

WORKFLOW = Path(__file__).resolve().parents[1] / "docs/examples/github-actions-archrules.yml"
FILES = {
    "archrules.toml": '[[layers]]\nname = "layering"\nlayers = ["app.web", "app.core"]\n',
    "app/__init__.py": "",
    "app/web/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/old.py": "import app.web\n",
}


def _steps() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    job = workflow["jobs"]["archrules"]
    return job, job["steps"]


def _step(steps: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(step for step in steps if step.get("name") == name)


def _run_step(step: dict[str, Any], repo: Path, **env: str) -> subprocess.CompletedProcess[str]:
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return subprocess.run(
        ["bash", "-e", "-c", step["run"]],  # noqa: S607 - bash, as the runner runs a step
        cwd=repo,
        env={**os.environ, "PATH": path, **env},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def pull_request(tmp_path: Path) -> Path:
    """A checkout of a pull request: ``origin/main`` has one old violation, the pull
    request's commit adds another."""
    repo = tmp_path / "repo"
    repo.mkdir()

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],  # noqa: S607
            cwd=repo,
            check=True,
            capture_output=True,
        )

    git("init", "-q")
    write_tree(repo, FILES)
    git("add", "-A")
    git("commit", "-q", "-m", "base")
    git("update-ref", "refs/remotes/origin/main", "HEAD")
    write_tree(repo, {"app/core/new.py": "from app.web import x\n", "app/web/x.py": ""})
    git("add", "-A")
    git("commit", "-q", "-m", "pull request")
    return repo


def test_the_workflow_is_wired_for_diff_and_code_scanning() -> None:
    job, steps = _steps()
    assert job["permissions"]["security-events"] == "write"
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0  # --diff needs the base branch's commit
    upload = next(
        s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")
    )
    sarif_file = upload["with"]["sarif_file"]
    assert f"> {sarif_file}" in _step(steps, "archrules SARIF log")["run"]
    assert upload["if"] == _step(steps, "archrules SARIF log")["if"] == "${{ !cancelled() }}"


def test_on_a_pull_request_only_its_violations_are_annotated(pull_request: Path) -> None:
    _, steps = _steps()
    done = _run_step(_step(steps, "archrules check"), pull_request, BASE_REF="main")
    assert done.returncode == 1, done.stderr
    annotations = [line for line in done.stdout.splitlines() if line.startswith("::")]
    assert len(annotations) == 1
    assert annotations[0].startswith("::error file=app/core/new.py,line=1,")
    # on a push (no base branch), everything above the baseline
    done = _run_step(_step(steps, "archrules check"), pull_request, BASE_REF="")
    assert done.returncode == 1
    assert "file=app/core/old.py" in done.stdout
    assert "file=app/core/new.py" in done.stdout


def test_the_sarif_log_is_what_upload_sarif_accepts(pull_request: Path) -> None:
    _, steps = _steps()
    done = _run_step(_step(steps, "archrules SARIF log"), pull_request)
    assert done.returncode == 0, done.stderr  # --exit-zero: the upload step still runs
    log = json.loads((pull_request / "archrules.sarif").read_text(encoding="utf-8"))
    assert [f"{e.message}" for e in _validator().iter_errors(log)] == []
    (run,) = log["runs"]
    rules = {rule["id"] for rule in run["tool"]["driver"]["rules"]}
    located = sorted(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for result in run["results"]
    )
    assert located == ["app/core/new.py", "app/core/old.py"]  # relative to the checkout
    assert {result["ruleId"] for result in run["results"]} <= rules
