"""A didChange storm against the language server, over raw stdio frames (ADR-0012).

Phase 1: didChange at ``--rate`` per second for ``--seconds`` (default 1,000/s for 10 s) on
one file of the example shop, while a second client thread sends hovers one after another
and times each reply. Prints messages sent, the rate achieved, hover median and p95 during
the storm, RSS before and after, and whether the final diagnostics equal a fresh server's.

Phase 2: ``--edits`` didChange (default 100,000) as fast as the pipe takes them, sampling
the server's RSS and its request-future table (``archrules.server.status`` ``inFlight``) every
10%: memory must stay flat (pygls 2.1 alone kept ~1.9 KB per notification).

A/B: ``--python /work/main/.venv/bin/python`` runs another checkout's server the same way;
run both side by side and compare (bare seconds mean little on a shared machine).

    python bench/storm.py [--rate 1000] [--seconds 10] [--edits 100000] [--python PY]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.lsp.raw import Message, RawServer, rss_kib

SHOP = Path(__file__).resolve().parents[1] / "examples" / "shop"
FILE = "src/shop/web/handlers.py"
FORBIDDEN = "from shop.billing.internal.ledger import Ledger\n"


def published(server: RawServer, uri: str, version: int, timeout: float = 120) -> Message:
    return server.wait_for(
        lambda m: (
            m.get("method") == "textDocument/publishDiagnostics"
            and m["params"]["uri"] == uri
            and m["params"].get("version") == version
        ),
        timeout,
    )


def start(python: str, project: Path, cache: Path) -> RawServer:
    server = RawServer(
        command=[python, "-m", "archrules", "server", "--log-level", "warning"],
        env={"ARCHRULES_CACHE_DIR": str(cache)},
    )
    server.initialize(project)
    deadline = time.monotonic() + 60
    while server.status()["indexing"] and time.monotonic() < deadline:
        time.sleep(0.05)
    return server


def text_for(base: str, version: int) -> str:
    return (FORBIDDEN if version % 3 else "") + base + f"# edit {version}\n"


def storm(python: str, project: Path, cache: Path, rate: float, seconds: float) -> None:
    server = start(python, project, cache)
    path = project / FILE
    base = path.read_text()
    uri = server.open(path)
    published(server, uri, 1)
    rss_before = rss_kib(server.proc.pid)
    sent = [0]
    version = [1]
    done = threading.Event()

    def changes() -> None:
        begin = time.monotonic()
        while True:
            elapsed = time.monotonic() - begin
            if elapsed >= seconds:
                break
            due = int(elapsed * rate) + 1
            while sent[0] < due:
                version[0] += 1
                server.change(uri, version[0], text_for(base, version[0]))
                sent[0] += 1
            time.sleep(0.0005)
        done.set()

    sender = threading.Thread(target=changes)
    begin = time.monotonic()
    sender.start()
    latencies: list[float] = []
    unanswered = 0
    while not done.is_set():
        msg_id = server.request(
            "textDocument/hover",
            {"textDocument": {"uri": uri}, "position": {"line": 6, "character": 12}},
        )
        asked = time.monotonic()
        try:
            server.response(msg_id, timeout=30)
        except AssertionError:
            unanswered += 1
            continue
        latencies.append((server.arrival[msg_id] - asked) * 1000)
        time.sleep(0.02)
    sender.join()
    storm_seconds = time.monotonic() - begin
    final = published(server, uri, version[0])
    caught_up = time.monotonic() - begin
    rss_after = rss_kib(server.proc.pid)
    in_flight = server.status().get("inFlight", "n/a")
    server.stop()

    fresh = start(python, project, cache)
    fresh.open(path, version=1, text=text_for(base, version[0]))
    expected = published(fresh, uri, 1)
    fresh.stop()
    same = final["params"]["diagnostics"] == expected["params"]["diagnostics"]

    p95 = statistics.quantiles(latencies, n=20)[18] if len(latencies) >= 20 else max(latencies)
    print(f"server: {python}")
    print(
        f"storm: {sent[0]} didChange in {storm_seconds:.1f} s ({sent[0] / storm_seconds:.0f}/s "
        f"asked {rate:.0f}/s); final diagnostics {caught_up - storm_seconds:.2f} s after the "
        "last change"
    )
    print(
        f"hover during the storm: {len(latencies)} answered, {unanswered} unanswered, "
        f"median {statistics.median(latencies):.1f} ms, p95 {p95:.1f} ms, "
        f"max {max(latencies):.1f} ms"
    )
    print(
        f"RSS before {rss_before / 1024:.1f} MiB, after {rss_after / 1024:.1f} MiB; "
        f"in flight after: {in_flight}"
    )
    print(f"final diagnostics == a fresh server's: {same}")


def flat_memory(python: str, project: Path, cache: Path, edits: int) -> None:
    server = start(python, project, cache)
    path = project / FILE
    base = path.read_text()
    uri = server.open(path)
    published(server, uri, 1)
    samples: list[tuple[int, float, Any]] = []
    step = max(edits // 10, 1)
    begin = time.monotonic()
    for version in range(2, edits + 2):
        server.change(uri, version, base + f"# {version}\n")
        if (version - 1) % step == 0:
            status = server.status()  # also waits until the server has read every change
            samples.append(
                (version - 1, rss_kib(server.proc.pid) / 1024, status.get("inFlight", "n/a"))
            )
    elapsed = time.monotonic() - begin
    server.stop()
    print(f"\n{edits} didChange in {elapsed:.1f} s ({edits / elapsed:.0f}/s), server: {python}")
    print("edits     RSS MiB  in-flight futures")
    for count, rss, in_flight in samples:
        print(f"{count:>7} {rss:9.1f}  {in_flight:>6}")
    first, last = samples[0], samples[-1]
    per_edit = (last[1] - first[1]) * 1024 * 1024 / max(last[0] - first[0], 1)
    print(f"growth from the first to the last sample: {per_edit:.1f} bytes per edit")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=1000.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--edits", type=int, default=100_000)
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="archrules-storm-") as tmp:
        project = Path(tmp) / "shop"
        shutil.copytree(SHOP, project)
        cache = Path(tmp) / "cache"
        storm(args.python, project, cache, args.rate, args.seconds)
        if args.edits:
            flat_memory(args.python, project, cache, args.edits)


if __name__ == "__main__":
    main()
