"""CKAN's Action API over the catalogue: ``/api/3/action/{name}`` and ``/api/action/{name}``, GET and POST.

The read actions a CKAN portal answers anonymously (``docs/ckan.md`` lists them and their
parameters), with CKAN's envelope (``help``, ``success``, ``result``), error objects and HTTP
statuses, so ``ckanapi`` and scripts written for CKAN portals work unchanged. The dicts come from
``catalog_api/ckan.py``; ``datastore_search`` reads the release's rows through the records engine,
with every value bound and every column checked against the release (as the records API does).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import orjson
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from catalog_api import ckan
from catalog_api.answers import AnswerCache
from catalog_api.catalogue import Catalogue, current_catalogue
from catalog_api.deps import CatalogueUrls, get_urls
from catalog_api.engine import QueryTimeout, RecordsEngine
from catalog_api.records import ROW, Filter, Query, QueryError, Schema, order_clause, quoted, typed_value, where
from catalog_api.release_store import ReleaseStore
from catalog_api.routers.records import engine_of, loaded_table

router = APIRouter(include_in_schema=False)

#: The CKAN release whose API this one answers like (``status_show``).
CKAN_VERSION = "2.11.5"
JSON_TYPE = "application/json;charset=utf-8"
#: datastore_search's bounds (CKAN's ``ckan.datastore.search.rows_default`` and ``rows_max``).
DATASTORE_DEFAULT_LIMIT, DATASTORE_MAX_LIMIT = 100, 32000
DATASTORE_PARAMETERS = frozenset({"resource_id", "id", "filters", "q", "full_text", "distinct", "plain", "language",
                                  "limit", "offset", "fields", "sort", "include_total", "records_format",
                                  "total_estimation_threshold"})
#: DuckDB's types as the PostgreSQL type names CKAN's datastore reports.
PG_TYPES = {"VARCHAR": "text", "INTEGER": "int4", "BIGINT": "int8", "SMALLINT": "int2", "TINYINT": "int2",
            "DOUBLE": "float8", "FLOAT": "float4", "DATE": "date", "TIMESTAMP": "timestamp", "BOOLEAN": "bool",
            "TIME": "time"}


@dataclass
class Context:
    store: ReleaseStore
    urls: CatalogueUrls
    engine: RecordsEngine
    answers: AnswerCache

    @classmethod
    def of(cls, request: Request, urls: CatalogueUrls) -> Context:
        return cls(request.app.state.store, urls, engine_of(request), request.app.state.catalogue_answers)

    def catalogue(self) -> Catalogue:
        return current_catalogue(self.store, self.urls, self.answers)


#: Actions a CKAN portal may have that this one does not, answered as unknown with the reason (docs/ckan.md).
REFUSED = {"datastore_search_sql": " (SQL search is not enabled on this portal: use datastore_search with filters, "
                                   "q and sort, or /api/v1/datasets/{id}/records)"}
Action = Callable[[Context, dict[str, Any]], Any]
ACTIONS: dict[str, Action] = {}


def action(function: Action) -> Action:
    ACTIONS[function.__name__] = function
    return function


@router.get("/api")
def api_version() -> dict[str, int]:
    return {"version": 1}


@router.get("/api/3")
def api_3_version() -> dict[str, int]:
    return {"version": 3}


@router.api_route("/api/3/action/{name}", methods=["GET", "POST"])
@router.api_route("/api/action/{name}", methods=["GET", "POST"])
async def call_action(name: str, request: Request) -> Response:
    """One action: its parameters from the query string (read actions prefer it) or the body."""
    urls = await get_urls(request, request.app.state.settings)
    help_url = f"{urls.base_url}/api/3/action/help_show?name={name[:100]}"
    function = ACTIONS.get(name)
    if function is None:
        return _bare(400, f"Bad request - Action name not known: {name[:100]}{REFUSED.get(name, '')}")
    try:
        data = await _request_data(request)
    except ValueError as exc:
        return _bare(400, f"Bad request - JSON Error: {exc}")
    context = Context.of(request, urls)
    try:
        result = await run_in_threadpool(function, context, data)
    except ckan.ActionError as exc:
        return _envelope(exc.status, {"help": help_url, "error": exc.error, "success": False})
    except QueryError as exc:  # the message starts with the parameter at fault, as CKAN keys its errors
        field = str(exc).split(":", 1)[0].split(".", 1)[0]
        key = field if field in DATASTORE_PARAMETERS else "query"
        return _envelope(409, {"help": help_url, "error": {"__type": "Validation Error", key: [str(exc)]},
                               "success": False})
    except QueryTimeout:
        return _envelope(409, {"help": help_url, "error": {"__type": "Validation Error",
                                                           "query": ["Query took too long"]}, "success": False})
    return _envelope(200, {"help": help_url, "success": True, "result": result})


def _envelope(status: int, body: Mapping[str, Any]) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type=JSON_TYPE)


def _bare(status: int, message: str) -> Response:
    """CKAN answers an unknown action or a malformed request with a bare JSON string."""
    return Response(orjson.dumps(message), status_code=status, media_type=JSON_TYPE)


async def _request_data(request: Request) -> dict[str, Any]:
    """CKAN's rules: query parameters first (repeated ones as lists), else a form, else a JSON body."""
    if request.query_params:
        data: dict[str, Any] = {}
        for key, value in request.query_params.multi_items():
            data[key] = [*data[key], value] if isinstance(data.get(key), list) else \
                [data[key], value] if key in data else value
        return data
    body = await request.body()
    if not body:
        return {}
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        form = dict((await request.form()).multi_items())
        if len(form) == 1 and next(iter(form.values())) in ("", "1"):  # curl -d '{"id": "x"}'
            body = next(iter(form)).encode()
        else:
            return form
    try:
        parsed = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"Error decoding JSON data. Error: {exc}") from None
    if not isinstance(parsed, dict):
        raise ValueError("Request data JSON decoded to a non-dictionary; it needs to be a dictionary")
    return parsed


