"""Language-server latency and memory on a real project, next to the peers' batch runs.

Starts ``archrules server`` over stdio with an empty facts cache, opens a file right after
``initialized`` (the index is cold), and measures:

* didOpen -> first publishDiagnostics for that file (index cold);
* the time until background indexing ends (``archrules.server.status``);
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
        self.files = 0  # discovered, from the last archrules.server.status

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
    """A mid-sized module with a function body to edit (homeassistant: the issue's
    ``helpers/collection.py``)."""
    known = package_dir / "helpers" / "collection.py"
    if known.is_file():
        return known
    candidates = sorted(p for p in package_dir.rglob("*.py") if 2_000 < p.stat().st_size < 20_000)
    for path in candidates:
        if "\ndef " in path.read_text(encoding="utf-8", errors="replace"):
            return path
    return candidates[0]


def pick_large(package_dir: Path) -> Path:
    """The project's core module if it has one (homeassistant's ``core.py``), else its
    largest file with a plain ``import`` line."""
    known = package_dir / "core.py"
    if known.is_file():
        return known
    for path in sorted(package_dir.rglob("*.py"), key=lambda p: -p.stat().st_size):
        if "\nimport " in path.read_text(encoding="utf-8", errors="replace"):
            return path
    raise SystemExit(f"no module with an import line in {package_dir}")


def pct(values: list[float], q: float) -> float:
    """The q-quantile (0..1) by nearest rank; nan if empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


async def start(work: Path, env: dict[str, str], log: Path) -> tuple[Client, float]:
    client = Client()
    await client.lsp.start_io(
        sys.executable, "-m", "archrules", "server", "--log-file", str(log), env=env
    )
    caps = types.ClientCapabilities(
        window=types.WindowClientCapabilities(work_done_progress=True),
        workspace=types.WorkspaceClientCapabilities(configuration=True),
        text_document=types.TextDocumentClientCapabilities(
            hover=types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown])
        ),
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
    return client, t_initialized


async def open_document(client: Client, path: Path) -> float:
    """didOpen; the time to the first diagnostics for it (s)."""
    uri = path.as_uri()
    first = client.wait(uri, 1)
    t_open = time.perf_counter()
    client.lsp.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="python", version=1, text=path.read_text(encoding="utf-8")
            )
        )
    )
    return await asyncio.wait_for(first, 120) - t_open


async def indexing(client: Client) -> bool:
    status = await client.lsp.workspace_execute_command_async(
        types.ExecuteCommandParams(command="archrules.server.status", arguments=[])
    )
    client.files = status["files"]
    return bool(status["indexing"])


async def hover_while_indexing(client: Client, path: Path) -> list[float]:
    """Hover on the first import's module name every 50 ms until indexing ends."""
    lines = path.read_text(encoding="utf-8").split("\n")
    line = next(i for i, text in enumerate(lines) if text.startswith("import "))
    params = types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
        position=types.Position(line=line, character=len("import ") + 1),
    )
    latencies: list[float] = []
    while await indexing(client):
        for _ in range(5):
            start = time.perf_counter()
            await asyncio.wait_for(client.lsp.text_document_hover_async(params), 60)
            latencies.append(time.perf_counter() - start)
            await asyncio.sleep(0.05)
    return latencies


async def whole_edits(
    client: Client, path: Path, edits: int, version: int
) -> tuple[dict[str, list[float]], int]:
    """Whole-document changes: in a function body (imports move), then adding and
    removing an import (the import graph changes each time)."""
    uri = path.as_uri()
    lines = path.read_text(encoding="utf-8").split("\n")
    body = next(i for i, line in enumerate(lines) if line.startswith("def ")) + 1
    found: dict[str, list[float]] = {"body": [], "import": []}
    plan = [("body", i) for i in range(edits)] + [("import", i) for i in range(edits)]
    for kind, i in plan:
        version += 1
        if kind == "body":
            new_lines = [*lines[:body], f"    # edit {i}", *lines[body:]]
        else:
            extra = ["import homeassistant.components.http"] if i % 2 == 0 else []
            new_lines = [*extra, *lines]
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
        found[kind].append((await asyncio.wait_for(done, 60)) - start)
        # separate edits, as a user makes them (a paste, a quick fix): further apart than
        # the server's burst gap (0.1 s), below which changes count as typing and wait for
        # a 40 ms pause (ADR-0011); typing is measured on its own below
        await asyncio.sleep(0.15)
    # back to the text on disk
    version += 1
    done = client.wait(uri, version)
    client.lsp.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text="\n".join(lines))],
        )
    )
    await asyncio.wait_for(done, 60)
    return found, version


