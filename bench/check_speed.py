"""How fast is ``archrules check`` next to import-linter and tach, on a real project?

Downloads a sizeable pure-Python distribution from PyPI (cached under
``~/.cache/archrules-bench``), unpacks its top package into a temporary directory, writes the
same layered contract for the three tools (``archrules.toml``, ``.importlinter``,
``tach.toml``), then runs them interleaved (A, B, C, A, B, C, ...) and reports the median wall
time of N runs each, the ratios archrules / peer, CPU time and peak RSS. Then it measures the
incremental engine in-process: one edit to one file, then ``violations()``.

    python bench/check_speed.py                                   # django 5.0.6, 5 runs each
    python bench/check_speed.py --project homeassistant==2024.3.3 --repeat 3
    python bench/check_speed.py --profile                         # + cProfile of a cold check

See bench/README.md for what the figures mean.
"""

from __future__ import annotations

import argparse
import ast
import cProfile
import io
import os
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

CACHE_DIR = Path(os.environ.get("ARCHRULES_BENCH_CACHE", "~/.cache/archrules-bench")).expanduser()
DEFAULT_PROJECT = "django==5.0.6"
STDERR_TAIL = 10  # lines of a failing tool's output to show


# --- the projects ----------------------------------------------------------------------


@dataclass(frozen=True)
class Known:
    """A project with a hand-written contract: layers top to bottom, as module names."""

    package: str
    layers: tuple[str, ...]
    sdist: bool  # download the sdist (else the wheel, which for pure Python holds the source)


KNOWN: dict[str, Known] = {
    # Django's own layering, roughly: the contrib apps use views and forms, which render
    # templates, which sit on the ORM, the core (handlers, signals, exceptions), the utils.
    "django": Known(
        "django",
        (
            "django.contrib",
            "django.views",
            "django.forms",
            "django.template",
            "django.db",
            "django.core",
            "django.utils",
        ),
        sdist=True,
    ),
    # Home Assistant: integrations use the helpers, which use the core, which uses util.
    "homeassistant": Known(
        "homeassistant",
        (
            "homeassistant.components",
            "homeassistant.helpers",
            "homeassistant.core",
            "homeassistant.util",
        ),
        sdist=False,
    ),
}


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_requirement(text: str) -> tuple[str, str]:
    name, sep, version = text.partition("==")
    if not sep or not name.strip() or not version.strip():
        raise SystemExit(f"--project: expected NAME==VERSION, got {text!r}")
    return name.strip(), version.strip()


# --- download and unpack ---------------------------------------------------------------

ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".zip", ".whl")


def find_archive(directory: Path) -> Path | None:
    if not directory.is_dir():
        return None
    archives = sorted(p for p in directory.iterdir() if p.name.endswith(ARCHIVE_SUFFIXES))
    return archives[0] if archives else None


