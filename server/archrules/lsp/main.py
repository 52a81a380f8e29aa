"""Starting the server: stdio (the default) or TCP, logs to stderr or a file."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TextIO

from archrules.lsp.logs import Log
from archrules.lsp.server import create_server


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