def _incremental(
    line: int, col: int, end_col: int, text: str
) -> types.TextDocumentContentChangePartial:
    return types.TextDocumentContentChangePartial(
        range=types.Range(
            start=types.Position(line=line, character=col),
            end=types.Position(line=line, character=end_col),
        ),
        text=text,
    )


TYPED = "import homeassistant.components.http"


async def typing(
    client: Client, path: Path, rounds: int, version: int, gap: float = 0.03
) -> tuple[list[float], list[int], int]:
    """Type an import one character at a time, ``gap`` s apart, as incremental changes on a
    new line above the first ``import`` line, then delete the line. Per round: last key ->
    diagnostics for that version (s), and the publishes for the document during the burst."""
    uri = path.as_uri()
    lines = path.read_text(encoding="utf-8").split("\n")
    line = next(i for i, text in enumerate(lines) if text.startswith("import "))
    latencies: list[float] = []
    publishes: list[int] = []

    def change(*changes: types.TextDocumentContentChangePartial) -> int:
        nonlocal version
        version += 1
        client.lsp.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=list(changes),
            )
        )
        return version

    for _ in range(rounds):
        done = client.wait(uri, change(_incremental(line, 0, 0, "\n")))
        await asyncio.wait_for(done, 60)
        await asyncio.sleep(0.3)
        before = sum(1 for _, u, _ in client.published if u == uri)
        for col, char in enumerate(TYPED):
            last = version + 1
            done = client.wait(uri, last)
            t_key = time.perf_counter()
            change(_incremental(line, col, col, char))
            if col < len(TYPED) - 1:
                await asyncio.sleep(gap)
        latencies.append(await asyncio.wait_for(done, 60) - t_key)
        await asyncio.sleep(0.3)
        publishes.append(sum(1 for _, u, _ in client.published if u == uri) - before)
        done = client.wait(uri, version + 1)
        change(
            types.TextDocumentContentChangePartial(
                range=types.Range(
                    start=types.Position(line=line, character=0),
                    end=types.Position(line=line + 1, character=0),
                ),
                text="",
            )
        )
        await asyncio.wait_for(done, 60)
        await asyncio.sleep(0.3)
    return latencies, publishes, version


async def measure_server(
    work: Path,
    target: Path,
    large: Path,
    edits: int,
    rounds: int,
    env: dict[str, str],
    log: Path,
) -> dict[str, float]:
    client, t_initialized = await start(work, env, log)
    server = client.lsp._server
    assert server is not None
    first = await open_document(client, target)
    hovers = await hover_while_indexing(client, target)
    t_indexed = time.perf_counter()
    await asyncio.sleep(0.5)
    memory = rss_mib(server.pid)
    whole, version = await whole_edits(client, target, edits, 1)
    typed, publishes, _ = await typing(client, target, rounds, version)
    await open_document(client, large)
    typed_large, publishes_large, _ = await typing(client, large, rounds, 1)
    await client.lsp.shutdown_async(None)
    client.lsp.exit(None)
    await client.lsp.stop()
    records = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    checks = [r["ms"] for r in records if r.get("event") == "check" and not r.get("indexing")]
    ms = 1000.0
    return {
        "check_ms": statistics.median(checks) if checks else float("nan"),
        "files": float(client.files),
        "first_ms": first * ms,
        "indexed_s": t_indexed - t_initialized,
        "rss_mib": memory,
        "hover_median_ms": pct(hovers, 0.5) * ms,
        "hover_p95_ms": pct(hovers, 0.95) * ms,
        "hover_max_ms": max(hovers, default=float("nan")) * ms,
        "hovers": float(len(hovers)),
        "body_median_ms": pct(whole["body"], 0.5) * ms,
        "body_p95_ms": pct(whole["body"], 0.95) * ms,
        "import_median_ms": pct(whole["import"], 0.5) * ms,
        "import_p95_ms": pct(whole["import"], 0.95) * ms,
        "typing_median_ms": pct(typed, 0.5) * ms,
        "typing_max_ms": max(typed) * ms,
        "typing_publishes": statistics.median(publishes),
        "typing_large_median_ms": pct(typed_large, 0.5) * ms,
        "typing_large_max_ms": max(typed_large) * ms,
        "typing_large_publishes": statistics.median(publishes_large),
    }


