"""Dataset catalogue and downloads: ``/api/v1/datasets``.

Everything here is read from published releases, never from the pipeline's DuckDB warehouse.
The file format is part of the URL (``data.csv``, ``data.parquet``), as in Datasette. Files are
streamed from disk with a strong ETag (their sha256), so caches and ``If-None-Match`` work and
memory stays flat whatever the file size.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, Response

from catalog_api.answers import AnswerCache
from catalog_api.deps import (
    DatasetIdPath,
    AllVersionsDep,
    AttemptDep,
    CurrentReleaseDep,
    StoreDep,
    UrlsDep,
    VersionReleaseDep,
)
from catalog_api.errors import ERROR_RESPONSES
from catalog_api.http import etag_matches, last_modified
from catalog_api.search import facet_counts, narrow, score, terms
from catalog_api.release_contract import API_DATASETS, Paths, PathTemplate
from catalog_api.release_store import ATTEMPT_FILE, METADATA_FILE, Attempt, Release, ReleaseStore, media_type_for
from catalog_api.schemas import (
    AttemptOut,
    DatasetList,
    DatasetOut,
    DatasetQualityOut,
    QualityOut,
    VersionList,
    VersionOut,
)

_Endpoint = TypeVar("_Endpoint", bound=Callable[..., Any])

router = APIRouter(prefix=API_DATASETS, tags=["datasets"], responses=ERROR_RESPONSES)


def _get(template: PathTemplate, **options: Any) -> Callable[[_Endpoint], _Endpoint]:
    """Declare a GET route from the release contract's template: its path, name and operation id.

    The contract is the one place that knows the URL layout; links built from the same templates
    therefore always point at a route, and operation ids stay stable.
    """
    return router.get(
        template.relative_to(API_DATASETS), name=template.route_name, operation_id=template.route_name, **options
    )


#: The current file may change with the next release; a short max-age bounds staleness.
CURRENT_CACHE_CONTROL = "public, max-age=60"
#: A versioned file never changes, so caches may keep it for a year without revalidating.
VERSIONED_CACHE_CONTROL = "public, max-age=31536000, immutable"

FilenamePath = Annotated[
    str, PathParam(description="File of the release, e.g. `data.csv`, `data.parquet`, `metadata.json`.",
                   examples=["data.csv"])
]
AttemptFilenamePath = Annotated[str, PathParam(description="File of the attempt: `quality.html` or `attempt.json`.")]

_FILE_RESPONSES = {
    200: {
        "description": "The file, streamed, with `ETag` = its sha256.",
        "content": {
            "text/csv": {},
            "application/vnd.apache.parquet": {},
            "application/json": {},
            "application/geo+json": {},
            "text/html": {},
        },
    },
    304: {"description": "`If-None-Match` matched the file's ETag."},
}


def _validators(response: Response, releases: list[Release], attempts: list[Attempt | None]) -> None:
    """``Last-Modified`` from what the body is built of, and a short cache lifetime (the body hashes to its ETag)."""
    response.headers.update(_validator_headers(releases, attempts))


def _validator_headers(releases: list[Release], attempts: list[Attempt | None]) -> dict[str, str]:
    stamp = last_modified([r.created_at for r in releases] + [a.id for a in attempts if a is not None])
    return {**({"Last-Modified": stamp} if stamp else {}), "Cache-Control": CURRENT_CACHE_CONTROL}


#: Catalogue list answers kept per app (distinct searches and pages; each a few hundred kB at most).
LIST_ANSWERS = 64


FacetFilter = Annotated[list[str] | None, Query(description="Only datasets with one of these values (repeatable).")]
DatasetSort = Literal["relevance", "id", "title", "updated", "-updated"]


@_get(Paths.DATASETS, response_model=DatasetList)
def list_datasets(
    store: StoreDep, urls: UrlsDep, request: Request,
    q: Annotated[str | None, Query(max_length=200, description="Search titles, descriptions, keywords and "
                                   "column names, Japanese (「避難」) or English (`toilet`).")] = None,
    publisher: FacetFilter = None, keyword: FacetFilter = None, format: FacetFilter = None,
    license: FacetFilter = None, standard_sheet: FacetFilter = None, quality: FacetFilter = None,
    sort: Annotated[DatasetSort | None, Query(description="The order (default: relevance with `q`, else id).")] = None,
    limit: Annotated[int, Query(ge=0, le=1000, description="Datasets per page (0–1000).")] = 100,
    offset: Annotated[int, Query(ge=0, description="Datasets to skip (the catalogue is a snapshot of a few "
                                 "hundred at most, read whole per request).")] = 0,
) -> Response:
    """The catalogue: current releases, searched, narrowed by facets, sorted, a page at a time.

    The answer is built from immutable releases and the latest gate runs only, so it is kept
    (``AnswerCache``) until the store's catalogue state changes: a repeated request costs a few
    file checks, not one dataset object and one attempt read per dataset.
    """
    cache: AnswerCache = request.app.state.catalogue_answers
    key = (store.catalogue_state(), urls.base_url, tuple(request.query_params.multi_items()))
    answer = cache.get(key)
    if answer is None:
        releases = store.list_current()
        attempts = [store.latest_attempt(release.dataset_id) for release in releases]
        chosen = {"publisher": publisher, "keyword": keyword, "format": format, "license": license,
                  "standard_sheet": standard_sheet, "quality": quality}
        listed = _catalogue(releases, attempts, urls, request, q, chosen, sort, limit, offset)
        answer = (listed.model_dump_json(by_alias=True).encode(), _validator_headers(releases, attempts))
        cache.put(key, answer)
    body, headers = answer
    return Response(body, media_type="application/json", headers=headers)


def _catalogue(releases: list[Release], attempts: list[Attempt | None], urls: UrlsDep, request: Request,
               q: str | None, chosen: dict[str, list[str] | None], sort: str | None, limit: int,
               offset: int) -> DatasetList:
    """The list's body: every dataset object, searched (``q``), narrowed (facets), sorted and paged."""
    found = [DatasetOut.from_current(release, urls, attempt) for release, attempt in zip(releases, attempts)]
    documents = {d.id: d.model_dump(by_alias=True) for d in found}
    query = terms(q or "")
    scores = {i: score(doc, query) for i, doc in documents.items()} if not query.empty else {}
    if not query.empty:
        found = [d for d in found if scores[d.id]]
    kept = {doc["id"] for doc in narrow([documents[d.id] for d in found], chosen)}
    found = _sorted([d for d in found if d.id in kept], sort or ("relevance" if scores else "id"), scores)
    page = found[offset:offset + limit]
    more = limit > 0 and offset + limit < len(found)
    next_url = (urls.datasets() + "?" + urlencode([*((k, v) for k, v in request.query_params.multi_items()
                                                     if k != "offset"), ("offset", offset + limit)])) if more else None
    return DatasetList(count=len(found), results=page, next=next_url,
                       facets=facet_counts([documents[d.id] for d in found]))


