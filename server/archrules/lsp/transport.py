"""The guarded transport (ADR-0012): framing, envelopes and replies that survive any client.

pygls 2 trusts its peer. Its reader allocates whatever ``Content-Length`` announces, matches
headers only at the start of a line (a lying length leaves it deaf for good), drops
requests it cannot parse without a reply, keeps a future per notification forever, and logs
a traceback for every write to a client that is gone. This module replaces the read loop and
hardens the protocol class; the feature modules do not see the difference.

- ``FrameReader``: bounded reads (``MAX_HEADER_LINE``, ``MAX_MESSAGE``) from a byte source,
  with push-back so that bytes after a broken frame are scanned again for a header;
- ``next_frame``: one message body; resynchronises on the next ``Content-Length`` header
  found anywhere in a line, and on a body that stalls while holding the next header;
- ``GuardedProtocol``: checks each envelope and answers every request, with the JSON-RPC
  error when it cannot be run (-32700, -32600, -32601, -32602, -32002); ignores changes to
  documents never opened and versions going backwards; forgets each future when it is done;
  stops quietly when the client is gone."""

from __future__ import annotations

import asyncio
import json
import os
import queue
import re
import threading
from collections.abc import Awaitable, Callable, Generator
from typing import Any, BinaryIO
from urllib.parse import unquote

from lsprotocol import types
from pygls.protocol import LanguageServerProtocol, lsp_method
from pygls.protocol.json_rpc import (
    JsonRPCNotification,
    JsonRPCRequestMessage,
    JsonRPCResponseMessage,
)

from archrules.lsp.logs import Log

MAX_MESSAGE = 64 * 1024 * 1024  # bytes of one message body: a 10 MiB file, escaped, fits
MAX_HEADER_LINE = 8 * 1024  # bytes of one header line; a longer line is dropped in pieces
READ_CHUNK = 1024 * 1024
STALL_SECONDS = 0.5  # a body that stops arriving while it holds the next header is cut there
_LENGTH = re.compile(rb"Content-Length:[ \t]*([0-9]{1,12})[ \t]*\r?\n?", re.IGNORECASE)
_LENGTH_ANYWHERE = re.compile(rb"Content-Length:", re.IGNORECASE)

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
SERVER_NOT_INITIALIZED = -32002


class ClientGone(Exception):
    """The client's end of the connection is closed."""


# --- reading ------------------------------------------------------------------------------


def stdin_chunks(fd: int) -> Callable[[], Awaitable[bytes]]:
    """Chunks of a file descriptor, read by a daemon thread one at a time (back-pressure:
    nothing is read ahead of the server); b"" at end of input. A daemon thread, unlike an
    executor's, never keeps the process alive while it waits in ``read``."""
    requests: queue.Queue[asyncio.Future[bytes]] = queue.Queue()

    def serve() -> None:
        while True:
            future = requests.get()
            try:
                data = os.read(fd, READ_CHUNK)
            except OSError:
                data = b""
            loop = future.get_loop()
            try:
                loop.call_soon_threadsafe(_resolve, future, data)
            except RuntimeError:  # the loop is closed: the server is leaving
                return
            if not data:
                return

    threading.Thread(target=serve, name="archrules-stdin", daemon=True).start()

    def next_chunk() -> Awaitable[bytes]:
        future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        requests.put(future)
        return future

    return next_chunk


def _resolve(future: asyncio.Future[bytes], data: bytes) -> None:
    if not future.done():
        future.set_result(data)