async def measure_scale(
    work: Path, target: Path, edits: int, env: dict[str, str], log: Path
) -> dict[str, float]:
    """At one corpus size: index time (empty cache) and the import-edit latency."""
    client, t_initialized = await start(work, env, log)
    await open_document(client, target)
    while await indexing(client):
        await asyncio.sleep(0.1)
    indexed = time.perf_counter() - t_initialized
    whole, _ = await whole_edits(client, target, edits, 1)
    await client.lsp.shutdown_async(None)
    client.lsp.exit(None)
    await client.lsp.stop()
    return {
        "indexed_s": indexed,
        "files": float(client.files),
        "body_median_ms": pct(whole["body"], 0.5) * 1000,
        "import_median_ms": pct(whole["import"], 0.5) * 1000,
    }


def copy_package(work: Path, package: str, copies: int) -> None:
    """Add ``copies`` copies of the package under new names, their own imports renamed."""
    for i in range(1, copies):
        name = f"{package}_copy{i}"
        for source in (work / package).rglob("*.py"):
            target = work / name / source.relative_to(work / package)
            target.parent.mkdir(parents=True, exist_ok=True)
            text = source.read_text(encoding="utf-8", errors="replace")
            target.write_text(text.replace(package, name), encoding="utf-8")


def cold_check_seconds(work: Path, env: dict[str, str], repeat: int) -> float:
    cmd = [sys.executable, "-m", "archrules", "check", "--no-cache", "--config", "archrules.toml"]
    return statistics.median(run_once(cmd, work, env).wall for _ in range(repeat))


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


