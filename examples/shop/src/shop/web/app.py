"""The WSGI application: routes requests to handlers."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any
from wsgiref.simple_server import make_server

from shop.settings import settings
from shop.web import admin, handlers
from shop.web.http import Request, Response, error

log = logging.getLogger(__name__)

Handler = Callable[[Request], Response]
StartResponse = Callable[[str, list[tuple[str, str]]], Any]

ROUTES: dict[tuple[str, str], Handler] = {
    ("GET", "/search"): handlers.search,
    ("POST", "/orders"): handlers.place_order,
    ("GET", "/receipt"): handlers.receipt,
    ("GET", "/admin/sales"): admin.sales,
    ("GET", "/admin/reconciliation"): admin.reconciliation,
}


def dispatch(request: Request) -> Response:
    handler = ROUTES.get((request.method, request.path))
    if handler is None:
        return error(404, f"no route for {request.method} {request.path}")
    try:
        return handler(request)
    except Exception:
        log.exception("%s %s failed", request.method, request.path)
        return error(500, "internal error")


def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    response = dispatch(Request.from_environ(environ))
    start_response(response.status_line, [("Content-Type", response.content_type)])
    return [response.encode()]


def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    level = logging.DEBUG if settings.debug else logging.INFO
    logging.basicConfig(level=level)
    log.info("serving the shop on http://%s:%d", host, port)
    with make_server(host, port, application) as server:
        server.serve_forever()