def _sorted(datasets: list[DatasetOut], sort: str, scores: dict[str, int]) -> list[DatasetOut]:
    if sort == "relevance":
        return sorted(datasets, key=lambda d: (-scores.get(d.id, 0), d.id))
    if sort == "title":
        return sorted(datasets, key=lambda d: (d.title, d.id))
    if sort in ("updated", "-updated"):
        return sorted(datasets, key=lambda d: (d.updated_at, d.id), reverse=sort == "-updated")
    return sorted(datasets, key=lambda d: d.id)


@_get(Paths.DATASET, response_model=DatasetOut)
def get_dataset(release: CurrentReleaseDep, store: StoreDep, urls: UrlsDep, response: Response) -> DatasetOut:
    """One dataset as its current release describes it, with absolute download URLs.

    ``quality.latest_attempt`` tells whether a newer update was held back by the quality gate.
    """
    attempt = store.latest_attempt(release.dataset_id)
    _validators(response, [release], [attempt])
    return DatasetOut.from_current(release, urls, attempt)


@_get(Paths.QUALITY, response_model=DatasetQualityOut)
def get_dataset_quality(
    dataset_id: DatasetIdPath, store: StoreDep, urls: UrlsDep
) -> DatasetQualityOut:
    """The served release's quality and the latest gate run, side by side.

    Unlike the dataset object this also answers for a dataset whose first update was held back
    (no release yet, only attempts), so its publisher can see why; 404 only when neither exists.
    """
    release, attempt = _release_and_attempt(store, dataset_id)
    if release is None and attempt is None:
        raise HTTPException(status_code=404, detail=f"dataset {dataset_id!r} not found")
    return DatasetQualityOut(
        dataset_id=dataset_id,
        served=QualityOut.from_release(release, urls) if release else None,
        latest_attempt=AttemptOut.from_attempt(attempt, urls) if attempt else None,
    )


def _attempt_file(attempt: Attempt, filename: str) -> tuple[Path, str]:
    """Path and media type of a file the attempt holds; 404 for any other name or type."""
    path = attempt.path / filename
    try:
        if filename != ATTEMPT_FILE and filename not in attempt.files or not path.is_file():
            raise KeyError(filename)
        _, media_type = media_type_for(filename)
    except (KeyError, ValueError):
        raise HTTPException(
            status_code=404, detail=f"file {filename!r} not found in attempt {attempt.id!r} of {attempt.dataset_id!r}"
        ) from None
    return path, media_type


def _release_and_attempt(store: ReleaseStore, dataset_id: str) -> tuple[Release | None, Attempt | None]:
    """Current release and latest attempt; an invalid id has neither (404, as on other routes)."""
    try:
        return store.current(dataset_id), store.latest_attempt(dataset_id)
    except ValueError:
        return None, None


