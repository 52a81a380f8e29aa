"""Language-server latency and memory on a real project, next to the peers' batch runs.

Starts ``archrules server`` over stdio with an empty facts cache, opens a file right after
``initialized`` (the index is cold), and measures:

* didOpen -> first publishDiagnostics for that file (index cold);
* the time until background indexing ends (``archrules.status``);
* didChange -> publishDiagnostics for that version, median and p90 over N edits once
  indexed (edits inside a function body, and edits adding or removing an import);
* the server's resident memory after indexing (VmRSS);

and prints ratios to ``tach check`` and ``lint-imports`` on the same tree with the same
layered contract: what a peer re-running the project on save costs. Run it with
``python bench/lsp_speed.py`` (homeassistant 2024.3.3, ~6,700 files; downloaded once into
``~/.cache/archrules-bench``, see bench/README.md).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

sys.path.insert(0, str(Path(__file__).parent))
from check_speed import (
    KNOWN,
    download,
    executable,
    find_package,
    normalize,
    parse_requirement,
    run_once,
    unpack,
    write_configs,
)


class Client:
    def __init__(self) -> None:
        self.lsp = LanguageClient("archrules-bench", "1")
        self.published: list[tuple[float, str, int | None]] = []
        self.waiters: list[tuple[str, int | None, asyncio.Future[float]]] = []

        @self.lsp.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def publish(params: types.PublishDiagnosticsParams) -> None:
            now = time.perf_counter()
            self.published.append((now, params.uri, params.version))
            for uri, version, future in list(self.waiters):
                if uri == params.uri and (version is None or params.version == version):
                    if not future.done():
                        future.set_result(now)
                    self.waiters.remove((uri, version, future))

        @self.lsp.feature(types.WINDOW_WORK_DONE_PROGRESS_CREATE)
        def create(params: types.WorkDoneProgressCreateParams) -> None:
            return None

        @self.lsp.feature(types.PROGRESS)
        def progress(params: types.ProgressParams) -> None:
            return None

        @self.lsp.feature(types.CLIENT_REGISTER_CAPABILITY)
        def register(params: types.RegistrationParams) -> None:
            return None

        @self.lsp.feature(types.WORKSPACE_CONFIGURATION)
        def configuration(params: types.ConfigurationParams) -> list[object]:
            return [None for _ in params.items]

        @self.lsp.feature(types.WINDOW_LOG_MESSAGE)
        def log(params: types.LogMessageParams) -> None:
            return None

    def wait(self, uri: str, version: int | None) -> asyncio.Future[float]:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiters.append((uri, version, future))
        return future


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def pick_file(package_dir: Path) -> Path:
    """A mid-sized module with a function body to edit."""
    candidates = sorted(p for p in package_dir.rglob("*.py") if 2_000 < p.stat().st_size < 20_000)
    for path in candidates:
        if "\ndef " in path.read_text(encoding="utf-8", errors="replace"):
            return path
    return candidates[0]


async def measure_server(
    work: Path, target: Path, edits: int, env: dict[str, str], log: Path
) -> dict[str, float]:
    client = Client()
    await client.lsp.start_io(
        sys.executable, "-m", "archrules", "server", "--log-file", str(log), env=env
    )
    server = client.lsp._server
    assert server is not None
    caps = types.ClientCapabilities(
        window=types.WindowClientCapabilities(work_done_progress=True),
        workspace=types.WorkspaceClientCapabilities(configuration=True),
    )
    await client.lsp.initialize_async(
        types.InitializeParams(
            capabilities=caps,
            process_id=os.getpid(),
            workspace_folders=[types.WorkspaceFolder(uri=work.as_uri(), name="bench")],
        )
    )
    t_initialized = time.perf_counter()
    client.lsp.initialized(types.InitializedParams())
    uri = target.as_uri()
    text = target.read_text(encoding="utf-8")
    first = client.wait(uri, 1)
    t_open = time.perf_counter()
    client.lsp.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="python", version=1, text=text
            )
        )
    )
    t_first = await asyncio.wait_for(first, 120)
    while True:
        status = await client.lsp.workspace_execute_command_async(
            types.ExecuteCommandParams(command="archrules.status", arguments=[])
        )
        if not status["indexing"]:
            break
        await asyncio.sleep(0.1)
    t_indexed = time.perf_counter()
    await asyncio.sleep(0.5)
    memory = rss_mib(server.pid)
    lines = text.split("\n")
    body = next(i for i, line in enumerate(lines) if line.startswith("def ")) + 1
    body_edits: list[float] = []
    import_edits: list[float] = []
    version = 1
    # typing in a function body first (the imports only move), then adding and removing
    # an import (the import graph changes every time)
    plan = [("body", i) for i in range(edits)] + [("import", i) for i in range(edits)]
    for kind, i in plan:
        version += 1
        if kind == "body":
            new_lines = [*lines[:body], f"    # edit {i}", *lines[body:]]
            bucket = body_edits
        else:
            extra = ["import homeassistant.components.http"] if i % 2 == 0 else []
            new_lines = [*extra, *lines]
            bucket = import_edits
        done = client.wait(uri, version)
        start = time.perf_counter()
        client.lsp.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[
                    types.TextDocumentContentChangeWholeDocument(text="\n".join(new_lines))
                ],
            )
        )
        bucket.append((await asyncio.wait_for(done, 60)) - start)
        await asyncio.sleep(0.05)
    await client.lsp.shutdown_async(None)
    client.lsp.exit(None)
    await client.lsp.stop()
    records = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    checks = [r["ms"] for r in records if r.get("event") == "check" and not r.get("indexing")]
    updates = [r["ms"] for r in records if r.get("event") == "update"]
    return {
        "check_ms": statistics.median(checks[-2 * edits :]) if checks else float("nan"),
        "update_ms": statistics.median(updates[-2 * edits :]) if updates else float("nan"),
        "files": float(status["files"]),
        "first_ms": (t_first - t_open) * 1000,
        "open_after_initialized_ms": (t_open - t_initialized) * 1000,
        "indexed_s": t_indexed - t_initialized,
        "rss_mib": memory,
        "body_median_ms": statistics.median(body_edits) * 1000,
        "body_p90_ms": statistics.quantiles(body_edits, n=10)[-1] * 1000,
        "import_median_ms": statistics.median(import_edits) * 1000,
        "import_p90_ms": statistics.quantiles(import_edits, n=10)[-1] * 1000,
    }


def peer_seconds(work: Path, repeat: int) -> dict[str, float]:
    found: dict[str, float] = {}
    env = dict(os.environ, NO_COLOR="1")
    for name, cmd in (
        ("tach check", ["tach", "check"]),
        ("lint-imports", ["lint-imports", "--no-cache"]),
    ):
        exe = executable(cmd[0])
        if exe is None:
            print(f"{cmd[0]} not found: skipped")
            continue
        times = [run_once([exe, *cmd[1:]], work, env).wall for _ in range(repeat)]
        found[name] = statistics.median(times)
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", default="homeassistant==2024.3.3")
    parser.add_argument("--edits", type=int, default=30, help="edits of each kind (default 30)")
    parser.add_argument("--repeat", type=int, default=3, help="peer runs (default 3)")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    name, version = parse_requirement(args.project)
    spec = KNOWN.get(normalize(name))
    archive = download(name, version, spec.sdist if spec else False)
    tmp = Path(tempfile.mkdtemp(prefix="archrules-lsp-bench-"))
    try:
        tree = unpack(archive, tmp / "unpacked")
        package_dir = find_package(tree, spec.package if spec else None)
        work = tmp / "work"
        work.mkdir()
        shutil.move(str(package_dir), work / package_dir.name)
        package = package_dir.name
        layers = list(spec.layers) if spec else [package]
        write_configs(work, package, layers)
        target = pick_file(work / package)
        cache = tmp / "cache"
        env = dict(os.environ, ARCHRULES_CACHE_DIR=str(cache))
        print(f"project {name}=={version}, opened file {target.relative_to(work)}")
        cold = asyncio.run(measure_server(work, target, args.edits, env, tmp / "cold.log"))
        warm = asyncio.run(measure_server(work, target, args.edits, env, tmp / "warm.log"))
        peers = peer_seconds(work, args.repeat)
        print(f"\nfiles indexed: {cold['files']:,.0f}")
        print(f"{'':38} {'cold cache':>12} {'warm cache':>12}")
        rows = [
            ("didOpen -> first diagnostics (ms)", "first_ms"),
            ("initialized -> index complete (s)", "indexed_s"),
            ("didChange -> diagnostics, body, median (ms)", "body_median_ms"),
            ("didChange -> diagnostics, body, p90 (ms)", "body_p90_ms"),
            ("didChange -> diagnostics, import, median (ms)", "import_median_ms"),
            ("didChange -> diagnostics, import, p90 (ms)", "import_p90_ms"),
            ("  of which: engine check, median (ms)", "check_ms"),
            ("  of which: re-reading the document, median (ms)", "update_ms"),
            ("server RSS after indexing (MiB)", "rss_mib"),
        ]
        for label, key in rows:
            print(f"{label:45} {cold[key]:>10.1f} {warm[key]:>10.1f}")
        for peer, seconds in peers.items():
            print(
                f"\n{peer}: {seconds:.2f} s per run; a peer re-running it per save is "
                f"{seconds * 1000 / warm['body_median_ms']:.0f}x the median body edit and "
                f"{seconds * 1000 / warm['import_median_ms']:.0f}x the median import edit; "
                f"first diagnostics (cold) take {cold['first_ms'] / (seconds * 1000):.2f}x one run"
            )
        if args.keep:
            print(f"\nkept {tmp}")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
