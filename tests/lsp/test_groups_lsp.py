"""One cause, one finding in the editor (issue 11, A4): each module's diagnostic points at
the boundary-crossing import, and that import says how many modules reach the layer
through it."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from tests.lsp.support import change_document, open_document, start_client, wait_for

LOW = 30


def _many_chains(root: Path) -> None:
    files = {
        "archrules.toml": (
            '[project]\nroots = ["."]\n[[layers]]\nname = "layering"\n'
            'layers = ["app.high", "app.low"]\nindirect = true\n'
        ),
        "app/__init__.py": "",
        "app/high/__init__.py": "",
        "app/high/api.py": "",
        "app/low/__init__.py": "",
        "app/util/__init__.py": "",
        "app/util/bridge.py": "import os\nfrom app.high import api\n",
    }
    for i in range(LOW):
        files[f"app/low/m{i:02d}.py"] = "import app.util.bridge\n"
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _crossing(found: list[types.Diagnostic]) -> list[types.Diagnostic]:
    return [d for d in found if isinstance(d.data, dict) and d.data.get("crossing")]


@pytest.mark.parametrize("profile", ["neovim@v0.7.0", "vscode-pull"])
async def test_the_crossing_import_says_how_many_modules_reach_the_layer(
    tmp_path: Path, profile: str
) -> None:
    _many_chains(tmp_path)
    bridge = tmp_path / "app" / "util" / "bridge.py"
    client = await start_client([tmp_path.as_uri()], profile)
    try:
        member = tmp_path / "app" / "low" / "m05.py"
        member_uri = open_document(client, member)
        found = await wait_for(client, member_uri, bool)
        (diagnostic,) = found
        assert diagnostic.code == "layering"
        related = diagnostic.related_information or []
        crossing = [r for r in related if r.location.uri == bridge.as_uri()]
        assert len(crossing) == 1 and crossing[0].location.range.start.line == 1
        assert "boundary-crossing import" in crossing[0].message
        assert "30 modules reach app.high.api" in crossing[0].message

        bridge_uri = open_document(client, bridge)
        found = await wait_for(client, bridge_uri, lambda d: bool(_crossing(d)))
        (note,) = _crossing(found)
        assert note.severity == types.DiagnosticSeverity.Information
        assert note.message.startswith("30 modules reach app.high.api through this import")
        assert note.range.start.line == 1
        assert len(note.related_information or []) == LOW

        # one module stops importing the bridge: the crossing import's count follows
        change_document(client, member_uri, 2, "import os\n")
        await wait_for(client, member_uri, lambda d: not d)
        found = await wait_for(
            client,
            bridge_uri,
            lambda d: any(x.message.startswith("29 modules") for x in _crossing(d)),
        )
    finally:
        await client.shutdown_session()
        await client.stop()
