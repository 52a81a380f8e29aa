"""Work-done progress for background indexing ("Indexing 1,234 / 6,725 files"), when the
client supports it; without support, only log lines."""

from __future__ import annotations

import uuid

from lsprotocol import types

from archrules.lsp.server import ArchrulesServer


class IndexProgress:
    def __init__(self, server: ArchrulesServer) -> None:
        self.server = server
        self.token = f"archrules-index-{uuid.uuid4().hex[:8]}"
        window = server.client_capabilities.window
        self.enabled = bool(window and window.work_done_progress)

    async def begin(self) -> None:
        done, total = self.server.engine.progress()
        self.server.log.write("info", "index-start", files=total)
        if not self.enabled:
            return
        try:
            await self.server.work_done_progress.create_async(self.token)
        except Exception as error:  # the client refused: go on without a progress bar
            self.server.log.write("warning", "progress-refused", error=repr(error))
            self.enabled = False
            return
        self.server.work_done_progress.begin(
            self.token,
            types.WorkDoneProgressBegin(
                title="archrules", message=_text(done, total), percentage=_percent(done, total)
            ),
        )

    def report(self, done: int, total: int) -> None:
        if self.enabled:
            self.server.work_done_progress.report(
                self.token,
                types.WorkDoneProgressReport(
                    message=_text(done, total), percentage=_percent(done, total)
                ),
            )

    def end(self, done: int, total: int) -> None:
        if self.enabled:
            self.server.work_done_progress.end(
                self.token, types.WorkDoneProgressEnd(message=f"Indexed {total:,} files")
            )


def _text(done: int, total: int) -> str:
    return f"Indexing {done:,} / {total:,} files"


def _percent(done: int, total: int) -> int:
    return 100 if total == 0 else min(100, done * 100 // total)
