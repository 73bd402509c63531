"""DCAT-AP 3.0.1: ``/catalog.jsonld`` (paged, ``q``), each dataset at ``/api/v1/datasets/{id}.jsonld``; Turtle as ``.ttl``.

The documents come from ``catalog_api/dcat.py`` over the same dataset objects the CKAN view
uses (``catalog_api/catalogue.py``, built once per state of the catalogue). Turtle is the same
graph, serialised by rdflib from the JSON-LD (so the two can never say different things).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated, Any
from urllib.parse import urlencode

import orjson
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from catalog_api import dcat, schema_org
from catalog_api.deps import CatalogueUrls, DatasetIdPath, UrlsDep
from catalog_api.errors import ERROR_RESPONSES
from catalog_api.release_contract import Paths, PathTemplate
from catalog_api.catalogue import Catalogue, current_catalogue
from catalog_api.search import score, terms

router = APIRouter(tags=["datasets"], responses=ERROR_RESPONSES)

JSONLD = "application/ld+json"
TURTLE = "text/turtle; charset=utf-8"
QueryText = Annotated[str | None, Query(max_length=200, description="Only datasets matching this text (Japanese too).")]
Page = Annotated[int, Query(ge=1, le=10_000, description=f"Page of {dcat.PAGE_SIZE} datasets, from 1.")]


def _get(template: PathTemplate, media_type: str, description: str) -> Any:
    return router.get(template.template, name=template.route_name, operation_id=template.route_name,
                      responses={200: {"content": {media_type: {}}, "description": description}})


@_get(Paths.DCAT_CATALOGUE, JSONLD, "DCAT-AP 3.0.1 catalogue, JSON-LD.")
async def catalogue_jsonld(request: Request, urls: UrlsDep, q: QueryText = None, page: Page = 1) -> Response:
    """The catalogue as a DCAT-AP 3.0.1 `dcat:Catalog`, a page at a time (hydra paging, as ckanext-dcat)."""
    document = await run_in_threadpool(_catalogue, _catalogue_of(request, urls), urls.base_url, q, page, "jsonld")
    return Response(orjson.dumps(document), media_type=JSONLD)


@_get(Paths.DCAT_CATALOGUE_TURTLE, "text/turtle", "The same catalogue, Turtle.")
async def catalogue_turtle(request: Request, urls: UrlsDep, q: QueryText = None, page: Page = 1) -> Response:
    """The catalogue as `/catalog.jsonld` gives it, in Turtle."""
    document = await run_in_threadpool(_catalogue, _catalogue_of(request, urls), urls.base_url, q, page, "ttl")
    return Response(await run_in_threadpool(turtle, document), media_type=TURTLE)


@_get(Paths.DCAT_DATASET, JSONLD, "DCAT-AP 3.0.1 dataset, JSON-LD.")
async def dataset_jsonld(dataset_id: DatasetIdPath, request: Request, urls: UrlsDep) -> Response:
    """One dataset as a DCAT-AP 3.0.1 `dcat:Dataset` with its distributions."""
    document = await run_in_threadpool(_dataset, _catalogue_of(request, urls), urls.base_url, dataset_id)
    return Response(orjson.dumps(document), media_type=JSONLD)


@_get(Paths.DCAT_DATASET_TURTLE, "text/turtle", "The same dataset, Turtle.")
async def dataset_turtle(dataset_id: DatasetIdPath, request: Request, urls: UrlsDep) -> Response:
    """One dataset as `.jsonld` gives it, in Turtle."""
    document = await run_in_threadpool(_dataset, _catalogue_of(request, urls), urls.base_url, dataset_id)
    return Response(await run_in_threadpool(turtle, document), media_type=TURTLE)


@_get(Paths.SCHEMA_ORG, JSONLD, "schema.org Dataset, JSON-LD (as embedded in the dataset's page).")
async def schema_org_dataset(dataset_id: DatasetIdPath, request: Request, urls: UrlsDep) -> Response:
    """One dataset as a schema.org `Dataset`, for search engines; each dataset page embeds the same."""
    catalogue = await run_in_threadpool(_catalogue_of(request, urls))
    dataset, first = _known(catalogue, dataset_id)
    return Response(orjson.dumps(schema_org.dataset_document(dataset, first)), media_type=JSONLD)


def _known(catalogue: Catalogue, dataset_id: str) -> tuple[dict[str, Any], str]:
    if dataset_id not in catalogue.datasets:
        raise HTTPException(status_code=404, detail=f"dataset {dataset_id[:100]!r} not found")
    return catalogue.datasets[dataset_id], catalogue.first_published[dataset_id]


def _catalogue_of(request: Request, urls: CatalogueUrls) -> Callable[[], Catalogue]:
    """The catalogue, to build (or recall) on the thread pool: it reads the release store."""
    return partial(current_catalogue, request.app.state.store, urls, request.app.state.catalogue_answers)


def _dataset(catalogue_of: Callable[[], Catalogue], base_url: str, dataset_id: str) -> dict[str, Any]:
    dataset, first = _known(catalogue_of(), dataset_id)
    return dcat.dataset_document(dataset, base_url, first)


def _catalogue(catalogue_of: Callable[[], Catalogue], base_url: str, q: str | None, page: int,
               extension: str) -> dict[str, Any]:
    catalogue = catalogue_of()
    query = terms(q or "")
    found = [d for _, d in sorted(catalogue.datasets.items()) if query.empty or score(d, query)]
    chosen = found[(page - 1) * dcat.PAGE_SIZE: page * dcat.PAGE_SIZE]

    def page_url(number: int) -> str:
        params = [*((("q", q),) if q else ()), ("page", number)]
        return f"{base_url}/catalog.{extension}?{urlencode(params)}"

    modified = max((d["updated_at"] for d in found), default=None)
    return dcat.catalogue_document([(d, catalogue.first_published[d["id"]]) for d in chosen], base_url,
                                   len(found), page, page_url, modified)


def turtle(document: dict[str, Any]) -> bytes:
    """The JSON-LD document as Turtle (rdflib; the context is inline, so nothing is fetched)."""
    import rdflib

    graph = rdflib.Graph()
    graph.parse(data=orjson.dumps(document).decode(), format="json-ld")
    for prefix, namespace in dcat.CONTEXT.items():
        graph.bind(prefix, namespace)
    return graph.serialize(format="turtle").encode("utf-8")