ROWS = [
    ("didOpen -> first diagnostics (ms)", "first_ms"),
    ("initialized -> index complete (s)", "indexed_s"),
    ("  index / cold `archrules check` (ratio)", "index_ratio"),
    ("hover while indexing, median (ms)", "hover_median_ms"),
    ("hover while indexing, p95 (ms)", "hover_p95_ms"),
    ("hover while indexing, max (ms)", "hover_max_ms"),
    ("  hovers sent while indexing", "hovers"),
    ("didChange -> diagnostics, body, median (ms)", "body_median_ms"),
    ("didChange -> diagnostics, body, p95 (ms)", "body_p95_ms"),
    ("didChange -> diagnostics, import, median (ms)", "import_median_ms"),
    ("didChange -> diagnostics, import, p95 (ms)", "import_p95_ms"),
    ("typing, last key -> diagnostics, median (ms)", "typing_median_ms"),
    ("typing, last key -> diagnostics, max (ms)", "typing_max_ms"),
    ("  publishes per typed import (median)", "typing_publishes"),
    ("typing in the large file, median (ms)", "typing_large_median_ms"),
    ("typing in the large file, max (ms)", "typing_large_max_ms"),
    ("  publishes per typed import (median)", "typing_large_publishes"),
    ("engine check once indexed, median (ms)", "check_ms"),
    ("server RSS after indexing (MiB)", "rss_mib"),
]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", default="homeassistant==2024.3.3")
    parser.add_argument("--edits", type=int, default=30, help="edits of each kind (default 30)")
    parser.add_argument("--rounds", type=int, default=5, help="imports typed per file (default 5)")
    parser.add_argument("--repeat", type=int, default=3, help="peer and CLI runs (default 3)")
    parser.add_argument(
        "--source",
        action="append",
        default=[],
        metavar="DIR",
        help="A/B: also run the server from this source directory (e.g. another checkout's "
        "server/), side by side with this one; repeatable",
    )
    parser.add_argument(
        "--scales",
        default="",
        help="also index copies of the package at these sizes, e.g. 1,2,4 (slow)",
    )
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
        large = pick_large(work / package)
        here = str(Path(__file__).resolve().parent.parent / "server")
        sources = [("this", here)] + [(f"B{i}", s) for i, s in enumerate(args.source, 1)]
        print(
            f"project {name}=={version}, opened {target.relative_to(work)}, large file "
            f"{large.relative_to(work)}"
        )
        for label, source in sources:
            print(f"  {label}: {source}")
        results: dict[str, dict[str, dict[str, float]]] = {}
        checks: dict[str, float] = {}
        for label, source in sources:
            env = dict(
                os.environ, PYTHONPATH=source, ARCHRULES_CACHE_DIR=str(tmp / f"cache-{label}")
            )
            checks[label] = cold_check_seconds(work, env, args.repeat)
            results[label] = {}
            for kind in ("cold", "warm"):  # the cold run fills the cache the warm one uses
                log = tmp / f"{label}-{kind}.log"
                found = asyncio.run(
                    measure_server(work, target, large, args.edits, args.rounds, env, log)
                )
                found["index_ratio"] = found["indexed_s"] / checks[label]
                results[label][kind] = found
        peers = peer_seconds(work, args.repeat)
        print(f"\nfiles indexed: {results['this']['cold']['files']:,.0f}")
        header = "".join(
            f"{label + ' ' + kind:>14}" for label in results for kind in ("cold", "warm")
        )
        print(f"{'':48}{header}")
        for row, key in ROWS:
            values = "".join(
                f"{results[label][kind][key]:>14.1f}"
                for label in results
                for kind in ("cold", "warm")
            )
            print(f"{row:48}{values}")
        for label, seconds in checks.items():
            print(f"{label}: cold `archrules check --no-cache`: {seconds:.2f} s")
        ours = results["this"]
        for peer, seconds in peers.items():
            print(
                f"{peer}: {seconds:.2f} s per run; a peer re-running it per save is "
                f"{seconds * 1000 / ours['warm']['body_median_ms']:.0f}x the median body edit and "
                f"{seconds * 1000 / ours['warm']['import_median_ms']:.0f}x the median import edit; "
                f"first diagnostics (cold) take {ours['cold']['first_ms'] / (seconds * 1000):.2f}x "
                "one run"
            )
        scales = [int(x) for x in args.scales.split(",") if x.strip()]
        if scales:
            print("\ncorpus size: index (empty cache) and edits, by source")
            for label, source in sources:
                for copies in scales:
                    scaled = tmp / f"scaled-{copies}"
                    shutil.copytree(work, scaled)
                    copy_package(scaled, package, copies)
                    env = dict(
                        os.environ,
                        PYTHONPATH=source,
                        ARCHRULES_CACHE_DIR=str(tmp / f"cache-scale-{label}-{copies}"),
                    )
                    check = cold_check_seconds(scaled, env, 1)
                    found = asyncio.run(
                        measure_scale(
                            scaled,
                            scaled / target.relative_to(work),
                            args.edits,
                            env,
                            tmp / f"scale-{label}-{copies}.log",
                        )
                    )
                    print(
                        f"{label} {copies}x: {found['files']:,.0f} files; "
                        f"cold check {check:.2f} s; "
                        f"index {found['indexed_s']:.2f} s; body edit median "
                        f"{found['body_median_ms']:.1f} ms; import edit median "
                        f"{found['import_median_ms']:.1f} ms"
                    )
                    shutil.rmtree(scaled, ignore_errors=True)
        if args.keep:
            print(f"\nkept {tmp}")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
