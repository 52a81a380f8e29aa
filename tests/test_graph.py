"""``archrules graph``: the picture's model (core.picture) and its three renderings, on the
example shop and on small projects written for one behaviour each; the HTML page in headless
Chromium (Debian's, driven by playwright), the DOT output read by Graphviz's own ``dot``
(both installed by scripts/install-graph-tools.sh)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from archrules.core.kinds import IMPORT_KINDS
from archrules.core.picture import (
    MAX_WILDCARD_BOXES,
    Band,
    Box,
    Link,
    Picture,
    Site,
    build_picture,
)
from archrules.core.project import Project, open_project
from archrules.core.types import Range
from archrules.render.picture import dot_text, mermaid_text, render_picture
from cli_support import run

REPO = Path(__file__).resolve().parents[1]
SHOP = REPO / "examples" / "shop"
CHROMIUM = os.environ.get("ARCHRULES_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


INSTALL = "bash scripts/install-graph-tools.sh installs it (scripts/test runs it)"


def graphviz_svg(dot_source: str) -> str:
    dot = shutil.which("dot")
    assert dot is not None, f"Graphviz's dot is not installed: {INSTALL}"
    return subprocess.run(
        [dot, "-Tsvg"], input=dot_source, capture_output=True, text=True, check=True, timeout=60
    ).stdout


def shop_picture() -> tuple[Project, Picture]:
    project = open_project(SHOP / "archrules.toml", cache_dir=None)
    assert project.model is not None
    return project, build_picture(project.model)


def links(picture: Picture) -> dict[tuple[str, str], Link]:
    return {(link.source, link.target): link for link in picture.links}


# --- the model --------------------------------------------------------------------------


def test_shop_layers_are_bands_in_order_and_components_are_boxes() -> None:
    project, picture = shop_picture()
    assert project.model is not None
    assert [(b.rule, b.layer, b.members) for b in picture.bands] == [
        ("clean-architecture", 0, ("shop.web", "shop.cli")),
        ("clean-architecture", 1, ("shop.services",)),
        ("clean-architecture", 2, ("shop.domain",)),
    ]
    boxes = {box.name: box for box in picture.boxes}
    assert {n: boxes[n].band for n in ("shop.web", "shop.cli", "shop.services", "shop.domain")} == {
        "shop.web": 0,
        "shop.cli": 0,
        "shop.services": 1,
        "shop.domain": 2,
    }
    # independent, acyclic (shop.*), forbidden and interface name the other components
    assert boxes["shop.billing"].rules == ("billing-api", "bounded-contexts", "no-cycles")
    assert boxes["shop.data.db"].kind == "component"  # forbidden.to, inside shop.data
    assert boxes["shop.data"].modules == 7  # shop.data.db is a box of its own
    assert boxes["shop"].kind == "group"  # the package above the components
    assert {n for n, b in boxes.items() if b.kind == "external"} == {
        "requests",
        "sqlalchemy",
        "sqlite3",
        "pydantic",  # no rule names it; the external rule's finding imports it
    }
    assert boxes["sqlite3"].rules == ("pure-core",)
    # every first-party module with a file is in exactly one box
    model = project.model
    assert sum(b.modules for b in picture.boxes) == len({model.module_of(p) for p in model.paths})


def test_every_import_finding_is_on_one_link_and_allowed_links_count_imports() -> None:
    project, picture = shop_picture()
    findings = [v for v in project.violations() if v.kind in IMPORT_KINDS]
    sites = [site for link in picture.links for site in link.violations]
    assert sorted((s.path, s.range, s.rule) for s in sites) == sorted(
        (v.path, v.range, v.rule) for v in findings
    )
    assert picture.violation_count == len(findings) == 12
    by_pair = links(picture)
    down = by_pair["shop.services", "shop.domain"]
    assert (down.imports, down.violations) == (10, ())
    assert len(down.examples) == 10 and all(e.rule == "" for e in down.examples)
    up = by_pair["shop.domain", "shop.web"]
    assert [(s.rule, s.importer, s.imported, s.indirect) for s in up.violations] == [
        ("clean-architecture", "shop.domain.cart", "shop.web.forms", False)
    ]
    # an indirect finding joins the layers it connects, not the import it starts with
    chain = by_pair["shop.domain", "shop.services"]
    assert chain.imports == 0
    assert [(s.importer, s.imported, s.indirect) for s in chain.violations] == [
        ("shop.domain.receipt", "shop.utils.formatting", True)
    ]
    cycle = by_pair["shop.catalog", "shop.data"]
    assert cycle.rules == ("no-cycles",) and not cycle.violations[0].indirect


CONTAINERS = """
[[layers]]
name = "per-app"
containers = ["proj.apps.*"]
layers = ["api", "domain"]

