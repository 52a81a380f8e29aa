"""The archrules language server: state shared by the feature modules, and their wiring.

Data flow: a document event updates the engine's ``Workspace`` (one file re-read), then
``schedule_check`` coalesces a check that diffs the new results against the
``DiagnosticsStore`` and publishes what changed (push), or asks the client to pull again.
Background indexing reads files on disk in small batches between messages."""

from __future__ import annotations

import asyncio
import inspect
import os
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from lsprotocol import types
from pygls.exceptions import FeatureRequestError
from pygls.lsp.server import LanguageServer

from archrules import __version__
from archrules.core.cache import default_cache_dir
from archrules.core.facts import decode_source
from archrules.core.files import read_bytes
from archrules.core.types import Violation
from archrules.core.workspace import ProjectState, Workspace
from archrules.lsp.convert import from_client_position, path_to_uri, split_lines, uri_to_path
from archrules.lsp.logs import Log
from archrules.lsp.settings import Settings
from archrules.lsp.store import DiagnosticsStore
from archrules.lsp.transport import (
    READ_CHUNK,
    ClientGone,
    FrameReader,
    GuardedProtocol,
    StreamWriter,
    next_frame,
    stdin_chunks,
)

F = TypeVar("F", bound=Callable[..., Any])

INDEX_BATCH = 40  # files read between two looks at the message queue
PROGRESS_EVERY = 0.25  # seconds between progress reports


@dataclass(frozen=True)
class Located:
    path: Path
    lines: list[str]
    line: int
    col: int  # code points


