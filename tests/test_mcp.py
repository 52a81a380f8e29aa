"""`archrules mcp` end to end: the official MCP SDK's own client spawns the server over
stdio on a copy of the example shop and calls its tools, as a coding agent would."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from archrules.cli.main import main

mcp = pytest.importorskip("mcp", reason="the MCP SDK is in the dev extras")

from mcp import ClientSession, StdioServerParameters, stdio_client  # noqa: E402
from mcp.server.mcpserver.exceptions import ToolError  # noqa: E402
from mcp.types import TextContent  # noqa: E402

from archrules.mcp.server import Tools  # noqa: E402

SHOP = Path(__file__).resolve().parent.parent / "examples" / "shop"
ORDER = "src/shop/domain/order.py"


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    target = tmp_path / "shop"
    shutil.copytree(SHOP, target)
    return target


def _readme_registration() -> list[str]:
    """The arguments of the registration snippet the README gives (run from the project)."""
    readme = (SHOP.parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Coding agents", 1)[1]
    snippet = section.split("```json", 1)[1].split("```", 1)[0]
    server = json.loads(snippet)["mcpServers"]["archrules"]
    assert server["command"] == "archrules"
    return list(server["args"])


def _text(result: object) -> str:
    content = getattr(result, "content", [])
    return "\n".join(c.text for c in content if isinstance(c, TextContent))


async def _session_calls(
    root: Path, calls: list[tuple[str, dict[str, object]]]
) -> tuple[list[str], list[tuple[bool, str]]]:
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "archrules", *_readme_registration()],
        env=dict(os.environ),  # the test's cache (and coverage's variables) reach the server
        cwd=str(root),
    )
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        tools = await session.list_tools()
        results = []
        for name, arguments in calls:
            result = await session.call_tool(name, arguments)
            results.append((result.is_error, _text(result)))
    return sorted(tool.name for tool in tools.tools), results


async def test_tools_over_stdio_on_the_shop(shop: Path) -> None:
    order = shop / ORDER
    before = order.read_bytes()
    stat = order.stat()
    upward = before.decode().replace(
        "import attrs\n", "import attrs\n\nfrom shop.web.forms import OrderForm\n", 1
    )
    names, results = await _session_calls(
        shop,
        [
            ("list_rules", {}),
            ("check_file", {"path": ORDER, "text": upward}),
            ("check_file", {"path": ORDER, "text": before.decode()}),
            ("explain_module", {"module": "shop.domain.order", "imported": "shop.web.forms"}),
            ("explain_module", {"module": "shop.services.checkout", "imported": "shop.domain"}),
            ("explain_module", {"module": ORDER}),
            ("check_file", {"path": "../elsewhere.py", "text": "import os\n"}),
            ("check_file", {"path": "README.md", "text": "# no\n"}),
        ],
    )
    assert names == ["check_file", "explain_module", "list_rules"]
    rules, upward_found, clean, may_not, may, brief, outside, not_python = results

    assert not rules[0]
    assert "`clean-architecture`" in rules[1] and "`billing-api`" in rules[1]
    assert "ADR-0002: Layered architecture" in rules[1]
    assert "Chosen option: three layers" in rules[1]  # the decision itself, quoted

    assert not upward_found[0]
    text = upward_found[1]
    assert text.startswith(f"1 finding if `{ORDER}` (module `shop.domain.order`) is written")
    assert "**`clean-architecture`** (layers, error)" in text
    assert "line 10, column 6" in text  # the imported name, in the proposed text
    assert "shop.web.forms" in text and "ADR-0002" in text
    assert order.read_bytes() == before  # checked, never written
    assert order.stat().st_mtime_ns == stat.st_mtime_ns

    assert clean == (
        False,
        f"No violations: `{ORDER}` (module `shop.domain.order`) may be written as proposed.",
    )

    assert "`shop.domain.order` may not import `shop.web.forms`" in may_not[1]
    assert "ADR-0002" in may_not[1]
    assert "`shop.services.checkout` may import `shop.domain`" in may[1]
    assert "Layer: `shop.domain`" in brief[1] and "## Findings in this file now" in brief[1]

    assert outside[0] and "no archrules.toml" in outside[1]
    assert not_python[0] and "Python files" in not_python[1]


@pytest.mark.parametrize(("absent", "older"), [("mcp", False), ("mcp.server.mcpserver", True)])
def test_without_the_sdk_one_line_says_how_to_install(
    absent: str, older: bool, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, absent, None)  # as if it were not installed (or 1.x)
    assert main(["mcp"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert "pip install 'archrules[mcp]'" in err
    assert ("an older mcp is installed" in err) == older


def test_mcp_root_must_be_a_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mcp", "--root", str(tmp_path / "nowhere")]) == 2
    assert "no such directory" in capsys.readouterr().err


# --- the tools in-process: the answers for bad input ----------------------------------------


def test_tool_errors_are_one_line_for_the_agent(tmp_path: Path) -> None:
    tools = Tools(tmp_path, None)
    assert tools.list_rules() == f"No archrules project (archrules.toml) in {tmp_path}."
    with pytest.raises(ToolError, match="path is empty"):
        tools.check_file(" ", "")
    with pytest.raises(ToolError, match="no usable archrules project"):
        tools.explain_module("pkg.mod")
    (tmp_path / "one").mkdir()
    (tmp_path / "one" / "archrules.toml").write_text("[[layers]]\nname = 3\n")
    (tmp_path / "two").mkdir()
    (tmp_path / "two" / "archrules.toml").write_text(
        '[[layers]]\nname = "l"\nlayers = ["two.a", "two.b"]\n'
    )
    for name in ("__init__.py", "a.py", "b.py"):
        (tmp_path / "two" / "two").mkdir(exist_ok=True)
        (tmp_path / "two" / "two" / name).write_text("")
    listed = tools.list_rules()
    assert "## Project `one`\n\nThe config has errors:" in listed
    assert "## Project `two`" in listed and "`two.a` > `two.b`" in listed
    assert "Layer: `two.b`" in tools.explain_module("two.b")
    assert "`two.b` may not import `two.a`" in tools.explain_module("two.b", "two.a")
    assert "# archrules: `two.new`" in tools.explain_module("two.new")  # a module to be
    (tmp_path / "three").mkdir()  # with two usable projects, a module must be known
    (tmp_path / "three" / "archrules.toml").write_text("[project]\n")
    with pytest.raises(ToolError, match=r"no archrules project in .* has this module"):
        tools.explain_module("elsewhere.mod")
    with pytest.raises(ToolError, match="no such file"):
        tools.explain_module("two/two/missing.py")
    with pytest.raises(ToolError, match="the config has errors"):
        tools.check_file("one/x.py", "import os\n")
