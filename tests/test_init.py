"""``archrules init``: the inferred proposal (``core.infer``) and the command.

On the bundled shop, on small projects written for one inference each, and on one real
open-source project downloaded from PyPI (httpx 0.27.0; skipped if the download fails)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import tomllib

from archrules.cli.main import main
from archrules.core import infer
from archrules.core.config import load_config
from archrules.core.infer import (
    THRESHOLD,
    InferError,
    Proposal,
    ProposedRule,
    best_pattern,
    infer_project,
    percentile,
)
from archrules.core.kinds import LayersRule, NamingRule, SizeRule
from archrules.core.project import open_project

REPO = Path(__file__).resolve().parents[1]
SHOP = REPO / "examples" / "shop"
REAL_PROJECT = "httpx==0.27.0"


def write_tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture(autouse=True)
def _isolated_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARCHRULES_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


def rule(proposal: Proposal, name: str) -> ProposedRule:
    [found] = [r for r in proposal.rules if r.name == name]
    return found


def layers_of(proposal: Proposal, name: str) -> list[list[str]]:
    """The proposed layers, each as a list of siblings."""
    text = proposal.render()
    [table] = [t for t in tomllib.loads(text)["layers"] if t["name"] == name]
    return [[entry] if isinstance(entry, str) else entry for entry in table["layers"]]


def level(layers: list[list[str]], unit: str) -> int:
    return next(i for i, siblings in enumerate(layers) if unit in siblings)


def engine_count(found: ProposedRule) -> int:
    match = re.fullmatch(r"archrules check: ([\d,]+) violations? now", found.evidence[-1])
    assert match, found.evidence
    return int(match.group(1).replace(",", ""))


def checked(root: Path, proposal: Proposal) -> dict[str, int]:
    """Write the proposal, open it as check does: no problem; violations per rule."""
    (root / "archrules.toml").write_text(proposal.render(), encoding="utf-8")
    result = load_config(root / "archrules.toml")
    assert result.config is not None and not result.problems, result.problems
    project = open_project(root / "archrules.toml", cache_dir=None)
    assert not project.problems, project.problems
    assert project.model is not None
    counts: dict[str, int] = {}
    for violation in project.model.violations():
        counts[violation.rule] = counts.get(violation.rule, 0) + 1
    for found in proposal.rules:  # the evidence says what check reports
        assert engine_count(found) == counts.get(found.name, 0), found
    return counts


def package(files: dict[str, str], top: str = "pkg") -> dict[str, str]:
    """Source files below src/, with the __init__.py files their packages need."""
    out = {f"src/{path}": text for path, text in files.items()}
    for path in files:
        parts = path.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            out.setdefault(f"src/{'/'.join(parts[:i])}/__init__.py", "")
    return out


# --- the shop --------------------------------------------------------------------------


def test_shop_layers_are_its_architecture(tmp_path: Path) -> None:
    shutil.copytree(SHOP / "src", tmp_path / "src")
    proposal = infer_project(tmp_path)
    assert proposal.roots == ("src",)
    assert proposal.packages == ("shop",)
    layers = layers_of(proposal, "shop-layers")
    # entry points on top, then the services, then the domain at the bottom
    assert level(layers, "shop.cli") == 0
    assert level(layers, "shop.cli") < level(layers, "shop.web") < level(layers, "shop.services")
    assert level(layers, "shop.services") < level(layers, "shop.domain")
    assert level(layers, "shop.services") < level(layers, "shop.billing")
    assert level(layers, "shop.domain") >= len(layers) - 2
    found = rule(proposal, "shop-layers")
    # the planted upward import of the domain is one of the few that break the order
    assert "shop.domain -> shop.web (1)" in " ".join(found.evidence)
    assert 0 < engine_count(found) <= 5
    counts = checked(tmp_path, proposal)
    assert counts.get("shop-layers", 0) == engine_count(found)
    naming = rule(proposal, "shop-naming")
    assert naming.items[0] == ("in", '["shop"]')
    assert ("classes", '"PascalCase"') in naming.items
    assert rule(proposal, "size-limits").kind == "size"


# --- layers on small projects ------------------------------------------------------------


def test_a_dag_is_layered_by_height_and_unrelated_children_left_out(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        package(
            {
                "pkg/app.py": "from pkg import api\nimport pkg.core.model\n",
                "pkg/api.py": "from pkg.core import model\nfrom pkg import util\n",
                "pkg/core/model.py": "from pkg.util import helper\n",
                "pkg/util.py": "",
                "pkg/alone.py": "import json\n",
                "pkg/extra.py": "import pkg.util\n",
            }
        ),
    )
    proposal = infer_project(tmp_path)
    assert layers_of(proposal, "pkg-layers") == [
        ["pkg.app"],
        ["pkg.api"],
        ["pkg.core", "pkg.extra"],
        ["pkg.util"],
    ]
    found = rule(proposal, "pkg-layers")
    assert found.evidence[0].startswith("of the 6 imports from one child of pkg to another")
    assert found.evidence[0].endswith("6 go down these layers and 0 break them")
    assert "left out: pkg.alone (no import to or from the other children)" in found.evidence
    assert checked(tmp_path, proposal).get("pkg-layers", 0) == 0


def test_imports_through_the_package_init_count(tmp_path: Path) -> None:
    # pkg.low imports the package, whose __init__ imports pkg.high: an indirect layers
    # rule follows that chain, so pkg.low must sit above pkg.high
    write_tree(
        tmp_path,
        package(
            {
                "pkg/__init__.py": "from pkg.high import thing\n",
                "pkg/high.py": "thing = 1\n",
                "pkg/low.py": "from pkg import thing\n",
            }
        ),
    )
    proposal = infer_project(tmp_path)
    assert layers_of(proposal, "pkg-layers") == [["pkg.low"], ["pkg.high"]]
    assert checked(tmp_path, proposal).get("pkg-layers", 0) == 0


def test_a_cycle_is_ordered_to_break_the_fewest_imports(tmp_path: Path) -> None:
    # web -> services -> domain, plus one upward import domain -> services
    write_tree(
        tmp_path,
        package(
            {
                "app/web.py": "import app.services\nimport app.domain\nimport app.base\n",
                "app/services.py": (
                    "import app.domain\nfrom app.domain import model\n"
                    "from app.domain.model import y\nfrom app import base\n"
                ),
                "app/domain/__init__.py": "import app.base\n",
                "app/domain/model.py": "from app.services import x\nimport app.base\n",
                "app/base.py": "",
            }
        ),
    )
    proposal = infer_project(tmp_path)
    assert layers_of(proposal, "app-layers") == [
        ["app.web"],
        ["app.services"],
        ["app.domain"],
        ["app.base"],
    ]
    found = rule(proposal, "app-layers")
    assert found.evidence[0].endswith("9 go down these layers and 1 breaks them")
    assert found.evidence[1] == (
        "ordered to break the fewest imports: app.domain -> app.services (1); as layers of "
        "siblings, the import cycles would break 4"
    )
    assert engine_count(found) == 1
    checked(tmp_path, proposal)


def test_heavy_cycles_are_left_out(tmp_path: Path) -> None:
    # a and b import each other a lot: any order breaks a third of the imports
    write_tree(
        tmp_path,
        package(
            {
                "pkg/top.py": "import pkg.a\nimport pkg.mid\n",
                "pkg/a.py": "import pkg.b\nfrom pkg.b import x\nfrom pkg.b import y\n",
                "pkg/b.py": "import pkg.a\nfrom pkg.a import x\nimport pkg.mid\n",
                "pkg/mid.py": "import pkg.low\n",
                "pkg/low.py": "",
            }
        ),
    )
    proposal = infer_project(tmp_path)
    found = rule(proposal, "pkg-layers")
    assert layers_of(proposal, "pkg-layers") == [["pkg.top"], ["pkg.mid"], ["pkg.low"]]
    assert found.evidence[1] == (
        "left out: pkg.a, pkg.b import each other in a cycle (5 imports among them): the best "
        "order found for all the children breaks 2 of their 9 imports"
    )
    assert checked(tmp_path, proposal).get("pkg-layers", 0) == 0


def test_no_layers_when_everything_is_one_cycle(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        package(
            {
                "pkg/a.py": "import pkg.b\n",
                "pkg/b.py": "import pkg.c\n",
                "pkg/c.py": "import pkg.a\n",
            }
        ),
    )
    proposal = infer_project(tmp_path)
    assert [r.kind for r in proposal.rules] == ["naming", "size"]
    assert proposal.notes == (
        "no layers proposed for pkg: 3 of its 3 children are in import cycles; the best order "
        "found breaks 1 of the 3 imports between them, and too few children are left without "
        "them",
    )
    assert "# note: no layers proposed for pkg" in proposal.render()
    checked(tmp_path, proposal)


def test_children_that_never_import_each_other_are_independent(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        package({"plugins/a.py": "import json\n", "plugins/b.py": "", "plugins/c/x.py": ""}),
    )
    proposal = infer_project(tmp_path)
    found = rule(proposal, "plugins-independent")
    assert found.kind == "independent"
    assert ("modules", '["plugins.*"]') in found.items
    assert checked(tmp_path, proposal).get("plugins-independent", 0) == 0


def test_single_child_packages_are_looked_through(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        package(
            {
                "company/product/ui.py": "import company.product.core\n",
                "company/product/core.py": "",
                "tests/test_ui.py": "import company.product.ui\n",
                "setup.py": "",
            }
        ),
    )
    proposal = infer_project(tmp_path)
    assert proposal.packages == ("company",)  # tests and loose modules are not the product
    assert layers_of(proposal, "company.product-layers") == [
        ["company.product.ui"],
        ["company.product.core"],
    ]
    checked(tmp_path, proposal)


def test_a_package_with_one_child_gets_no_layers(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pkg/__init__.py": "", "pkg/only.py": "def f():\n    pass\n"})
    proposal = infer_project(tmp_path)
    assert proposal.roots == (".",)
    assert proposal.notes == ("no layers proposed for pkg: it has fewer than two children",)
    checked(tmp_path, proposal)


# --- naming ---------------------------------------------------------------------------------


def classes(names: list[str]) -> str:
    return "".join(f"class {name}:\n    pass\n" for name in names)


def test_naming_threshold_is_ninety_percent() -> None:
    assert THRESHOLD == 0.9
    nine_of_ten = [f"Good{i}" for i in range(9)] + ["bad_one"]
    found = best_pattern(nine_of_ten, None)
    assert found is not None
    assert (found.pattern, found.holds, found.total, found.exceptions) == (
        "PascalCase",
        9,
        10,
        ("bad_one",),
    )
    assert best_pattern([f"Good{i}" for i in range(8)] + ["bad_one", "bad_two"], None) is None
    assert best_pattern(["Good", "Fine"], None) is None  # too few names


def test_a_common_suffix_beats_a_style() -> None:
    suffix = re.compile(r"[A-Z][a-z0-9]+$")
    names = [f"{w}Error" for w in ("Http", "Url", "Decode", "Timeout", "Read")]
    found = best_pattern([*names, "_PrivateError"], suffix)
    assert found is not None and (found.pattern, found.holds) == ("*Error", 6)
    # 6 of 7 end with Error (85 %): the style that holds for all of them wins
    found = best_pattern([*names, "_PrivateError", "Warning"], suffix)
    assert found is not None and (found.pattern, found.holds) == ("PascalCase", 7)


def test_naming_rules_per_package(tmp_path: Path) -> None:
    errors = classes([f"E{i}Error" for i in range(30)])
    write_tree(
        tmp_path,
        package(
            {
                "shop/models.py": classes(["Order", "Customer", "Product", "Cart"])
                + "def total():\n    pass\ndef tax():\n    pass\n",
                "shop/errors/__init__.py": errors,
                "shop/errors/more.py": classes(["WriteError"]),
                # PascalCase but not *Error: shop's rule already says so
                "shop/errors/sub/other.py": classes(["Alpha", "Beta", "Gamma"]),
                "shop/repos/orders_repository.py": classes(["OrderRepository"])
                + "def find_all():\n    pass\ndef __dir__():\n    pass\n",
                "shop/repos/customers_repository.py": classes(["CustomerRepository"]),
                "shop/repos/products_repository.py": classes(["ProductRepository"]),
                "shop/repos/carts_repository.py": classes(["CartRepository"])
                + "def make():\n    class local_helper:\n        pass\n",
                "shop/broken.py": "class Broken(\n",
            }
        ),
    )
    proposal = infer_project(tmp_path)
    naming = {r.name: dict(r.items) for r in proposal.rules if r.kind == "naming"}
    assert naming["shop-naming"] == {
        "in": '["shop"]',
        "classes": '"PascalCase"',
        "functions": '"snake_case"',
        "modules": '"snake_case"',
    }
    assert naming["shop.errors-naming"] == {"in": '["shop.errors"]', "classes": '"*Error"'}
    assert "shop.errors.sub-naming" not in naming
    # repos: only 4 module names end with _repository of 5 (the package's own name counts)
    assert naming["shop.repos-naming"] == {"in": '["shop.repos"]', "classes": '"*Repository"'}
    assert set(naming) == {"shop-naming", "shop.errors-naming", "shop.repos-naming"}
    evidence = rule(proposal, "shop.errors-naming").evidence
    assert evidence[0] == (
        "classes: 31 of 34 in shop.errors (91 %) match '*Error'; not: Alpha, Beta, Gamma"
    )
    counts = checked(tmp_path, proposal)
    assert "shop-naming" not in counts


def test_naming_evidence_lists_the_exceptions(tmp_path: Path) -> None:
    good = [f"Good{i}" for i in range(36)]
    write_tree(
        tmp_path,
        package({"pkg/a.py": classes([*good, "bad_a", "bad_b", "bad_c", "bad_d"]), "pkg/b.py": ""}),
    )
    proposal = infer_project(tmp_path)
    found = rule(proposal, "pkg-naming")
    assert found.evidence[0] == (
        "classes: 36 of 40 in pkg (90 %) match PascalCase; not: bad_a, bad_b, bad_c and 1 more"
    )
    assert checked(tmp_path, proposal)["pkg-naming"] == 4


# --- size -----------------------------------------------------------------------------------


def test_percentile_is_nearest_rank() -> None:
    assert percentile(list(range(1, 21))) == 19
    assert percentile(list(range(1, 101))) == 95
    assert percentile([7]) == 7
    assert percentile([3, 1, 2]) == 3


def test_size_limits_at_the_95th_percentile(tmp_path: Path) -> None:
    files: dict[str, str] = {}
    for i in range(1, 21):  # module i: one function of i lines, docstring and comment apart
        body = "".join(f"    x{j} = {j}\n" for j in range(i - 1))
        files[f"pkg/m{i:02}.py"] = f'def f():\n    """Doc.\n\n    More.\n    """\n{body}\n    # c\n'
    files["pkg/one_liner.py"] = 'def g(): "doc"\n'
    write_tree(tmp_path, package(files))
    proposal = infer_project(tmp_path)
    size = dict(rule(proposal, "size-limits").items)
    module_lines = [len(text.splitlines()) for text in files.values()] + [0]  # + __init__
    module_limit = percentile(module_lines)
    assert size["max-module-lines"] == str(module_limit)
    assert size["max-function-lines"] == "19"  # of 1, 1, 2, ..., 20: the 20th of 21
    evidence = rule(proposal, "size-limits").evidence
    assert evidence[1].startswith("max-function-lines: 95 % of the 21 functions have at most 19")
    assert "1 is longer (the longest: pkg.m20.f, 20 lines)" in evidence[1]
    longer_modules = sum(n > module_limit for n in module_lines)
    assert longer_modules == 1
    assert checked(tmp_path, proposal)["size-limits"] == longer_modules + 1


def test_size_without_functions(tmp_path: Path) -> None:
    write_tree(tmp_path, package({"pkg/a.py": "X = 1\n", "pkg/b.py": "Y = 2\nZ = 3\n"}))
    proposal = infer_project(tmp_path)
    assert dict(rule(proposal, "size-limits").items) == {
        "in": '["pkg"]',
        "max-module-lines": "2",
    }
    assert "0 are longer" in rule(proposal, "size-limits").evidence[0]
    checked(tmp_path, proposal)


# --- errors ---------------------------------------------------------------------------------


def test_errors(tmp_path: Path) -> None:
    with pytest.raises(InferError, match="not a directory"):
        infer_project(tmp_path / "missing")
    with pytest.raises(InferError, match="no Python module found"):
        infer_project(tmp_path)
    write_tree(
        tmp_path, {"script.py": "print(1)\n", "tests/test_x.py": "", "tests/__init__.py": ""}
    )
    with pytest.raises(InferError, match="no Python package found"):
        infer_project(tmp_path)


def test_an_unreadable_file_is_left_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path, SMALL)
    secret = tmp_path / "src" / "pkg" / "b.py"
    read_bytes = infer.read_bytes

    def refuse(path: Path) -> bytes:
        if path == secret:
            raise PermissionError(13, "Permission denied")
        return read_bytes(path)

    monkeypatch.setattr(infer, "read_bytes", refuse)
    proposal = infer_project(tmp_path)
    assert proposal.files == 2
    assert proposal.notes[0] == f"{secret} cannot be read (Permission denied): left out"


# --- the command ----------------------------------------------------------------------------


SMALL = {"src/pkg/__init__.py": "", "src/pkg/a.py": "import pkg.b\n", "src/pkg/b.py": ""}


def test_init_prints_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, SMALL)
    monkeypatch.chdir(tmp_path)
    assert main(["init"]) == 0
    out, err = capsys.readouterr()
    assert "[[layers]]" in out and "# evidence:" in out
    tomllib.loads(out)
    assert "not written; `archrules init --write` saves it as archrules.toml" in err
    assert not (tmp_path / "archrules.toml").exists()


def test_init_write_force_and_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, SMALL)
    monkeypatch.chdir(tmp_path.parent)
    name = tmp_path.name
    assert main(["init", name, "--write"]) == 0
    out, _ = capsys.readouterr()
    assert out.startswith(f"archrules: wrote {name}/archrules.toml (")
    config = tmp_path / "archrules.toml"
    first = config.read_text(encoding="utf-8")
    result = load_config(config)
    assert result.config is not None and not result.problems
    kinds = {type(r) for r in result.config.rules}
    assert {LayersRule, NamingRule, SizeRule} <= kinds
    assert main(["check", name]) == 0  # the proposal holds for the code as it is
    capsys.readouterr()

    config.write_text("# mine\n", encoding="utf-8")
    assert main(["init", name, "--write"]) == 2
    _, err = capsys.readouterr()
    assert f"archrules: error: {name}/archrules.toml already configures archrules" in err
    assert config.read_text(encoding="utf-8") == "# mine\n"  # untouched
    assert main(["init", name, "--write", "--force"]) == 0
    assert config.read_text(encoding="utf-8") == first


def test_init_refuses_a_pyproject_config_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, {**SMALL, "pyproject.toml": "[tool.archrules]\n"})
    assert main(["init", str(tmp_path), "--write"]) == 2
    assert "pyproject.toml already configures archrules" in capsys.readouterr().err
    write_tree(tmp_path, {"pyproject.toml": "[project]\nname = 'x'\n"})
    assert main(["init", str(tmp_path), "--write"]) == 0
    assert (tmp_path / "archrules.toml").is_file()


def test_init_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", str(tmp_path / "missing")]) == 2
    assert "not a directory" in capsys.readouterr().err
    assert main(["init", str(tmp_path)]) == 2
    assert "no Python module found" in capsys.readouterr().err
    write_tree(tmp_path, SMALL)
    (tmp_path / "archrules.toml").mkdir()  # not writable as a file
    assert main(["init", str(tmp_path), "--write", "--force"]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_init_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["init", "--help"])
    out = capsys.readouterr().out
    assert "--write" in out and "--force" in out and "90 %" in out


# --- a real project -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist of REAL_PROJECT from PyPI, unpacked (its code is only read)."""
    download = tmp_path_factory.mktemp("sdist")
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:"]
    command += ["--disable-pip-version-check", "--quiet", "--retries", "1", "--timeout", "20"]
    command += [REAL_PROJECT, "-d", str(download)]
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=180)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as error:
        detail = getattr(error, "stderr", b"") or b""
        pytest.skip(f"cannot download {REAL_PROJECT} from PyPI: {error} {detail[-300:]!r}")
    [archive] = download.glob("*.tar.gz")
    with tarfile.open(archive) as tar:
        tar.extractall(download, filter="data")
    [root] = [p for p in download.iterdir() if p.is_dir()]
    return root


