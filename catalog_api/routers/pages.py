"""HTML catalogue pages: ``/`` and ``/datasets/{dataset_id}``.

The pages render the very objects the JSON API returns (``DatasetOut``), so what a hackathon team
browses and what a developer fetches cannot disagree. Autoescaping is forced on because titles and
descriptions come from municipal source files and must be treated as untrusted text.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from catalog_api.deps import AllVersionsDep, CurrentReleaseDep, StoreDep, UrlsDep
from catalog_api.errors import ERROR_RESPONSES
from catalog_api.schemas import DatasetOut

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"

router = APIRouter(tags=["pages"], default_response_class=HTMLResponse)


def _filesize(value: object) -> str:
    """Human-readable byte count (KB = 1024 bytes), for download links."""
    try:
        size = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{int(size)} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return ""


def _number(value: object) -> str:
    """Thousands separators for row counts; anything that is not an integer is shown as is."""
    if isinstance(value, bool) or not isinstance(value, int):
        return "" if value is None else str(value)
    return f"{value:,}"


def _is_web_url(value: object) -> bool:
    """Only http(s) values become links, so metadata cannot inject ``javascript:`` URLs."""
    return isinstance(value, str) and value.startswith(("http://", "https://"))


def _build_templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.ChainableUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["filesize"] = _filesize
    env.filters["number"] = _number
    env.tests["web_url"] = _is_web_url
    return Jinja2Templates(env=env)


templates = _build_templates()

#: Keys the dataset page lays out itself; any other metadata key is listed under "その他 / Other".
_SHOWN_KEYS = frozenset(
    {
        "id", "title", "title_en", "description", "publisher", "license", "version", "content_hash",
        "row_count", "updated_at", "created_at", "resources", "links", "columns", "source",
    }
)


@router.get("/", operation_id="catalogue_page", name="catalogue_page")
def catalogue_page(request: Request, store: StoreDep, urls: UrlsDep) -> HTMLResponse:
    """データカタログ / Data catalogue: every published dataset with its downloads."""
    datasets = [DatasetOut.from_release(r, urls).model_dump(by_alias=True) for r in store.list_current()]
    return templates.TemplateResponse(
        request,
        "index.html",
        {"datasets": datasets, "api_url": urls.route("list_datasets")},
    )


@router.get(
    "/datasets/{dataset_id}",
    operation_id="dataset_page",
    name="dataset_page",
    responses={404: ERROR_RESPONSES[404]},
)
def dataset_page(
    request: Request, release: CurrentReleaseDep, versions: AllVersionsDep, urls: UrlsDep
) -> HTMLResponse:
    """One dataset: metadata, columns (name, type, description), downloads and version history."""
    dataset = DatasetOut.from_release(release, urls).model_dump(by_alias=True)
    history = [
        {
            "version": v.version,
            "created_at": v.created_at,
            "content_hash": v.content_hash,
            "current": v.version == release.version,
            "api_url": urls.version(v.dataset_id, v.version),
            "files": [
                {"name": r.name, "format": r.format, "url": urls.version_file(v.dataset_id, v.version, r.name)}
                for r in v.resources
            ],
        }
        for v in reversed(versions)
    ]
    columns = dataset.get("columns")
    other = {key: value for key, value in dataset.items() if key not in _SHOWN_KEYS and value not in (None, "", [], {})}
    return templates.TemplateResponse(
        request,
        "dataset.html",
        {
            "dataset": dataset,
            "columns": columns if isinstance(columns, list) else [],
            "history": history,
            "other": other,
            "catalogue_url": urls.route("catalogue_page"),
            "api_url": urls.dataset(release.dataset_id),
        },
    )
