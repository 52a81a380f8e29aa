"""Just enough HTTP: a parsed request and a JSON or text response."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_environ(cls, environ: dict[str, Any]) -> Request:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        return cls(
            method=environ["REQUEST_METHOD"],
            path=environ.get("PATH_INFO", "/"),
            query=dict(parse_qsl(environ.get("QUERY_STRING", ""))),
            body=json.loads(raw) if raw else {},
        )


@dataclass(frozen=True)
class Response:
    status: int = 200
    body: Any = None
    content_type: str = "application/json"

    @property
    def status_line(self) -> str:
        return f"{self.status} {HTTPStatus(self.status).phrase}"

    def encode(self) -> bytes:
        if self.content_type == "application/json":
            return json.dumps(self.body).encode()
        return str(self.body).encode()


def error(status: int, message: str) -> Response:
    return Response(status, {"error": message})
