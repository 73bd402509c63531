"""Dependencies of the API routes, as ``Annotated`` aliases in one place.

Why one module: routes then declare *what* they need (``StoreDep``, ``CurrentReleaseDep``) and the
wiring (app state, 404 for unknown ids, how absolute URLs are built) is written once.

The dependencies that only read ``app.state`` or the request are ``async``: FastAPI runs a plain
``def`` dependency on the thread pool, a hop that costs more than the work, on every request.
Those that read the release store's files stay plain functions.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Path, Request

from catalog_api.release_contract import PublicUrls
from catalog_api.release_store import Attempt, Release, ReleaseStore
from catalog_api.settings import Settings

DATASET_ID_DESCRIPTION = "Dataset id, e.g. `aed-locations` (a-z, 0-9, `_`, `-`)."
#: A dataset's id in a path, with an example of the embedded catalogue for the docs' "Try it out".
DatasetIdPath = Annotated[str, Path(description=DATASET_ID_DESCRIPTION, examples=["aed-locations"])]


async def get_settings(request: Request) -> Settings:
    """The settings the app was created with (kept on ``app.state``, not in a global)."""
    return request.app.state.settings


async def get_store(request: Request) -> ReleaseStore:
    """The app's release store; one per app so its index and metadata caches are shared."""
    return request.app.state.store


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[ReleaseStore, Depends(get_store)]


class CatalogueUrls(PublicUrls):
    """Absolute URLs for one request, from the contract's templates (``release_contract.Paths``).

    Links in responses must be absolute so clients can follow them without knowing the API's
    layout; the base is ``TDPF_BASE_URL`` when set (proxy, CDN), else the request's own base URL.
    The routes are declared from the same templates, so links can never drift from the routes
    (``tests/test_release_contract.py`` compares them with ``url_path_for``).
    """

    def __init__(self, base_url: str, app: FastAPI | None = None) -> None:
        super().__init__(base_url)
        self._app = app

    def route(self, name: str, **params: object) -> str:
        """Absolute URL of a route the contract has no template for (e.g. ``healthz``), by name."""
        if self._app is None:
            raise LookupError(f"no app to look up route {name!r}; use a release_contract.Paths template")
        path = self._app.url_path_for(name, **{key: str(value) for key, value in params.items()})
        return self.base_url + str(path)


async def get_urls(request: Request, settings: SettingsDep) -> CatalogueUrls:
    """URL builder for this request: ``TDPF_BASE_URL``, else the request's base URL when its ``Host`` is
    trusted (``request.base_url`` already includes any ``root_path``), else the server's own address."""
    if settings.base_url:
        base = settings.base_url
    elif settings.trusts(request.headers.get("host", "")):
        base = str(request.base_url)
    else:
        base = settings.own_base_url + request.scope.get("root_path", "")
    return CatalogueUrls(base, request.app)


UrlsDep = Annotated[CatalogueUrls, Depends(get_urls)]


def _not_found(what: str) -> HTTPException:
    return HTTPException(status_code=404, detail=f"{what} not found")


def get_current_release(
    dataset_id: DatasetIdPath,
    store: StoreDep,
) -> Release:
    """The current release of the dataset in the path; 404 when unknown.

    An id that is not even valid gets the same 404 as an unknown one: to a client both mean
    "no such dataset", and the store's ValueError must not surface as a 500.
    """
    try:
        release = store.current(dataset_id)
    except ValueError:
        release = None
    if release is None:
        raise _not_found(f"dataset {dataset_id!r}")
    return release


def get_release_version(
    dataset_id: DatasetIdPath,
    version: Annotated[int, Path(ge=1, description="Release version, 1 for the first release.")],
    store: StoreDep,
) -> Release:
    """One version of the dataset in the path; 404 when the dataset or version is unknown."""
    try:
        current = store.current(dataset_id)
    except ValueError:
        current = None
    if current is None:
        raise _not_found(f"dataset {dataset_id!r}")
    release = store.get(dataset_id, version)
    if release is None:
        raise _not_found(f"version {version} of dataset {dataset_id!r}")
    return release


def get_all_versions(
    dataset_id: DatasetIdPath,
    store: StoreDep,
) -> list[Release]:
    """Every version of the dataset in the path, oldest first; 404 when unknown."""
    try:
        releases = store.versions(dataset_id)
    except ValueError:
        releases = []
    if not releases:
        raise _not_found(f"dataset {dataset_id!r}")
    return releases


def get_attempt(
    dataset_id: DatasetIdPath,
    attempt_id: Annotated[str, Path(description="Quality-gate attempt id, e.g. `20261126T024000123456Z-1a2b3c4d`.")],
    store: StoreDep,
) -> Attempt:
    """One quality-gate attempt of the dataset in the path; 404 when the dataset or attempt is unknown.

    Malformed ids get the same 404 as unknown ones (the store checks both against strict patterns,
    so a request path can never leave the store).
    """
    try:
        attempt = store.attempt(dataset_id, attempt_id)
    except ValueError:
        attempt = None
    if attempt is None:
        raise _not_found(f"attempt {attempt_id!r} of dataset {dataset_id!r}")
    return attempt


CurrentReleaseDep = Annotated[Release, Depends(get_current_release)]
AttemptDep = Annotated[Attempt, Depends(get_attempt)]
VersionReleaseDep = Annotated[Release, Depends(get_release_version)]
AllVersionsDep = Annotated[list[Release], Depends(get_all_versions)]
