"""One JSON error shape for every failure: ``{"ok": false, "status": <int>, "error": "<message>"}``.

Why: clients (and ``ckanapi``-style scripts) should handle errors with one code path, whatever went
wrong: an unknown dataset, a malformed version number, a wrong method, an unknown route or a bug.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Mapping
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from catalog_api.engine import QueryTimeout
from catalog_api.exports import ExportsBusy
from catalog_api.records import QueryError

logger = logging.getLogger(__name__)


class ErrorBody(BaseModel):
    """The error document, declared so it appears in the OpenAPI description of responses."""

    ok: Literal[False] = False
    status: int
    error: str


#: Add to a route's ``responses=`` to document the error shape in OpenAPI.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "Unknown dataset, version or file"},
    422: {"model": ErrorBody, "description": "Invalid path or query parameter"},
    503: {"model": ErrorBody, "description": "A query ran past `max_query_seconds`, or no export slot was free "
                                             "(`Retry-After` says when to try again)"},
}


def error_response(status: int, message: str, headers: Mapping[str, str] | None = None) -> Response:
    """Build the error response; statuses that may not carry a body (304, 204) get none."""
    if status < 200 or status in (204, 304):
        return Response(status_code=status, headers=dict(headers or {}))
    body = ErrorBody(status=status, error=message).model_dump()
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


#: Page titles of the HTML error page (Japanese / English).
_HTML_TITLES = {404: ("ページが見つかりません", "Page not found"), 405: ("この操作はできません", "Method not allowed")}


def wants_html(request: Request) -> bool:
    """A page of the catalogue (``/``, ``/datasets/…``), or a browser asking for HTML outside the API."""
    path = request.url.path
    if path.startswith(("/api/", "/healthz", "/openapi")):
        return False
    return path == "/" or path.startswith("/datasets/") or "text/html" in request.headers.get("accept", "")


def html_error_response(status: int, message: str, headers: Mapping[str, str] | None = None) -> Response:
    """The error as a small bilingual page with a way back to the catalogue (messages are escaped)."""
    ja, en = _HTML_TITLES.get(status, ("エラー", "Error"))
    body = (f'<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>{status} {ja} / {en}</title></head>'
            f"<body><h1>{status} {ja} <small>/ {en}</small></h1><p>{html.escape(message)}</p>"
            '<p><a href="/">データカタログへ戻る / Back to the catalogue</a></p></body></html>')
    return HTMLResponse(body, status_code=status, headers=dict(headers or {}))


async def _http_exception_handler(request: Request, exc: StarletteHTTPException) -> Response:
    # Starlette raises these for unknown routes (404) and wrong methods (405, with an Allow header).
    message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    if exc.status_code >= 400 and wants_html(request):
        return html_error_response(exc.status_code, message, exc.headers)
    return error_response(exc.status_code, message, exc.headers)


async def _validation_exception_handler(request: Request, exc: RequestValidationError) -> Response:
    parts = []
    for error in exc.errors():
        location = ".".join(str(part) for part in error.get("loc", ()) if part not in ("path", "query"))
        parts.append(f"{location}: {error.get('msg', 'invalid value')}" if location else str(error.get("msg")))
    return error_response(422, "; ".join(parts) or "invalid request")


async def _unhandled_exception_handler(request: Request, exc: Exception) -> Response:
    # Log the traceback for operators; never leak internals to clients.
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    return error_response(500, "internal server error")


async def _query_error_handler(request: Request, exc: Exception) -> Response:
    return error_response(422, str(exc))


async def _busy_handler(request: Request, exc: Exception) -> Response:
    # 503 with Retry-After: the request was fine, the server had no room (a slot) or time (a deadline) for it now.
    return error_response(503, str(exc), {"Retry-After": "1" if isinstance(exc, ExportsBusy) else "10"})


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that turn every failure into the one error shape."""
    app.add_exception_handler(QueryError, _query_error_handler)
    app.add_exception_handler(QueryTimeout, _busy_handler)
    app.add_exception_handler(ExportsBusy, _busy_handler)
    app.add_exception_handler(StarletteHTTPException, _http_exception_handler)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_exception_handler)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unhandled_exception_handler)