def download(name: str, version: str, sdist: bool) -> Path:
    """The project's archive, from the cache or downloaded with pip (sdist or wheel, falling
    back to the other kind)."""
    target = CACHE_DIR / f"{normalize(name)}-{version}"
    cached = find_archive(target)
    if cached is not None:
        return cached
    target.mkdir(parents=True, exist_ok=True)
    base = [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check"]
    base += ["-d", str(target), f"{name}=={version}"]
    kinds = [["--no-binary", ":all:"], ["--only-binary", ":all:"]]
    if not sdist:
        kinds.reverse()
    errors: list[str] = []
    for kind in kinds:
        print(f"downloading {name}=={version} ({' '.join(kind)}) into {target} ...", flush=True)
        result = subprocess.run(base + kind, capture_output=True, text=True, check=False)
        archive = find_archive(target)
        if result.returncode == 0 and archive is not None:
            return archive
        errors.append(tail(result.stdout + result.stderr))
    raise SystemExit(f"cannot download {name}=={version}:\n" + "\n".join(errors))


def unpack(archive: Path, into: Path) -> Path:
    into.mkdir(parents=True)
    if archive.name.endswith((".tar.gz", ".tgz")):
        with tarfile.open(archive) as tar:
            if hasattr(tarfile, "data_filter"):  # 3.12, and 3.10.12 / 3.11.4 onwards
                tar.extractall(into, filter="data")
            else:
                tar.extractall(into)
    else:
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(into)
    children = [p for p in into.iterdir() if p.is_dir()]
    # an sdist unpacks into one NAME-VERSION/ directory; a wheel directly
    if len(children) == 1 and not (children[0] / "__init__.py").exists():
        return children[0]
    return into


def find_package(tree: Path, wanted: str | None) -> Path:
    """The project's top package: ``wanted`` if given, else the top-level package (a
    directory with an ``__init__.py`` whose parent has none, at most three levels down,
    e.g. ``src/`` or ``lib/``) holding the most Python files."""
    candidates = [
        init.parent
        for pattern in ("*/__init__.py", "*/*/__init__.py", "*/*/*/__init__.py")
        for init in tree.glob(pattern)
        if not (init.parent.parent / "__init__.py").exists()
        and not {"tests", "test", "docs", "examples"} & set(init.relative_to(tree).parts)
    ]
    if wanted is not None:
        for candidate in candidates:
            if candidate.name == wanted:
                return candidate
        raise SystemExit(f"no package {wanted!r} in {tree}")
    if not candidates:
        raise SystemExit(f"no Python package found in {tree}")
    return max(candidates, key=lambda p: (sum(1 for _ in p.rglob("*.py")), p.name))


# --- the contract, written for each tool -----------------------------------------------


def write_configs(work: Path, package: str, layers: Sequence[str]) -> None:
    quoted = ", ".join(f'"{layer}"' for layer in layers)
    (work / "archrules.toml").write_text(
        "# written by bench/check_speed.py\n"
        "[project]\n"
        'roots = ["."]\n'
        'type-checking-imports = "ignore"\n\n'
        "[[layers]]\n"
        'name = "bench-layers"\n'
        f"layers = [{quoted}]\n"
        "indirect = true\n"
    )
    lines = "\n".join(f"    {layer}" for layer in layers)
    (work / ".importlinter").write_text(
        "[importlinter]\n"
        f"root_package = {package}\n"
        "exclude_type_checking_imports = True\n\n"
        "[importlinter:contract:bench-layers]\n"
        "name = bench-layers\n"
        "type = layers\n"
        f"layers =\n{lines}\n"
    )
    names = [tach_layer(layer) for layer in layers]
    tach_layers = ", ".join(f'"{name}"' for name in names)
    modules = "".join(
        f'\n[[modules]]\npath = "{layer}"\nlayer = "{name}"\n'
        for layer, name in zip(layers, names, strict=True)
    )
    (work / "tach.toml").write_text(
        'source_roots = ["."]\n'
        "exclude = []\n"
        "ignore_type_checking_imports = true\n"
        f"layers = [{tach_layers}]\n" + modules
    )


def tach_layer(module: str) -> str:
    return module.replace(".", "_")


def derive_layers(work: Path, package: str, count: int = 5) -> list[str]:
    """For a project without a hand-written contract: its largest subpackages, ordered by
    how they import each other (the ones imported by the others at the bottom)."""
    from archrules.core.project import open_project  # noqa: PLC0415 - the archrules under test

    config = work / "archrules.toml"
    config.write_text('[project]\nroots = ["."]\n')
    project = open_project(config, cache_dir=None)
    config.unlink()
    model = project.model
    if model is None:
        raise SystemExit(f"archrules cannot open {work}: {project.problems}")
    model.violations()  # brings the graph up to date

    def top(module: str) -> str:
        return ".".join(module.split(".")[:2])

    packages = {p.parent for p in (work / package).glob("*/__init__.py")}
    sizes = {f"{package}.{p.name}": sum(1 for _ in p.rglob("*.py")) for p in packages}
    chosen = sorted(sizes, key=lambda m: (-sizes[m], m))[:count]
    if len(chosen) < 2:
        raise SystemExit(f"{package} has fewer than two subpackages: pass --layers")
    pairs = {
        (top(m), top(s))
        for m in model.modules()
        for s in model.successors(m)
        if top(m) in chosen and top(s) in chosen and top(m) != top(s)
    }
    score = {m: sum(a == m for a, _ in pairs) - sum(b == m for _, b in pairs) for m in chosen}
    return sorted(chosen, key=lambda m: (-score[m], m))


# --- running the tools -----------------------------------------------------------------


def tail(text: str, lines: int = STDERR_TAIL) -> str:
    kept = [line for line in text.splitlines() if line.strip()]
    return "\n".join(f"    {line}" for line in kept[-lines:])


def executable(name: str) -> str | None:
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    return shutil.which(name)


@dataclass
class Run:
    wall: float  # seconds
    cpu: float  # user + system seconds of the child
    rss_mb: float  # peak resident set size of the child
    code: int
    stdout: str
    stderr: str


# The peak RSS of a child counts the memory of the process it was forked from (Linux
# charges the pre-exec image to the child), so the tools run under GNU time, a small
# process, whose %M is the tool's own peak. Without it, wait4's figure has the benchmark's
# own RSS as a floor.
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def run_once(cmd: Sequence[str], cwd: Path, env: dict[str, str]) -> Run:
    """Run ``cmd``: wall time from spawn to exit, CPU from the child's rusage (wait4)."""
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile("r", suffix=".rss") as rss,
    ):
        argv = [GNU_TIME, "-f", "%M", "-o", rss.name, *cmd] if GNU_TIME else list(cmd)
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode(errors="replace")
        stderr = err.read().decode(errors="replace")
        maxrss_kib = float(usage.ru_maxrss)  # KiB on Linux
        if GNU_TIME:
            # "Command exited with non-zero status N" may come first
            last = (rss.read().strip().splitlines() or [""])[-1]
            maxrss_kib = float(last) if last.isdigit() else maxrss_kib
    return Run(
        wall, usage.ru_utime + usage.ru_stime, maxrss_kib / 1024, proc.returncode, stdout, stderr
    )


