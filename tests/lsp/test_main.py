"""Starting the server from the command line (``main.py``): ``--help``, a bad TCP address or
log file, garbage on stdin before the first request."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import IO, Any


def _read_message(stream: IO[bytes]) -> dict[str, Any]:
    length = 0
    while True:
        line = stream.readline().strip()
        if not line:
            break
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    message: dict[str, Any] = json.loads(stream.read(length))
    return message


def test_garbage_on_stdin_does_not_kill_the_server(tmp_path: Path) -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "archrules", "server"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert server.stdin is not None and server.stdout is not None
        junk = b"Content-Length: 5\r\n\r\n{{{{{"
        ping = json.dumps(
            {"jsonrpc": "2.0", "id": 7, "method": "initialize", "params": {"capabilities": {}}}
        ).encode()
        server.stdin.write(junk + b"Content-Length: %d\r\n\r\n%s" % (len(ping), ping))
        server.stdin.flush()
        reply = _read_message(server.stdout)
        while reply.get("id") != 7:  # the junk is reported first (window/showMessage)
            reply = _read_message(server.stdout)
        assert "capabilities" in reply["result"]
    finally:
        server.kill()
        server.wait()


def test_server_help_and_bad_tcp_address() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "archrules", "server", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0 and "--tcp" in out.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "archrules", "server", "--tcp", "nowhere"],
        capture_output=True,
        check=False,
        text=True,
        timeout=30,
    )
    assert bad.returncode == 2 and "HOST:PORT" in bad.stderr
    env = dict(os.environ)
    unwritable = subprocess.run(
        [sys.executable, "-m", "archrules", "server", "--log-file", "/nonexistent/dir/log"],
        capture_output=True,
        check=False,
        text=True,
        timeout=30,
        env=env,
    )
    assert unwritable.returncode == 2 and "/nonexistent/dir/log" in unwritable.stderr
    assert shutil.which("true") is not None
