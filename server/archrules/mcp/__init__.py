"""``archrules mcp``: a Model Context Protocol server for coding agents, an adapter over
the engine like the CLI and the language server (ADR-0018). The SDK (``mcp`` on PyPI) is an
optional extra: this package's ``server`` module is imported only once it is there."""

from __future__ import annotations

import importlib

INSTALL_HINT = (
    "`archrules mcp` needs the MCP Python SDK 2.x: pip install 'archrules[mcp]' "
    "(into the environment that runs archrules)"
)


def missing_sdk() -> str | None:
    """None when the SDK is importable, else the one line that says how to install it."""
    try:
        importlib.import_module("mcp")
        importlib.import_module("mcp.server.mcpserver")  # mcp 2.x; 1.x lacks it
    except ImportError as error:
        found = "" if error.name in (None, "mcp") else " (an older mcp is installed)"
        return INSTALL_HINT + found
    return None