@dataclass
class Variant:
    label: str
    cmd: list[str]
    env: dict[str, str]
    ok: Callable[[Run], bool]  # did the tool do its job (violations found or not)?
    findings: Callable[[Run], str]
    runs: list[Run] = field(default_factory=list)
    failure: str | None = None
    prepare: Callable[[], None] | None = None  # untimed, before each run
    cwd: Path | None = None  # where to run it (default: the work directory)

    def median(self, attr: str) -> float:
        return float(statistics.median(getattr(r, attr) for r in self.runs))


def archrules_findings(run: Run) -> str:
    found = re.search(r"Found (\d+) violations?", run.stdout)
    return f"{found.group(1)} violations" if found else "no violations"


def importlinter_findings(run: Run) -> str:
    summary = re.search(r"Contracts: (\d+) kept, (\d+) broken", run.stdout)
    if summary is None:
        return "?"
    if summary.group(2) == "0":
        return "kept"
    broken = run.stdout.split("Broken contracts", 1)[-1]
    chains = sum(1 for line in broken.splitlines() if line.startswith("- "))
    return f"broken, {chains} imports/chains"


def tach_findings(run: Run) -> str:
    errors = sum(1 for line in (run.stderr + run.stdout).splitlines() if "[FAIL]" in line)
    return f"{errors} errors" if errors else "no errors"


