"""The CLI where a user must be able to trust it (issue 11): paths with ``..``, the
baseline's scope, config errors in every format, options."""

from __future__ import annotations

import io
import json
import re
import shutil
import sys
from pathlib import Path

import pytest

from archrules.cli.main import main
from cli_support import run, two_projects
from support import write_tree

REPO = Path(__file__).resolve().parents[1]
SHOP = REPO / "examples" / "shop"
FINDING = re.compile(r"^(\S+):(\d+):\d+: (\S+)", re.M)


@pytest.fixture(autouse=True)
def _isolated_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARCHRULES_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    target = tmp_path / "shop"
    shutil.copytree(SHOP, target)
    return target


def findings(out: str, cwd: Path) -> set[tuple[Path, int, str]]:
    """(absolute path, line, rule) of each finding in text output run from ``cwd``."""
    return {((cwd / path).resolve(), int(line), rule) for path, line, rule in FINDING.findall(out)}


def entries(path: Path) -> list[list[str]]:
    return [entry["key"] for entry in json.loads(path.read_text(encoding="utf-8"))["entries"]]


# --- B6: a PATH with '..' ---------------------------------------------------------------


def test_paths_with_dotdot_find_what_the_root_finds(shop: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(["check"], shop, capsys, monkeypatch)
    everything = findings(out, shop)
    assert code == 1 and len(everything) > 20
    inside = shop / "src" / "shop" / "cli"
    code, out, _ = run(["check", "../../.."], inside, capsys, monkeypatch)
    assert (code, findings(out, inside)) == (1, everything)
    in_shop = {f for f in everything if (shop / "src" / "shop") in f[0].parents}
    code, out, _ = run(["check", ".."], inside, capsys, monkeypatch)
    assert (code, findings(out, inside)) == (1, in_shop)
    code, out, _ = run(["check", "src/shop/../shop"], shop, capsys, monkeypatch)
    assert (code, findings(out, shop)) == (1, in_shop)
    # and the baseline sees the same: all baselined, nothing stale
    assert run(["baseline"], shop, capsys, monkeypatch)[0] == 0
    code, out, _ = run(["check", "../../.."], inside, capsys, monkeypatch)
    assert code == 0
    assert f"{len(everything)} baselined" in out and "Stale" not in out


# --- B7: baseline changes only the checked scope ----------------------------------------


def test_baseline_in_a_subfolder_keeps_the_other_entries(shop: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    target = shop / "archrules-baseline.json"
    assert run(["baseline"], shop, capsys, monkeypatch)[0] == 0
    before = entries(target)
    assert len(before) > 20
    domain = shop / "src" / "shop" / "domain"
    code, out, _ = run(["baseline", "."], domain, capsys, monkeypatch)
    assert code == 0
    assert entries(target) == before
    assert "kept" in out
    # fixing a violation inside the scope drops its entry, and only it
    (domain / "customer.py").write_text("", encoding="utf-8")
    code, out, _ = run(["baseline", "src/shop/domain"], shop, capsys, monkeypatch)
    assert code == 0
    after = entries(target)
    assert [e for e in before if e not in after] == [
        ["pure-core", "shop.domain.customer", "sqlite3"]
    ]
    assert run(["check"], shop, capsys, monkeypatch)[0] == 0


def test_baseline_never_writes_into_a_sibling_project(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    two_projects(tmp_path)
    sibling = tmp_path / "two" / "archrules-baseline.json"
    assert run(["baseline"], tmp_path / "two", capsys, monkeypatch)[0] == 0
    kept = sibling.read_text(encoding="utf-8")
    code, _, err = run(["baseline", ".."], tmp_path / "one", capsys, monkeypatch)
    assert code == 2
    assert "no archrules.toml" in err and "archrules baseline" in err
    assert sibling.read_text(encoding="utf-8") == kept
    assert not (tmp_path / "one" / "archrules-baseline.json").exists()
    # naming the sibling is asking for it
    code, out, _ = run(["baseline", "../two"], tmp_path / "one", capsys, monkeypatch)
    assert code == 0 and "two/archrules-baseline.json" in out


def test_baseline_at_a_monorepo_root_leaves_nested_projects_alone(  # type: ignore[no-untyped-def]
    tmp_path: Path, capsys, monkeypatch
) -> None:
    layer = '[[layers]]\nname = "l"\nlayers = ["{p}.web", "{p}.core"]\n'
    write_tree(
        tmp_path,
        {
            "archrules.toml": layer.format(p="top") + '[project]\nroots = ["."]\n',
            "top/__init__.py": "",
            "top/web.py": "",
            "top/core.py": "import top.web\n",
            "sub/archrules.toml": layer.format(p="sub"),
            "sub/sub/__init__.py": "",
            "sub/sub/web.py": "",
            "sub/sub/core.py": "import sub.web\n",
        },
    )
    code, _, err = run(["baseline"], tmp_path, capsys, monkeypatch)
    assert code == 0
    assert (tmp_path / "archrules-baseline.json").is_file()
    assert not (tmp_path / "sub" / "archrules-baseline.json").exists()
    assert "run `archrules baseline sub`" in err


# --- B8: checking a subset is not staleness ---------------------------------------------


def test_a_subset_check_reports_no_stale_entries_outside_it(
    shop: Path, capsys, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    assert run(["baseline"], shop, capsys, monkeypatch)[0] == 0
    for args in (
        ["check", "--select", "pure-core"],
        ["check", "src/shop/domain/cart.py"],
        ["check", "src/shop/domain", "--select", "clean-architecture"],
    ):
        code, out, _ = run(args, shop, capsys, monkeypatch)
        assert code == 0, args
        assert "Stale" not in out and "archrules baseline" not in out, args
        code, out, _ = run([*args, "--format", "json"], shop, capsys, monkeypatch)
        assert json.loads(out)["stale_baseline"] == [], args
    # an entry of the checked scope that no longer matches is stale
    (shop / "src" / "shop" / "domain" / "customer.py").write_text("", encoding="utf-8")
    stale = "pure-core: shop.domain.customer -> sqlite3"
    for args in (["check", "--select", "pure-core"], ["check", "src/shop/domain/customer.py"]):
        code, out, _ = run(args, shop, capsys, monkeypatch)
        assert code == 0 and stale in out, args
    for args in (["check", "--select", "billing-api"], ["check", "src/shop/web"]):
        code, out, _ = run(args, shop, capsys, monkeypatch)
        assert code == 0 and "Stale" not in out, args


# --- B10: config errors in every format -------------------------------------------------

BAD = '[project]\nrots = ["src"]\n'


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    write_tree(tmp_path, {"archrules.toml": BAD, "src/app/__init__.py": ""})
    return tmp_path


def test_config_error_as_json(broken: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(["check", "--format", "json"], broken, capsys, monkeypatch)
    assert code == 2
    document = json.loads(out)
    assert document["violations"] == []
    (error,) = document["errors"]
    assert (error["path"], error["line"], error["column"]) == ("archrules.toml", 2, 1)
    assert "rots" in error["message"]
    assert "archrules.toml:2:1: config error" in err


def test_config_error_as_sarif(broken: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(["check", "--format", "sarif"], broken, capsys, monkeypatch)
    assert code == 2
    log = json.loads(out)
    assert log["version"] == "2.1.0"
    (run_,) = log["runs"]
    (invocation,) = run_["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolConfigurationNotifications"]
    assert note["level"] == "error" and "rots" in note["message"]["text"]
    location = note["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "archrules.toml"
    assert location["region"]["startLine"] == 2


def test_config_error_as_github_annotation(broken: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(["check", "--format", "github"], broken, capsys, monkeypatch)
    assert code == 2
    assert out.startswith("::error file=archrules.toml,line=2,col=1,")
    assert "rots" in out


@pytest.mark.parametrize("fmt", ["json", "sarif", "github"])
def test_usage_errors_in_machine_formats(tmp_path: Path, capsys, monkeypatch, fmt: str) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(["check", "--format", fmt], tmp_path, capsys, monkeypatch)
    assert code == 2
    assert "no archrules.toml" in err
    if fmt == "github":
        assert out.startswith("::error ") and "no archrules.toml" in out
    else:
        assert "no archrules.toml" in json.dumps(json.loads(out))


# --- B11: --select ----------------------------------------------------------------------


def test_select_takes_one_value_and_may_repeat(shop: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(
        ["check", "--select", "pure-core", "src/shop/domain"], shop, capsys, monkeypatch
    )
    assert code == 1
    assert {(p, r) for p, _, r in FINDING.findall(out)} == {
        ("src/shop/domain/customer.py", "pure-core")
    }
    code, out, _ = run(
        ["check", "--select", "pure-core", "--select", "billing-api,bounded-contexts"],
        shop,
        capsys,
        monkeypatch,
    )
    assert code == 1
    assert {r for _, _, r in FINDING.findall(out)} == {
        "pure-core",
        "billing-api",
        "bounded-contexts",
    }


def test_a_misspelt_naming_style_is_a_config_error(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    write_tree(
        tmp_path,
        {
            "archrules.toml": '[[naming]]\nname = "n"\nin = ["app"]\nclasses = "pascalcase"\n',
            "app/__init__.py": "class lower: pass\n",
        },
    )
    code, _, err = run(["check"], tmp_path, capsys, monkeypatch)
    assert code == 2
    assert "archrules.toml:4:11: config error: 'pascalcase' is not a name style" in err
    assert "did you mean PascalCase?" in err


# --- B12: output a person can scan ------------------------------------------------------


def test_colour_follows_the_option_and_the_environment(shop: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    _, out, _ = run(["check"], shop, capsys, monkeypatch)
    assert "\x1b[" not in out  # not a terminal
    _, out, _ = run(["check", "--color", "always"], shop, capsys, monkeypatch)
    assert "\x1b[1;31mclean-architecture\x1b[0m" in out
    monkeypatch.setenv("FORCE_COLOR", "1")
    _, out, _ = run(["check"], shop, capsys, monkeypatch)
    assert "\x1b[" in out
    monkeypatch.setenv("NO_COLOR", "1")
    _, out, _ = run(["check"], shop, capsys, monkeypatch)
    assert "\x1b[" not in out
    _, out, _ = run(["check", "--color", "always"], shop, capsys, monkeypatch)
    assert "\x1b[" in out
    monkeypatch.delenv("NO_COLOR")
    _, out, _ = run(["check", "--color", "never"], shop, capsys, monkeypatch)
    assert "\x1b[" not in out
    # machine formats never get colour
    _, out, _ = run(["check", "--format", "json", "--color", "always"], shop, capsys, monkeypatch)
    assert "\x1b[" not in out


def test_statistics_like_ruff(shop: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(["check", "--statistics"], shop, capsys, monkeypatch)
    assert code == 1
    lines = out.splitlines()
    assert re.match(r"^3  clean-architecture +error +layers +ADR-0002$", lines[0])
    counts = [int(line.split()[0]) for line in lines if line[:1].isdigit()]
    assert counts == sorted(counts, reverse=True) and sum(counts) == 24
    assert not FINDING.search(out)  # counts, not findings
    assert lines[-1].startswith("Found 24 violations")
    code, out, _ = run(["check", "--statistics", "--format", "json"], shop, capsys, monkeypatch)
    stats = json.loads(out)["statistics"]
    assert stats[0] == {
        "rule": "clean-architecture",
        "count": 3,
        "severity": "error",
        "kind": "layers",
    }
    code, _, err = run(["check", "--statistics", "--format", "sarif"], shop, capsys, monkeypatch)
    assert code == 2 and "--statistics works with --format text or json" in err


def test_a_subset_of_rules_keeps_its_note_once(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    body = "".join(f"    x{i} = {i}\n" for i in range(6))
    write_tree(
        tmp_path,
        {
            "archrules.toml": '[[size]]\nname = "small"\nin = ["app"]\nmax-function-lines = 3\n',
            "app/__init__.py": "".join(f"def f{n}():\n{body}" for n in range(5)),
        },
    )
    code, out, _ = run(["check"], tmp_path, capsys, monkeypatch)
    assert code == 1
    assert len(FINDING.findall(out)) == 5
    assert out.count("comment-only lines") == 1
    assert "note: small: a function's lines run from its def line" in out


def test_a_reader_that_goes_away_ends_the_output_quietly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`archrules adr list | head -1`: the pipe closes while archrules writes; it stops like
    any command killed by SIGPIPE (141), with no 'internal error' on stderr. (The write is
    made to fail here: this sandbox's pipes do not report a closed reader reliably.)"""

    class ClosedPipe(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

        def fileno(self) -> int:
            raise io.UnsupportedOperation("fileno")

    files = {"archrules.toml": SIBLING_MANY, "app/__init__.py": "", "app/web.py": ""}
    files |= {"app/low/__init__.py": "", "app/low/m.py": "import app.web\n"}
    write_tree(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    assert main(["check", "--no-cache"]) == 141
    assert "internal error" not in capsys.readouterr().err


SIBLING_MANY = """
[project]
roots = ["."]

[[layers]]
name = "web-over-core"
layers = ["app.web", "app.low"]
"""
