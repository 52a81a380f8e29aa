"""Protocol abuse: raw frames sent to the real server over stdio (ADR-0012).

Every request gets a reply (a result or a JSON-RPC error), framing errors are survived (the
server resynchronises on the next header), nothing shows a traceback or an "Error in
server" popup, memory stays flat, and the server leaves when its client or parent does."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.lsp.raw import Message, RawServer, frame, rss_kib
from tests.lsp.support import SHOP

HANDLERS_WITH_POSITION = [
    "textDocument/hover",
    "textDocument/definition",
    "textDocument/completion",
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    target = tmp_path / "shop"
    shutil.copytree(SHOP, target)
    return target


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"ARCHRULES_CACHE_DIR": str(tmp_path / "cache")}


@pytest.fixture
def server(env: dict[str, str]) -> Iterator[RawServer]:
    started = RawServer(env=env)
    yield started
    started.kill()


@pytest.fixture
def ready(server: RawServer, project: Path) -> RawServer:
    """A server initialized on the shop."""
    server.initialize(project)
    return server


def error_code(reply: Message) -> int | None:
    error = reply.get("error")
    return error["code"] if isinstance(error, dict) else None


def assert_responsive(server: RawServer) -> None:
    reply = server.call(
        "workspace/executeCommand", {"command": "archrules.server.status"}, timeout=10
    )
    assert "result" in reply and reply["result"]["version"]


def assert_no_popup_or_traceback(server: RawServer) -> None:
    popups = [
        m
        for m in server.messages
        if m.get("method") == "window/showMessage" and m["params"]["type"] == 1
    ]
    assert not popups, popups
    log = server.log_text()
    assert "Traceback" not in log, log[-3000:]


def position(uri: str, line: int = 0, character: int = 0) -> dict[str, Any]:
    return {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}


# --- framing ------------------------------------------------------------------------------


def test_a_huge_content_length_is_refused_and_the_server_resynchronises(
    server: RawServer, project: Path
) -> None:
    server.send_bytes(b"Content-Length: 100000000000\r\n\r\n")
    reply = server.initialize(project)
    assert "capabilities" in reply["result"]
    assert_responsive(server)
    assert server.proc.poll() is None
    assert "message-too-large" in server.log_text()


@pytest.mark.parametrize(
    "garbage",
    [
        b"Content-Length: 1\r\n\r\n{}",  # short: one byte of body, "}" left over
        b'Content-Length: 500\r\n\r\n{"jsonrpc": "2.0", "method": "x"}',  # long: eats the next
        b'Content-Type: text/plain\r\n\r\n{"jsonrpc": "2.0", "method": "x"}',  # no length
        b"Content-Length: 12\r\nContent-Length: 3\r\n\r\nabc",  # two lengths
        b"Content-Length: -5\r\n\r\n",
        b"x" * 200_000 + b"\r\n",  # one endless header line
        b"\r\n\r\n\r\n",
    ],
    ids=["short", "long", "no-length", "two-lengths", "negative", "endless-line", "blank-lines"],
)
def test_a_lying_frame_does_not_leave_the_server_deaf(
    server: RawServer, project: Path, garbage: bytes
) -> None:
    server.send_bytes(garbage)
    reply = server.initialize(project)
    assert "capabilities" in reply["result"]
    for _ in range(3):
        assert_responsive(server)
    assert_no_popup_or_traceback(server)


# --- envelopes: every request gets a reply --------------------------------------------------


def test_a_body_that_is_not_json_gets_a_parse_error(ready: RawServer) -> None:
    ready.send_bytes(frame(b"this is {not json"))
    reply = ready.wait_for(lambda m: error_code(m) == -32700)
    assert reply["id"] is None
    ready.send_bytes(frame(b"\xff\xfe\x00 not utf-8"))
    ready.wait_for(lambda m: error_code(m) == -32700 and m is not reply)
    assert_responsive(ready)
    assert_no_popup_or_traceback(ready)


@pytest.mark.parametrize(
    ("message", "code", "reply_id"),
    [
        ({"jsonrpc": "2.0", "id": 901, "method": "textDocument/hover", "params": "x"}, -32602, 901),
        ({"jsonrpc": "2.0", "id": 902, "method": "textDocument/hover", "params": {}}, -32602, 902),
        (
            {
                "jsonrpc": "2.0",
                "id": 903,
                "method": "textDocument/hover",
                "params": {"textDocument": {"uri": 5}, "position": {"line": "a"}},
            },
            -32602,
            903,
        ),
        ({"jsonrpc": "2.0", "id": 904}, -32600, 904),  # no method
        ({"jsonrpc": "2.0", "id": 905, "method": 7}, -32600, 905),
        ({"jsonrpc": "2.0", "id": {"a": 1}, "method": "shutdown"}, -32600, None),
        ({"jsonrpc": "2.0", "id": [1], "method": "shutdown"}, -32600, None),
        ({"jsonrpc": "1.0", "id": 906, "method": "textDocument/hover"}, -32600, 906),
        ({"jsonrpc": "2.0", "id": 907, "method": "no/suchMethod"}, -32601, 907),
        (42, -32600, None),
        ("a string", -32600, None),
        ([], -32600, None),
    ],
    ids=[
        "params-a-string",
        "params-missing-fields",
        "params-wrong-types",
        "no-method",
        "method-a-number",
        "id-an-object",
        "id-an-array",
        "wrong-jsonrpc-version",
        "unknown-method",
        "a-number",
        "a-string",
        "empty-batch",
    ],
)
def test_a_malformed_request_gets_an_error_reply(
    ready: RawServer, message: Any, code: int, reply_id: Any
) -> None:
    ready.send_bytes(frame(json.dumps(message).encode()))
    reply = ready.wait_for(lambda m: error_code(m) == code and "method" not in m)
    assert reply["id"] == reply_id
    assert_responsive(ready)
    assert_no_popup_or_traceback(ready)


def test_a_batch_gets_an_error_per_request(ready: RawServer) -> None:
    ready.send(
        [
            {"jsonrpc": "2.0", "id": 801, "method": "workspace/executeCommand"},
            {"jsonrpc": "2.0", "method": "initialized", "params": {}},
            {"jsonrpc": "2.0", "id": 802, "method": "shutdown"},
        ]
    )
    for msg_id in (801, 802):
        assert error_code(ready.response(msg_id)) == -32600
    assert_responsive(ready)  # shutdown inside the batch was not run


def test_unknown_notifications_are_ignored(ready: RawServer) -> None:
    ready.notify("no/suchNotification", {"x": 1})
    ready.notify("$/somethingNew")
    ready.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": 3})
    ready.send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"x": []}})
    assert_responsive(ready)
    assert_no_popup_or_traceback(ready)


def test_requests_before_initialize_and_after_shutdown_get_errors(
    server: RawServer, project: Path
) -> None:
    reply = server.call("textDocument/hover", position(project.as_uri()))
    assert error_code(reply) == -32002
    server.initialize(project)
    assert "error" not in server.call("shutdown")
    assert error_code(server.call("textDocument/hover", position(project.as_uri()))) == -32600
    server.notify("exit")
    assert server.proc.wait(10) == 0


# --- handlers --------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["%00.py", "\x00.py", "/%00/x.py"])
def test_a_nul_byte_in_a_file_uri_is_no_traceback(
    ready: RawServer, project: Path, suffix: str
) -> None:
    uri = (project / "src/shop/web/handlers.py").as_uri() + suffix
    ready.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": "import os"}},
    )
    ready.change(uri, 2, "import sys\n")
    for method in HANDLERS_WITH_POSITION:
        assert "result" in ready.call(method, position(uri))
    for method, params in [
        ("textDocument/documentLink", {"textDocument": {"uri": uri}}),
        ("textDocument/diagnostic", {"textDocument": {"uri": uri}}),
        (
            "textDocument/codeAction",
            {
                "textDocument": {"uri": uri},
                "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 1}},
                "context": {"diagnostics": []},
            },
        ),
        (
            "workspace/executeCommand",
            {"command": "archrules.server.explainFile", "arguments": [uri]},
        ),
    ]:
        assert "result" in ready.call(method, params)
    ready.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    ready.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    ready.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": uri, "type": 2}]})
    assert_responsive(ready)
    assert "handler-failed" not in ready.log_text()
    assert_no_popup_or_traceback(ready)


def test_a_change_to_a_document_never_opened_is_ignored(ready: RawServer, project: Path) -> None:
    uri = (project / "src/shop/web/handlers.py").as_uri()
    ready.change(uri, 3, "from shop.billing.internal.ledger import Ledger\n")
    assert_responsive(ready)
    assert "change-to-unopened-document" in ready.log_text()
    assert not ready.published(uri) or all(not p["diagnostics"] for p in ready.published(uri))
    assert_no_popup_or_traceback(ready)


def test_versions_going_backwards_are_ignored(ready: RawServer, project: Path) -> None:
    path = project / "src/shop/web/handlers.py"
    bad = "from shop.billing.internal.ledger import Ledger\n"
    uri = ready.open(path, version=10, text=bad)
    ready.wait_for(
        lambda m: (
            m.get("method") == "textDocument/publishDiagnostics"
            and m["params"]["uri"] == uri
            and m["params"].get("version") == 10
            and bool(m["params"]["diagnostics"])
        )
    )
    ready.change(uri, 5, "import os\n")  # older than what the server has: ignored
    ready.change(uri, 11, bad + "import os\n")
    ready.wait_for(
        lambda m: (
            m.get("method") == "textDocument/publishDiagnostics"
            and m["params"]["uri"] == uri
            and m["params"].get("version") == 11
        )
    )
    assert not [p for p in ready.published(uri) if p.get("version") == 5]
    assert "stale-document-version" in ready.log_text()


def test_the_command_line_log_level_survives_initialize(env: dict[str, str], project: Path) -> None:
    server = RawServer(args=["--log-level", "warning"], env=env)
    try:
        server.initialize(project)
        assert_responsive(server)
        assert '"level": "info"' not in server.log_text()
    finally:
        server.kill()


# --- load: cancellation, memory, storms ------------------------------------------------------


def test_a_cancellation_storm_gets_every_request_answered(ready: RawServer, project: Path) -> None:
    uri = ready.open(project / "src/shop/web/handlers.py")
    ids = []
    for i in range(300):
        msg_id = ready.request("textDocument/hover", position(uri, 4 + i % 8, 10))
        ids.append(msg_id)
        ready.notify("$/cancelRequest", {"id": msg_id})
        ready.notify("$/cancelRequest", {"id": 10_000 + i})  # an id never sent
    for msg_id in ids:
        reply = ready.response(msg_id)
        assert "result" in reply or error_code(reply) == -32800
    assert_responsive(ready)
    assert_no_popup_or_traceback(ready)


def test_notifications_leave_no_state_behind(ready: RawServer, project: Path) -> None:
    """pygls keeps a future per notification in its request table: memory grew ~2 KB per
    edit. Here the table is back to its size after 3,000 edits, and RSS barely moves."""
    path = project / "src/shop/web/handlers.py"
    text = path.read_text()
    uri = ready.open(path)
    before = ready.status()["inFlight"]

    def edits(start: int, count: int) -> None:
        for version in range(start, start + count):
            ready.change(uri, version, text + f"# {version}\n")

    edits(2, 1000)  # warm up allocator and caches
    assert_responsive(ready)
    rss_before = rss_kib(ready.proc.pid)
    edits(1002, 3000)
    status = ready.status()
    rss_after = rss_kib(ready.proc.pid)
    assert status["inFlight"] <= before + 1  # the status request itself
    # pygls 2.1 grew by ~1.9 KB per edit: 3,000 edits would be ~5,700 KiB
    assert rss_after - rss_before < 2000, (rss_before, rss_after)


def test_a_storm_of_changes_keeps_every_hover_answered_and_ends_like_a_fresh_check(
    ready: RawServer, project: Path, env: dict[str, str]
) -> None:
    path = project / "src/shop/web/handlers.py"
    base = path.read_text()
    uri = ready.open(path)
    forbidden = "from shop.billing.internal.ledger import Ledger\n"
    hovers = []
    version = 1
    start = time.monotonic()
    while time.monotonic() - start < 2.0:  # ~1,000 changes per second (bench/storm.py: 10 s)
        version += 1
        text = (forbidden if version % 3 else "") + base + f"# {version}\n"
        ready.change(uri, version, text)
        if version % 50 == 0:
            hovers.append(ready.request("textDocument/hover", position(uri, 6, 12)))
        time.sleep(0.001)
    for msg_id in hovers:
        assert "result" in ready.response(msg_id, timeout=30)
    final = ready.wait_for(
        lambda m: (
            m.get("method") == "textDocument/publishDiagnostics"
            and m["params"]["uri"] == uri
            and m["params"].get("version") == version
        ),
        timeout=30,
    )
    fresh = RawServer(env=env)
    try:
        fresh.initialize(project)
        fresh.open(path, version=1, text=text)
        expected = fresh.wait_for(
            lambda m: (
                m.get("method") == "textDocument/publishDiagnostics"
                and m["params"]["uri"] == uri
                and m["params"].get("version") == 1
            ),
            timeout=30,
        )
    finally:
        fresh.kill()
    assert final["params"]["diagnostics"] == expected["params"]["diagnostics"]


# --- leaving -----------------------------------------------------------------------------------

PARENT = """
import subprocess, sys
child = subprocess.Popen([sys.executable, "-m", "archrules", "server", "--log-level", "debug"])
open(sys.argv[1], "w").write(str(child.pid))
child.wait()
"""


def test_it_exits_within_a_second_when_its_parent_dies(
    env: dict[str, str], project: Path, tmp_path: Path
) -> None:
    """The parent is killed and left unreaped (a zombie: ``kill(pid, 0)`` still succeeds)."""
    pid_file = tmp_path / "child.pid"
    parent = RawServer(
        command=[sys.executable, "-c", PARENT, str(pid_file)], env=env
    )  # the server inherits the parent's stdio: our pipes
    try:
        parent.initialize(project, process_id=parent.proc.pid)
        assert_responsive(parent)
        child = int(pid_file.read_text())
        os.kill(parent.proc.pid, signal.SIGKILL)  # not reaped: a zombie
        killed = time.monotonic()
        while _exists(child) and time.monotonic() - killed < 5:
            time.sleep(0.02)
        elapsed = time.monotonic() - killed
        assert not _exists(child)
        assert elapsed < 1.0, elapsed
    finally:
        parent.kill()


def _exists(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def test_a_client_that_vanishes_mid_traffic_leaves_a_quiet_exit(
    ready: RawServer, project: Path
) -> None:
    uri = ready.open(project / "src/shop/web/handlers.py")
    for i in range(2000):
        ready.request("textDocument/hover", position(uri, 4 + i % 8, 10))
        ready.request("textDocument/documentLink", {"textDocument": {"uri": uri}})
    stdout = ready.proc.stdout
    assert stdout is not None
    os.close(stdout.fileno())  # the client dies: its end of the server's stdout is gone
    stdin = ready.proc.stdin
    assert stdin is not None
    with contextlib.suppress(OSError):
        stdin.close()
    assert ready.proc.wait(10) == 0
    time.sleep(0.2)
    log = ready.log_text()
    assert log.count("Traceback") == 0, log[-3000:]
    assert log.count("BrokenPipe") <= 1
    assert "client-gone" in log


def test_exit_without_shutdown_is_exit_code_1(server: RawServer, project: Path) -> None:
    server.initialize(project)
    server.notify("exit")
    assert server.proc.wait(10) == 1


def test_signals_end_it_quietly(server: RawServer, project: Path) -> None:
    server.initialize(project)
    assert_responsive(server)
    server.proc.send_signal(signal.SIGTERM)
    assert server.proc.wait(10) in (0, -signal.SIGTERM)
    assert "Traceback" not in server.log_text()


def test_closing_stdin_ends_the_server(server: RawServer, project: Path) -> None:
    server.initialize(project)
    stdin = server.proc.stdin
    assert stdin is not None
    stdin.close()
    assert server.proc.wait(10) in (0, 1)


def test_over_tcp_the_same_transport_answers(env: dict[str, str], project: Path) -> None:

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "archrules", "server", "--tcp", f"127.0.0.1:{port}"],
        env={**os.environ, **env},
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                conn = socket.create_connection(("127.0.0.1", port), timeout=20)
                break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        with conn:
            conn.sendall(b"Content-Length: 1\r\n\r\n{}")
            conn.sendall(
                frame(
                    {
                        "jsonrpc": "2.0",
                        "id": 1,
                        "method": "initialize",
                        "params": {"capabilities": {}, "rootUri": project.as_uri()},
                    }
                )
            )
            conn.sendall(frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
            conn.sendall(frame({"jsonrpc": "2.0", "method": "exit"}))
            received = b""
            while b'"id": 2' not in received:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                received += chunk
        assert b'"code": -32700' in received and b'"capabilities"' in received
        assert server.wait(10) == 0
    finally:
        if server.poll() is None:
            server.kill()
        server.wait()


def test_requests_for_unopened_documents_are_answered(ready: RawServer, project: Path) -> None:
    for uri in [
        (project / "src/shop/web/handlers.py").as_uri(),  # on disk, never opened
        (project / "src/shop/web/missing.py").as_uri(),  # nowhere
        "untitled:Untitled-1",
    ]:
        for method in HANDLERS_WITH_POSITION:
            assert "result" in ready.call(method, position(uri, 5, 10))
        assert "result" in ready.call("textDocument/documentLink", {"textDocument": {"uri": uri}})
        ready.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    assert_responsive(ready)
    assert_no_popup_or_traceback(ready)
