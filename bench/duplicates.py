"""How many copies does a ``[[duplicates]]`` rule flag on a real codebase, and which?

Reads every ``.py`` file of a package tree into an in-memory project model (nothing in the
tree is imported or written), checks one duplicates rule over the whole package and prints
the figures and the groups of copies: a random sample of them with their source for review,
or all of them with ``--all``.

    python bench/duplicates.py /path/to/django-5.0/django --min-lines 6 --sample 10
    python bench/duplicates.py .venv/lib/python3.11/site-packages/pip --all

See bench/duplicates.md for the figures and the review of a sample.
"""

from __future__ import annotations

import argparse
import ast
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

from archrules.core.adr import load_adrs
from archrules.core.config import load_config
from archrules.core.facts import decode_source, extract_facts
from archrules.core.model import ProjectModel
from archrules.core.types import FileFacts, Violation


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", type=Path, help="a package directory (with __init__.py)")
    parser.add_argument("--min-lines", type=int, default=6)
    parser.add_argument("--sample", type=int, default=10, help="groups to show (default 10)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--all", action="store_true", help="show every group")
    parser.add_argument("--quiet", action="store_true", help="figures only")
    args = parser.parse_args(argv)

    package = args.package.resolve()
    root = package.parent
    config_text = (
        f'[project]\nroots = ["."]\n\n[[duplicates]]\nname = "copies"\n'
        f'in = ["{package.name}"]\nmin-lines = {args.min_lines}\n'
    )
    result = load_config(root / "archrules.toml", config_text)
    assert result.config is not None and not result.problems, result.problems
    model = ProjectModel(result.config, load_adrs(None))
    started = time.perf_counter()
    files = sorted(package.rglob("*.py"))
    facts: dict[Path, FileFacts] = {}
    for path in files:
        facts[path] = extract_facts(decode_source(path.read_bytes()))
        model.set_facts(path, facts[path])
    violations = [v for v in model.violations() if v.rule == "copies"]
    elapsed = time.perf_counter() - started

    functions = 0
    long_enough = 0
    for file_facts in facts.values():
        for definition in file_facts.definitions:
            if definition.body_hash is not None:
                functions += 1
                long_enough += definition.body_lines >= args.min_lines
    groups: dict[tuple[str, ...], list[Violation]] = defaultdict(list)
    for violation in violations:
        groups[tuple(sorted(violation.key))].append(violation)
    renamed = [key for key, group in groups.items() if not _identical(group)]
    print(f"package: {package.name} ({len(files)} files), min-lines = {args.min_lines}")
    print(f"functions and methods: {functions}, >= {args.min_lines} body lines: {long_enough}")
    print(f"flagged functions: {len(violations)} in {len(groups)} groups ({elapsed:.1f} s)")
    print(f"groups whose copies differ in names (not only in layout and comments): {len(renamed)}")
    if args.quiet:
        return 0
    keys = sorted(groups)
    sampler = random.Random(args.seed)  # noqa: S311 - picks examples to print, not a secret
    shown = keys if args.all else sampler.sample(keys, min(args.sample, len(keys)))
    for number, key in enumerate(shown, start=1):
        how = "identical" if key not in renamed else "names differ"
        print(f"\n=== group {number}: {len(key)} copies, {how}")
        for violation in sorted(groups[key], key=Violation.sort_key):
            line = violation.range.line
            print(f"--- {violation.path.relative_to(root)}:{line + 1}  {violation.key[0]}")
        first = sorted(groups[key], key=Violation.sort_key)[0]
        text = first.path.read_text(encoding="utf-8", errors="replace").splitlines()
        body = text[first.range.line : first.range.line + 14]
        print("\n".join("    " + line for line in body))
    return 0


def _identical(group: list[Violation]) -> bool:
    """Are the copies the same code, names included (ast without positions)?"""
    dumps = set()
    for violation in group:
        tree = ast.parse(violation.path.read_text(encoding="utf-8", errors="replace"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                and node.lineno - 1 <= violation.range.line <= node.body[0].lineno - 1
                and node.name == violation.key[0].rpartition(".")[2]
            ):
                body = node.body
                if (
                    body
                    and isinstance(body[0], ast.Expr)
                    and isinstance(body[0].value, ast.Constant)
                ):
                    body = body[1:]
                dumps.add(ast.dump(ast.Module(body=[node.args, *body], type_ignores=[])))
                break
    return len(dumps) == 1


if __name__ == "__main__":
    sys.exit(main())
