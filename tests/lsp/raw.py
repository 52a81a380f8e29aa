"""A raw JSON-RPC client for the language server: bytes in, framed messages out.

pytest-lsp (and pygls' own client) can only send well-formed messages; the abuse tests and
``bench/storm.py`` need to send anything (a lying Content-Length, a body that is not JSON, a
batch), so this client writes bytes to the server's stdin and parses what comes back on its
stdout in a reader thread."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

Message = dict[str, Any]


def frame(body: bytes | str | Any) -> bytes:
    """One LSP frame: a JSON-serialisable value, or a body given as bytes/str verbatim."""
    if isinstance(body, str):
        data = body.encode()
    elif isinstance(body, bytes):
        data = body
    else:
        data = json.dumps(body).encode()
    return b"Content-Length: %d\r\n\r\n" % len(data) + data


def rss_kib(pid: int) -> int:
    """A process's resident memory (VmRSS, KiB) on Linux."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


class RawServer:
    """``archrules server`` in a subprocess, spoken to in raw frames."""

    def __init__(
        self,
        args: Sequence[str] = ("--log-level", "debug"),
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
        command: Sequence[str] | None = None,
    ) -> None:
        cmd = list(command or [sys.executable, "-m", "archrules", "server", *args])
        self.proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, **(env or {})},
            cwd=cwd,
        )
        self.messages: list[Message] = []
        self.arrival: dict[Any, float] = {}  # response id -> time.monotonic() it arrived
        self._write_lock = threading.Lock()
        self.stderr: list[bytes] = []
        self._cond = threading.Condition()
        self._next_id = 0
        self.closed = False
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    # --- I/O ---------------------------------------------------------------------------

    def _read(self) -> None:
        # OSError, ValueError: the test closed the pipe (a client that dies)
        with contextlib.suppress(OSError, ValueError):
            self._read_frames()
        with self._cond:
            self.closed = True
            self._cond.notify_all()

    def _read_frames(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            assert length is not None, "the server sent a frame without Content-Length"
            message = json.loads(out.read(length))
            if "method" not in message and "id" in message:
                self.arrival[message["id"]] = time.monotonic()
            with self._cond:
                self.messages.append(message)
                self._cond.notify_all()

    def _read_stderr(self) -> None:
        err = self.proc.stderr
        assert err is not None
        for line in err:
            self.stderr.append(line)

    def send_bytes(self, data: bytes) -> None:
        stdin = self.proc.stdin
        assert stdin is not None
        with self._write_lock:  # bench/storm.py sends from two threads
            stdin.write(data)
            stdin.flush()

    def send(self, message: Any) -> None:
        self.send_bytes(frame(message))

    def new_id(self) -> int:
        with self._write_lock:
            self._next_id += 1
            return self._next_id

    def request(self, method: str, params: Any = None) -> int:
        msg_id = self.new_id()
        message: Message = {"jsonrpc": "2.0", "id": msg_id, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        return msg_id

    def notify(self, method: str, params: Any = None) -> None:
        message: Message = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)

    # --- waiting -----------------------------------------------------------------------

    def wait_for(self, predicate: Callable[[Message], bool], timeout: float = 15.0) -> Message:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for message in self.messages:
                    if predicate(message):
                        return message
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self.closed:
                    raise AssertionError(
                        f"no matching message; got {self.messages[-5:]!r}; "
                        f"stderr tail {b''.join(self.stderr[-5:])!r}"
                    )
                self._cond.wait(remaining)

    def response(self, msg_id: Any, timeout: float = 15.0) -> Message:
        return self.wait_for(
            lambda m: (
                "method" not in m and m.get("id") == msg_id and ("result" in m or "error" in m)
            ),
            timeout,
        )

    def call(self, method: str, params: Any = None, timeout: float = 15.0) -> Message:
        return self.response(self.request(method, params), timeout)

    def answer_server_requests(self) -> None:
        """Reply null to every request the server sent us (registration, configuration)."""
        with self._cond:
            pending = [m for m in self.messages if "method" in m and "id" in m]
            for m in pending:
                self.messages.remove(m)
        for m in pending:
            result: Any = [None] if m["method"] == "workspace/configuration" else None
            self.send({"jsonrpc": "2.0", "id": m["id"], "result": result})

    def published(self, uri: str) -> list[Message]:
        with self._cond:
            return [
                m["params"]
                for m in self.messages
                if m.get("method") == "textDocument/publishDiagnostics"
                and m["params"]["uri"] == uri
            ]

    def clear(self) -> None:
        with self._cond:
            self.messages.clear()

    # --- session -----------------------------------------------------------------------

    def initialize(
        self, root: Path | None = None, process_id: int | None = None, **options: Any
    ) -> Message:
        params: Message = {
            "processId": process_id,
            "capabilities": {"general": {"positionEncodings": ["utf-16"]}},
            "rootUri": root.as_uri() if root else None,
            "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}] if root else None,
        }
        if options:
            params["initializationOptions"] = {"archrules": options}
        reply = self.call("initialize", params)
        self.notify("initialized", {})
        return reply

    def open(self, path: Path, version: int = 1, text: str | None = None) -> str:
        uri = path.as_uri()
        self.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": uri,
                    "languageId": "python",
                    "version": version,
                    "text": path.read_text() if text is None else text,
                }
            },
        )
        return uri

    def change(self, uri: str, version: int, text: str) -> None:
        self.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"text": text}],
            },
        )

    def status(self) -> Any:
        reply = self.call("workspace/executeCommand", {"command": "archrules.server.status"})
        return reply["result"]

    def stop(self, timeout: float = 10.0) -> int:
        """shutdown + exit; the exit code."""
        if self.proc.poll() is None:
            try:
                self.call("shutdown", timeout=timeout)
                self.notify("exit")
            except (AssertionError, OSError):
                pass
        try:
            return self.proc.wait(timeout)
        finally:
            self.kill()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()

    def log_text(self) -> str:
        return b"".join(self.stderr).decode(errors="replace")
