"""Rows of a dataset: ``GET /api/v1/datasets/{dataset_id}/records`` — filter, sort, page, facet.

Read from the release's Parquet file (loaded once into the API's DuckDB, ``catalog_api/engine.py``);
every parameter is checked against the release's columns (``catalog_api/records.py``). The page
size is capped and the cap is stated in every response, as are the total and the version served.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

import orjson
from fastapi import APIRouter, FastAPI, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from catalog_api.deps import DatasetIdPath, StoreDep, UrlsDep
from catalog_api.engine import RecordsEngine
from catalog_api.errors import ERROR_RESPONSES
from catalog_api.release_contract import API_DATASETS, Paths
from catalog_api.release_store import Release, ReleaseStore
from catalog_api.records import (
    ROW,
    Query as RecordQuery,
    QueryError,
    Schema,
    decode_cursor,
    encode_cursor,
    order_clause,
    parse_query,
    quoted,
    where,
)

router = APIRouter(prefix=API_DATASETS, tags=["records"], responses=ERROR_RESPONSES)

DEFAULT_LIMIT = 100
#: Values one facet lists, most frequent first.
FACET_SIZE = 50
#: Coordinate columns a set of points may have, checked in this order.
POINT_COLUMNS = (("緯度", "経度"), ("latitude", "longitude"))


#: The filters, documented once. A dataset's columns differ from the next one's, so OpenAPI gets them
#: as what they are on the wire: free-form query parameters (an exploded ``form`` object).
COLUMN_FILTERS: dict[str, Any] = {"parameters": [{
    "name": "filters", "in": "query", "required": False, "style": "form", "explode": True,
    "schema": {"type": "object", "additionalProperties": {"type": "string"}},
    "description": "Filters on the dataset's columns, as parameters named by the column, typed by it: `col=value`, "
                   "`col__ne`, `col__gt`, `col__gte`, `col__lt`, `col__lte`, `col__in=a,b`, `col__contains=text`, "
                   "`col__isnull=true`. An unknown column or operator, or a value not of the column's type, is 422.",
    "example": {"全国地方公共団体コード": "131041"}}]}


# The parameters that choose rows, shared by the records and the export routes (validated again,
# typed by the dataset's columns, in catalog_api/records.py).
SortParam = Annotated[str | None, Query(description="Columns, `-` for descending: `-更新日,ID` (default: the "
                                                    "release's order).")]
FieldsParam = Annotated[str | None, Query(description="Columns to return, comma-separated.")]
TextParam = Annotated[str | None, Query(max_length=200, description="Text within any text column (Japanese too).")]
BboxParam = Annotated[str | None, Query(description="Points within `min_lon,min_lat,max_lon,max_lat`.")]
NearParam = Annotated[str | None, Query(description="Points near `lat,lon` (with `radius_m`).")]
RadiusParam = Annotated[float | None, Query(gt=0, le=100_000, description="Metres from `near` (default 1000).")]
VersionParam = Annotated[int | None, Query(ge=1, description="A version to query (default: current).")]


class FacetValue(BaseModel):
    value: Any
    count: int


class RecordsPage(BaseModel):
    """One page of rows of one version."""

    dataset_id: str
    version: int
    content_hash: str
    total: int = Field(description="Rows matching the filters (exact), whatever the page.")
    limit: int
    max_limit: int = Field(description="The largest `limit` allowed (setting `TDPF_API_MAX_PAGE_SIZE`, "
                                       "default 1000); a larger one is refused, never cut.")
    max_query_seconds: float = Field(description="How long one query may run before it is stopped "
                                                 "(`TDPF_API_MAX_QUERY_SECONDS`, default 10).")
    fields: list[str]
    records: list[dict[str, Any]]
    facets: dict[str, list[FacetValue]] = Field(default_factory=dict)
    next: str | None = Field(description="The next page (same filters, pinned to this version), or null at the end.")


def document_page_cap(app: FastAPI, max_limit: int) -> None:
    """State the configured cap as the ``limit``'s maximum in the OpenAPI document.

    The route is declared once, at import; the cap is a setting of each app
    (``TDPF_API_MAX_PAGE_SIZE``), so the document gets it when the app builds its schema.
    """
    build = app.openapi

    def openapi() -> dict[str, Any]:
        document = build()
        for parameter in document["paths"][Paths.RECORDS.template]["get"]["parameters"]:
            if parameter["name"] == "limit":
                parameter["schema"]["maximum"] = max_limit
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def engine_of(request: Request) -> RecordsEngine:
    """The app's engine (``create_app`` makes one per app, with the settings' limits)."""
    return request.app.state.records_engine


@router.get(
    Paths.RECORDS.relative_to(API_DATASETS), name=Paths.RECORDS.route_name, operation_id=Paths.RECORDS.route_name,
    response_model=RecordsPage,
    openapi_extra=COLUMN_FILTERS,
)
def list_records(
    dataset_id: DatasetIdPath,
    request: Request,
    store: StoreDep,
    urls: UrlsDep,
    limit: Annotated[int, Query(ge=0, description="Rows per page (0 to `max_limit`).")] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=4096, description="From `next`: the page after.")] = None,
    sort: SortParam = None,
    fields: FieldsParam = None,
    q: TextParam = None,
    bbox: BboxParam = None,
    near: NearParam = None,
    radius_m: RadiusParam = None,
    version: VersionParam = None,
    facet: Annotated[list[str] | None, Query(description="Count the values of these columns.")] = None,
) -> Response:
    """Rows of a dataset's release: typed filters, sort, keyset paging by `cursor`, facet counts."""
    settings = request.app.state.settings
    if limit > settings.api_max_page_size:
        raise QueryError(f"limit: at most {settings.api_max_page_size} rows a page (max_limit); "
                         "page on with `next`, or download data.csv")
    token = decode_cursor(cursor) if cursor else None
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("limit", "cursor")]
    chosen = select_rows(request, store, dataset_id, token["v"] if token else version, params, token)
    release, engine, table, schema, query = chosen.release, chosen.engine, chosen.table, chosen.schema, chosen.query
    columns = chosen.columns
    clause, values = where(query, schema)
    total_clause, total_values = where(query, schema, with_cursor=False)
    wanted = list(dict.fromkeys([*columns, *(c for c, _ in query.sort), ROW]))
    names, rows = engine.rows(
        f"SELECT {', '.join(quoted(c) if c != ROW else ROW for c in wanted)} FROM {table} WHERE {clause} "
        f"{order_clause(query)} LIMIT ?", [*values, limit + 1]) if limit else (wanted, [])
    more = len(rows) > limit
    rows = rows[:limit]
    records = [dict(zip(columns, row)) for row in rows]  # the selected columns come first in each row
    body = {
        "dataset_id": release.dataset_id, "version": release.version, "content_hash": release.content_hash,
        "total": engine.remembered_rows(f"SELECT count(*) FROM {table} WHERE {total_clause}", total_values)[1][0][0],
        "limit": limit, "max_limit": settings.api_max_page_size, "max_query_seconds": engine.max_query_seconds,
        "fields": columns,
        "records": records,
        "facets": {f: _facet(engine, table, f, total_clause, total_values) for f in query.facets},
        "next": _next(urls, release, query, dict(zip(names, rows[-1])), request) if more and rows else None,
    }
    return Response(orjson.dumps(body), media_type="application/json",
                    headers={"Cache-Control": cache_control(pinned=version is not None or token is not None)})