# ----------------------------------------------------------------------------- parameters


def _flag(data: Mapping[str, Any], key: str, default: bool = False) -> bool:
    value = data.get(key, default)
    return value if isinstance(value, bool) else str(value).strip().lower() in ("true", "1", "yes", "on", "t", "y")


def _natural(data: Mapping[str, Any], key: str, default: int | None = None) -> int | None:
    value = data.get(key)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if number < 0:
        raise ckan.invalid(**{key: "Must be a natural number"})
    return number


def _required(data: Mapping[str, Any], *keys: str) -> str:
    for key in keys:
        if data.get(key) not in (None, ""):
            return str(data[key])
    raise ckan.invalid(**{keys[-1]: "Missing value"})


def _json_value(data: Mapping[str, Any], key: str) -> Any:
    value = data.get(key)
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            raise ckan.invalid(**{key: "Could not parse as valid JSON"}) from None
    return value


def _names(value: Any) -> list[str]:
    """A list, or a comma-separated string, of names."""
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [v.strip() for v in str(value or "").split(",") if v.strip()]


def _page(items: list[Any], offset: int | None, limit: int | None) -> list[Any]:
    start = offset or 0
    return items[start:] if limit is None else items[start:start + limit]


# ----------------------------------------------------------------------------- actions


@action
def status_show(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    return {"site_title": "TDPF データカタログ / Data catalogue", "site_description": "自治体標準オープンデータセットと"
            "スマートポールのデータ (municipal standard open data sets and smart-pole data)",
            "site_url": context.urls.base_url, "error_emails_to": None, "locale_default": "ja",
            "extensions": ["datastore"], "ckan_version": CKAN_VERSION}


@action
def help_show(context: Context, data: dict[str, Any]) -> str:
    function = ACTIONS.get(_required(data, "name"))
    if function is None:
        raise ckan.not_found("Action function not found")
    return (function.__doc__ or function.__name__).strip()


@action
def package_list(context: Context, data: dict[str, Any]) -> list[str]:
    """The names of every dataset, sorted (``limit``, ``offset``)."""
    names = sorted(p["name"] for p in context.catalogue().packages)
    return _page(names, _natural(data, "offset"), _natural(data, "limit"))


@action
def package_show(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """One dataset by ``id`` (its name or its id)."""
    return context.catalogue().package(_required(data, "id", "name_or_id"))


@action
def package_search(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Datasets matching ``q`` (Japanese too) and ``fq``, sorted, paged (``rows``, ``start``), with facets."""
    unknown = sorted(k for k in data if k not in ckan.SEARCH_PARAMETERS and not k.startswith("ext_"))
    if unknown:
        raise ckan.bad_search(f"Invalid search parameters: {unknown}")
    rows = min(_natural(data, "rows", ckan.DEFAULT_ROWS) or 0, ckan.MAX_ROWS)
    start = _natural(data, "start", 0) or 0
    fq = " ".join([str(data.get("fq") or ""), *(_names(data.get("fq_list")) if data.get("fq_list") else [])])
    sort = str(data.get("sort") or ckan.DEFAULT_SORT)
    if sort.strip() == "rank":
        sort = ckan.DEFAULT_SORT
    catalogue = context.catalogue()
    q, clauses = ckan.fielded(str(data.get("q") or ""))
    found = ckan.search(catalogue.packages, catalogue.datasets, q, [*clauses, *ckan.parse_fq(fq)], sort)
    fields = _json_value(data, "facet.field") or [] if _flag(data, "facet", True) else []
    if not isinstance(fields, list):
        raise ckan.invalid(**{"facet.field": "Not a list"})
    titles = {o.name: o.title for o, _ in catalogue.organizations().values()}
    limit = int(data.get("facet.limit", 50))
    raw, shown = ckan.facets(found, [str(f) for f in fields], limit, int(data.get("facet.mincount", 1)), titles)
    return {"count": len(found), "facets": raw, "results": found[start:start + rows], "sort": sort,
            "search_facets": shown}


@action
def current_package_list_with_resources(context: Context, data: dict[str, Any]) -> list[dict[str, Any]]:
    """Datasets with their resources, most recently modified first (``limit`` default 10, ``offset``, ``page``)."""
    limit = _natural(data, "limit", ckan.DEFAULT_ROWS) or 0
    offset = _natural(data, "offset", 0) or 0
    page = _natural(data, "page")
    if page:
        offset = (page - 1) * limit
    catalogue = context.catalogue()
    found = ckan.search(catalogue.packages, catalogue.datasets, "", [], ckan.DEFAULT_SORT)
    return found[offset:offset + limit]


@action
def organization_list(context: Context, data: dict[str, Any]) -> list[Any]:
    """Publishers as organizations: names, or with ``all_fields`` their dicts (``sort``, ``limit``, ``offset``, ``q``)."""
    everyone = list(context.catalogue().organizations().values())
    wanted = set(_names(data.get("organizations")))
    text = str(data.get("q") or "").lower()
    everyone = [(o, n) for o, n in everyone if (not wanted or o.name in wanted)
                and (not text or text in f"{o.name} {o.title} {o.title_en or ''}".lower())]
    field, _, direction = str(data.get("sort") or data.get("order_by") or "title").strip().partition(" ")
    keys = {"name": lambda e: e[0].name, "title": lambda e: e[0].title, "package_count": lambda e: e[1],
            "packages": lambda e: e[1]}
    if field not in keys:
        raise ckan.ActionError(409, {"__type": "Validation Error", "message": f"Cannot sort by field `{field}`"})
    everyone.sort(key=keys[field], reverse=direction.strip().lower() == "desc" or field == "packages")
    all_fields = _flag(data, "all_fields")
    limit = min(_natural(data, "limit", 25 if all_fields else 1000) or 0, 25 if all_fields else 1000)
    page = _page(everyone, _natural(data, "offset"), limit)
    return [o.shown(n) for o, n in page] if all_fields else [o.name for o, _ in page]


@action
def organization_show(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """One publisher by ``id`` (its name or id); ``include_datasets`` adds its first 10 datasets."""
    wanted = _required(data, "id")
    catalogue = context.catalogue()
    for organization, count in catalogue.organizations().values():
        if wanted in (organization.id, organization.name):
            shown = {**organization.shown(count), "extras": [], "groups": [], "users": [], "tags": []}
            if _flag(data, "include_datasets"):
                shown["packages"] = [p for p in catalogue.packages if p["owner_org"] == organization.id][:10]
            return shown
    raise ckan.not_found()


@action
def tag_list(context: Context, data: dict[str, Any]) -> list[Any]:
    """Keywords in use (``query`` narrows; ``all_fields`` gives dicts)."""
    if data.get("vocabulary_id"):
        raise ckan.not_found(f"could not find vocabulary '{str(data['vocabulary_id'])[:100]}'")
    text = str(data.get("query") or data.get("q") or "")
    tags = sorted({t["name"] for p in context.catalogue().packages for t in p["tags"] if text in t["name"]})
    if text:
        tags = _page(tags, _natural(data, "offset"), _natural(data, "limit"))
    if data.get("all_fields"):  # CKAN checks it for truth, so "false" counts too
        return [{"id": ckan.stable_id("tag", t), "name": t, "vocabulary_id": None, "display_name": t} for t in tags]
    return tags


@action
def resource_show(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """One file of a dataset by its ``id``."""
    _, resource = context.catalogue().resource(_required(data, "id"))
    return resource


@action
def datastore_search(context: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Rows of a dataset's table: ``filters``, ``q``, ``fields``, ``sort``, ``limit``/``offset``, ``records_format``."""
    junk = sorted(k for k in data if k not in DATASTORE_PARAMETERS)
    if junk:
        raise ckan.ActionError(409, {"__type": "Validation Error",
                                     "__junk": [f"The input field {junk} was not expected."]})
    resource_id = _required(data, "id", "resource_id")
    try:
        package_dict, resource = context.catalogue().resource(resource_id)
    except ckan.ActionError:
        raise ckan.not_found(f'Resource "{resource_id[:100]}" was not found.') from None
    if not resource["datastore_active"]:
        raise ckan.not_found(f'Resource "{resource_id[:100]}" was not found.')
    release = context.store.current(package_dict["name"])
    assert release is not None
    table, schema = loaded_table(context.engine, context.store, release)
    query = _datastore_query(data, schema)
    limit = min(_natural(data, "limit", DATASTORE_DEFAULT_LIMIT) or 0, DATASTORE_MAX_LIMIT)
    offset = _natural(data, "offset", 0) or 0
    columns = list(query.fields) or list(schema.columns)
    clause, values = where(query, schema, with_cursor=False)
    order = order_clause(query)
    select = ", ".join([f"{ROW} + 1 AS _id", *(quoted(c) for c in columns)])
    names, rows = context.engine.rows(f"SELECT {select} FROM {table} WHERE {clause}{order} LIMIT ? OFFSET ?",
                                      [*values, limit, offset])
    fields = [{"id": "_id", "type": "int"}, *({"id": c, "type": PG_TYPES.get(schema.columns[c].upper(), "text")}
                                             for c in columns)]
    result: dict[str, Any] = {"include_total": _flag(data, "include_total", True), "limit": limit,
                              "records_format": str(data.get("records_format") or "objects"),
                              "resource_id": resource_id, "total_estimation_threshold": None,
                              "records": _records(names, rows, str(data.get("records_format") or "objects")),
                              "fields": fields, "_links": _links(data, limit, offset)}
    for echoed in ("q", "filters", "offset", "sort"):  # (`fields` is the result's own: the columns, typed)
        if echoed in data:
            result[echoed] = data[echoed]
    if result["include_total"]:
        _, counted = context.engine.remembered_rows(f"SELECT count(*) FROM {table} WHERE {clause}", values)
        result["total"], result["total_was_estimated"] = counted[0][0], False
    return result


def _datastore_query(data: Mapping[str, Any], schema: Schema) -> Query:
    """CKAN's ``filters`` (value or list of values per column), ``q`` (text, or per column), ``fields``, ``sort``."""
    filters: list[Filter] = []
    raw_filters = _json_value(data, "filters") or {}
    if not isinstance(raw_filters, dict):
        raise ckan.invalid(filters="Not a json object")
    for column, value in raw_filters.items():
        sql_type = schema.type_of(str(column), "filters")
        options = value if isinstance(value, list) else [value]
        typed = [typed_value(str(v), sql_type, f"filters.{column}") for v in options]
        filters.append(Filter(str(column), "in", typed) if len(typed) != 1 else Filter(str(column), "exact", typed[0]))
    q = data.get("q")
    if isinstance(q, str) and q.strip().startswith("{"):
        q = _json_value(data, "q")
    text = ""
    if isinstance(q, dict):
        for column, value in q.items():
            if schema.type_of(str(column), "q") != "VARCHAR":
                raise ckan.invalid(q=f"{column} is not a text column")
            filters.append(Filter(str(column), "contains", str(value)))
    elif q:
        text = str(q).strip()[:200]
    fields = _names(data.get("fields"))
    for name in fields:
        if name != "_id":
            schema.type_of(name, "fields")
    sort: list[tuple[str, bool]] = []
    for part in _names(data.get("sort")):
        name, _, direction = part.strip().strip('"').partition(" ")
        name = name.strip('"')
        if name == "_id":
            sort.append((ROW, direction.strip().lower() == "desc"))
            continue
        schema.type_of(name, "sort")
        sort.append((name, direction.strip().lower() == "desc"))
    return Query(filters=tuple(filters), text=text, fields=tuple(f for f in fields if f != "_id"),
                 sort=tuple(s for s in sort))


def _records(names: list[str], rows: list[tuple[Any, ...]], records_format: str) -> Any:
    plain = [[v.isoformat() if hasattr(v, "isoformat") else v for v in row] for row in rows]
    if records_format == "lists":
        return plain
    if records_format in ("csv", "tsv"):
        out = io.StringIO()
        writer = csv.writer(out, delimiter="," if records_format == "csv" else "\t", lineterminator="\n")
        writer.writerows(plain)
        return out.getvalue()
    if records_format != "objects":
        raise ckan.invalid(records_format="Value must be one of ['objects', 'lists', 'csv', 'tsv']")
    return [dict(zip(names, row)) for row in plain]


def _links(data: Mapping[str, Any], limit: int, offset: int) -> dict[str, str]:
    """CKAN 2.11's relative ``_links``: the first page, and the next."""
    kept = [(k, v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)) for k, v in data.items()
            if k != "offset"]
    base = "/api/3/action/datastore_search?"
    return {"start": base + urlencode(kept), "next": base + urlencode([*kept, ("offset", offset + limit)])}
