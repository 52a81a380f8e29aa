"""Hostile trees: time and peak memory of ``archrules check`` on each case of
tests/hostile_trees.py at full size (50 MB file, a million imports, 5,000-deep nesting...),
next to the same command on the well-formed base project (the ratio is what to read on a
shared machine). The bounds in SECURITY.md come from this script.

    python bench/hostile.py [--scale 1.0] [--timeout 300]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.hostile_trees import CASES, base


def run(root: Path, timeout: float) -> tuple[float, float, int, str]:
    """(seconds, peak RSS MiB, exit code, the notable output line) of one check."""
    env = {**os.environ, "ARCHRULES_CACHE_DIR": str(root.parent / "cache")}
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "archrules", "check", "--no-cache"],
            cwd=root,
            stdout=output,
            stderr=output,
            env=env,
        )
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)  # wait4: this child's own peak memory
        elapsed = time.perf_counter() - start
        timed_out = not timer.is_alive()
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        text = output.read().decode(errors="replace")
    lines = [line for line in text.splitlines() if line.strip()] or [""]
    notable = next(
        (line for line in lines if "too large" in line or "regular file" in line), lines[-1]
    )
    if timed_out:
        notable = "TIMEOUT"
    return elapsed, usage.ru_maxrss / 1024, proc.returncode, notable[:110]


def build(root: Path, name: str, scale: float) -> None:
    """Build a case in a child process: a checker forked from this process would count
    this process's memory (the million-import file's text...) in its own peak."""
    subprocess.run([sys.executable, __file__, "--build", name, str(root), str(scale)], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--build", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        name, root, scale = args.build
        if name == "reference":
            base(Path(root))
        else:
            CASES[name](Path(root), float(scale))
        return
    with tempfile.TemporaryDirectory(prefix="archrules-hostile-") as tmp:
        reference = Path(tmp) / "reference" / "tree"
        reference.mkdir(parents=True)
        build(reference, "reference", 1.0)
        ref_time, ref_peak, _, _ = run(reference, args.timeout)
        print(f"reference (well-formed 4-file project): {ref_time:.2f} s, {ref_peak:.0f} MiB")
        print(f"{'case':36} {'time':>8} {'x ref':>6} {'peak MiB':>9} {'exit':>4}  message")
        for name in CASES:
            root = Path(tmp) / name.replace(" ", "_").replace(",", "") / "tree"
            root.mkdir(parents=True)
            build(root, name, args.scale)
            elapsed, peak, code, message = run(root, args.timeout)
            print(
                f"{name:36} {elapsed:7.2f}s {elapsed / ref_time:6.1f} {peak:9.0f} {code:4}  "
                f"{message}"
            )
            sys.stdout.flush()


if __name__ == "__main__":
    main()
