"""Hand-written or a library? The figures behind ADR-0020.

Compares archrules' own gitignore matcher (``archrules.core.ignore``) with pathspec's
``GitIgnoreSpec``, and its own TOML position scanner (``archrules.core.tomlpos``) with
tomlkit, on three questions:

1. correctness: every documented gitignore case of ``tests/ignore_support.py``, each in a
   nested ``.gitignore``, decided by each matcher (walking down as discovery does) and by
   ``git check-ignore`` (the oracle); pathspec is also asked about the whole path at once,
   as its users usually do;
2. speed: ``modules.discover`` on a real project (homeassistant's wheel, cached by
   ``bench/check_speed.py``), as it is and with a realistic ``.gitignore`` in every
   directory, run with each matcher in the same process, interleaved; one hostile pattern;
   parsing a config with ``tomllib`` + ``TomlPositions`` and with tomlkit;
3. what tomlkit's document model knows of positions.

    python bench/ignore_libs.py                      # homeassistant 2024.3.3, 5 rounds
    python bench/ignore_libs.py --project django==5.0.6 --repeat 3

Needs pathspec and tomlkit (``pip install -e '.[dev]'``) and git. Prints ratios
(library / archrules), never bare seconds alone: the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import tomlkit
from pathspec import GitIgnoreSpec

from archrules.core import modules
from archrules.core.ignore import IgnoreRules
from archrules.core.tomlpos import TomlPositions

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from check_speed import download, find_package, unpack
from tests.ignore_support import CASES, GIT, case_tree, git_ignored, walk_ignored

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

HOSTILE_PATTERN = "*a*a*a*a*a*b"
HOSTILE_BUDGET = 5.0  # seconds; a name that takes longer is reported as a hang

# a .gitignore such as Python projects commonly have (written for this bench)
REALISTIC_GITIGNORE = """\
# byte code and native extensions
__pycache__/
*.py[cod]
*$py.class
*.so
# packaging
build/
dist/
*.egg-info/
.eggs/
wheels/
*.egg
MANIFEST
# environments
.env
.venv
env/
venv/
ENV/
# tools
.mypy_cache/
.pytest_cache/
.ruff_cache/
.tox/
.nox/
.coverage
.coverage.*
htmlcov/
coverage.xml
*.cover
.hypothesis/
# editors and systems
.idea/
.vscode/
*.swp
*~
.DS_Store
# generated here
/generated/
_version.py
!keep_version.py
docs/_build/
**/node_modules/
*.log
"""


# --- pathspec behind archrules' walker ------------------------------------------------


@dataclass(frozen=True)
class _Pattern:
    text: str
    line: int
    negated: bool


class PathspecRules:
    """``IgnoreRules`` as the walker uses it (``IgnoreStack``, ``modules``), answered by
    ``pathspec.GitIgnoreSpec``: directories are asked with a trailing ``/``, as pathspec
    documents. A file pathspec rejects (it raises on some lines git accepts) counts as
    empty, as a walker would have to treat it."""

    def __init__(self, lines: Iterable[str], base: Path) -> None:
        self.base = Path(os.path.abspath(base))
        self.lines = list(lines)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self.spec: GitIgnoreSpec | None = GitIgnoreSpec.from_lines(self.lines)
        except Exception:  # pathspec raises its own errors and re.error
            self.spec = None
        self.patterns = tuple(
            p for p in (self.spec.patterns if self.spec else ()) if p.include is not None
        )
        self.has_file_patterns = bool(self.patterns)

    @staticmethod
    def from_lines(lines: Iterable[str], base: Path) -> PathspecRules:
        return PathspecRules(lines, base)

    @staticmethod
    def from_file(path: Path) -> PathspecRules:
        text = Path(path).read_bytes().decode("utf-8", errors="surrogateescape")
        return PathspecRules(text.split("\n"), Path(path).parent)

    def rebased(self, base: Path) -> PathspecRules:
        other = PathspecRules.__new__(PathspecRules)
        other.__dict__.update(self.__dict__)
        other.base = Path(os.path.abspath(base))
        return other

    def __bool__(self) -> bool:
        return bool(self.patterns)

    def last_match_relative(self, rel: str, is_dir: bool) -> _Pattern | None:
        if self.spec is None:
            return None
        result = self.spec.check_file(rel + "/" if is_dir else rel)
        if result.index is None:
            return None
        return _Pattern(self.lines[result.index], result.index + 1, not result.include)


def _whole_path_ignored(root: Path, rel: str, is_dir: bool) -> bool | str:
    """pathspec as it is mostly used: one spec, asked about the whole path."""
    case_dir, _, inner = rel.partition("/")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            spec = GitIgnoreSpec.from_lines(
                (root / case_dir / ".gitignore").read_text().split("\n")
            )
    except Exception as exc:
        return f"raises {type(exc).__name__}"
    return spec.check_file(inner + "/" if is_dir else inner).include is True


def correctness() -> None:
    if GIT is None:
        print("git is not installed: correctness skipped")
        return
    root = Path(tempfile.mkdtemp(prefix="archrules-ignore-"))
    try:
        paths = case_tree(root, CASES)
        oracle = git_ignored(root, paths)
        counts = {"archrules": 0, "pathspec (walked)": 0, "pathspec (whole path)": 0}
        raised = 0
        lines_out: list[str] = []
        for path, (lines, _, is_dir, _), git in zip(paths, CASES, oracle, strict=True):
            ours = walk_ignored(root, path, is_dir)
            walked = walk_ignored(root, path, is_dir, PathspecRules.from_file)
            whole = _whole_path_ignored(root, path, is_dir)
            raised += isinstance(whole, str)
            for name, verdict in zip(counts, (ours, walked, whole), strict=True):
                counts[name] += verdict != git
            if ours != git or walked != git or whole != git:
                lines_out.append(
                    f"  {lines!r:30} {path.partition('/')[2]!r:16} {'dir ' if is_dir else ''}"
                    f"git={git} archrules={ours} pathspec={walked}/{whole}"
                )
        print(f"correctness: {len(CASES)} documented cases, git check-ignore as the oracle")
        for name, count in counts.items():
            print(f"  {name:24} disagrees with git on {count:3} ({count / len(CASES):.0%})")
        print(f"  pathspec raises on {raised} of the {len(CASES)} pattern files")
        print("  cases where someone disagrees (pathspec: walked/whole path):")
        print("\n".join(lines_out))
    finally:
        shutil.rmtree(root, ignore_errors=True)


# --- speed ----------------------------------------------------------------------------


def _swap(rules_class: type) -> None:
    """Make discovery build its ignore rules with ``rules_class``."""
    modules.IgnoreRules = rules_class  # type: ignore[misc]
    modules._DEFAULT_RULES = rules_class.from_lines(modules.DEFAULT_EXCLUDES, Path(os.sep))  # type: ignore[attr-defined]


def _discover(tree: Path) -> tuple[int, int]:
    found = modules.discover(tree, [tree], ["tests/"])
    return len(found.files), len(found.skipped)


def _interleaved(
    tree: Path, repeat: int, variants: Sequence[tuple[str, type]]
) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name, _ in variants}
    results: dict[str, tuple[int, int]] = {}
    for round_ in range(repeat + 1):  # round 0 warms the file system cache
        for name, rules_class in variants:
            _swap(rules_class)
            start = time.perf_counter()
            results[name] = _discover(tree)
            if round_:
                times[name].append(time.perf_counter() - start)
    _swap(IgnoreRules)
    if len(set(results.values())) != 1:
        print(f"  WARNING: the matchers discover different trees: {results}")
    return times


def _report(label: str, times: dict[str, list[float]]) -> None:
    base = statistics.median(times["archrules"])
    other = statistics.median(times["pathspec"])
    print(
        f"  {label:44} pathspec / archrules = {other / base:5.2f}x"
        f"  (archrules median {base * 1000:.0f} ms)"
    )


def _with_gitignores(tree: Path) -> int:
    count = 0
    for directory, _, _ in os.walk(tree):
        Path(directory, ".gitignore").write_text(REALISTIC_GITIGNORE)
        count += 1
    return count


_HOSTILE_CODE = """
import os, sys, time
from pathlib import Path
pattern, length, which = sys.argv[1], int(sys.argv[2]), sys.argv[3]
if which == "archrules":
    from archrules.core.ignore import IgnoreRules
    rules = IgnoreRules.from_lines([pattern], Path(os.sep))
    match = lambda rel: rules.last_match_relative(rel, False)