class FrameReader:
    """Buffered reads over an async chunk source, never holding more than the bytes that
    arrived (a lying length allocates nothing), with ``unread`` for resynchronising."""

    def __init__(self, source: Callable[[], Awaitable[bytes]]) -> None:
        self._source = source
        self._buffer = bytearray()
        self._pending: asyncio.Future[bytes] | None = None
        self.eof = False

    async def _fill(self, timeout: float | None = None) -> bool:
        """Wait for more bytes; False at end of input or when ``timeout`` passes first."""
        if self.eof:
            return False
        if self._pending is None:
            self._pending = asyncio.ensure_future(self._source())
        done, _ = await asyncio.wait({self._pending}, timeout=timeout)
        if not done:
            return False
        if self.eof or self._pending.cancelled():  # abort() was called
            return False
        data = self._pending.result()
        self._pending = None
        if not data:
            self.eof = True
            return False
        self._buffer += data
        return True

    async def readline(self, limit: int = MAX_HEADER_LINE) -> bytes:
        """A line with its newline, at most ``limit`` bytes; b"" at end of input."""
        while True:
            end = self._buffer.find(b"\n", 0, limit)
            if end >= 0:
                return self._take(end + 1)
            if len(self._buffer) >= limit:
                return self._take(limit)
            if not await self._fill():
                return self._take(len(self._buffer))

    async def read_body(self, length: int) -> bytes | None:
        """``length`` bytes; None at end of input. A body that stops arriving for
        ``STALL_SECONDS`` while it already holds a ``Content-Length`` header is cut before
        that header: the length lied, and the next message is waiting behind it."""
        while len(self._buffer) < length:
            if await self._fill(STALL_SECONDS):
                continue
            if self.eof:
                return None
            cut = _LENGTH_ANYWHERE.search(self._buffer, 1)
            if cut is not None:
                return self._take(cut.start())
        return self._take(length)

    def abort(self) -> None:
        """End of input now (the client is gone): a pending read returns at once."""
        self.eof = True
        if self._pending is not None:
            self._pending.cancel()

    def unread(self, data: bytes) -> None:
        self._buffer[:0] = data

    def _take(self, count: int) -> bytes:
        data = bytes(self._buffer[:count])
        del self._buffer[:count]
        return data


async def next_frame(reader: FrameReader, log: Log) -> bytes | None:
    """The next message body; None at end of input. Headers other than Content-Length are
    ignored; a line holding ``Content-Length: N`` anywhere starts a frame, so bytes left over
    from a broken frame cannot hide the next one."""
    length: int | None = None
    while True:
        line = await reader.readline()
        if not line:
            return None
        if not line.strip() and line.endswith(b"\n"):
            if length is None:
                continue  # an empty line that ends no header: skip it
            body = await reader.read_body(length)
            if body is None:
                return None
            if len(body) < length:
                log.write("warning", "frame-too-short", announced=length, received=len(body))
            return body
        match = _LENGTH.search(line)
        if match is None:
            if not line.endswith(b"\n") and len(line) > 64:
                reader.unread(line[-64:])  # a header may straddle the cut of a long line
            continue
        announced = int(match.group(1))
        if announced > MAX_MESSAGE:
            log.write("warning", "message-too-large", announced=announced, limit=MAX_MESSAGE)
            length = None
            continue
        if match.start() > 0 and length is None:
            log.write("warning", "frame-resynchronised", skipped=match.start())
        length = announced


# --- writing ------------------------------------------------------------------------------


