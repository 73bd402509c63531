"""Downloads by format: ``GET /api/v1/datasets/{dataset_id}/data.{csv,json,parquet,geojson}``.

Without a query this is the release's own file (``data.csv``, ``data.parquet``, ``data.geojson``),
streamed from disk as ``/{filename}`` serves it. With the records API's filters (``col__gte=…``,
``q``, ``bbox``, ``near``, ``sort``, ``fields``, ``version``) it is the rows they select, written
by the publisher's own writers (``catalog_api/exports.py``): a filtered CSV is the release CSV's
format exactly, down to the BOM and the line ends. ``data.json`` (JSON records) is always an
export: releases hold no such file.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import Response, StreamingResponse

from catalog_api.deps import DatasetIdPath, StoreDep
from catalog_api.errors import ERROR_RESPONSES
from catalog_api.exports import FORMATS, ExportSlots, chunks, export_etag, write_export
from catalog_api.http import etag_matches
from catalog_api.records import QueryError, order_clause, where
from catalog_api.release_contract import API_DATASETS, Paths
from catalog_api.routers.datasets import serve_release_file
from catalog_api.routers.records import (
    COLUMN_FILTERS,
    BboxParam,
    FieldsParam,
    NearParam,
    RadiusParam,
    Selection,
    SortParam,
    TextParam,
    VersionParam,
    cache_control,
    release_or_404,
    select_rows,
)
from catalog_api.sql import quote_ident

router = APIRouter(prefix=API_DATASETS, tags=["datasets"], responses=ERROR_RESPONSES)

#: Records parameters that mean nothing for a whole download.
NOT_FOR_EXPORTS = ("cursor", "facet")

_EXPORT_RESPONSES = {
    200: {"description": "The rows, streamed: the release file itself without a query, else the rows the "
                         "query selects, in the same format (`ETag` names the exact bytes).",
          "content": {f.media_type: {} for f in FORMATS.values()}},
    304: {"description": "`If-None-Match` matched."},
    503: {"description": "Every export slot is busy (`Retry-After`), or the query ran past `max_query_seconds`."},
}


@router.get(
    Paths.EXPORT.relative_to(API_DATASETS), name=Paths.EXPORT.route_name, operation_id=Paths.EXPORT.route_name,
    response_class=StreamingResponse, responses=_EXPORT_RESPONSES, openapi_extra=COLUMN_FILTERS,
)
def export_data(
    dataset_id: DatasetIdPath,
    format: Annotated[str, PathParam(description="`csv`, `json`, `parquet` or `geojson` (points only).",
                                     examples=["csv"])],
    request: Request,
    store: StoreDep,
    sort: SortParam = None,
    fields: FieldsParam = None,
    q: TextParam = None,
    bbox: BboxParam = None,
    near: NearParam = None,
    radius_m: RadiusParam = None,
    limit: Annotated[int | None, Query(ge=1, description="At most this many rows (no cap: this is a download).")] = None,
    version: VersionParam = None,
) -> Response:
    """The rows of a dataset as a file: the release's own, or the rows a records query selects."""
    if format not in FORMATS:
        raise HTTPException(status_code=404, detail=f"no format {format[:20]!r}; one of {', '.join(FORMATS)}")
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "limit"]
    for name in NOT_FOR_EXPORTS:
        if name in request.query_params:
            raise QueryError(f"{name}: not a parameter of an export (it downloads every row selected)")
    if format != "json" and limit is None and all(k == "version" for k, _ in params):
        return _release_file(request, store, dataset_id, version, f"data.{format}")
    chosen = select_rows(request, store, dataset_id, version, params)
    if format == "geojson" and chosen.schema.geometry is None:
        raise HTTPException(status_code=404, detail=f"dataset {dataset_id!r} has no coordinates, so no GeoJSON")
    release = chosen.release
    etag = export_etag(release.content_hash, format, request.query_params.multi_items())
    headers = {"ETag": etag, "Cache-Control": cache_control(pinned=version is not None),
               "X-Content-Type-Options": "nosniff", **_limits(request, chosen)}
    if_none_match = request.headers.get("if-none-match")
    if if_none_match and etag_matches(if_none_match, etag):
        return Response(status_code=304, headers=headers)
    relation, values = _relation(chosen, limit)
    slots: ExportSlots = request.app.state.exports
    with slots.taken(), chosen.engine.private_cursor() as cursor:
        geometry = ({"latitude": chosen.schema.geometry[0], "longitude": chosen.schema.geometry[1]}
                    if chosen.schema.geometry else None)
        handle, size = chosen.engine.guarded(
            lambda c: write_export(c, format, relation, values, geometry), cursor=cursor)
    filtered = limit is not None or any(k != "version" for k, _ in params)
    name = f"{release.dataset_id}-v{release.version}-{'filtered' if filtered else 'data'}.{format}"
    headers["Content-Length"] = str(size)
    headers["Content-Disposition"] = f"{'inline' if format == 'json' else 'attachment'}; filename=\"{name}\"; " \
                                     f"filename*=UTF-8''{quote(name)}"
    return StreamingResponse(chunks(handle), media_type=FORMATS[format].media_type, headers=headers)


def _release_file(request: Request, store: StoreDep, dataset_id: str, version: int | None, filename: str) -> Response:
    """The release's own file, as ``/{filename}`` and ``/versions/{v}/{filename}`` serve it."""
    release = release_or_404(store, dataset_id, version)
    return serve_release_file(request, store, release, filename, cache_control(pinned=version is not None))


def _relation(chosen: Selection, limit: int | None) -> tuple[str, list[object]]:
    """The selected rows as a parenthesised query, in the release's order unless ``sort`` says otherwise.

    Without ``sort`` no ORDER BY is written (``order_clause``): a sort of every row would also cost
    memory the export does not need.
    """
    clause, values = where(chosen.query, chosen.schema, with_cursor=False)
    columns = ", ".join(quote_ident(c) for c in chosen.columns)
    order = order_clause(chosen.query)
    bound = " LIMIT ?" if limit is not None else ""
    return (f"(SELECT {columns} FROM {chosen.table} WHERE {clause}{order}{bound})",
            [*values, *([limit] if limit is not None else [])])


def _limits(request: Request, chosen: Selection) -> dict[str, str]:
    """The bounds an export runs under, echoed so a client can see why it was refused or stopped."""
    slots: ExportSlots = request.app.state.exports
    return {"X-Max-Query-Seconds": f"{chosen.engine.max_query_seconds:g}", "X-Export-Concurrency": str(slots.slots)}