class ArchrulesServer(LanguageServer):
    protocol: GuardedProtocol

    def __init__(self, log: Log | None = None, cache_dir: Path | None = None) -> None:
        super().__init__("archrules", __version__, protocol_cls=GuardedProtocol)
        self.log = log or Log()
        self.protocol.log = self.log
        self.engine = Workspace(cache_dir)
        # the command line's --log-level stays until a client setting changes it
        self.settings = Settings(log_level=self.log.level)
        self.launched_by = os.getppid()  # the parent at start: the editor, or a wrapper
        self.store = DiagnosticsStore()
        self.encoding: str = types.PositionEncodingKind.Utf16
        self.pull = False  # the client pulls diagnostics (textDocument/diagnostic)
        self.versions: dict[Path, int] = {}  # open documents: the version the engine has
        self.initial_folders: list[str] = []
        self.settings_changed = False
        self._check_pending = False
        self.index_task: asyncio.Task[None] | None = None
        self.parent_task: asyncio.Task[None] | None = None

    # --- the transport (ADR-0012) ------------------------------------------------------

    def serve_stdio(self, stdin: BinaryIO, stdout: BinaryIO) -> int:
        """Serve one client over stdio through the guarded transport; the exit code."""
        self.protocol.set_writer(StreamWriter(stdout))
        reader = FrameReader(stdin_chunks(stdin.fileno()))
        try:
            return asyncio.run(self._serve(reader))
        except KeyboardInterrupt:
            return 0
        finally:
            self._release()

    def serve_tcp(self, host: str, port: int) -> int:
        """Serve the first client that connects to HOST:PORT; the exit code."""

        async def main() -> int:
            connected: asyncio.Future[int] = asyncio.get_running_loop().create_future()

            async def connection(
                reader: asyncio.StreamReader, writer: asyncio.StreamWriter
            ) -> None:
                self.protocol.set_writer(_SocketWriter(writer))
                code = await self._serve(FrameReader(lambda: reader.read(READ_CHUNK)))
                writer.close()
                if not connected.done():
                    connected.set_result(code)

            server = await asyncio.start_server(connection, host, port)
            self.log.write("info", "listening", host=host, port=port)
            async with server:
                return await connected

        try:
            return asyncio.run(main())
        finally:
            self._release()

    def _release(self) -> None:
        if self._thread_pool is not None:
            self._thread_pool.shutdown(wait=False, cancel_futures=True)

    async def _serve(self, reader: FrameReader) -> int:
        protocol = self.protocol
        protocol.on_client_gone = reader.abort
        while protocol.exit_code is None and not protocol.client_gone:
            body = await next_frame(reader, self.log)
            if body is None:
                break
            rest = protocol.handle_body(body)
            if rest is not None:
                reader.unread(rest)
            await asyncio.sleep(0)  # let handlers and checks run between messages
        if protocol.client_gone:
            return 0
        if protocol.exit_code is not None:
            return protocol.exit_code
        self.log.write("info", "input-closed")  # the client closed the connection
        return 0 if protocol._shutdown else 1

    def report_server_error(self, error: Exception, source: Any) -> None:
        """pygls shows a popup for any error outside a request; a log line is enough (the
        handlers show the user what concerns them)."""
        if source is FeatureRequestError:
            return
        self.log.write("error", "server-error", error=repr(error), source=str(source))

    # --- helpers for the feature modules ----------------------------------------------

    def guard(self, what: str) -> Callable[[F], F]:
        """Run a handler so that no exception ever reaches pygls: log it, return None."""

        def decorator(handler: F) -> F:
            if inspect.iscoroutinefunction(handler):

                async def async_wrapper(*args: Any) -> Any:
                    try:
                        return await handler(*args)
                    except Exception as error:
                        self._failed(what, error)
                        return None

                async_wrapper.__name__ = handler.__name__
                return async_wrapper  # type: ignore[return-value]

            def wrapper(*args: Any) -> Any:
                try:
                    return handler(*args)
                except Exception as error:
                    self._failed(what, error)
                    return None

            wrapper.__name__ = handler.__name__
            return wrapper  # type: ignore[return-value]

        return decorator

    def _failed(self, what: str, error: Exception) -> None:
        self.log.write(
            "error",
            "handler-failed",
            handler=what,
            error=repr(error),
            traceback=traceback.format_exc(),
        )

    def lines_of(self, path: Path) -> list[str]:
        """The text of a file as the engine sees it: the open buffer, else the disk."""
        text = self.engine.overlays.get(path)
        if text is None:
            try:
                text = decode_source(read_bytes(path))
            except OSError:
                text = ""
        return split_lines(text)

    def document_path(self, uri: str) -> Path | None:
        path = uri_to_path(uri)
        return Path(os.path.abspath(path)) if path is not None else None

    def locate(self, uri: str, position: types.Position) -> Located | None:
        """A request's document and position, in the engine's terms (code points)."""
        path = self.document_path(uri)
        if path is None:
            return None
        lines = self.lines_of(path)
        line, col = from_client_position(lines, position, self.encoding)
        return Located(path, lines, line, col)

    def state_for(self, path: Path) -> ProjectState | None:
        return self.engine.project_for(path)

    def violations_at(self, path: Path) -> list[Violation]:
        return list(self.store.violations.get(path, ()))

    # --- checking and publishing ------------------------------------------------------

    def schedule_check(self) -> None:
        """Coalesce: many events in one turn of the loop cost one check."""
        if self._check_pending:
            return
        self._check_pending = True
        try:
            asyncio.get_running_loop().call_soon(self.run_check)
        except RuntimeError:  # no loop (tests calling handlers directly)
            self.run_check()

    def ensure_checked(self) -> None:
        if self._check_pending:
            self.run_check()

    def run_check(self) -> None:
        if not self._check_pending:
            return
        self._check_pending = False
        try:
            from archrules.lsp.diagnostics import check_and_publish

            check_and_publish(self)
        except Exception as error:
            self.log.write(
                "error", "check-failed", error=repr(error), traceback=traceback.format_exc()
            )

    # --- indexing ---------------------------------------------------------------------

    def start_indexing(self) -> None:
        if self.index_task is not None and not self.index_task.done():
            return
        if not self.engine.indexing:
            self.schedule_check()
            return
        try:
            self.index_task = asyncio.get_running_loop().create_task(self._index())
        except RuntimeError:  # pragma: no cover - always called from a handler
            return

    async def _index(self) -> None:
        from archrules.lsp.progress import IndexProgress

        progress = IndexProgress(self)
        await progress.begin()
        loop = asyncio.get_running_loop()
        with self.log.timed("open-caches"):
            await loop.run_in_executor(None, self.engine.open_caches)
        last = loop.time()
        with self.log.timed("index") as extra:
            while self.engine.indexing:
                try:
                    self.engine.index_some(INDEX_BATCH)
                except Exception as error:  # a bug must not stop the server
                    self.log.write("error", "index-failed", error=repr(error))
                    break
                if loop.time() - last >= PROGRESS_EVERY:
                    last = loop.time()
                    progress.report(*self.engine.progress())
                await asyncio.sleep(0)
            extra["files"] = self.engine.progress()[1]
        progress.end(*self.engine.progress())
        self._check_pending = True
        self.run_check()

    def show(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        self.window_log_message(types.LogMessageParams(type=kind, message=message))

    def uri(self, path: Path) -> str:
        return path_to_uri(path)


class _SocketWriter:
    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self.writer = writer

    def write(self, data: bytes) -> None:
        if self.writer.is_closing():
            raise ClientGone("the connection is closed")
        self.writer.write(data)

    def close(self) -> None:
        """The connection is closed when the read loop ends."""


def create_server(log: Log | None = None, cache_dir: Path | None = None) -> ArchrulesServer:
    from archrules.lsp import (
        actions,
        commands,
        completion,
        diagnostics,
        documents,
        hover,
        lifecycle,
        links,
    )

    server = ArchrulesServer(log, cache_dir if cache_dir is not None else default_cache_dir())
    for module in (lifecycle, documents, diagnostics, hover, actions, links, completion, commands):
        module.register(server)
    return server
