"""``archrules graph``: the picture of the project governing a path, rendered by
``render.picture`` (Mermaid, DOT or HTML) to standard output."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from archrules.core.cache import default_cache_dir
from archrules.core.config import find_config
from archrules.core.picture import Picture
from archrules.core.project import open_project
from archrules.render.picture import GRAPH_FORMATS, render_picture, shown_path


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    graph = sub.add_parser(
        "graph",
        help="draw the architecture: layers, components, allowed and violating imports",
        description="Print a picture of the project governing PATH (default: .) to standard "
        "output: layers as bands (top to bottom), the components the rules name as boxes "
        "(modules no rule names are grouped under their package, external packages appear "
        "when a rule names them), allowed imports as grey arrows, imports that break a rule "
        "as red arrows with their count. Each red arrow leads to its imports: as comments "
        "(mermaid), as a tooltip and link (dot), in a panel when clicked (html). The html "
        "page is one self-contained file that fetches nothing. Violations are those of "
        "`archrules check` with inline exceptions applied, before the baseline (the picture "
        "shows known debts too).",
    )
    graph.add_argument("path", nargs="?", default=".", metavar="PATH", help="a file or directory")
    graph.add_argument(
        "--format",
        choices=GRAPH_FORMATS,
        default="mermaid",
        help="output format (default: mermaid)",
    )
    graph.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="the config file (default: the nearest archrules.toml or pyproject.toml with "
        "[tool.archrules] above PATH)",
    )
    graph.add_argument("--no-cache", action="store_true", help="do not read or write the cache")


class GraphError(Exception):
    """A usage or config error: printed as one line, exit status 2."""


def picture_for(config: Path, cache_dir: Path | None) -> Picture:
    """The picture of the project a config governs; raises GraphError (with a location)."""
    project = open_project(config, cache_dir=cache_dir)
    if project.problems or not project.loaded:
        cwd = Path.cwd()
        lines = [
            f"{shown_path(p.path, cwd)}:{p.range.line + 1}:{p.range.col + 1}: "
            f"config error: {p.message}"
            for p in project.problems
        ]
        raise GraphError("\n".join(lines) or f"{config}: the config has errors")
    return project.picture()


def run_graph(args: argparse.Namespace) -> int:
    """``archrules graph``: 0 with the picture on stdout, 2 on a usage or config error."""
    try:
        if args.config is not None:
            if not os.path.isfile(args.config):
                raise GraphError(f"{args.config}: no such config file")
            config = Path(os.path.abspath(args.config))
        else:
            if not os.path.exists(args.path):
                raise GraphError(f"{args.path}: no such file or directory")
            found = find_config(Path(os.path.abspath(args.path)))
            if found is None:
                raise GraphError(
                    f"no archrules.toml (or pyproject.toml with [tool.archrules]) governs "
                    f"{args.path}; `archrules init` proposes one"
                )
            config = found
        picture = picture_for(config, None if args.no_cache else default_cache_dir())
    except GraphError as error:
        for line in str(error).splitlines():
            print(
                line if ": config error" in line else f"archrules: error: {line}", file=sys.stderr
            )
        return 2
    sys.stdout.write(render_picture(args.format, picture))
    return 0