def test_on_a_real_project(real_project: Path, tmp_path: Path) -> None:
    root = tmp_path / real_project.name
    shutil.copytree(real_project, root)
    proposal = infer_project(root)
    assert proposal.packages == ("httpx",)  # tests, docs and scripts are not the product
    layers = layers_of(proposal, "httpx-layers")
    # the public API and the command line on top, the client below them, the transports
    # and models below it, the primitives at the bottom
    assert {"httpx._api", "httpx._main"} <= set(layers[0])
    assert level(layers, "httpx._api") < level(layers, "httpx._client")
    assert level(layers, "httpx._client") < level(layers, "httpx._transports")
    assert level(layers, "httpx._client") < level(layers, "httpx._models")
    assert {"httpx._types", "httpx._exceptions"} <= set(layers[-1])
    found = rule(proposal, "httpx-layers")
    assert engine_count(found) <= 3  # the order holds for (nearly) every import
    naming = dict(rule(proposal, "httpx-naming").items)
    assert naming["classes"] == '"PascalCase"' and naming["functions"] == '"snake_case"'
    size = dict(rule(proposal, "size-limits").items)
    assert 500 < int(size["max-module-lines"]) < 3000
    assert 20 < int(size["max-function-lines"]) < 100
    counts = checked(root, proposal)
    assert counts.get("httpx-layers", 0) == engine_count(found)
    assert main(["check", str(root), "--no-cache"]) in (0, 1)  # runs; never a config error
