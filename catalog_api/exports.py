"""Filtered exports: the rows a records query selects, as a file in one of the release's formats.

Why written to a file first and then streamed: DuckDB formats the rows (``release_formats``, the
publisher's own writers, hence the release file's exact bytes), and ``COPY`` streams to disk at
flat memory whatever the size; the file is unlinked as soon as it is opened, so a client that
goes away mid-download leaves nothing behind. Writing is the costly part, so it is what the
export slots bound (``TDPF_API_EXPORT_CONCURRENCY``); sending the file is not.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import duckdb

from catalog_api.release_formats import write_csv, write_geojson, write_json, write_parquet

#: Bytes read per chunk when a written export is sent.
CHUNK_BYTES = 256 * 1024
#: Part of every export's ETag: a change to how exports are written changes their validators.
EXPORT_FORMAT_VERSION = "1"


@dataclass(frozen=True)
class ExportFormat:
    extension: str
    media_type: str


FORMATS: dict[str, ExportFormat] = {
    "csv": ExportFormat("csv", "text/csv; charset=utf-8"),
    "json": ExportFormat("json", "application/json"),
    "parquet": ExportFormat("parquet", "application/vnd.apache.parquet"),
    "geojson": ExportFormat("geojson", "application/geo+json"),
}


class ExportsBusy(Exception):
    """Every export slot is taken: the client should retry shortly."""

    def __init__(self, slots: int) -> None:
        super().__init__(f"{slots} filtered export(s) are being written (export_concurrency); retry in a moment")
        self.slots = slots


class ExportSlots:
    """At most ``slots`` exports written at once; one more is refused at once rather than queued."""

    def __init__(self, slots: int) -> None:
        self.slots = slots
        self._semaphore = threading.BoundedSemaphore(slots)

    @contextmanager
    def taken(self) -> Iterator[None]:
        if not self._semaphore.acquire(blocking=False):
            raise ExportsBusy(self.slots)
        try:
            yield
        finally:
            self._semaphore.release()


def write_export(cursor: duckdb.DuckDBPyConnection, fmt: str, relation: str, params: Sequence[Any],
                 geometry: dict[str, str] | None) -> tuple[IO[bytes], int]:
    """Write the rows of ``relation`` as ``fmt`` and return the open file (already unlinked) and its size."""
    folder = Path(tempfile.mkdtemp(prefix="tdpf-export-"))
    path = folder / f"export.{FORMATS[fmt].extension}"
    try:
        if fmt == "csv":
            write_csv(cursor, relation, path, params)
        elif fmt == "json":
            write_json(cursor, relation, path, params)
        elif fmt == "parquet":
            write_parquet(cursor, relation, path, params)
        elif fmt == "geojson" and geometry is not None:
            write_geojson(cursor, relation, geometry, path, params)
        else:
            raise ValueError(f"no export format {fmt!r} for this relation")
        handle = path.open("rb")
        return handle, os.fstat(handle.fileno()).st_size
    finally:
        for leftover in folder.iterdir():
            leftover.unlink()
        folder.rmdir()


def chunks(handle: IO[bytes]) -> Iterator[bytes]:
    """The written export, a chunk at a time; the file closes when the response ends or is abandoned."""
    try:
        while chunk := handle.read(CHUNK_BYTES):
            yield chunk
    finally:
        handle.close()


def export_etag(content_hash: str, fmt: str, parameters: Sequence[tuple[str, str]]) -> str:
    """A strong validator: an export is a pure function of the release, the format and the query."""
    canonical = "&".join(f"{k}={v}" for k, v in sorted(parameters))
    digest = hashlib.sha256(f"{EXPORT_FORMAT_VERSION}\n{content_hash}\n{fmt}\n{canonical}".encode()).hexdigest()
    return f'"x{digest[:32]}"'
