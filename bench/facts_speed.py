"""How much faster is the import scanner than ``ast.parse`` + walk (ADR-0009)?

Reads every ``.py`` file of real distributions from PyPI (downloaded and cached like
``check_speed.py``: ``~/.cache/archrules-bench``), then times, interleaved over N rounds, the
facts of every file without convention rules, the old way and the new way:

- ``ast path``: ``ast.parse`` + the ``ast`` reader + exception comments (what
  ``extract_facts(text, conventions=False)`` did before the scanner);
- ``scanner path``: ``extract_facts(text, conventions=False)`` today: the syntax check
  (``symtable``), the scanner, exception comments; the ``ast`` path for the files it steps
  aside from;

and their parts: ``ast.parse`` alone, the syntax check alone, the scanner alone. It prints
median seconds, the ratios old / new, and checks that both ways give the same facts for
every file (a mismatch makes the script fail).

    python bench/facts_speed.py              # django 5.0.6 and homeassistant 2024.3.3
    python bench/facts_speed.py --project django==5.0.6 --repeat 5
"""

from __future__ import annotations

import argparse
import ast
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from check_speed import KNOWN, download, normalize, parse_requirement, unpack

from archrules.core.facts import extract_facts
from archrules.core.reading.astpath import AstReader, compiles, parse
from archrules.core.reading.comments import exception_comments
from archrules.core.reading.raw import finish
from archrules.core.reading.scanner import Unsure, scan_imports
from archrules.core.reading.text import Source, count_lines, decode_source
from archrules.core.types import FileFacts

DEFAULT_PROJECTS = ("django==5.0.6", "homeassistant==2024.3.3")


def old_way(text: str) -> FileFacts:
    """Facts without conventions as they were read before the scanner: parse, walk."""
    src = Source(text)
    tree = parse(src)
    assert isinstance(tree, ast.Module), "the corpus files parse"
    return FileFacts(
        imports=finish(src, *AstReader(src).read(tree)),
        exceptions=exception_comments(src),
        line_count=count_lines(src.lines),
    )


def new_way(text: str) -> FileFacts:
    return extract_facts(text, conventions=False)


def ast_parse(text: str) -> object:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(Source(text).parse_text)


def syntax_check(text: str) -> object:
    return compiles(Source(text))


def scanner_alone(text: str) -> object:
    try:
        return scan_imports(Source(text))
    except Unsure:
        return None


def read_corpus(requirement: str, into: Path) -> list[str]:
    """The text of every .py file of the distribution (files that do not parse left out)."""
    name, version = parse_requirement(requirement)
    known = KNOWN.get(normalize(name))
    archive = download(name, version, sdist=known.sdist if known else False)
    tree = unpack(archive, into / normalize(name))
    texts: list[str] = []
    for path in sorted(tree.rglob("*.py")):
        text = decode_source(path.read_bytes())
        try:
            ast_parse(text)
        except SyntaxError:
            continue  # a test fixture that is broken on purpose
        texts.append(text)
    return texts


def time_once(function: Callable[[str], object], texts: Sequence[str]) -> float:
    start = time.perf_counter()
    for text in texts:
        function(text)
    return time.perf_counter() - start


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--project",
        action="append",
        help=f"NAME==VERSION, repeatable (default {' and '.join(DEFAULT_PROJECTS)})",
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed rounds (default 3)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    texts: list[str] = []
    with tempfile.TemporaryDirectory(prefix="archrules-facts-bench-") as temp:
        for requirement in args.project or DEFAULT_PROJECTS:
            found = read_corpus(requirement, Path(temp))
            print(f"{requirement}: {len(found)} files, {sum(map(len, found)) / 1e6:.1f} M chars")
            texts.extend(found)

    mismatches = [i for i, text in enumerate(texts) if old_way(text) != new_way(text)]
    stepped_aside = 0
    for text in texts:
        src = Source(text)
        try:
            scan_imports(src)
        except Unsure:
            stepped_aside += 1
    print(
        f"{len(texts)} files: identical facts on {len(texts) - len(mismatches)}, "
        f"mismatches {len(mismatches)}; the scanner stepped aside on {stepped_aside}"
    )

    ways: dict[str, Callable[[str], object]] = {
        "ast path (parse + walk)": old_way,
        "scanner path (check + scan)": new_way,
        "  ast.parse alone": ast_parse,
        "  syntax check alone (symtable)": syntax_check,
        "  scanner alone": scanner_alone,
    }
    times: dict[str, list[float]] = {label: [] for label in ways}
    for _ in range(args.repeat):  # interleaved, so that load on the machine hits all alike
        for label, function in ways.items():
            times[label].append(time_once(function, texts))
    medians = {label: statistics.median(values) for label, values in times.items()}
    old = medians["ast path (parse + walk)"]
    print(f"\nmedian of {args.repeat} rounds over {len(texts)} files:")
    for label, seconds in medians.items():
        print(f"  {label:34} {seconds:7.2f} s   ast path / this = {old / seconds:5.2f}x")
    walk = old - medians["  ast.parse alone"]
    print(
        f"\n  old way / new way:                {old / medians['scanner path (check + scan)']:.2f}x"
    )
    print(
        f"  ast.parse + walk / scanner alone: {old / medians['  scanner alone']:.2f}x "
        f"(the walk and comments: {walk:.2f} s)"
    )
    print(
        "  the syntax check costs "
        f"{medians['  syntax check alone (symtable)'] / medians['  ast.parse alone']:.0%} "
        "of ast.parse"
    )
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