def cache_control(pinned: bool) -> str:
    """A version asked for by number never changes; the current one may with the next release."""
    return "public, max-age=31536000, immutable" if pinned else "public, max-age=60"


@dataclass(frozen=True)
class Selection:
    """A request's rows: the release, its loaded table and schema, and the checked query."""

    release: Release
    engine: RecordsEngine
    table: str
    schema: Schema
    query: RecordQuery

    @property
    def columns(self) -> list[str]:
        """The columns to return, in order: ``fields`` or all of them."""
        return list(self.query.fields) or list(self.schema.columns)


def select_rows(request: Request, store: ReleaseStore, dataset_id: str, version: int | None,
                params: Sequence[tuple[str, str]], token: dict[str, Any] | None = None) -> Selection:
    """Load the release (once) and check the request's parameters against its columns."""
    release = queryable_release(store, dataset_id, version)
    if token is not None and not release.content_hash.startswith(token["h"]):
        raise QueryError("cursor: not a cursor of this dataset; start again without it")
    engine = engine_of(request)
    table, schema = loaded_table(engine, store, release)
    return Selection(release, engine, table, schema, parse_query(params, schema, token))


def loaded_table(engine: RecordsEngine, store: ReleaseStore, release: Release) -> tuple[str, Schema]:
    """The release's table in the engine (loaded the first time) and its schema."""
    table = engine.table(release.content_hash, store.file_path(release, "data.parquet"))
    return table, _schema(engine, table)


def release_or_404(store: ReleaseStore, dataset_id: str, version: int | None) -> Release:
    """The version asked for (the current one when None); 404 when there is none (or the id is not one)."""
    try:
        release = store.get(dataset_id, version) if version is not None else store.current(dataset_id)
    except ValueError:
        release = None
    if release is None:
        what = f"version {version} of dataset {dataset_id!r}" if version is not None else f"dataset {dataset_id!r}"
        raise HTTPException(status_code=404, detail=f"{what} not found")
    return release


def queryable_release(store: ReleaseStore, dataset_id: str, version: int | None) -> Release:
    """The version asked for (the current one when None) that has a ``data.parquet``; 404 otherwise."""
    release = release_or_404(store, dataset_id, version)
    try:
        release.resource("data.parquet")
    except KeyError:
        raise HTTPException(status_code=404, detail=f"version {release.version} of dataset {dataset_id!r} has no "
                                                    "rows to query (no data.parquet)") from None
    return release


def _schema(engine: RecordsEngine, table: str) -> Schema:
    columns = engine.columns(table)
    numeric = {"DOUBLE", "FLOAT", "DECIMAL"}
    geometry = next(((lat, lon) for lat, lon in POINT_COLUMNS
                     if columns.get(lat, "").split("(")[0] in numeric and columns.get(lon, "").split("(")[0] in numeric),
                    None)
    return Schema(columns, geometry)


def _facet(engine: RecordsEngine, table: str, column: str, clause: str, values: list[Any]) -> list[dict[str, Any]]:
    _, rows = engine.remembered_rows(f"SELECT {quoted(column)}, count(*) FROM {table} WHERE {clause} GROUP BY 1 "
                          f"ORDER BY 2 DESC, 1 NULLS LAST LIMIT {FACET_SIZE}", values)
    return [{"value": value, "count": count} for value, count in rows]


def _next(urls: UrlsDep, release: Release, query: RecordQuery, last: dict[str, Any], request: Request) -> str:
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in ("cursor", "version")]
    token = encode_cursor(release.version, release.content_hash, query, last)
    return urls.records(release.dataset_id) + "?" + urlencode([*kept, ("cursor", token)])
