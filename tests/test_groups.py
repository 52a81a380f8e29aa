"""One cause, one finding (issue 11, A4): indirect findings grouped by the import where
their chains cross into the forbidden layer."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from archrules.cli.main import main
from archrules.core.groups import crossing_of, group_findings
from archrules.core.project import Project
from support import write_tree

CONFIG = '[[layers]]\nname = "layering"\nlayers = ["app.high", "app.low"]\nindirect = true\n'
LOW = 30


def many_chains(root: Path) -> None:
    """30 low modules reach the high layer through one import in app.util.bridge; one low
    module also imports the high layer directly, and one reaches it through a longer chain."""
    files = {
        "archrules.toml": CONFIG,
        "app/__init__.py": "",
        "app/high/__init__.py": "",
        "app/high/api.py": "",
        "app/low/__init__.py": "",
        "app/util/__init__.py": "",
        "app/util/bridge.py": "import os\nfrom app.high import api\n",
        "app/util/relay.py": "import app.util.bridge\n",
    }
    for i in range(LOW):
        files[f"app/low/m{i:02d}.py"] = "import app.util.bridge\n"
    files["app/low/m00.py"] = "import app.util.relay\n"  # a longer chain, same crossing
    files["app/low/direct.py"] = "import app.high.api\n"
    write_tree(root, files)


def test_the_core_groups_by_the_boundary_crossing_import(
    tmp_path: Path, project: Callable[..., Project]
) -> None:
    many_chains(tmp_path)
    opened = project(CONFIG, {})
    assert opened.model is not None
    found = opened.model.violations()
    indirect = [v for v in found if crossing_of(v) is not None]
    assert len(indirect) == LOW
    (group,) = group_findings(found)
    assert group.id == "layering:app.util.bridge->app.high.api"
    crossing = group.crossing
    assert (crossing.path, crossing.range.line) == (tmp_path / "app/util/bridge.py", 1)
    assert len(group.modules) == LOW
    assert group.shortest.chain == ("app.low.m01", "app.util.bridge", "app.high.api")
    # the direct import is no indirect finding
    direct = next(v for v in found if v.importer == "app.low.direct")
    assert crossing_of(direct) is None


@pytest.fixture(autouse=True)
def _isolated_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARCHRULES_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


def run(args: list[str], cwd: Path, capsys, monkeypatch) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(cwd)
    code = main(args)
    return code, capsys.readouterr().out


def test_text_prints_each_group_once(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    many_chains(tmp_path)
    code, out = run(["check"], tmp_path, capsys, monkeypatch)
    assert code == 1
    findings = [line for line in out.splitlines() if line[:1] not in (" ", "") and ":" in line]
    findings = [line for line in findings if line.startswith("app/")]
    assert findings == [
        "app/low/direct.py:1:8: layering app.low.direct (layer app.low) imports app.high.api "
        "(layer app.high): a lower layer may not import a higher one",
        "app/util/bridge.py:2:22: layering 30 modules reach app.high.api through this import in "
        "app.util.bridge",
    ]
    assert "    shortest chain: app.low.m01 -> app.util.bridge -> app.high.api" in out
    assert "    reached from: app.low.m00, app.low.m01, app.low.m02 and 27 more" in out
    assert "Found 31 violations (31 errors)" in out
    assert "30 indirect findings shown as 1 group" in out


def test_json_keeps_every_finding_with_its_group(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    many_chains(tmp_path)
    _, out = run(["check", "--format", "json"], tmp_path, capsys, monkeypatch)
    document = json.loads(out)
    assert len(document["violations"]) == LOW + 1
    groups = {v["group"] for v in document["violations"]}
    assert groups == {None, "layering:app.util.bridge->app.high.api"}
    (group,) = document["groups"]
    assert (group["path"], group["line"], group["findings"]) == ("app/util/bridge.py", 2, LOW)


def test_sarif_gives_one_result_with_related_locations(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    many_chains(tmp_path)
    _, out = run(["check", "--format", "sarif"], tmp_path, capsys, monkeypatch)
    results = json.loads(out)["runs"][0]["results"]
    assert len(results) == 2
    grouped = next(r for r in results if "group" in r["properties"])
    location = grouped["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "app/util/bridge.py"
    assert len(grouped["relatedLocations"]) == LOW
    assert {
        r["physicalLocation"]["artifactLocation"]["uri"] for r in grouped["relatedLocations"]
    } == {f"app/low/m{i:02d}.py" for i in range(LOW)}