[[forbidden]]
name = "no-http"
from = ["proj.apps.*.domain"]
to = ["requests"]
"""


def test_containers_unconstrained_groups_and_externals(
    project: Callable[..., Project],
) -> None:
    opened = project(
        CONTAINERS,
        {
            "proj/__init__.py": "",
            "proj/apps/__init__.py": "",
            "proj/apps/a/__init__.py": "",
            "proj/apps/a/api.py": "import proj.apps.a.domain\nimport proj.utils.text\n",
            "proj/apps/a/domain.py": "import proj.apps.a.api\nimport requests\n",
            "proj/apps/b/__init__.py": "",
            "proj/apps/b/api.py": "from proj.apps.b import domain\n",
            "proj/apps/b/domain.py": "",
            "proj/utils/__init__.py": "",
            "proj/utils/text.py": "import os\n",
            "proj/utils/more/deep.py": "from proj.utils import text\n",
        },
    )
    picture = build_picture(opened.model)
    boxes = {b.name: b for b in picture.boxes}
    assert [b.members for b in picture.bands] == [("api",), ("domain",)]
    assert {n: b.band for n, b in boxes.items() if b.kind == "component"} == {
        "proj.apps.a.api": 0,
        "proj.apps.b.api": 0,
        "proj.apps.a.domain": 1,
        "proj.apps.b.domain": 1,
    }
    # a module no rule names goes to the shortest prefix of its name above no component
    assert boxes["proj.utils"].kind == "group" and boxes["proj.utils"].modules == 3
    assert boxes["requests"].kind == "external"
    pairs = links(picture)
    assert pairs["proj.apps.a.domain", "requests"].rules == ("no-http",)
    assert pairs["proj.apps.a.domain", "proj.apps.a.api"].rules == ("per-app",)
    assert pairs["proj.apps.a.api", "proj.utils"].violations == ()
    assert ("proj.utils", "proj.utils") not in pairs  # imports inside a box are not links
    assert "os" not in boxes  # the standard library is not drawn


def test_a_wildcard_with_too_many_roots_is_one_box(project: Callable[..., Project]) -> None:
    count = MAX_WILDCARD_BOXES + 5
    files = {"big/__init__.py": "", "big/plugins/__init__.py": "", "big/core.py": ""}
    for i in range(count):
        files[f"big/plugins/p{i}.py"] = "import big.core\n"
    files["big/plugins/p0.py"] = "import big.plugins.p1\n"
    config = '[[acyclic]]\nname = "plugins"\nmodules = ["big.plugins.*"]\n'
    config += '[[independent]]\nname = "core"\nmodules = ["big.core", "big.plugins"]\n'
    picture = build_picture(project(config, files).model)
    names = [b.name for b in picture.boxes]
    assert "big.plugins" in names and not any(n.startswith("big.plugins.") for n in names)
    assert picture.notes == (
        f"big.plugins.* matches {count} modules: drawn as one box, big.plugins",
    )
    assert links(picture)["big.plugins", "big.core"].rules == ("core",)


# --- the renderings ----------------------------------------------------------------------

TRICKY = 'we"ird\\name #1 <b>&amp; `x` |y| [z] {w} %%{init}'


def tricky_picture(tmp_path: Path) -> Picture:
    """Names a renderer must escape (module names cannot hold them; rule names and messages,
    which may, pass through the same functions)."""
    site = Site(
        tmp_path / "src" / "a b.py",
        Range(2, 4, 2, 9),
        "pkg.low",
        TRICKY,
        rule=TRICKY,
        severity="error",
        message="</script><script>document.title='owned'</script>\nsecond line",
    )
    return Picture(
        root=tmp_path,
        config=tmp_path / "archrules.toml",
        bands=(Band(TRICKY, 0, 2, (TRICKY,)), Band("r", 1, 2, ("pkg.low",))),
        boxes=(
            Box(TRICKY, "component", 0, 3, (TRICKY,)),
            Box("pkg.low", "component", 1, 1, ("r",)),
            Box("café", "group", None, 2, ()),
        ),
        links=(
            Link("pkg.low", TRICKY, 0, (site,), ()),
            Link(TRICKY, "pkg.low", 4, (), (Site(site.path, site.range, TRICKY, "pkg.low"),)),
        ),
    )


def test_mermaid_labels_escape_every_special_character(tmp_path: Path) -> None:
    text = mermaid_text(TRICKY)
    assert not set(text) & set('"<>&`|[]{}\\')
    assert text.startswith("we#34;ird#92;name #35;1 #60;b#62;#38;amp;")
    out = render_picture("mermaid", tricky_picture(tmp_path))
    for line in out.splitlines():
        body = line.strip()
        if body.startswith("%%"):
            assert "%%{" not in body[2:]  # a comment never becomes a directive
            continue
        for label in re.findall(r'"([^"]*)"', body):
            assert not set(label) & set("<>&`|[]{}\\") - set("<br/>")
    assert 'n2["café<br/>2 modules, unconstrained"]' in out
    assert "%%   src/a b.py:3:5 pkg.low -> " in out
    assert "second line" in out and "\nsecond line" not in out


def test_dot_strings_escape_quotes_and_backslashes(tmp_path: Path) -> None:
    assert dot_text('a"b\\c&') == '"a\\"b\\\\c&amp;"'
    assert dot_text("one\ntwo") == '"one two"'
    out = render_picture("dot", tricky_picture(tmp_path))
    assert out.startswith("digraph archrules {")
    svg = graphviz_svg(out)
    # Graphviz read every name back as written (the SVG escapes it as XML)
    assert "we&quot;ird\\name #1 &lt;b&gt;&amp;amp; `x` |y| [z] {w} %%{init}" in svg
    assert "café" in svg


def test_dot_of_the_shop_lays_out_with_graphviz() -> None:
    _, picture = shop_picture()
    out = render_picture("dot", picture)
    assert out.count("penwidth=2") == sum(1 for link in picture.links if link.violations)
    assert 'color="#d32f2f"' in out and "constraint=false" in out
    svg = graphviz_svg(out)
    assert svg.count('class="cluster"') == 6  # three layers, then the rest by kind
    assert "shop.domain" in svg and "1 violation (indirect)" in svg


def test_mermaid_of_the_shop() -> None:
    _, picture = shop_picture()
    out = render_picture("mermaid", picture)
    lines = out.splitlines()
    assert lines[2] == "flowchart TB"
    subgraphs = [line for line in lines if line.strip().startswith("subgraph ")]
    assert subgraphs[0].endswith('["clean-architecture: layer 1 of 3: shop.web #124; shop.cli"]')
    # linkStyle indices count the invisible links that order the bands first
    arrows = [line for line in lines if "-->" in line or "~~~" in line]
    red = next(line for line in lines if "stroke:#d32f2f" in line)
    indices = [int(i) for i in red.split()[1].split(",")]
    assert all("violation" in arrows[i] for i in indices)
    assert len(indices) == sum(1 for link in picture.links if link.violations)
    assert "%%   src/shop/domain/cart.py:11:6 shop.domain.cart -> shop.web.forms" in out


def test_output_is_deterministic(tmp_path: Path) -> None:
    _, first = shop_picture()
    _, second = shop_picture()
    for fmt in ("mermaid", "dot", "html"):
        assert render_picture(fmt, first) == render_picture(fmt, second)


def test_html_is_self_contained(tmp_path: Path) -> None:
    page = render_picture("html", tricky_picture(tmp_path))
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "@import" not in page and "url(http" not in page
    # the data block cannot be closed by a message
    data = page.split('id="archrules-data">', 1)[1].split("</script>", 1)[0]
    assert "owned" in data and "<" not in data
    assert json.loads(data)["links"][0]["violations"][0]["rule"] == TRICKY


# --- the command -------------------------------------------------------------------------


def test_cli_prints_each_format(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = run(["graph"], SHOP / "src" / "shop", capsys, monkeypatch)
    assert (code, err) == (0, "")
    assert out.startswith("%% archrules graph: archrules.toml\n")
    code, out, _ = run(["graph", "--format", "dot", "--no-cache"], SHOP, capsys, monkeypatch)
    assert code == 0 and out.startswith("digraph archrules {")
    config = str(SHOP / "archrules.toml")
    code, out, _ = run(["graph", "--format", "html", "--config", config], REPO, capsys, monkeypatch)
    assert code == 0 and out.startswith("<!DOCTYPE html>") and "shop.services" in out


def test_cli_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = run(["graph"], tmp_path, capsys, monkeypatch)
    assert (code, out) == (2, "")
    assert "no archrules.toml" in err and "archrules init" in err
    code, _, err = run(["graph", "--config", "nope.toml"], tmp_path, capsys, monkeypatch)
    assert code == 2 and "nope.toml: no such config file" in err
    code, _, err = run(["graph", "missing"], tmp_path, capsys, monkeypatch)
    assert code == 2 and "missing: no such file or directory" in err
    (tmp_path / "archrules.toml").write_text('[[layers]]\nname = "x"\nlayers = 3\n')
    code, out, err = run(["graph", "--format", "html"], tmp_path, capsys, monkeypatch)
    assert (code, out) == (2, "")
    assert re.match(r"archrules\.toml:3:\d+: config error: ", err)
    with pytest.raises(SystemExit):
        run(["graph", "--format", "png"], tmp_path, capsys, monkeypatch)
    assert "invalid choice: 'png'" in capsys.readouterr().err


def test_help_names_the_formats(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(SystemExit):
        run(["graph", "--help"], REPO, capsys, monkeypatch)
    text = " ".join(capsys.readouterr().out.split())
    assert "{mermaid,dot,html}" in text and "self-contained" in text and "baseline" in text


# --- the HTML page in headless Chromium --------------------------------------------------

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser_page():  # type: ignore[no-untyped-def]
    assert os.path.exists(CHROMIUM), f"no Chromium at {CHROMIUM}: {INSTALL}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser.new_page(viewport={"width": 1400, "height": 1000})
        finally:
            browser.close()


def test_html_page_in_chromium(tmp_path: Path, browser_page) -> None:  # type: ignore[no-untyped-def]
    """The shop's page: fetches nothing, draws every link, a click on a red count lists its
    imports, a box click focuses it, the checkbox hides the grey arrows. The screenshots are
    kept in ARCHRULES_SCREENSHOTS (a directory) when it is set."""
    page = browser_page
    _, picture = shop_picture()
    target = tmp_path / "shop.html"
    target.write_text(render_picture("html", picture), encoding="utf-8")
    requests: list[str] = []
    problems: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(target.as_uri())
    assert requests == [target.as_uri()] and problems == []

    red = [i for i, link in enumerate(picture.links) if link.violations]
    assert page.locator(".link.violation").count() == len(red)
    assert page.locator(".link.allowed").count() == len(picture.links) - len(red)
    assert page.locator(".box").count() == len(picture.boxes)
    colour = page.eval_on_selector(".link.violation .line", "e => getComputedStyle(e).stroke")
    assert colour == "rgb(211, 47, 47)"
    assert page.eval_on_selector(".link.allowed .line", "e => getComputedStyle(e).stroke") == (
        "rgb(158, 158, 158)"
    )
    shots = Path(os.environ.get("ARCHRULES_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "graph-shop.png"), full_page=True)

    pairs = [(link.source, link.target) for link in picture.links]
    index = pairs.index(("shop.domain", "shop.web"))
    page.dispatch_event(f'.count[data-link="{index}"]', "click")
    panel = page.locator("#panel")
    assert panel.is_visible()
    text = panel.inner_text()
    assert "shop.domain → shop.web" in text
    assert "src/shop/domain/cart.py:12:6" not in text  # 1-based line 11, as check prints
    assert "src/shop/domain/cart.py:11:6" in text and "clean-architecture" in text
    link = panel.locator("a").first
    assert link.get_attribute("href") == (SHOP / "src/shop/domain/cart.py").as_uri() + "#L11"
    assert link.get_attribute("data-line") == "10"
    page.screenshot(path=str(shots / "graph-shop-clicked.png"), full_page=True)

    page.dispatch_event('.box[data-box="shop.orders"]', "click")
    faded = page.locator(".link.faded").count()
    touching = sum(1 for pair in pairs if "shop.orders" in pair)
    assert faded == len(picture.links) - touching
    page.uncheck("#show-allowed")
    assert not page.locator(".link.allowed").first.is_visible()
    assert page.locator(".link.violation").first.is_visible()


def test_html_shows_hostile_text_as_text(tmp_path: Path, browser_page) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    target = tmp_path / "tricky.html"
    target.write_text(render_picture("html", tricky_picture(tmp_path)), encoding="utf-8")
    page.goto(target.as_uri())
    assert page.title() == f"archrules: {tmp_path.name}"  # no injected script ran
    page.dispatch_event(".count", "click")
    text = page.locator("#panel").inner_text()
    assert "</script><script>document.title='owned'</script>" in text
    assert TRICKY in (page.locator(".band text").first.text_content() or "")


MERMAID_JS = Path(
    os.environ.get("ARCHRULES_MERMAID_JS")
    or Path(os.environ.get("ARCHRULES_EDITORS_CACHE") or Path.home() / ".cache/archrules-editors")
    / "mermaid-11/node_modules/mermaid/dist/mermaid.min.js"
)
RENDER_MERMAID = """async (text) => {
  mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
  try {
    const { svg } = await mermaid.render('picture', text);
    document.body.innerHTML = svg;
  } catch (error) {
    return { error: String(error) };
  }
  const texts = (selector) => Array.from(document.querySelectorAll(selector), (e) => e.textContent);
  return {
    nodes: texts('.node .nodeLabel'),
    clusters: texts('.cluster-label'),
    edges: texts('.edgeLabel').filter((t) => t),
    red: document.querySelectorAll('path.flowchart-link[style*="d32f2f"]').length,
  };
}"""


def render_with_mermaid(page, text: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    assert MERMAID_JS.is_file(), f"no Mermaid bundle at {MERMAID_JS}: {INSTALL}"
    page.set_content("<html><body></body></html>")
    page.add_script_tag(path=str(MERMAID_JS))
    result: dict[str, object] = page.evaluate(RENDER_MERMAID, text)
    assert "error" not in result, result
    return result


def test_mermaid_itself_renders_the_shop_and_hostile_names(  # type: ignore[no-untyped-def]
    tmp_path: Path, browser_page
) -> None:
    _, picture = shop_picture()
    shop = render_with_mermaid(browser_page, render_picture("mermaid", picture))
    assert "shop.domain9 modules" in shop["nodes"]  # type: ignore[operator]
    assert "clean-architecture: layer 1 of 3: shop.web | shop.cli" in shop["clusters"]  # type: ignore[operator]
    assert "1 violation (indirect)" in shop["edges"]  # type: ignore[operator]
    assert shop["red"] == sum(1 for link in picture.links if link.violations)
    tricky = render_with_mermaid(browser_page, render_picture("mermaid", tricky_picture(tmp_path)))
    # every character read back as written (a cluster label; node labels are module names,
    # in which Mermaid would also read a backslash before "n" as a line break)
    assert any(TRICKY in label for label in tricky["clusters"])  # type: ignore[attr-defined]
    assert "café2 modules, unconstrained" in tricky["nodes"]  # type: ignore[operator]
