"""What changed: one dataset's diff between two versions, and new versions across the catalogue (JSON and Atom).

``/api/v1/changes`` is the URL a developer polls (or a feed reader subscribes to, as Atom) to learn
that something was published, newest first; ``/datasets/{id}/diff`` then says which rows changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any
from xml.etree import ElementTree

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, Field

from catalog_api.deps import DatasetIdPath, StoreDep, UrlsDep
from catalog_api.diff import changes, counts, key_of, usable_key
from catalog_api.errors import ERROR_RESPONSES
from catalog_api.release_contract import Paths, PathTemplate, ReleaseDocument
from catalog_api.release_store import ReleaseStore
from catalog_api.routers.records import engine_of, queryable_release

router = APIRouter(tags=["changes"], responses=ERROR_RESPONSES)

ATOM = "http://www.w3.org/2005/Atom"
MAX_CHANGES = 500


class ChangeOut(BaseModel):
    """A version published, as the changes feed lists it."""

    dataset_id: str
    title: str
    version: int
    content_hash: str
    created_at: str
    row_count: int | None
    quality_status: str
    url: str = Field(description="The dataset object of this version.")


class ChangeList(BaseModel):
    count: int
    results: list[ChangeOut]


def _published(store: ReleaseStore, urls: UrlsDep, limit: int) -> list[ChangeOut]:
    entries = []
    for current in store.list_current():
        for release in store.versions(current.dataset_id):
            document = ReleaseDocument.from_json(release.metadata)
            entries.append(ChangeOut(
                dataset_id=release.dataset_id, title=document.title or release.dataset_id, version=release.version,
                content_hash=release.content_hash, created_at=release.created_at, row_count=document.row_count,
                quality_status=document.quality.status, url=urls.version(release.dataset_id, release.version)))
    entries.sort(key=lambda e: (e.created_at, e.dataset_id, e.version), reverse=True)
    return entries[:limit]


Limit = Annotated[int, Query(ge=1, le=MAX_CHANGES, description=f"Versions to list (1–{MAX_CHANGES}).")]


def _get(template: PathTemplate, **options: Any) -> Any:
    """A GET route declared from the release contract's template (its path, name and operation id)."""
    return router.get(template.template, name=template.route_name, operation_id=template.route_name, **options)


@_get(Paths.CHANGES, response_model=ChangeList)
def list_changes(store: StoreDep, urls: UrlsDep, limit: Limit = 50) -> ChangeList:
    """New versions across the catalogue, newest first (poll it; `/api/v1/changes.atom` for a feed reader)."""
    results = _published(store, urls, limit)
    return ChangeList(count=len(results), results=results)


@_get(Paths.CHANGES_FEED, response_class=Response,
      responses={200: {"content": {"application/atom+xml": {}}, "description": "An Atom 1.0 feed."}})
def changes_feed(store: StoreDep, urls: UrlsDep, limit: Limit = 50) -> Response:
    """The same as `/api/v1/changes`, as an Atom 1.0 feed (RFC 4287)."""
    entries = _published(store, urls, limit)
    ElementTree.register_namespace("", ATOM)
    feed = ElementTree.Element(f"{{{ATOM}}}feed")
    _text(feed, "title", "TDPF データカタログの更新 / Catalogue updates")
    _text(feed, "id", urls.changes_feed())
    _text(feed, "updated", entries[0].created_at if entries else "1970-01-01T00:00:00Z")
    ElementTree.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=urls.changes_feed())
    author = ElementTree.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "Tokyo Data Platform")
    for entry in entries:
        item = ElementTree.SubElement(feed, f"{{{ATOM}}}entry")
        _text(item, "title", f"{entry.title} — version {entry.version}")
        _text(item, "id", entry.url)
        _text(item, "updated", entry.created_at)
        ElementTree.SubElement(item, f"{{{ATOM}}}link", href=entry.url)
        _text(item, "summary", f"{entry.row_count if entry.row_count is not None else '?'} rows; "
                               f"quality {entry.quality_status}; content {entry.content_hash[:16]}")
    body = b'<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(feed, encoding="utf-8")
    return Response(body, media_type="application/atom+xml", headers={"Cache-Control": "public, max-age=60"})


def _text(parent: ElementTree.Element, tag: str, text: str) -> None:
    ElementTree.SubElement(parent, f"{{{ATOM}}}{tag}").text = text


@_get(Paths.DIFF, response_class=StreamingResponse,
      responses={200: {"content": {"application/json": {}},
                       "description": "`{dataset_id, from, to, key, columns_added, columns_removed, summary, "
                                      "changes: [...]}`, streamed."}})
def diff_versions(
    dataset_id: DatasetIdPath,
    request: Request, store: StoreDep,
    from_: Annotated[int, Query(alias="from", ge=1, description="The older version.")],
    to: Annotated[int | None, Query(ge=1, description="The newer version (default: current).")] = None,
) -> StreamingResponse:
    """Rows added, removed and changed (with the changed columns) between two versions, by the dataset's key."""
    old, new = queryable_release(store, dataset_id, from_), queryable_release(store, dataset_id, to)
    engine = engine_of(request)
    old_table = engine.table(old.content_hash, store.file_path(old, "data.parquet"))
    new_table = engine.table(new.content_hash, store.file_path(new, "data.parquet"))
    old_columns, new_columns = list(engine.columns(old_table)), list(engine.columns(new_table))
    shared = [c for c in new_columns if c in old_columns]
    key = usable_key(engine, (old_table, new_table), key_of(new.metadata, shared), shared)
    values = [c for c in shared if c not in key]
    head = {"dataset_id": dataset_id, "from": old.version, "to": new.version, "key": key,
            "columns_added": [c for c in new_columns if c not in old_columns],
            "columns_removed": [c for c in old_columns if c not in new_columns],
            "summary": counts(engine, old_table, new_table, key, values)}

    def body() -> Iterator[bytes]:
        yield orjson.dumps(head)[:-1] + b',"changes":['
        for number, change in enumerate(changes(engine, old_table, new_table, key, values)):
            yield (b"," if number else b"") + orjson.dumps(change)
        yield b"]}"

    return StreamingResponse(body(), media_type="application/json",
                             headers={"Cache-Control": "public, max-age=31536000, immutable" if to else
                                      "public, max-age=60"})