class StreamWriter:
    """Writes frames to a binary stream (stdout). When the client is gone, the stream's file
    descriptor is pointed at /dev/null, so that nothing (not even the interpreter's final
    flush) fails again, and ``ClientGone`` is raised once."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream

    def write(self, data: bytes) -> None:
        try:
            self.stream.write(data)
            self.stream.flush()
        except (OSError, ValueError) as error:
            self._detach()
            raise ClientGone(repr(error)) from None

    def _detach(self) -> None:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self.stream.fileno())
            os.close(devnull)
        except (OSError, ValueError):
            pass

    def close(self) -> None:
        """pygls calls this on ``exit``; the stream stays open for the last replies."""


# --- the protocol -------------------------------------------------------------------------


def _valid_id(value: Any) -> bool:
    return isinstance(value, (int, str)) and not isinstance(value, bool)


def _describe(error: BaseException) -> str:
    """The leaves of a (cattrs) validation error, with where they happened."""
    leaves: list[str] = []

    def walk(e: BaseException, depth: int) -> None:
        children = getattr(e, "exceptions", None)
        if children and depth < 20:
            for child in children:
                walk(child, depth + 1)
            return
        notes = getattr(e, "__notes__", None) or []
        where = f" ({notes[-1]})" if notes else ""
        leaves.append(f"{type(e).__name__}: {e}{where}")

    walk(error, 0)
    return "; ".join(leaves[:5])[:500]


class InvalidParams(Exception):
    pass


class GuardedProtocol(LanguageServerProtocol):
    """pygls' LSP protocol with every envelope checked and every request answered."""

    def __init__(self, server: Any, converter: Any) -> None:
        super().__init__(server, converter)
        self.log = Log()
        self.initialize_seen = False
        self.client_gone = False
        self.exit_code: int | None = None
        self.on_client_gone: Callable[[], None] | None = None

    @property
    def in_flight(self) -> int:
        """Requests and handlers not done yet (pygls' request-future table)."""
        return len(self._request_futures)

    # --- incoming ----------------------------------------------------------------------

    def handle_body(self, body: bytes) -> bytes | None:
        """Handle one message body; bytes to read again (a header found inside a body that
        is not JSON: the previous frame's length lied), or None."""
        try:
            data = json.loads(body.decode("utf-8"))
        except (ValueError, RecursionError) as error:
            self.log.write("warning", "parse-error", error=str(error)[:200], bytes=len(body))
            self.reply_error(None, PARSE_ERROR, f"the message is not JSON in UTF-8: {error}")
            found = _LENGTH_ANYWHERE.search(body, 1)
            return body[found.start() :] if found is not None else None
        self.handle_data(data)
        return None

    def handle_data(self, data: Any) -> None:
        if isinstance(data, list):
            self._refuse_batch(data)
            return
        if not isinstance(data, dict):
            self.reply_error(None, INVALID_REQUEST, "a message must be a JSON object")
            return
        has_id = "id" in data
        msg_id = data.get("id")
        if has_id and not _valid_id(msg_id):
            self.reply_error(None, INVALID_REQUEST, "an id must be an integer or a string")
            return
        is_response = has_id and "method" not in data and ("result" in data or "error" in data)
        method = data.get("method")
        if data.get("jsonrpc") != "2.0":
            self._refuse(has_id and not is_response, msg_id, 'jsonrpc must be "2.0"')
            return
        if is_response:
            self._dispatch(data, msg_id, None)
            return
        if not isinstance(method, str):
            self._refuse(has_id, msg_id, "a request needs a method (a string)")
            return
        if not self.initialize_seen and method not in (types.INITIALIZE, types.EXIT):
            if has_id:
                self.reply_error(msg_id, SERVER_NOT_INITIALIZED, "the server is not initialized")
            else:
                self.log.write("debug", "notification-before-initialize", method=method)
            return
        if has_id and self._shutdown and method != types.EXIT:
            self.reply_error(msg_id, INVALID_REQUEST, "the server is shutting down")
            return
        if not self._known(method):
            if has_id:
                self.reply_error(msg_id, METHOD_NOT_FOUND, f"unknown method: {method[:100]}")
            else:
                self.log.write("debug", "unknown-notification", method=method[:100])
            return
        if method == types.INITIALIZE:
            self.initialize_seen = True
        self._dispatch(data, msg_id if has_id else None, method)

    def _known(self, method: str) -> bool:
        return (
            method == types.CANCEL_REQUEST
            or method in self.fm.builtin_features
            or method in self.fm.features
        )

    def _refuse(self, is_request: bool, msg_id: Any, why: str) -> None:
        if is_request:
            self.reply_error(msg_id, INVALID_REQUEST, why)
        else:
            self.log.write("warning", "invalid-message", reason=why)

    def _refuse_batch(self, batch: list[Any]) -> None:
        ids = [
            m["id"]
            for m in batch
            if isinstance(m, dict) and _valid_id(m.get("id")) and isinstance(m.get("method"), str)
        ]
        why = "LSP does not support JSON-RPC batches: send each message in its own frame"
        self.log.write("warning", "batch-refused", messages=len(batch))
        for msg_id in ids or [None]:
            self.reply_error(msg_id, INVALID_REQUEST, why)

    def _dispatch(self, data: dict[str, Any], msg_id: Any, method: str | None) -> None:
        try:
            message = self.structure_message(data)
        except InvalidParams as error:
            if msg_id is not None:
                self.reply_error(msg_id, INVALID_PARAMS, f"invalid params for {method}: {error}")
            else:
                self.log.write("warning", "invalid-notification", method=method, error=str(error))
            return
        try:
            self.handle_message(message)
        except Exception as error:  # pygls' own bookkeeping failed: keep serving
            self.log.write("error", "message-failed", method=method, error=repr(error))
            if msg_id is not None and method is not None:
                self.reply_error(msg_id, -32603, f"internal error: {error!r}")

    def structure_message(self, data: dict[str, Any]) -> Any:
        """pygls' typed message, or ``InvalidParams`` with what is wrong (pygls logs a
        traceback and raises an error that reaches no one)."""
        if "jsonrpc" not in data:
            return data
        try:
            if "id" in data:
                if "error" in data:
                    return self._converter.structure(data, types.ResponseErrorMessage)
                if "method" in data:
                    kind = self.get_message_type(data["method"]) or JsonRPCRequestMessage
                else:
                    kind = self._result_types.pop(data["id"], None) or JsonRPCResponseMessage
            else:
                kind = self.get_message_type(data.get("method", "")) or JsonRPCNotification
            return self._converter.structure(data, kind)
        except Exception as error:
            raise InvalidParams(_describe(error)) from None

    # --- bookkeeping -------------------------------------------------------------------

    def _execute_handler(
        self,
        msg_id: Any,
        handler: Any,
        callback: Any,
        args: tuple[Any, ...] | None = None,
        kwargs: dict[str, Any] | None = None,
    ) -> None:
        """pygls stores a future per handler run (notifications included) and removes it
        only when a request is answered or cancelled: forget it when it is done."""

        def done(future: Any) -> None:
            if self._request_futures.get(msg_id) is future:
                del self._request_futures[msg_id]
            callback(future)

        super()._execute_handler(msg_id, handler, done, args, kwargs)

    # --- outgoing ----------------------------------------------------------------------

    def reply_error(self, msg_id: Any, code: int, message: str) -> None:
        self._send_data(
            {"jsonrpc": "2.0", "id": msg_id, "error": {"code": code, "message": message}}
        )

    def _send_data(self, data: Any) -> None:
        """One frame to the client; when it is gone, say so once and stop writing."""
        if not data or self.client_gone or self.writer is None:
            return
        try:
            body = json.dumps(data, default=self._serialize_message).encode("utf-8")
        except (TypeError, ValueError) as error:
            self.log.write("error", "unserialisable-message", error=repr(error))
            return
        header = b"Content-Length: %d\r\n\r\n" % len(body)
        try:
            self.writer.write(header + body)
        except (ClientGone, OSError, ValueError) as error:
            self.client_gone = True
            self.log.write("info", "client-gone", error=str(error))
            if self.on_client_gone is not None:
                self.on_client_gone()

    # --- LSP built-ins -------------------------------------------------------------------

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(
        self, params: types.DidChangeTextDocumentParams
    ) -> Generator[Any, Any, None]:
        """pygls raises KeyError (an error popup) for a document never opened and applies a
        change of any version: ignore both, with a log line."""
        uri = params.text_document.uri
        document = self.workspace.text_documents.get(unquote(uri))
        if document is None:
            self.log.write("warning", "change-to-unopened-document", uri=uri)
            return
        version = params.text_document.version
        if document.version is not None and version < document.version:
            self.log.write(
                "warning", "stale-document-version", uri=uri, version=version, has=document.version
            )
            return
        yield from super().lsp_text_document__did_change(params)

    @lsp_method(types.SHUTDOWN)
    def lsp_shutdown(self, *args: Any) -> Generator[Any, Any, None]:
        """Cancel what is in flight and refuse further requests. pygls iterates over its
        future table while cancelling, and a cancelled future now leaves the table."""
        if (user_handler := self.fm.features.get(types.SHUTDOWN)) is not None:
            yield user_handler, args, None
        current = self.msg_id
        for msg_id, future in list(self._request_futures.items()):
            if msg_id != current and not future.done():
                future.cancel()
        self._shutdown = True

    @lsp_method(types.EXIT)
    def lsp_exit(self, *args: Any) -> Generator[Any, Any, None]:
        """Leave the read loop with 0 after a shutdown, else 1 (pygls raises SystemExit
        from inside a handler, which ends up as exit code 0 either way)."""
        if (user_handler := self.fm.features.get(types.EXIT)) is not None:
            yield user_handler, args, None
        self.exit_code = 0 if self._shutdown else 1
