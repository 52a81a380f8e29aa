"""Starting the server: its features wired (`create_server`), stdio (the default) or TCP,
logs to stderr or a file."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TextIO

from archrules.core.cache import default_cache_dir
from archrules.lsp import (
    actions,
    commands,
    completion,
    diagnostics,
    documents,
    hover,
    lifecycle,
    links,
    picture,
)
from archrules.lsp.logs import Log
from archrules.lsp.progress import IndexProgress
from archrules.lsp.server import ArchrulesServer, Features


def create_server(log: Log | None = None, cache_dir: Path | None = None) -> ArchrulesServer:
    """The server with every LSP feature registered: the one module that knows them all."""
    server = ArchrulesServer(log, cache_dir if cache_dir is not None else default_cache_dir())
    server.features = Features(
        check=diagnostics.check_and_publish,
        republish=diagnostics.republish,
        progress=IndexProgress,
        add_folder=lifecycle.add_folder,
    )
    for module in (lifecycle, documents, diagnostics, hover, actions, links, completion, commands):
        module.register(server)
    picture.register(server)
    return server


def serve(tcp: str | None, log_file: Path | None, level: str) -> int:
    stream: TextIO = sys.stderr
    if log_file is not None:
        try:
            stream = log_file.open("a", encoding="utf-8")
        except OSError as error:
            print(f"archrules: error: {log_file}: {error.strerror}", file=sys.stderr)
            return 2
    # pygls' own logging goes to the same place; never stdout, the protocol channel
    logging.basicConfig(stream=stream, level=logging.WARNING, format="%(message)s")
    # pygls warns about routine things (a cancel for a request already answered)
    logging.getLogger("pygls").setLevel(logging.ERROR)
    server = create_server(Log(stream, level))
    if tcp is not None:
        host, _, port = tcp.rpartition(":")
        if not port.isdigit():
            print(f"archrules: error: --tcp wants HOST:PORT, not {tcp!r}", file=sys.stderr)
            return 2
        return server.serve_tcp(host or "127.0.0.1", int(port))
    return server.serve_stdio(sys.stdin.buffer, sys.stdout.buffer)