@_get(Paths.ATTEMPT_FILE, response_class=FileResponse, responses=_FILE_RESPONSES)
def get_attempt_file(filename: AttemptFilenamePath, request: Request, attempt: AttemptDep) -> Response:
    """A file of a quality-gate attempt (its HTML report or attempt.json): immutable, cacheable for a year.

    Only names the attempt holds are served, so the path cannot leave the attempt's directory.
    """
    path, media_type = _attempt_file(attempt, filename)
    stat_result = os.stat(path)
    sha256 = _sha256_of_file(str(path), stat_result.st_mtime_ns, stat_result.st_size)
    download_name = f"{attempt.dataset_id}-attempt-{attempt.id}-{filename}"
    return _file_response(request, path, stat_result, media_type, sha256, VERSIONED_CACHE_CONTROL, download_name)


@_get(Paths.VERSIONS, response_model=VersionList)
def list_versions(releases: AllVersionsDep, store: StoreDep, urls: UrlsDep, response: Response) -> VersionList:
    """Every published version, oldest first; each stays downloadable at its own URL."""
    _validators(response, releases, [])
    current = store.current(releases[0].dataset_id)
    current_version = current.version if current else None
    results = [VersionOut.from_release(release, urls, release.version == current_version) for release in releases]
    return VersionList(count=len(results), results=results)


@_get(Paths.VERSION, response_model=DatasetOut)
def get_version(release: VersionReleaseDep, urls: UrlsDep, response: Response) -> DatasetOut:
    """One dataset as a given (possibly old) version describes it."""
    _validators(response, [release], [])
    return DatasetOut.from_release(release, urls)


@_get(Paths.VERSION_FILE, response_class=FileResponse, responses=_FILE_RESPONSES)
def get_version_file(
    filename: FilenamePath, request: Request, release: VersionReleaseDep, store: StoreDep
) -> Response:
    """A file of a given version: immutable, so cacheable for a year."""
    return serve_release_file(request, store, release, filename, VERSIONED_CACHE_CONTROL)


@_get(Paths.CURRENT_FILE, response_class=FileResponse, responses=_FILE_RESPONSES)
def get_current_file(
    filename: FilenamePath, request: Request, release: CurrentReleaseDep, store: StoreDep
) -> Response:
    """A file of the current release (the URL to bookmark; it follows new versions)."""
    return serve_release_file(request, store, release, filename, CURRENT_CACHE_CONTROL)


def serve_release_file(
    request: Request, store: ReleaseStore, release: Release, filename: str, cache_control: str
) -> Response:
    try:
        path = store.file_path(release, filename)
    except KeyError:
        raise HTTPException(
            status_code=404,
            detail=f"file {filename!r} not found in version {release.version} of dataset {release.dataset_id!r}",
        ) from None

    stat_result = os.stat(path)
    if filename == METADATA_FILE:
        media_type = "application/json"
        sha256 = _sha256_of_file(str(path), stat_result.st_mtime_ns, stat_result.st_size)
    else:
        resource = release.resource(filename)
        media_type, sha256 = resource.media_type, resource.sha256
    download_name = f"{release.dataset_id}-v{release.version}-{filename}"
    return _file_response(request, path, stat_result, media_type, sha256, cache_control, download_name)


def _file_response(
    request: Request, path: Path, stat_result: os.stat_result, media_type: str, sha256: str,
    cache_control: str, download_name: str,
) -> Response:
    """Stream one file with its sha256 as a strong ETag (304 on a match); shared by releases and attempts.

    HTML and JSON open inline; HTML gets ``Content-Security-Policy: sandbox`` so a report can never
    run scripts with the API's origin. Data files download under a name that says what they are.
    """
    etag = f'"{sha256}"'
    headers = {
        "ETag": etag,
        "Cache-Control": cache_control,
        "X-Content-Type-Options": "nosniff",
    }
    if _etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)

    suffix = path.suffix.lower()
    disposition = "inline" if suffix in (".json", ".html") else "attachment"
    headers["Content-Disposition"] = f'{disposition}; filename="{download_name}"'
    if suffix == ".html":
        headers["Content-Security-Policy"] = "sandbox"
    return FileResponse(path, media_type=media_type, headers=headers, stat_result=stat_result)


def _etag_matches(if_none_match: str | None, etag: str) -> bool:
    return bool(if_none_match) and etag_matches(if_none_match, etag)  # type: ignore[arg-type]


@lru_cache(maxsize=1024)
def _sha256_of_file(path: str, mtime_ns: int, size: int) -> str:
    # metadata.json is not listed among its own resources, nor are an attempt's files, so their
    # digest is computed here, once per file version (the key includes mtime and size in case a file is ever replaced).
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()
