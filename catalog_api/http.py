"""HTTP behaviour every read route shares: HEAD, CORS, compression and conditional requests.

Why middleware rather than per-route code: a browser app, ``curl -I``, a cache or a proxy expects
the same behaviour from every URL, and a route added later must not be able to forget it.

* ``HEAD`` is answered as ``GET`` without the body (RFC 9110 §9.3.2); a file's body is never read
  past its first chunk.
* CORS: any origin may read (``GET``/``HEAD``, preflight ``OPTIONS``); the data is open, and no
  route uses cookies or credentials.
* Compression: gzip when the client asks, for text types (JSON, CSV, GeoJSON, HTML); a compressed
  body gets its own ETag (``"…-gzip"``), since a strong validator names exact bytes.
* Conditional requests: a complete (not streamed) ``200`` without a validator gets a strong
  ``ETag`` — the SHA-256 of its body — and ``If-None-Match`` or ``If-Modified-Since`` (against the
  ``Last-Modified`` a route set) answers ``304``.
* Ranges: a malformed ``Range`` header is ignored (the whole file), as RFC 9110 says.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime

from starlette.applications import Starlette
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Headers a browser app may read from a cross-origin response.
EXPOSED_HEADERS = ("ETag", "Last-Modified", "Content-Disposition", "Content-Length", "Link", "X-Total-Count")
#: Smaller bodies are sent as they are: compressing them saves less than the header costs.
GZIP_MINIMUM_BYTES = 1024
#: zlib's default: level 9 costs about three times the CPU for a few per cent.
GZIP_LEVEL = 6
GZIP_SUFFIX = "-gzip"
#: Formats that are compressed inside already (Parquet pages are zstd): gzip would only cost CPU.
ALREADY_COMPRESSED = ("application/vnd.apache.parquet",)


class _BodySkipped(Exception):
    """Raised into the app once the response is complete without its body (HEAD, 304): stop reading it."""


class HeadAsGet:
    """Serve ``HEAD`` as ``GET`` with headers only; stop the app at its first body chunk."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.start":
                await send(message)
                return
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            raise _BodySkipped

        try:
            await self.app({**scope, "method": "GET"}, receive, headers_only)
        except _BodySkipped:
            pass


#: RFC 9110 §14.1.2 byte ranges: ``bytes=0-99``, ``bytes=100-``, ``bytes=-500``, comma-separated.
_BYTE_RANGES = re.compile(r"bytes=\s*(\d+-\d*|-\d+)(\s*,\s*(\d+-\d*|-\d+))*\s*")


def valid_range(value: str) -> bool:
    """Whether a ``Range`` header is well-formed byte ranges, each first position ≤ its last."""
    if not _BYTE_RANGES.fullmatch(value):
        return False
    for spec in value.split("=", 1)[1].split(","):
        first, _, last = spec.strip().partition("-")
        if first and last and int(first) > int(last):
            return False
    return True


class IgnoreMalformedRange:
    """Drop a ``Range`` header that is not valid byte ranges: the whole representation is sent (RFC 9110 §14.2)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            ranges = [v.decode("latin-1") for k, v in scope["headers"] if k == b"range"]
            if ranges and (len(ranges) > 1 or not valid_range(ranges[0])):
                scope = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k != b"range"]}
        await self.app(scope, receive, send)


class ConditionalGet:
    """Strong ETags for complete responses, and ``304 Not Modified`` (see the module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        request_headers = Headers(scope=scope)
        start: Message | None = None

        async def conditional(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if start is None:  # a body after it was passed through
                await send(message)
                return
            head, start = start, None
            headers = MutableHeaders(raw=head.setdefault("headers", []))
            if head["status"] == 200 and "etag" not in headers and not message.get("more_body", False):
                headers["ETag"] = '"' + hashlib.sha256(message.get("body", b"")).hexdigest()[:32] + '"'
            if head["status"] == 200 and not_modified(request_headers, headers):
                await send({**head, "status": 304, "headers": _without_body_headers(headers)})
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                raise _BodySkipped
            await send(head)
            await send(message)

        try:
            await self.app(scope, receive, conditional)
        except _BodySkipped:
            pass


def not_modified(request: Headers, response: Headers) -> bool:
    """RFC 9110 §13.1: ``If-None-Match`` (weak comparison) wins; else ``If-Modified-Since``."""
    if_none_match = request.get("if-none-match")
    etag = response.get("etag")
    if if_none_match is not None:
        return etag is not None and etag_matches(if_none_match, etag)
    since, modified = _http_date(request.get("if-modified-since")), _http_date(response.get("last-modified"))
    return since is not None and modified is not None and modified <= since


def etag_matches(if_none_match: str, etag: str) -> bool:
    """A list of tags or ``*``, compared weakly (``W/`` ignored); a tag and its compressed twin match."""
    plain = _opaque(etag).removesuffix(GZIP_SUFFIX)
    return any(c.strip() == "*" or _opaque(c).removesuffix(GZIP_SUFFIX) == plain for c in if_none_match.split(","))


def _opaque(tag: str) -> str:
    return tag.removeprefix("W/").strip().strip('"')


def _http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None  # a malformed date is ignored, as RFC 9110 says
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def http_date(moment: datetime) -> str:
    """``Last-Modified`` format (IMF-fixdate, GMT)."""
    return format_datetime(moment.astimezone(timezone.utc).replace(microsecond=0), usegmt=True)


def last_modified(stamps: Iterable[str | None]) -> str | None:
    """The newest of some UTC stamps — ISO 8601 (``2026-11-26T02:40:00Z``) or an attempt id's
    ``20261126T024000123456Z`` — as an HTTP date; None when there is none."""
    moments = [m for m in (_utc_stamp(s) for s in stamps if s) if m is not None]
    return http_date(max(moments)) if moments else None


def _utc_stamp(stamp: str) -> datetime | None:
    for layout in ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S.%fZ", "%Y%m%dT%H%M%S%fZ"):
        try:
            text = stamp.partition("-")[0] if stamp[:8].isdigit() else stamp  # an attempt id: stamp-suffix
            return datetime.strptime(text, layout).replace(tzinfo=timezone.utc)
        except ValueError:
            continue
    return None


def _without_body_headers(headers: MutableHeaders) -> list[tuple[bytes, bytes]]:
    dropped = {b"content-length", b"content-type", b"content-encoding"}
    return [(k, v) for k, v in headers.raw if k.lower() not in dropped]


class CompressedEtag:
    """Give a body gzip compressed its own validator: ``"<tag>-gzip"`` (outside the gzip middleware)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def retag(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(raw=message.setdefault("headers", []))
                etag = headers.get("etag")
                if etag and headers.get("content-encoding") == "gzip" and not etag.endswith(GZIP_SUFFIX + '"'):
                    headers["ETag"] = etag[:-1] + GZIP_SUFFIX + '"'
            await send(message)

        await self.app(scope, receive, retag)


def install_http_behaviour(app: Starlette) -> None:
    """Wrap the app in the shared behaviour; outermost first: HEAD, CORS, retag, gzip, ranges, conditional."""
    app.add_middleware(ConditionalGet)  # added first: innermost, it sees the route's own response
    app.add_middleware(IgnoreMalformedRange)
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM_BYTES, compresslevel=GZIP_LEVEL,
                       exclude_content_types=DEFAULT_EXCLUDED_CONTENT_TYPES + ALREADY_COMPRESSED)
    app.add_middleware(CompressedEtag)
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "HEAD", "OPTIONS"],
                       allow_headers=["*"], expose_headers=list(EXPOSED_HEADERS), max_age=86400)
    app.add_middleware(HeadAsGet)
