"""``archrules context`` (a file's brief for coding agents, the AGENTS.md section) and
``archrules mcp`` (the Model Context Protocol server): argument parsing and printing only;
the texts come from ``core.context``, the server from ``archrules.mcp``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from archrules.core.cache import default_cache_dir
from archrules.core.config import find_config
from archrules.core.context import (
    AGENTS_FILE,
    COPILOT_FILE,
    ContextError,
    file_brief,
    project_of,
    write_agents,
)
from archrules.core.workspace import Workspace
from archrules.mcp import missing_sdk

EXIT_OK, EXIT_ERROR = 0, 2


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    context = sub.add_parser(
        "context",
        help="print what the rules say of a file, or keep AGENTS.md in step (for coding agents)",
        description="For coding agents. `archrules context FILE` prints a Markdown brief of "
        "FILE: its layer, what it may and may not import, the rules and the ADR decisions "
        f"behind them, and its findings now. `archrules context --write-agents` writes the "
        f"rules and ADRs into a marked section of {AGENTS_FILE} (created if absent) and of "
        f"{COPILOT_FILE.as_posix()} (if present), next to the config; the text outside the "
        "markers is kept, and a file already in step is not written. The project is the one "
        "governing FILE, or the current directory.",
    )
    context.add_argument("file", nargs="?", type=Path, metavar="FILE", help="a Python file")
    context.add_argument(
        "--write-agents",
        action="store_true",
        help=f"update the archrules section of {AGENTS_FILE} (and {COPILOT_FILE.as_posix()})",
    )
    context.add_argument("--no-cache", action="store_true", help="do not read or write the cache")

    mcp = sub.add_parser(
        "mcp",
        help="run the Model Context Protocol server for coding agents (stdio)",
        description="Run archrules as a Model Context Protocol server over stdio, for coding "
        "agents: tools to check a file's proposed text before it is written, to explain "
        "what a module may import and why, and to list the rules. Needs the MCP SDK: "
        "pip install 'archrules[mcp]'. Relative paths in tool calls are read from --root. "
        "Register it with an agent as a stdio server running `archrules mcp`, e.g. in "
        '.mcp.json: {"mcpServers": {"archrules": {"command": "archrules", "args": ["mcp"]}}} '
        "(README: Coding agents).",
    )
    mcp.add_argument(
        "--root",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="the directory relative paths are read from, and whose projects are listed "
        "(default: the current directory)",
    )
    mcp.add_argument("--no-cache", action="store_true", help="do not read or write the cache")


def run_context(args: argparse.Namespace) -> int:
    if (args.file is None) == (not args.write_agents):
        print(
            "archrules: error: give a FILE or --write-agents (one of them)",
            file=sys.stderr,
        )
        return EXIT_ERROR
    workspace = Workspace(None if args.no_cache else default_cache_dir())
    try:
        if args.file is not None:
            if not args.file.is_file():
                raise ContextError(f"{args.file}: no such file")
            sys.stdout.write(file_brief(workspace, args.file)[2])
            return EXIT_OK
        return _write_agents(workspace)
    except ContextError as error:
        print(f"archrules: error: {error}", file=sys.stderr)
        return EXIT_ERROR


def _write_agents(workspace: Workspace) -> int:
    config_path = find_config(Path.cwd())
    if config_path is None:
        raise ContextError(
            "no archrules.toml (or pyproject.toml with [tool.archrules]) governs the current "
            "directory"
        )
    state = project_of(workspace, config_path)
    cwd = Path.cwd()
    for result in write_agents(state):
        try:
            shown = result.path.relative_to(cwd).as_posix()
        except ValueError:
            shown = result.path.as_posix()
        verb = "created" if result.created else "updated" if result.changed else "unchanged:"
        print(f"archrules: {verb} {shown}")
    return EXIT_OK


def run_mcp(args: argparse.Namespace) -> int:
    missing = missing_sdk()
    if missing is not None:
        print(f"archrules: {missing}", file=sys.stderr)
        return EXIT_ERROR
    root = args.root.absolute()
    if not root.is_dir():
        print(f"archrules: error: --root {args.root}: no such directory", file=sys.stderr)
        return EXIT_ERROR
    from archrules.mcp.server import serve  # noqa: PLC0415 - the optional SDK, for `mcp` only

    serve(root, None if args.no_cache else default_cache_dir())
    return EXIT_OK
