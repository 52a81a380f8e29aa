"""``archrules check --diff REV``: only violations introduced since a git revision, with
real git repositories (skipped when git is not installed)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from archrules.cli.diff import rename_key
from cli_support import run
from support import write_tree

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

CONFIG = """\
[[layers]]
name = "layering"
layers = ["app.web", "app.core"]

[[forbidden]]
name = "no-db-in-core"
from = ["app.core"]
to = ["app.db"]
"""

# enough text for git to see a file that was renamed and edited as renamed
PROSE = "".join(f"# line {n} of a comment that stays the same\n" for n in range(10))

FILES = {
    "archrules.toml": CONFIG,
    "app/__init__.py": "",
    "app/db.py": "",
    "app/util.py": "",
    "app/web/__init__.py": "",
    "app/web/views.py": PROSE,  # git sees no rename of an empty file
    "app/core/__init__.py": "",
    "app/core/legacy.py": "import app.web.views\n",
    "app/core/service.py": "import app.util\n",
}


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],  # noqa: S607
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose first commit has one layer violation (app/core/legacy.py)."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write_tree(root, FILES)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "first")
    return root


def check(
    repo: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    *args: str,
) -> tuple[int, list[str], str]:
    """``check --format json ARGS`` in the repo: (status, reported files:lines, stderr)."""
    code, out, err = run(["check", "--format", "json", *args], repo, capsys, monkeypatch)
    document = json.loads(out)
    reported = [f"{v['path']}:{v['line']}" for v in document["violations"]]
    return code, reported, err


def test_a_violation_present_at_rev_is_not_reported_a_new_one_is(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert check(repo, capsys, monkeypatch)[:2] == (1, ["app/core/legacy.py:1"])
    assert check(repo, capsys, monkeypatch, "--diff", "HEAD")[:2] == (0, [])
    # lines added above the old import: it moved, it is not new
    write_tree(repo, {"app/core/legacy.py": "'''doc'''\n\nimport os\nimport app.web.views\n"})
    write_tree(repo, {"app/core/fresh.py": "from app.web import views\n"})
    code, reported, _ = check(repo, capsys, monkeypatch, "--diff", "HEAD")
    assert (code, reported) == (1, ["app/core/fresh.py:1"])
    # the summary says how many were there already, in every format
    code, out, _ = run(["check", "--diff", "HEAD"], repo, capsys, monkeypatch)
    assert "Found 1 violation (1 error) in 9 files checked, 1 already present at HEAD." in out
    _, out, _ = run(["check", "--diff", "HEAD", "--format", "json"], repo, capsys, monkeypatch)
    assert json.loads(out)["summary"]["diff"] == {"base": "HEAD", "present_at_base": 1}
    _, out, _ = run(["check", "--diff", "HEAD", "--format", "sarif"], repo, capsys, monkeypatch)
    assert json.loads(out)["runs"][0]["properties"]["diff"]["present_at_base"] == 1
    # once committed, it is old for the next commit, new since the first
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "second")
    assert check(repo, capsys, monkeypatch, "--diff", "HEAD")[:2] == (0, [])
    assert check(repo, capsys, monkeypatch, "--diff", "HEAD~1")[:2] == (1, ["app/core/fresh.py:1"])
    assert check(repo, capsys, monkeypatch, "--diff", "main~1")[:2] == (1, ["app/core/fresh.py:1"])


def test_facts_borrowed_from_the_cache_give_what_a_fresh_read_gives(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """REV's unchanged files take their facts from today's cache (by path and content
    hash); changed ones are read. The result is the one --no-cache computes."""
    assert check(repo, capsys, monkeypatch)[0] == 1  # fills the cache with today's facts
    write_tree(repo, {"app/util.py": "import app.db\n", "app/core/fresh.py": "import app.web\n"})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "second")
    write_tree(repo, {"app/util.py": "", "app/core/legacy.py": "import app.db\n"})
    assert check(repo, capsys, monkeypatch)[0] == 1  # today's facts, for today's files
    outputs = [
        run(["check", "--format", "json", "--diff", "HEAD~1", *extra], repo, capsys, monkeypatch)
        for extra in ([], ["--no-cache"], [], ["--jobs", "1"])
    ]
    assert outputs[0][0] == 1
    assert all(output == outputs[0] for output in outputs)
    reported = [v["path"] for v in json.loads(outputs[0][1])["violations"]]
    assert reported == ["app/core/fresh.py", "app/core/legacy.py"]


def test_one_more_of_the_same_import_is_introduced(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(repo, {"app/core/legacy.py": "import app.web.views\nimport app.web.views\n"})
    assert check(repo, capsys, monkeypatch, "--diff", "HEAD")[:2] == (1, ["app/core/legacy.py:2"])


def test_renamed_and_moved_files_keep_their_findings(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    git(repo, "mv", "app/core/legacy.py", "app/core/older.py")  # staged, not committed
    assert check(repo, capsys, monkeypatch, "--diff", "HEAD")[:2] == (0, [])
    git(repo, "commit", "-q", "-m", "rename")
    # modules moved into new packages, the imported one too (git sees renames), committed
    write_tree(repo, {"app/core/older.py": "import app.web.views\n" + PROSE})
    git(repo, "commit", "-q", "-am", "prose")
    base = git(repo, "rev-parse", "HEAD").strip()
    write_tree(repo, {"app/core/kept/__init__.py": "", "app/web/pages/__init__.py": ""})
    git(repo, "mv", "app/web/views.py", "app/web/pages/views.py")
    git(repo, "mv", "app/core/older.py", "app/core/kept/older.py")
    write_tree(repo, {"app/core/kept/older.py": "import app.web.pages.views\n" + PROSE})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "moves")
    assert check(repo, capsys, monkeypatch, "--diff", base)[:2] == (0, [])
    # a renamed file that gained a violation reports that one only
    git(repo, "mv", "app/core/kept/older.py", "app/core/kept/oldest.py")
    write_tree(
        repo, {"app/core/kept/oldest.py": "import app.web.pages.views\nimport app.db\n" + PROSE}
    )
    code, reported, _ = check(repo, capsys, monkeypatch, "--diff", base)
    assert (code, reported) == (1, ["app/core/kept/oldest.py:2"])
    # git sees no rename when the file changed beyond recognition: it is a new file
    write_tree(repo, {"app/core/kept/oldest.py": "import app.web.pages.views\n"})
    code, reported, _ = check(repo, capsys, monkeypatch, "--diff", base)
    assert (code, reported) == (1, ["app/core/kept/oldest.py:1"])


def test_a_module_moved_into_a_forbidden_place_is_introduced(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(repo, {"app/helpers.py": "import app.db\n"})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "helpers")
    git(repo, "mv", "app/helpers.py", "app/core/helpers.py")
    code, reported, _ = check(repo, capsys, monkeypatch, "--diff", "HEAD")
    assert (code, reported) == (1, ["app/core/helpers.py:1"])


def test_an_indirect_finding_caused_elsewhere_is_introduced(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """app/core/service.py does not change; app/util.py starts importing app.db, so the
    core now reaches the db through util: the change introduced that finding."""
    write_tree(repo, {"app/util.py": "import app.db\n"})
    code, out, _ = run(["check", "--diff", "HEAD"], repo, capsys, monkeypatch)
    assert code == 1
    assert "app/core/service.py:1:8: no-db-in-core app.core.service reaches app.db" in out
    assert "legacy" not in out


def test_a_new_rule_reports_only_what_changed_since_rev(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both trees are checked with today's config: adopting a rule does not fail the
    change on the code that was already there."""
    rule = '\n[[forbidden]]\nname = "no-util"\nfrom = ["app.core"]\nto = ["app.util"]\n'
    write_tree(repo, {"archrules.toml": CONFIG + rule})
    assert check(repo, capsys, monkeypatch)[:2] == (
        1,
        ["app/core/legacy.py:1", "app/core/service.py:1"],
    )
    assert check(repo, capsys, monkeypatch, "--diff", "HEAD")[:2] == (0, [])