else:
    from pathspec import GitIgnoreSpec
    match = GitIgnoreSpec.from_lines([pattern]).check_file
start = time.perf_counter()
match("a" * length)
print(time.perf_counter() - start)
"""


def _hostile(which: str) -> dict[int, float | None]:
    """Seconds to match the hostile pattern against names of growing length, in a child
    process (Python's ``re`` holds the GIL: a runaway match cannot be abandoned in a thread);
    None when it took longer than the budget."""
    out: dict[int, float | None] = {}
    for length in (16, 24, 32, 64, 255):
        try:
            done = subprocess.run(
                [sys.executable, "-c", _HOSTILE_CODE, HOSTILE_PATTERN, str(length), which],
                capture_output=True,
                text=True,
                timeout=HOSTILE_BUDGET,
                check=True,
            )
        except subprocess.TimeoutExpired:
            out[length] = None
            break  # longer names only take longer
        out[length] = float(done.stdout)
    return out


def speed(project: str, repeat: int) -> None:
    name, _, version = project.partition("==")
    archive = download(name, version, sdist=False)
    work = Path(tempfile.mkdtemp(prefix="archrules-ignore-speed-"))
    try:
        package = find_package(unpack(archive, work / "unpacked"), name)
        tree = work / "tree"
        tree.mkdir()
        shutil.move(str(package), tree / package.name)
        files = sum(1 for _ in tree.rglob("*.py"))
        variants = [("archrules", IgnoreRules), ("pathspec", PathspecRules)]
        print(f"speed: modules.discover on {project} ({files} .py files), {repeat} rounds")
        _report("default excludes only", _interleaved(tree, repeat, variants))
        dirs = _with_gitignores(tree)
        _report(
            f"+ a {len(REALISTIC_GITIGNORE.splitlines())}-line .gitignore in each of {dirs} dirs",
            _interleaved(tree, repeat, variants),
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(
        f"  hostile pattern {HOSTILE_PATTERN!r} against a name of n 'a's"
        f" (budget {HOSTILE_BUDGET} s):"
    )
    for label in ("archrules", "pathspec"):
        figures = _hostile(label)
        shown = ", ".join(
            f"n={n}: {'HANG' if t is None else f'{t * 1000:.2f} ms'}" for n, t in figures.items()
        )
        print(f"    {label:10} {shown}")


# --- TOML positions -------------------------------------------------------------------


_POSITION_NAMES = frozenset(
    {"line", "lineno", "col", "column", "pos", "position", "offset", "span", "start", "end"}
)


def _config(layers: int) -> str:
    out = ['[project]\nroots = ["src"]\nadr_dir = "docs/adr"\n']
    for index in range(layers):
        out.append(
            f'\n[[layers]]\nname = "stack{index}"  # a comment\n'
            f'layers = ["app{index}.ui", "app{index}.service | app{index}.jobs",'
            f' "app{index}.domain"]\n'
            f'adr = "ADR-{index:04d}"\nseverity = "error"\n'
            f'\n[[forbidden]]\nname = "no-db-{index}"\nfrom = ["app{index}.ui"]\n'
            f'to = ["app{index}.db", {{ module = "sqlalchemy", external = true }}]\n'
        )
    return "".join(out)


def toml(repeat: int) -> None:
    print("TOML: tomllib + TomlPositions (archrules) vs tomlkit.parse, same text, interleaved")
    for layers in (5, 200):
        text = _config(layers)
        ours: list[float] = []
        theirs: list[float] = []
        for _ in range(max(repeat, 3) * 4):
            start = time.perf_counter()
            tomllib.loads(text)
            TomlPositions(text)
            ours.append(time.perf_counter() - start)
            start = time.perf_counter()
            tomlkit.parse(text)
            theirs.append(time.perf_counter() - start)
        ratio = statistics.median(theirs) / statistics.median(ours)
        print(f"  {len(text.splitlines()):5} lines: tomlkit / archrules = {ratio:5.2f}x")
    document = tomlkit.parse(_config(1))
    array = document["layers"][0]["layers"]  # type: ignore[index]
    known = sorted(a for a in dir(array) if not a.startswith("_"))
    key = next(iter(document["project"].value.body))[0]  # type: ignore[union-attr]
    known += sorted(a for a in dir(key) if not a.startswith("_"))
    positional = [a for a in known if a in _POSITION_NAMES]
    print(
        f"  tomlkit arrays and keys: attributes for a position: {positional or 'none'}; "
        f"trivia holds {sorted(vars(array.trivia))}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", default="homeassistant==2024.3.3")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    correctness()
    speed(args.project, args.repeat)
    toml(args.repeat)


if __name__ == "__main__":
    main()
