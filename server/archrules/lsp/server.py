"""The archrules language server: state shared by the feature modules, and their wiring.

Scheduling (ADR-0011): a document change only records the document as changed; the check
that follows reads the newest text of every changed document into the engine's
``Workspace``, diffs the results against the ``DiagnosticsStore`` and publishes what
changed (push), or asks the client to pull again. Changes that come in a burst (typing)
wait until the burst pauses, so a burst costs one check and one publish; a request that
needs the engine brings it up to date first (``flush``). Walking the tree, parsing files
and writing the cache run off the event loop (threads, worker processes); their results
are merged between two messages, and the garbage collector is told to leave the merged,
long-lived objects alone (``gc.freeze``)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import gc
import inspect
import multiprocessing
import os
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Protocol, TypeVar

from lsprotocol import types
from pygls.exceptions import FeatureRequestError
from pygls.lsp.server import LanguageServer

from archrules import __version__
from archrules.core.config import find_configs_below
from archrules.core.project import extract_many, scan_project
from archrules.core.reading.text import split_lines
from archrules.core.types import FileFacts, Violation
from archrules.core.workspace import Extraction, ProjectState, Workspace
from archrules.lsp.convert import from_client_position, path_to_uri, uri_to_path
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

INDEX_BATCH = 40  # files read between two looks at the message queue; one worker task
PROGRESS_EVERY = 0.25  # seconds between progress reports
INLINE_SLICE = 0.01  # without worker processes: parse files for this long per turn (s)
POOL_MIN_FILES = 100  # fewer files to parse than this: not worth starting worker processes
BURST_GAP = 0.1  # a change this soon after the last one to a document is typing (s)
BURST_QUIET = 0.04  # a burst is over when no change came for this long (s)
SYNTAX_PAUSE = 0.8  # a syntax error shows once the document has not changed for this long


class Progress(Protocol):
    """Work-done progress of indexing, as the client shows it."""

    async def begin(self) -> None: ...

    def report(self, done: int, total: int) -> None: ...

    def end(self, done: int, total: int) -> None: ...


@dataclass(frozen=True)
class Features:
    """What the scheduling below calls in the feature modules. ``lsp.main.create_server``
    wires them: this module imports no feature module (they import it), so the package
    has no import cycle."""

    check: Callable[[ArchrulesServer], None]  # check the changed documents, publish
    republish: Callable[[ArchrulesServer, set[Path]], None]  # publish again (held errors)
    progress: Callable[[ArchrulesServer], Progress]
    add_folder: Callable[[ArchrulesServer, Path, list[Path]], None]


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
        self.engine = Workspace(cache_dir, defer=True)
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
        self._check_soon = False  # a check is queued with call_soon
        self._check_timer: asyncio.TimerHandle | None = None
        self.changed: dict[Path, int] = {}  # open documents changed since the last flush
        self.last_change: dict[Path, float] = {}  # when each document last changed
        self.held_syntax: set[Path] = set()  # documents whose syntax error waits for a pause
        self._syntax_timer: asyncio.TimerHandle | None = None
        self.folders_pending: list[Path] = []  # workspace folders not opened yet
        self.index_task: asyncio.Task[None] | None = None
        self.parent_task: asyncio.Task[None] | None = None
        self.pool: concurrent.futures.Executor | None = None
        self.pool_broken = False
        self._features: Features | None = None

    @property
    def features(self) -> Features:
        if self._features is None:  # pragma: no cover - create_server always wires them
            raise RuntimeError("the server's features are not wired (lsp.main.create_server)")
        return self._features

    @features.setter
    def features(self, features: Features) -> None:
        self._features = features

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
        self.flush()
        return split_lines(self.engine.text(path))

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
        self.flush()
        return self.engine.project_for(path)

    def violations_at(self, path: Path) -> list[Violation]:
        return list(self.store.violations.get(path, ()))

    # --- checking and publishing ------------------------------------------------------

    def document_changed(self, path: Path, version: int, *, typing: bool) -> None:
        """An open document has a new text (pygls' workspace holds it); the engine reads
        it at the next check. ``typing``: a didChange (a burst of them is coalesced), else
        a didOpen (checked at once)."""
        now = time.monotonic()
        if typing:
            burst = now - self.last_change.get(path, float("-inf")) < BURST_GAP
            self.last_change[path] = now
        else:
            burst = False
            self.last_change.pop(path, None)
        self.changed[path] = version
        self.schedule_check(delay=BURST_QUIET if burst else 0.0)

    def flush(self) -> None:
        """Read the newest text of every changed document into the engine."""
        while self.changed:
            path, version = self.changed.popitem()
            document = self.workspace.get_text_document(path_to_uri(path))
            with self.log.timed("update", path=str(path)):
                state = self.engine.set_text(path, document.source)
            self.versions[path] = version
            if state is not None:
                self.start_indexing()

    def schedule_check(self, delay: float = 0.0) -> None:
        """Coalesce: the events of one turn of the loop cost one check; with ``delay``
        (typing), each event of a burst pushes the check back, and the newest text wins."""
        self._check_pending = True
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop (tests calling handlers directly)
            self.run_check()
            return
        if self._check_soon:
            return  # a check runs this turn anyway
        if self._check_timer is not None:
            self._check_timer.cancel()
            self._check_timer = None
        if delay > 0:
            self._check_timer = loop.call_later(delay, self.run_check)
        else:
            self._check_soon = True
            loop.call_soon(self.run_check)

    def ensure_checked(self) -> None:
        if self._check_pending or self.changed:
            self._check_pending = True
            self.run_check()

    def run_check(self) -> None:
        self._check_soon = False
        if self._check_timer is not None:
            self._check_timer.cancel()
            self._check_timer = None
        if not self._check_pending:
            return
        self._check_pending = False
        try:
            self.flush()
            self.features.check(self)
        except Exception as error:
            self.log.write(
                "error", "check-failed", error=repr(error), traceback=traceback.format_exc()
            )

    def typing_in(self, path: Path) -> bool:
        """Whether the document changed too recently to show a syntax error in it; if so,
        a publish follows when typing pauses."""
        since = time.monotonic() - self.last_change.get(path, float("-inf"))
        if since >= SYNTAX_PAUSE:
            return False
        self.held_syntax.add(path)
        if self._syntax_timer is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # pragma: no cover - always called from the loop
                return False
            self._syntax_timer = loop.call_later(SYNTAX_PAUSE - since + 0.01, self._syntax_due)
        return True

    def _syntax_due(self) -> None:
        self._syntax_timer = None
        held, self.held_syntax = self.held_syntax, set()
        try:
            self.features.republish(self, held)
        except Exception as error:  # pragma: no cover - a bug must not stop the server
            self.log.write("error", "check-failed", error=repr(error))

    # --- indexing ---------------------------------------------------------------------

    @property
    def indexing(self) -> bool:
        """Folders still to open, or files still to discover or read."""
        return bool(self.folders_pending) or self.engine.indexing

    def open_folders(self, folders: list[Path]) -> None:
        """Open workspace folders in the background: the walk for configs runs in a
        thread, so that ``initialized`` and the first didOpen do not wait for it."""
        self.folders_pending.extend(folders)
        self.start_indexing(force=True)

    def start_indexing(self, *, force: bool = False) -> None:
        if self.index_task is not None and not self.index_task.done():
            return
        if not (force or self.folders_pending or self.engine.indexing):
            return
        try:
            self.index_task = asyncio.get_running_loop().create_task(self._index())
        except RuntimeError:  # pragma: no cover - always called from a handler
            return

    async def _index(self) -> None:
        """Index until nothing is left. Work that arrives while a pass ends (a config
        edited while the cache is being saved) gets another pass: ``start_indexing``
        starts no second task beside this one."""
        while await self._index_pass():
            pass

    async def _index_pass(self) -> bool:
        """One pass of indexing; whether work arrived meanwhile that needs another."""
        progress = self.features.progress(self)
        await progress.begin()
        loop = asyncio.get_running_loop()
        last = loop.time()
        running: dict[asyncio.Future[list[FileFacts]], list[Extraction]] = {}
        failed = False
        with self.log.timed("index") as extra:
            while self.folders_pending or self.engine.indexing or running:
                try:
                    await self._index_step(loop, running)
                except Exception as error:  # a bug must not stop the server
                    self.log.write("error", "index-failed", error=repr(error))
                    failed = True
                    break
                if loop.time() - last >= PROGRESS_EVERY:
                    last = loop.time()
                    progress.report(*self.engine.progress())
                await asyncio.sleep(0)
            extra["files"] = self.engine.progress()[1]
        progress.end(*self.engine.progress())
        self._stop_pool()
        self._freeze()
        for cache in self.engine.take_saves():  # in a thread: nothing else uses them now
            await loop.run_in_executor(None, cache.save)
        return not failed and bool(self.folders_pending or self.engine.indexing)

    async def _index_step(
        self,
        loop: asyncio.AbstractEventLoop,
        running: dict[asyncio.Future[list[FileFacts]], list[Extraction]],
    ) -> None:
        """One step: walk a folder or a project's tree (in a thread), or read a batch of
        files and hand their parsing to worker processes, or merge what they returned."""
        if self.folders_pending:
            folder = self.folders_pending.pop(0)
            with self.log.timed("open-folder", path=str(folder)):
                configs = await loop.run_in_executor(None, find_configs_below, folder)
                self.features.add_folder(self, folder, configs)
            return
        for state, project, nested in self.engine.discovery_work():
            with self.log.timed("discover", config=str(project.config_path)):
                found = await loop.run_in_executor(None, scan_project, project, nested)
                self.engine.merge_discovery(state, project, found)
            if self.versions or self.changed:  # the open files' findings, every module known
                self.schedule_check()
        if self.engine.caches_to_open():
            await loop.run_in_executor(None, self.engine.open_caches)
        read, total = self.engine.progress()
        pool = self.pool is not None or total - read >= POOL_MIN_FILES
        if pool:
            jobs = self.engine.index_some(INDEX_BATCH)
            if jobs:
                running[self._extract(loop, jobs)] = jobs
        else:  # a small project: parse here, a few milliseconds per turn of the loop
            jobs = []
            deadline = loop.time() + INLINE_SLICE
            while self.engine.indexing and loop.time() < deadline:
                inline = self.engine.index_some(1)
                if inline:
                    self._merge(inline, None)
                elif not self.engine.progress()[1] - self.engine.progress()[0]:
                    break
        if running and (len(running) >= 2 * self._workers() or not jobs):
            done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            for future in done:
                self._merge(running.pop(future), future)
            self._freeze()
        if not self.engine.indexing:
            self.schedule_check()  # the first check with every file read (graph findings)

    def _workers(self) -> int:
        return max(1, os.cpu_count() or 1)

    def _extract(
        self, loop: asyncio.AbstractEventLoop, jobs: list[Extraction]
    ) -> asyncio.Future[list[FileFacts]]:
        """Extract facts in worker processes (in this process if none can start)."""
        tasks = [(job.text, job.conventions) for job in jobs]
        if self.pool is None and not self.pool_broken:
            try:
                context = multiprocessing.get_context("spawn")  # no fork of pygls' threads
                self.pool = concurrent.futures.ProcessPoolExecutor(
                    self._workers(), mp_context=context
                )
            except (OSError, ValueError, NotImplementedError) as error:  # pragma: no cover
                self.log.write("warning", "no-worker-processes", error=repr(error))
                self.pool_broken = True
        future: asyncio.Future[list[FileFacts]]
        if self.pool is not None:
            future = asyncio.wrap_future(self.pool.submit(extract_many, tasks))
        else:  # pragma: no cover - no worker processes on this system: _merge extracts
            future = loop.create_future()
            future.set_exception(OSError("no worker processes"))
        return future

    def _merge(
        self, jobs: list[Extraction], future: asyncio.Future[list[FileFacts]] | None
    ) -> None:
        """Hand extracted facts to the engine (``future`` None: extract them here)."""
        results: list[FileFacts] | None = None
        if future is not None:
            try:
                results = future.result()
            except Exception as error:  # a broken pool: extract here instead
                self.log.write("warning", "worker-failed", error=repr(error))
                self.pool_broken = True
                self._stop_pool()
        if results is None:
            results = extract_many([(job.text, job.conventions) for job in jobs])
        for job, facts in zip(jobs, results, strict=True):
            self.engine.add_extracted(job, facts)

    def _stop_pool(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None

    def _freeze(self) -> None:
        """Move what survives into the collector's permanent generation: the facts and
        model just merged live until their file changes, and walking them on every
        collection is what made edits slow on large projects. Only objects created since
        the last freeze are walked here."""
        gc.collect()
        gc.freeze()

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