@pytest.mark.parametrize("roots", ["", '[project]\nroots = ["src"]\n'], ids=["default", "src"])
def test_a_project_that_did_not_exist_at_rev_has_only_new_findings(
    roots: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    git(tmp_path, "init", "-q")
    write_tree(tmp_path, {"sub/README.md": "hello\n"})
    os.symlink("README.md", tmp_path / "sub" / "LINK.md")  # a symbolic link in the old tree
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "readme")
    files = {f"sub/src/{name}": text for name, text in FILES.items() if name.endswith(".py")}
    write_tree(tmp_path, {**files, "sub/archrules.toml": roots + CONFIG})
    code, reported, _ = check(tmp_path / "sub", capsys, monkeypatch, "--diff", "HEAD")
    assert (code, reported) == (1, ["src/app/core/legacy.py:1"])


def test_the_baseline_applies_to_both_trees(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(["baseline"], repo, capsys, monkeypatch)[0] == 0
    write_tree(repo, {"app/core/fresh.py": "from app.web import views\n"})
    code, out, _ = run(["check", "--diff", "HEAD"], repo, capsys, monkeypatch)
    assert code == 1
    assert "app/core/fresh.py:1:21" in out
    assert "in 9 files checked, 1 baselined, 0 already present at HEAD." in out


def test_the_working_tree_and_the_index_are_left_alone(
    repo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    write_tree(repo, {"app/core/fresh.py": "import app.web\n"})
    git(repo, "add", "app/core/fresh.py")
    write_tree(repo, {"app/core/legacy.py": "import app.web.views  # edited, unstaged\n"})
    status = git(repo, "status", "--porcelain")  # (this one may refresh the index)
    worktrees = git(repo, "worktree", "list")
    index = (repo / ".git" / "index").read_bytes()
    index_mtime = (repo / ".git" / "index").stat().st_mtime_ns
    assert check(repo, capsys, monkeypatch, "--diff", "HEAD")[:2] == (1, ["app/core/fresh.py:1"])
    assert (repo / ".git" / "index").read_bytes() == index
    assert (repo / ".git" / "index").stat().st_mtime_ns == index_mtime
    assert git(repo, "status", "--porcelain") == status
    assert git(repo, "worktree", "list") == worktrees
    assert list(scratch.iterdir()) == []  # the old tree was removed


def test_a_revision_that_does_not_exist_is_a_clear_error(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = run(["check", "--diff", "no-such-branch"], repo, capsys, monkeypatch)
    assert code == 2
    assert out == ""
    assert err == f"archrules: error: --diff no-such-branch: no such git revision in {repo}\n"
    code, out, err = run(["check", "--diff=--upload-pack=x"], repo, capsys, monkeypatch)
    assert (code, err) == (2, "archrules: error: --diff '--upload-pack=x': not a git revision\n")
    # a machine format still gets a document it can read
    code, out, _ = run(["check", "--diff", "nope", "--format", "sarif"], repo, capsys, monkeypatch)
    assert code == 2
    assert "no such git revision" in json.dumps(json.loads(out))


def test_outside_a_git_repository_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, FILES)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    code, out, err = run(["check", "--diff", "HEAD"], tmp_path, capsys, monkeypatch)
    assert (code, out) == (2, "")
    assert err.startswith(f"archrules: error: --diff HEAD: {tmp_path} is not in a git repository")
    assert "\n" not in err.rstrip("\n")


def test_without_git_on_path_is_a_clear_error(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(repo / "nowhere"))
    code, _, err = run(["check", "--diff", "HEAD"], repo, capsys, monkeypatch)
    assert (code, err) == (2, "archrules: error: --diff needs git, which is not on PATH\n")


def test_rename_key_renames_modules_and_names_in_them_but_not_other_modules() -> None:
    renames = {"a.b": "a.c", "a.x": "a.y"}
    known = {"a", "a.b", "a.b.z", "a.x"}
    key = ("a.b", "a.b.z", "a.b.func", "a.x.Class.method", "a", "ext")
    assert rename_key(key, renames, known) == (
        "a.c",
        "a.b.z",  # a module of its own that was not renamed
        "a.c.func",
        "a.y.Class.method",
        "a",
        "ext",
    )
    assert rename_key(key, {}, known) == key
