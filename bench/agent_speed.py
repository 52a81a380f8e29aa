"""What does a coding agent wait for? The MCP server's ``check_file`` (a proposed text checked
as an overlay of a fresh ``Workspace``, ADR-0018) and ``archrules context FILE``, next to
``archrules check`` after an edit (its model built from the facts cache; with nothing
changed it would return the stored result), all in this process, warm cache, interleaved;
and the cost of opening the project anew on each call (ADR-0018) against one long-lived
``Workspace`` that only sets and drops the overlay.

    python bench/agent_speed.py                          # examples/shop, 7 runs each
    python bench/agent_speed.py --project DIR --file REL --repeat 5

Prints the median wall time of each and the ratios; see bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from archrules.cli.main import main
from archrules.core.context import check_proposed, file_brief, index_all, project_of
from archrules.core.workspace import Workspace

REPO = Path(__file__).resolve().parent.parent


def _timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def main_bench() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", type=Path, default=REPO / "examples" / "shop")
    parser.add_argument("--file", default="src/shop/domain/order.py", help="relative to it")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    root = args.project.resolve()
    target = root / args.file
    text = target.read_text(encoding="utf-8")
    proposed = text + "\nimport json  # an edit an agent proposes\n"
    os.environ.setdefault("ARCHRULES_CACHE_DIR", tempfile.mkdtemp(prefix="archrules-agent-"))
    cache = Path(os.environ["ARCHRULES_CACHE_DIR"])

    long_lived = Workspace(cache)
    project_of(long_lived, target)

    def check() -> None:
        with contextlib.redirect_stdout(io.StringIO()):
            main(["check", "--exit-zero", str(root)])

    def check_after_edit() -> None:
        os.utime(target)  # the snapshot is stale: the model is built from the facts cache
        check()

    def context() -> None:
        file_brief(Workspace(cache), target)

    def mcp_check_file() -> None:
        check_proposed(Workspace(cache), target, proposed)

    def overlay_only() -> None:
        index_all(long_lived)
        check_proposed(long_lived, target, proposed)

    runs: dict[str, Callable[[], None]] = {
        "archrules check (after an edit)": check_after_edit,
        "archrules context FILE": context,
        "mcp check_file (fresh Workspace)": mcp_check_file,
        "check_file on a long-lived Workspace": overlay_only,
    }
    for run in runs.values():  # warm the cache and the imports
        run()
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(args.repeat):
        for name, run in runs.items():
            times[name].append(_timed(run))
    median = {name: statistics.median(values) for name, values in times.items()}
    files = len(list(root.rglob("*.py")))
    print(f"{root.name}: {files} .py files, {args.repeat} interleaved runs each, warm cache")
    for name, value in median.items():
        print(f"  {name:<40} {value * 1000:8.1f} ms")
    base = median["archrules check (after an edit)"]
    fresh = median["mcp check_file (fresh Workspace)"]
    print(f"  context / check after an edit:     {median['archrules context FILE'] / base:.2f}")
    print(f"  check_file / check after an edit:  {fresh / base:.2f}")
    long_lived = median["check_file on a long-lived Workspace"]
    print(f"  fresh / long-lived Workspace:      {fresh / long_lived:.1f}")


if __name__ == "__main__":
    main_bench()
