"""Structured logs: one JSON object per line, to stderr or a file; never stdout, which is
the protocol channel. Every check records its timing; ``archrules.server.status`` shows the last."""

from __future__ import annotations

import json
import sys
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

_ORDER = {"error": 0, "warning": 1, "info": 2, "debug": 3}


class Log:
    def __init__(self, stream: TextIO | None = None, level: str = "info") -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.level = level
        self.timings: deque[dict[str, Any]] = deque(maxlen=20)

    def write(self, level: str, event: str, **fields: Any) -> None:
        if _ORDER.get(level, 2) > _ORDER.get(self.level, 2):
            return
        record = {"time": round(time.time(), 3), "level": level, "event": event, **fields}
        try:
            self.stream.write(json.dumps(record, default=str) + "\n")
            self.stream.flush()
        except (OSError, ValueError):  # a closed stderr must not stop the server
            pass

    @contextmanager
    def timed(self, event: str, **fields: Any) -> Iterator[dict[str, Any]]:
        """Time a block; the block may add fields to the yielded dict."""
        start = time.perf_counter()
        extra: dict[str, Any] = {}
        try:
            yield extra
        finally:
            ms = round((time.perf_counter() - start) * 1000, 2)
            record = {"event": event, "ms": ms, **fields, **extra}
            self.timings.append(record)
            self.write("info", event, ms=ms, **fields, **extra)
