"""End-to-end tests of ``archrules`` as a user runs it: on the bundled example project and
on small projects written for one behaviour each."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from archrules.cli.main import main
from archrules.core import files, pool, project
from cli_support import run, two_projects
from support import write_tree

REPO = Path(__file__).resolve().parents[1]
SHOP = REPO / "examples" / "shop"

# The planted violations documented in examples/shop/README.md: (path, line, rule)
PLANTED = {
    ("src/shop/catalog/inventory.py", 36, "no-cycles"),
    ("src/shop/cli/export.py", 12, "clean-architecture"),
    ("src/shop/cli/reports.py", 8, "billing-api"),
    ("src/shop/data/repositories/products.py", 12, "no-cycles"),
    ("src/shop/domain/cart.py", 11, "clean-architecture"),
    ("src/shop/domain/customer.py", 8, "pure-core"),
    ("src/shop/domain/events.py", 9, "domain-dependencies"),
    ("src/shop/domain/receipt.py", 10, "clean-architecture"),
    ("src/shop/orders/fulfilment.py", 6, "bounded-contexts"),
    ("src/shop/services/checkout.py", 38, "pure-core"),
    ("src/shop/services/notifications.py", 8, "pure-core"),
    ("src/shop/services/pricing.py", 12, "unused-exception"),
    ("src/shop/services/reports.py", 6, "exception-adr"),
    ("src/shop/web/broken_draft.py", 6, "billing-api"),
    ("src/shop/web/broken_draft.py", 17, "syntax-error"),
    # the conventions
    ("src/shop/data/repositories/queries.py", 1, "repository-naming"),
    ("src/shop/data/repositories/suppliers.py", 16, "repository-naming"),
    ("src/shop/data/repositories/suppliers.py", 26, "repository-naming"),
    ("src/shop/services/refunds.py", 22, "small-units"),
    ("src/shop/services/refunds.py", 62, "settings-only"),
    ("src/shop/web/feeds.py", 16, "no-copies"),
    ("src/shop/web/feeds.py", 31, "settings-only"),
    ("src/shop/web/serializers.py", 22, "no-copies"),
    ("src/shop/domain/DiscountCode.py", 1, "naming-drift"),
}


@pytest.fixture(autouse=True)
def _isolated_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    cache = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("ARCHRULES_CACHE_DIR", str(cache))
    return cache


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """A private copy of the example (tests may edit it)."""
    target = tmp_path / "shop"
    shutil.copytree(SHOP, target)
    return target


# --- the example project, every format --------------------------------------------------


def test_text_output_on_the_example(shop: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(["check"], shop, capsys, monkeypatch)
    assert code == 1
    found = set()
    for line in out.splitlines():
        match = re.match(r"^(\S+?):(\d+):(\d+): (\S+) ", line)
        if match:
            found.add((match.group(1), int(match.group(2)), match.group(4)))
    assert found == PLANTED
    assert "(ADR-0002: Layered architecture: entry points, services, domain)" in out
    assert "    chain: shop.domain.receipt -> shop.utils.formatting -> shop.services.pricing" in out
    assert "(18 errors, 4 warnings, 2 hints) in 53 files checked." in out
    assert "By rule: clean-architecture 3, pure-core 3, repository-naming 3," in out
    # the size rule's way of counting is said once, not on each finding
    assert out.count("comment-only lines") == 1
    assert "\x1b[" not in out  # no colour when not on a terminal


def test_json_output_follows_the_schema(shop: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(["check", "--format", "json"], shop, capsys, monkeypatch)
    assert code == 1
    data = json.loads(out)
    assert data["version"] == 1
    summary = {k: v for k, v in data["summary"].items() if k != "rules"}
    assert summary == {"files": 53, "violations": len(PLANTED), "baselined": 0, "skipped": []}
    assert sum(data["summary"]["rules"].values()) == len(PLANTED)
    copy = next(v for v in data["violations"] if v["path"] == "src/shop/web/feeds.py")
    assert (copy["kind"], copy["line"], copy["column"]) == ("duplicates", 16, 5)
    receipt = next(v for v in data["violations"] if v["path"] == "src/shop/domain/receipt.py")
    assert receipt["kind"] == "layers"
    assert receipt["chain"] == [
        "shop.domain.receipt",
        "shop.utils.formatting",
        "shop.services.pricing",
    ]
    assert receipt["importer"] == "shop.domain.receipt"
    assert receipt["imported"] == "shop.utils.formatting"
    assert receipt["adr"] == "ADR-0002"
    assert (receipt["line"], receipt["end_line"]) == (10, 10)
    assert receipt["column"] < receipt["end_column"]
    required = {"rule", "kind", "severity", "path", "line", "column", "end_line", "end_column"}
    assert all(required <= set(v) for v in data["violations"])


def test_sarif_output(shop: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(["check", "--format", "sarif"], shop, capsys, monkeypatch)
    assert code == 1
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0"
    run0 = sarif["runs"][0]
    assert len(run0["results"]) == len(PLANTED)
    rules = {r["id"]: r for r in run0["tool"]["driver"]["rules"]}
    assert "Layered architecture" in rules["clean-architecture"]["help"]["text"]
    # a duplicate points at its other copy
    (copy,) = [
        r
        for r in run0["results"]
        if r["ruleId"] == "no-copies"
        and r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("feeds.py")
    ]
    (other,) = copy["relatedLocations"]
    assert other["physicalLocation"]["artifactLocation"]["uri"].endswith("serializers.py")
    assert other["message"]["text"] == "the same body: shop.web.serializers.order_to_dict"


def test_github_output(shop: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(["check", "--format", "github"], shop, capsys, monkeypatch)
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == len(PLANTED)
    assert all(re.match(r"^::(error|warning|notice) file=", line) for line in lines)
    assert any(line.startswith("::error file=src/shop/domain/cart.py,line=11,") for line in lines)


def test_select_and_exit_zero(shop: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(["check", "--select", "pure-core,billing-api"], shop, capsys, monkeypatch)
    assert code == 1
    rules = {line.split()[1] for line in out.splitlines() if re.match(r"^\S+:\d+:\d+: ", line)}
    assert rules == {"pure-core", "billing-api"}
    code, _, _ = run(["check", "--exit-zero"], shop, capsys, monkeypatch)
    assert code == 0
    code, _, err = run(["check", "--select", "no-such-rule"], shop, capsys, monkeypatch)
    assert code == 2
    assert "no rule named no-such-rule" in err


def test_path_arguments_restrict_the_report(shop: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(["check", "src/shop/domain"], shop, capsys, monkeypatch)
    assert code == 1
    paths = {line.split(":")[0] for line in out.splitlines() if re.match(r"^\S+:\d+:\d+: ", line)}
    assert paths == {
        "src/shop/domain/DiscountCode.py",
        "src/shop/domain/cart.py",
        "src/shop/domain/customer.py",
        "src/shop/domain/events.py",
        "src/shop/domain/receipt.py",
    }
    # from inside the tree, the nearest config above governs
    code, out, _ = run(["check", "."], shop / "src" / "shop" / "cli", capsys, monkeypatch)
    assert code == 1
    paths = {line.split(":")[0] for line in out.splitlines() if re.match(r"^\S+:\d+:\d+: ", line)}
    assert paths == {"export.py", "reports.py"}


def test_severity_only_hints_exit_zero(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    write_tree(
        tmp_path,
        {
            "archrules.toml": '[project]\nroots = ["src"]\n'
            '[[forbidden]]\nname = "f"\nfrom = ["app.a"]\nto = ["sqlite3"]\n',
            "src/app/__init__.py": "",
            "src/app/a.py": "import json  # archrules: allow[f]\n",
        },
    )
    code, out, _ = run(["check"], tmp_path, capsys, monkeypatch)
    assert code == 0
    assert "unused-exception" in out


def test_clean_project_exits_zero(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    write_tree(
        tmp_path,
        {
            "archrules.toml": '[[layers]]\nname = "l"\nlayers = ["app.web", "app.core"]\n',
            "src/app/__init__.py": "",
            "src/app/web.py": "from app import core\n",
            "src/app/core.py": "import os\n",
        },
    )
    code, out, _ = run(["check"], tmp_path, capsys, monkeypatch)
    assert (code, out.strip()) == (0, "No violations in 3 files checked.")


def test_pyproject_config(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    write_tree(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "x"\n\n[tool.archrules]\n'
            '[[tool.archrules.layers]]\nname = "l"\nlayers = ["app.web", "app.core"]\n',
            "app/__init__.py": "",
            "app/web.py": "",
            "app/core.py": "from app import web\n",
        },
    )
    code, out, _ = run(["check"], tmp_path, capsys, monkeypatch)
    assert code == 1
    assert out.startswith("app/core.py:1:17: l app.core (layer app.core) imports app.web")


def test_monorepo_runs_each_config_on_its_subtree(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    two_projects(tmp_path)
    code, out, _ = run(["check"], tmp_path, capsys, monkeypatch)
    assert code == 1
    assert "one/one/core.py:1:8: l " in out and "two/two/core.py:1:8: l " in out


# --- errors: exit 2 with a location, never a traceback ---------------------------------


@pytest.mark.parametrize(
    ("config", "where", "message"),
    [
        ('[project]\nrots = ["src"]\n', "archrules.toml:2:1:", "rots"),
        (
            '[[layers]]\nname = "l"\nlayers = ["app.wbe", "app.core"]\n',
            "archrules.toml:3:11:",
            "app.wbe",
        ),
        (
            '[[layers]]\nname = "l"\nlayers = ["app"]\n[[layers]]\nname = "l"\nlayers = ["app"]\n',
            "archrules.toml:5:8:",
            "duplicate",
        ),
        (
            '[[layers]]\nname = "l"\nadr = "ADR-0042"\nlayers = ["app"]\n',
            "archrules.toml:3:7:",
            "ADR-0042",
        ),
        ("[[layers]\n", "archrules.toml:1:", "TOML"),
    ],
)
def test_config_errors_exit_2_with_location(  # type: ignore[no-untyped-def]
    tmp_path: Path, capsys, monkeypatch, config: str, where: str, message: str
) -> None:
    write_tree(
        tmp_path,
        {"archrules.toml": config, "src/app/__init__.py": "", "src/app/core.py": ""},
    )
    code, out, err = run(["check"], tmp_path, capsys, monkeypatch)
    assert code == 2
    assert out == ""
    assert err.startswith(where), err
    assert message.lower() in err.lower()
    assert "Traceback" not in err


def test_no_config_found(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(["check"], tmp_path, capsys, monkeypatch)
    assert code == 2 and out == ""
    # says what is missing and how to make one
    assert err == (
        "archrules: error: no archrules.toml (or pyproject.toml with [tool.archrules]) "
        "governs .; `archrules init` at the project's root proposes one "
        "(`--write` writes it)\n"
    )
    code, _, err = run(["check", "nowhere"], tmp_path, capsys, monkeypatch)
    assert code == 2
    assert "nowhere: no such file or directory" in err
    code, _, err = run(["check", "--config", "missing.toml"], tmp_path, capsys, monkeypatch)
    assert code == 2


def test_unreadable_files_and_symlink_loops_do_not_stop_a_check(  # type: ignore[no-untyped-def]
    tmp_path: Path, capsys, monkeypatch
) -> None:
    write_tree(
        tmp_path,
        {
            "archrules.toml": '[[layers]]\nname = "l"\nlayers = ["app.web", "app"]\n',
            "src/app/__init__.py": "",
            "src/app/web.py": "",
            "src/app/core.py": "import app.web\n",
            "src/app/latin.py": "",
        },
    )
    (tmp_path / "src/app/ghost.py").symlink_to(tmp_path / "does-not-exist.py")
    (tmp_path / "src/app/loop").mkdir()
    (tmp_path / "src/app/loop/again").symlink_to(tmp_path / "src/app")
    os.mkfifo(tmp_path / "src/app/pipe.py")  # reading it would block forever
    (tmp_path / "src/app/latin.py").write_bytes(
        b"# -*- coding: latin-1 -*-\nx = '\xe9'\nimport app.web\n"
    )
    code, out, err = run(["check"], tmp_path, capsys, monkeypatch)
    assert code == 1
    assert "src/app/core.py:1:8: l " in out
    assert "src/app/latin.py:3:8: l " in out
    assert "Traceback" not in err


def test_unreadable_file_is_reported(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    write_tree(
        tmp_path,
        {
            "archrules.toml": '[[layers]]\nname = "l"\nlayers = ["app.web", "app.core"]\n',
            "src/app/__init__.py": "",
            "src/app/web.py": "",
            "src/app/core.py": "",
        },
    )

    real_read = files.read_regular

    def read_regular(path: Path | str, *args: Any, **kwargs: Any) -> Any:
        if str(path).endswith("core.py"):
            raise PermissionError(13, "Permission denied")
        return real_read(path, *args, **kwargs)

    for module in (pool, project):  # the readers (root may read anything: chmod won't do)
        monkeypatch.setattr(module, "read_regular", read_regular)
    code, out, _ = run(["check", "--no-cache", "--jobs", "1"], tmp_path, capsys, monkeypatch)
    assert code == 1
    assert "src/app/core.py:1:1: unreadable-file cannot read this file: Permission denied" in out


# --- baseline ----------------------------------------------------------------------------


def test_baseline_lifecycle(shop: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(["baseline"], shop, capsys, monkeypatch)
    assert code == 0
    assert (shop / "archrules-baseline.json").is_file()
    code, out, _ = run(["check"], shop, capsys, monkeypatch)
    assert code == 0
    assert f"{len(PLANTED)} baselined" in out

    # moving a violation to another line keeps it baselined (no line numbers in the key)
    cart = shop / "src/shop/domain/cart.py"
    cart.write_text("\n\n" + cart.read_text(encoding="utf-8"), encoding="utf-8")
    code, _, _ = run(["check"], shop, capsys, monkeypatch)
    assert code == 0

    # a new violation fails; only it is reported
    customer = shop / "src/shop/domain/customer.py"
    customer.write_text(
        customer.read_text(encoding="utf-8") + "\nimport shop.web.app\n", encoding="utf-8"
    )
    code, out, _ = run(["check"], shop, capsys, monkeypatch)
    assert code == 1
    assert re.findall(r"^\S+:\d+:\d+: (\S+)", out, re.M) == ["clean-architecture"]

    # fixing a baselined violation leaves a stale entry, reported
    customer.write_text("", encoding="utf-8")
    code, out, _ = run(["check"], shop, capsys, monkeypatch)
    assert code == 0
    assert "Stale baseline entries" in out and "pure-core: shop.domain.customer -> sqlite3" in out

    # --no-baseline shows everything; --baseline FILE reads another file
    code, _, _ = run(["check", "--no-baseline"], shop, capsys, monkeypatch)
    assert code == 1
    code, _, err = run(["check", "--baseline", "other.json"], shop, capsys, monkeypatch)
    assert (code, "other.json: no such baseline file" in err) == (2, True)
    (shop / "broken.json").write_text("{not json", encoding="utf-8")
    code, _, err = run(["check", "--baseline", "broken.json"], shop, capsys, monkeypatch)
    assert code == 2 and "not a baseline file" in err
    code, _, _ = run(["baseline", "--baseline", "other.json"], shop, capsys, monkeypatch)
    assert code == 0 and (shop / "other.json").is_file()


# --- cache -----------------------------------------------------------------------------


def test_cache_gives_the_same_result_and_survives_corruption(  # type: ignore[no-untyped-def]
    shop: Path, capsys, monkeypatch, _isolated_cache: Path
) -> None:
    _, cold, _ = run(["check", "--format", "json"], shop, capsys, monkeypatch)
    cache_files = sorted(_isolated_cache.glob("*.arc"))
    assert [p.name.split("-")[0] for p in cache_files] == [
        "configs",
        "discovery",
        "facts",
        "result",
    ]
    _, warm, _ = run(["check", "--format", "json"], shop, capsys, monkeypatch)
    assert warm == cold
    # an edit is seen through the cache (the fingerprint changed, then the content)
    cart = shop / "src/shop/domain/cart.py"
    cart.write_text(
        cart.read_text(encoding="utf-8").replace("from ..web", "from ..domain"), encoding="utf-8"
    )
    _, edited, _ = run(["check", "--format", "json"], shop, capsys, monkeypatch)
    assert len(json.loads(edited)["violations"]) == len(PLANTED) - 1
    # corrupt cache files are ignored, then rewritten
    for path in cache_files:
        path.write_bytes(b"{garbage")
    _, again, _ = run(["check", "--format", "json"], shop, capsys, monkeypatch)
    assert again == edited
    assert all(p.read_bytes().startswith(b"archrules-cache") for p in cache_files)
    # --no-cache neither reads nor writes
    for path in cache_files:
        path.unlink()
    run(["check", "--no-cache"], shop, capsys, monkeypatch)
    assert not list(_isolated_cache.iterdir())


# --- adr -------------------------------------------------------------------------------


def test_adr_list_and_new(shop: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(["adr", "list"], shop, capsys, monkeypatch)
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 10
    assert lines[3].startswith("ADR-0004  superseded by ADR-0008")
    code, out, _ = run(["adr", "new", "Use a message bus"], shop, capsys, monkeypatch)
    assert code == 0
    assert out.strip() == "docs/adr/0011-use-a-message-bus.md"
    text = (shop / "docs/adr/0011-use-a-message-bus.md").read_text(encoding="utf-8")
    assert "# Use a message bus" in text and "status: proposed" in text
    code, out, _ = run(["adr", "list"], shop, capsys, monkeypatch)
    assert "ADR-0011  proposed" in out


def test_adr_commands_without_config(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run(["adr", "list"], tmp_path, capsys, monkeypatch)
    assert code == 2 and "no archrules.toml" in err and "`archrules init`" in err


def test_adr_new_creates_the_default_directory(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    write_tree(tmp_path, {"archrules.toml": "", "app.py": ""})
    code, out, err = run(["adr", "list"], tmp_path, capsys, monkeypatch)
    assert (code, out) == (0, "")
    assert err == (
        'archrules: no ADRs yet; `archrules adr new "Title"` creates the first in docs/adr\n'
    )
    code, out, _ = run(["adr", "new", "First decision"], tmp_path, capsys, monkeypatch)
    assert (code, out.strip()) == (0, "docs/adr/0001-first-decision.md")


# --- entry points ----------------------------------------------------------------------


def test_python_dash_m_and_console_script(shop: Path) -> None:
    env = {**os.environ, "ARCHRULES_CACHE_DIR": str(shop / ".no-cache-here")}
    version = subprocess.run(
        [sys.executable, "-m", "archrules", "--version"], capture_output=True, text=True, check=True
    )
    assert version.stdout.startswith("archrules ")
    script = Path(sys.executable).with_name("archrules")
    result = subprocess.run(
        [str(script), "check", "--no-cache", "--format", "json"],
        cwd=shop,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 1
    assert json.loads(result.stdout)["summary"]["violations"] == len(PLANTED)
    assert not (shop / ".no-cache-here").exists()


def test_help_is_true_to_the_commands(capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    out = capsys.readouterr().out
    for option in (
        "--config",
        "--format",
        "--baseline",
        "--no-baseline",
        "--no-cache",
        "--select",
        "--statistics",
        "--color",
        "--exit-zero",
    ):
        assert option in out
    assert main([]) == 2


def test_text_mentions_no_project_files_written(shop: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    before = sorted(p.relative_to(shop) for p in shop.rglob("*"))
    run(["check"], shop, capsys, monkeypatch)
    after = sorted(p.relative_to(shop) for p in shop.rglob("*"))
    assert before == after, "check must not write into the project"


def _dedent(text: str) -> str:
    return textwrap.dedent(text)