class OneFileEdit:
    """Changes one file before each run: a comment line added, then removed, and so on.
    The file is in the middle of the sorted file list (a module of average importance)."""

    def __init__(self, work: Path, package: str) -> None:
        files = sorted((work / package).rglob("*.py"))
        self.path = files[len(files) // 2]
        self.original = self.path.read_bytes()
        self.count = 0

    def __call__(self) -> None:
        self.count += 1
        text = self.original + (b"# bench edit\n" if self.count % 2 else b"")
        self.path.write_bytes(text)
        # as if saved a second before the check: archrules distrusts the fingerprint of a
        # file changed within 100 ms of being read (it could change again unseen)
        stamp = time.time_ns() - 1_000_000_000
        os.utime(self.path, ns=(stamp, stamp))

    def restore(self) -> None:
        self.path.write_bytes(self.original)


def tool_env(cache: Path) -> dict[str, str]:
    env = dict(os.environ, ARCHRULES_CACHE_DIR=str(cache), NO_COLOR="1", PYTHONUNBUFFERED="1")
    # as installed for a user: Python's .pyc files are written and reused
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def archrules_variants(
    label: str, command: list[str], env: dict[str, str], edit: OneFileEdit
) -> list[Variant]:
    """Cold (--no-cache), warm with nothing changed, warm with one file changed."""
    check = [*command, "check", "--no-baseline"]

    def archrules_ok(r: Run) -> bool:
        return r.code in (0, 1) and ("Found " in r.stdout or "No violations" in r.stdout)

    # in this order: "warm" sees the tree exactly as the run before it (same code, same
    # cache) left it; the other variants' edits come before "1 changed"
    return [
        Variant(
            f"{label} (warm, 1 changed)",
            check,
            env,
            archrules_ok,
            archrules_findings,
            prepare=edit,
        ),
        Variant(f"{label} (warm cache)", check, env, archrules_ok, archrules_findings),
        Variant(f"{label} (cold)", [*check, "--no-cache"], env, archrules_ok, archrules_findings),
    ]


def variants(
    work: Path,
    cache: Path,
    edit: OneFileEdit,
    old: Path | None = None,
    peers: bool = True,
) -> list[Variant]:
    env = tool_env(cache)
    archrules = executable("archrules")
    archrules_cmd = [archrules] if archrules else [sys.executable, "-m", "archrules"]

    def importlinter_ok(r: Run) -> bool:
        return r.code in (0, 1) and "Contracts:" in r.stdout

    def tach_ok(r: Run) -> bool:
        return r.code == 0 or (r.code == 1 and "[FAIL]" in r.stderr + r.stdout)

    found = archrules_variants("archrules", archrules_cmd, env, edit)
    if old is not None:
        old_env = dict(tool_env(cache.with_name(cache.name + "-old")), PYTHONPATH=str(old))
        found += archrules_variants(
            "old archrules", [sys.executable, "-m", "archrules"], old_env, edit
        )
    if not peers:
        tach = executable("tach")
        if tach:
            found.append(Variant("tach", [tach, "check"], env, tach_ok, tach_findings))
        return found
    lint_imports = executable("lint-imports")
    if lint_imports:
        found += [
            Variant(
                "import-linter (no cache)",
                [lint_imports, "--no-cache"],
                env,
                importlinter_ok,
                importlinter_findings,
            ),
            Variant(
                "import-linter (cache)", [lint_imports], env, importlinter_ok, importlinter_findings
            ),
        ]
    else:
        print("lint-imports not found: import-linter skipped")
    tach = executable("tach")
    if tach:
        found.append(Variant("tach", [tach, "check"], env, tach_ok, tach_findings))
    else:
        print("tach not found: skipped")
    return found


def measure(found: list[Variant], work: Path, repeat: int) -> None:
    """One untimed warm-up round (populates the caches, the OS page cache, .pyc files), then
    ``repeat`` interleaved rounds."""
    for round_ in range(repeat + 1):
        for variant in found:
            if variant.failure is not None:
                continue
            if variant.prepare is not None:
                variant.prepare()
            run = run_once(variant.cmd, variant.cwd or work, variant.env)
            if not variant.ok(run):
                variant.failure = (
                    f"{variant.label} failed (exit {run.code}): {' '.join(variant.cmd)}\n"
                    + tail(run.stderr if run.stderr.strip() else run.stdout)
                )
                print(f"  {variant.label} failed: skipped from now on", flush=True)
                continue
            if round_ > 0:
                variant.runs.append(run)
        print(f"  round {round_}/{repeat}{' (warm-up)' if round_ == 0 else ''} done", flush=True)


# --- the incremental engine, in-process ------------------------------------------------


@dataclass
class Incremental:
    open_s: float
    first_violations_ms: float
    no_import_ms: list[float]
    new_import_ms: list[float]
    violations: int


def edit_points(text: str) -> tuple[int, int] | None:
    """(0-based line, indent) of the first statement of a function body that starts its
    own line, below the ``def``: a comment or an import inserted there is in the body."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    lines = text.splitlines()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            line = first.lineno - 1
            if first.lineno > node.lineno and line < len(lines):
                indent = len(lines[line]) - len(lines[line].lstrip())
                if indent == first.col_offset and lines[line][:indent].strip() == "":
                    return line, indent
    return None


def insert_line(text: str, line: int, new: str) -> str:
    lines = text.splitlines(keepends=True)
    return "".join([*lines[:line], new + "\n", *lines[line:]])


def measure_incremental(work: Path, layers: Sequence[str], edits: int) -> Incremental:
    from archrules.core.project import open_project  # noqa: PLC0415 - the archrules under test

    start = time.perf_counter()
    project = open_project(work / "archrules.toml", cache_dir=None)
    open_s = time.perf_counter() - start
    model = project.model
    if model is None or project.problems:
        problem = project.problems[0] if project.problems else None
        raise RuntimeError(f"open_project: {problem.message if problem else 'no model'}")
    start = time.perf_counter()
    baseline = model.violations()
    first_ms = (time.perf_counter() - start) * 1000

    # files spread over the project with a function body to edit; the added import is of
    # the top layer (a new edge, a new violation when the file sits in a lower layer)
    target = layers[0]
    paths = [p for p in model.paths if (model.module_for(p) or ("",))[0] != target]
    step = max(1, len(paths) // (edits * 3))
    picked: list[tuple[Path, str, int, int]] = []
    for path in paths[::step]:
        text = path.read_text(encoding="utf-8", errors="replace")
        point = edit_points(text)
        if point is not None:
            picked.append((path, text, *point))
        if len(picked) == edits:
            break

    def timed(path: Path, new_text: str) -> float:
        begin = time.perf_counter()
        model.set_text(path, new_text)
        model.violations()
        return (time.perf_counter() - begin) * 1000

    no_import: list[float] = []
    new_import: list[float] = []
    for i, (path, text, line, indent) in enumerate(picked):
        pad = " " * indent
        no_import.append(timed(path, insert_line(text, line, f"{pad}# bench edit {i}")))
        model.set_text(path, text)
        model.violations()
        new_import.append(timed(path, insert_line(text, line, f"{pad}import {target}")))
        model.set_text(path, text)
        model.violations()
    final = model.violations()
    if final != baseline:
        raise RuntimeError("the model does not come back to its first verdict after undoing")
    return Incremental(open_s, first_ms, no_import, new_import, len(baseline))


# --- profile -----------------------------------------------------------------------------


def profile_cold(work: Path, cache: Path, top: int) -> str:
    """cProfile of ``archrules check --no-cache``, in-process, top entries by cumulative."""
    from archrules.cli.main import main  # noqa: PLC0415 - the archrules under test

    profiler = cProfile.Profile()
    saved = os.getcwd(), sys.stdout, os.environ.get("ARCHRULES_CACHE_DIR")
    os.chdir(work)
    os.environ["ARCHRULES_CACHE_DIR"] = str(cache)
    sys.stdout = io.StringIO()
    try:
        profiler.runcall(main, ["check", "--no-cache", "--no-baseline"])
    finally:
        os.chdir(saved[0])
        sys.stdout = saved[1]
        if saved[2] is None:
            os.environ.pop("ARCHRULES_CACHE_DIR", None)
        else:
            os.environ["ARCHRULES_CACHE_DIR"] = saved[2]
    report = io.StringIO()
    stats = pstats.Stats(profiler, stream=report)
    stats.strip_dirs().sort_stats("cumulative").print_stats(top)
    return report.getvalue()


# --- report ------------------------------------------------------------------------------


def fmt_ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b > 0 else "-"


def paired_ratio(mine: Variant, peer: Variant) -> float:
    """The median over rounds of mine / peer, each pair timed in the same round (so both
    saw the same load); the ratio of medians when the rounds do not pair up."""
    if len(mine.runs) == len(peer.runs) and mine.runs:
        pairs = zip(mine.runs, peer.runs, strict=True)
        return float(statistics.median(a.wall / b.wall for a, b in pairs))
    return mine.median("wall") / peer.median("wall")


TARGETS = {"cold": 1.0, "warm cache": 0.25, "warm, 1 changed": 0.35}  # vs tach (issue 10)


def print_table(title: str, found: list[Variant], repeat: int) -> None:
    print()
    print(title)
    head = f"{'tool':<30}{'median s':>9}{'cpu s':>8}{'rss MB':>8}{'runs':>6}   findings"
    print(head)
    print("-" * len(head))
    for variant in found:
        if not variant.runs:
            print(f"{variant.label:<30}{'failed':>9}")
            continue
        print(
            f"{variant.label:<30}{variant.median('wall'):>9.2f}{variant.median('cpu'):>8.2f}"
            f"{max(r.rss_mb for r in variant.runs):>8.0f}{len(variant.runs):>6}   "
            f"{variant.findings(variant.runs[-1])}"
        )
    print(f"(medians of {repeat} interleaved runs after one warm-up round; rss is the peak)")
    by_label = {v.label: v for v in found if v.runs}
    tach = by_label.get("tach")
    linter = {
        "cold": by_label.get("import-linter (no cache)"),
        "warm": by_label.get("import-linter (cache)"),
    }
    print()
    head = (
        f"{'ratio (median of per-round ratios)':<38}{'/ tach':>8}{'target':>8}"
        f"{'/ import-linter':>17}"
    )
    print(head)
    print("-" * len(head))
    for variant in found:
        if not variant.runs or "archrules" not in variant.label:
            continue
        kind = variant.label.split("(", 1)[1].rstrip(")")
        vs_tach = f"{paired_ratio(variant, tach):.2f}" if tach else "-"
        target = TARGETS.get(kind)
        mark = (
            ""
            if target is None or not tach
            else (" ok" if paired_ratio(variant, tach) <= target else " no")
        )
        peer = linter["cold" if kind == "cold" else "warm"]
        vs_linter = f"{paired_ratio(variant, peer):.2f}" if peer else "-"
        print(
            f"{variant.label:<38}{vs_tach:>8}{'' if target is None else f'<= {target:.2f}':>8}"
            f"{mark:<3}{vs_linter:>14}"
        )
    for variant in found:
        if variant.failure:
            print(f"\n{variant.failure}")


def directory_bytes(directory: Path) -> int:
    return sum(p.stat().st_size for p in directory.rglob("*") if p.is_file())


def source_bytes(work: Path) -> int:
    return sum(p.stat().st_size for p in work.rglob("*.py"))


def print_cache_size(label: str, cache: Path, work: Path) -> None:
    used, source = directory_bytes(cache), source_bytes(work)
    files = len(list(cache.glob("*"))) if cache.is_dir() else 0
    print(
        f"{label} cache on disk / source: {used / source:.3f} "
        f"({used / 1e6:.1f} MB in {files} files / {source / 1e6:.1f} MB of .py)"
    )


# --- growth: the project copied under new names -------------------------------------------


def make_copies(work: Path, package: str, factor: int) -> list[str]:
    """Copy the package ``factor - 1`` times under new names, their imports renamed too
    (each copy is a project of its own size, importing itself)."""
    word = re.compile(rf"\b{re.escape(package)}\b")
    names = [package]
    for n in range(2, factor + 1):
        name = f"{package}_copy{n}"
        names.append(name)
        for source in (work / package).rglob("*"):
            target = work / name / source.relative_to(work / package)
            if source.is_dir():
                target.mkdir(parents=True, exist_ok=True)
            elif source.suffix == ".py":
                target.parent.mkdir(parents=True, exist_ok=True)
                text = source.read_text(encoding="utf-8", errors="surrogateescape")
                target.write_text(word.sub(name, text), encoding="utf-8", errors="surrogateescape")
    return names


def measure_growth(
    source: Path,
    package: str,
    layers: Sequence[str],
    factors: Sequence[int],
    repeat: int,
    temp: Path,
) -> None:
    """archrules cold / warm / one file changed, and tach, at 1x, 2x, 4x ... the corpus."""
    rows: list[tuple[int, int, dict[str, float], dict[str, float]]] = []
    for factor in factors:
        work = temp / f"growth-{factor}"
        work.mkdir()
        shutil.copytree(source / package, work / package)
        make_copies(work, package, factor)
        write_configs(work, package, layers)
        files = sum(1 for _ in work.rglob("*.py"))
        edit = OneFileEdit(work, package)
        found = variants(work, temp / f"growth-cache-{factor}", edit, peers=False)
        print(f"growth x{factor}: {files} files", flush=True)
        measure(found, work, repeat)
        medians = {v.label: v.median("wall") for v in found if v.runs}
        tach = next((v for v in found if v.label == "tach" and v.runs), None)
        ratios = {
            v.label: paired_ratio(v, tach) for v in found if v.runs and tach and v is not tach
        }
        rows.append((factor, files, medians, ratios))
        shutil.rmtree(work)
    print()
    print("growth: median wall s (x = / the 1x figure; r = / tach in the same rounds)")
    labels = list(rows[0][2])
    print(f"{'corpus':<8}{'files':>7}" + "".join(f"{label:>30}" for label in labels))
    base = rows[0][2]
    for factor, files, medians, ratios in rows:
        cells = []
        for label in labels:
            value = medians.get(label)
            if value is None:
                cells.append(f"{'-':>30}")
                continue
            r = ratios.get(label)
            cell = f"{value:.2f} s x{value / base[label]:.2f}" + (f" r{r:.2f}" if r else "")
            cells.append(f"{cell:>30}")
        print(f"{f'{factor}x':<8}{files:>7}" + "".join(cells))


def old_checkout(ref: str, into: Path) -> Path:
    """``server/`` of the repository at ``ref`` (git archive), to run the old archrules."""
    repo = Path(__file__).resolve().parents[1]
    archive = subprocess.run(
        ["git", "-C", str(repo), "archive", ref, "server"], capture_output=True, check=True
    ).stdout
    into.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data") if hasattr(tarfile, "data_filter") else tar.extractall(
            into
        )
    return into / "server"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--project", default=DEFAULT_PROJECT, help=f"NAME==VERSION (default {DEFAULT_PROJECT})"
    )
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per tool (default 5)")
    parser.add_argument(
        "--edits", type=int, default=20, help="edits per kind, incremental engine (default 20)"
    )
    parser.add_argument(
        "--layers", help="comma-separated layers, top to bottom (default: built in or derived)"
    )
    parser.add_argument("--profile", action="store_true", help="cProfile a cold archrules check")
    parser.add_argument(
        "--compare",
        metavar="REF",
        help="also run archrules as of git REF (e.g. main), side by side: old / new ratios",
    )
    parser.add_argument(
        "--growth",
        metavar="N,N,...",
        help="also measure at these multiples of the corpus (copies under new names), e.g. 1,2,4",
    )
    parser.add_argument(
        "--growth-repeat", type=int, default=1, help="timed runs per variant for --growth"
    )
    parser.add_argument(
        "--skip-main", action="store_true", help="skip the main table (e.g. only --growth)"
    )
    parser.add_argument(
        "--no-incremental", action="store_true", help="skip the in-process incremental figures"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    name, version = parse_requirement(args.project)
    known = KNOWN.get(normalize(name))
    archive = download(name, version, sdist=known.sdist if known else False)
    temp = Path(tempfile.mkdtemp(prefix="archrules-bench-"))
    try:
        tree = unpack(archive, temp / "unpacked")
        source = find_package(tree, known.package if known else None)
        package = source.name
        work = temp / "work"
        work.mkdir()
        shutil.move(str(source), work / package)
        shutil.rmtree(temp / "unpacked")
        files = sum(1 for _ in (work / package).rglob("*.py"))
        if args.layers:
            layers = [layer.strip() for layer in args.layers.split(",") if layer.strip()]
        elif known:
            layers = list(known.layers)
        else:
            layers = derive_layers(work, package)
        write_configs(work, package, layers)
        cache = temp / "archrules-cache"

        title = f"project: {name} {version} ({files} .py files in {package}/, from {archive.name})"
        print(title)
        print(f"contract: layers {' > '.join(layers)} (indirect, type-checking imports ignored)")
        print(f"work dir: {work}")
        old = old_checkout(args.compare, temp / "old") if args.compare else None
        edit = OneFileEdit(work, package)
        print(f"one-file edits: {edit.path.relative_to(work)}")
        if not args.skip_main:
            found = variants(work, cache, edit, old)
            measure(found, work, args.repeat)
            edit.restore()
            print_table(title, found, args.repeat)
            print()
            print_cache_size("archrules", cache, work)
            if old is not None:
                print_cache_size("old archrules", cache.with_name(cache.name + "-old"), work)

        if args.growth:
            factors = [int(f) for f in args.growth.split(",") if f.strip()]
            measure_growth(work, package, layers, factors, args.growth_repeat, temp)

        if args.no_incremental:
            pass
        else:
            try:
                inc = measure_incremental(work, layers, args.edits)
            except Exception as error:
                print(f"\nincremental engine: FAILED: {error!r}")
            else:
                print(
                    f"\nincremental engine, in-process ({inc.violations} violations; "
                    f"{len(inc.no_import_ms)} edits of each kind):"
                )
                print(f"  open_project, no cache:            {inc.open_s:.2f} s")
                print(f"  first violations():                {inc.first_violations_ms:.0f} ms")
                for label, values in (
                    ("edit, no import change", inc.no_import_ms),
                    ("edit, new import", inc.new_import_ms),
                ):
                    if values:
                        print(
                            f"  {label + ':':<34} median {statistics.median(values):.1f} ms "
                            f"(min {min(values):.1f}, max {max(values):.1f})"
                        )

        if args.profile:
            print("\narchrules check --no-cache under cProfile (in-process), top by cumulative:")
            print(profile_cold(work, temp / "profile-cache", 20))
    finally:
        if args.keep:
            print(f"kept {temp}")
        else:
            shutil.rmtree(temp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
