"""How the server schedules its work (ADR-0011): keystroke bursts coalesced, first
diagnostics before the tree is walked or indexed, requests answered while indexing,
syntax errors held back while a line is being typed."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient
from tests.lsp.support import (
    by_rule,
    diagnostics,
    open_document,
    start_client,
    wait_for,
    wait_indexed,
)

CONFIG = (
    '[project]\nroots = ["."]\n\n[[layers]]\nname = "app-layers"\n'
    'layers = ["app.top", "app.bottom"]\n'
)


def make_project(root: Path, modules: int = 0) -> Path:
    """``app.top`` over ``app.bottom``, and ``modules`` filler modules (to index)."""
    (root / "app" / "filler").mkdir(parents=True)
    (root / "archrules.toml").write_text(CONFIG)
    for name in ("__init__", "top", "filler/__init__"):
        (root / "app" / f"{name}.py").write_text("")
    for i in range(modules):
        (root / "app" / "filler" / f"m{i}.py").write_text(
            f"import os\nfrom app import top\n\n\ndef f{i}(x):\n    return os.path.join(x)\n"
        )
    bottom = root / "app" / "bottom.py"
    bottom.write_text("import os\n\n\ndef g():\n    return os.sep\n")
    return bottom


class Published(dict[str, list[types.Diagnostic]]):
    """The client's last diagnostics per document, recording every publish on the way:
    (time, uri, codes)."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[float, str, list[str]]] = []

    def __setitem__(self, uri: str, found: list[types.Diagnostic]) -> None:
        self.seen.append((time.monotonic(), uri, [str(d.code) for d in found]))
        super().__setitem__(uri, found)


def record_publishes(client: LanguageClient) -> list[tuple[float, str, list[str]]]:
    published = Published()
    client.diagnostics = published
    return published.seen


def change(client: LanguageClient, uri: str, version: int, line: int, col: int, text: str) -> None:
    position = types.Position(line=line, character=col)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(start=position, end=position), text=text
                )
            ],
        )
    )


async def test_a_typing_burst_costs_one_publish_and_ends_on_the_newest_text(
    tmp_path: Path,
) -> None:
    bottom = make_project(tmp_path)
    client = await start_client([tmp_path.as_uri()], "visual-studio-code")
    seen = record_publishes(client)
    try:
        await wait_indexed(client)
        uri = open_document(client, bottom)
        await wait_for(client, uri, lambda d: not d)
        await asyncio.sleep(0.3)
        before = len([p for p in seen if p[1] == uri])
        typed = "from app import top\n"
        for i, char in enumerate(typed):  # one incremental change per key, no pause
            change(client, uri, i + 2, 0, i, char)
        found = await wait_for(client, uri, lambda d: bool(by_rule(d, "app-layers")))
        await asyncio.sleep(0.5)
        burst = [p for p in seen if p[1] == uri][before:]
        assert burst[-1][2] == ["app-layers"]  # the final text's
        # the first key is checked at once (a lone edit), the rest when the burst pauses;
        # one more if the machine is so slow that the keys arrive with a pause between
        assert len(burst) <= 3 < len(typed)
        assert found[0].range.start.line == 0
    finally:
        await client.shutdown_session()
        await client.stop()


async def test_first_diagnostics_and_answers_come_while_indexing(tmp_path: Path) -> None:
    """A large project: the opened file's findings (its imports resolved by looking for
    the modules they name) and a hover come before the index is complete."""
    bottom = make_project(tmp_path, modules=1500)
    bottom.write_text("import os\nfrom app import top\n")
    client = await start_client([tmp_path.as_uri()], "visual-studio-code")
    seen = record_publishes(client)
    try:
        uri = open_document(client, bottom)
        found = await wait_for(client, uri, bool)
        assert [d.code for d in found] == ["app-layers"]  # top is first-party, not external
        hover = await client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=types.Position(line=1, character=16),
            )
        )
        answered = time.monotonic()
        status = await wait_indexed(client, timeout=120)
        assert status["files"] >= 1500
        indexed = time.monotonic()
        first = next(t for t, u, codes in seen if u == uri and codes)
        assert first < answered < indexed
        assert hover is not None and "app-layers" in str(hover.contents)
        assert [d.code for d in await diagnostics(client, uri)] == ["app-layers"]
    finally:
        await client.shutdown_session()
        await client.stop()


async def test_a_syntax_error_waits_until_typing_pauses(tmp_path: Path) -> None:
    bottom = make_project(tmp_path)
    client = await start_client([tmp_path.as_uri()], "visual-studio-code")
    seen = record_publishes(client)
    try:
        await wait_indexed(client)
        uri = open_document(client, bottom)
        await wait_for(client, uri, lambda d: not d)
        change(client, uri, 2, 0, 0, "from app import top\ndef h(:\n")
        found = await wait_for(client, uri, bool)
        assert [d.code for d in found] == ["app-layers"]  # the imports are still checked
        found = await wait_for(client, uri, lambda d: "syntax-error" in [x.code for x in d])
        mine = [p for p in seen if p[1] == uri and p[2]]
        assert mine[0][2] == ["app-layers"] and "syntax-error" in mine[-1][2]
        assert mine[-1][0] - mine[0][0] >= 0.5  # shown once typing paused
    finally:
        await client.shutdown_session()
        await client.stop()
