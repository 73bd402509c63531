"""HTML catalogue pages: ``/`` and ``/datasets/{dataset_id}``.

The pages render the very objects the JSON API returns (``DatasetOut``), so what a hackathon team
browses and what a developer fetches cannot disagree. Autoescaping is forced on because titles and
descriptions come from municipal source files and must be treated as untrusted text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from catalog_api.deps import AllVersionsDep, CurrentReleaseDep, StoreDep, UrlsDep
from catalog_api.errors import ERROR_RESPONSES
from catalog_api.release_contract import Paths
from catalog_api import schema_org
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


#: How each gate status reads on the pages: (css key, 日本語, English).
_QUALITY_LABELS = {
    "passed": ("passed", "合格", "passed"),
    "warned": ("warned", "警告あり", "passed with warnings"),
    "partial": ("partial", "一部保留", "published, some publishers held back"),
    "failed": ("failed", "不合格", "failed"),
}
_NOT_CHECKED = ("not_checked", "未検査", "not checked")
#: Failing values shown per check; the full list is in the report.
_SAMPLE_SHOWN = 5


def quality_badge(quality: object) -> dict[str, str]:
    """Badge for a quality object: a pass with warned checks reads as "passed with warnings".

    The gate may call a run ``passed`` and still count warned checks; a reader deciding whether to
    trust the data should see those warnings, so the badge says so.
    """
    quality = quality if isinstance(quality, Mapping) else {}
    status = quality.get("status")
    warned = quality.get("checks_warned")
    if status == "passed" and isinstance(warned, int) and warned > 0:
        status = "warned"
    key, ja, en = _QUALITY_LABELS.get(status, _NOT_CHECKED)  # type: ignore[arg-type]
    return {"key": key, "ja": ja, "en": en}


def held_back(quality: object) -> dict[str, Any] | None:
    """The latest attempt when the gate blocked it (served data is then older than the last run)."""
    attempt = quality.get("latest_attempt") if isinstance(quality, Mapping) else None
    if isinstance(attempt, Mapping) and attempt.get("published") is False and attempt.get("status") == "failed":
        return dict(attempt)
    return None


def _sample(values: object) -> str:
    """A few failing values; an empty string shows as ``""`` and non-strings as JSON (``null``).

    A blank cell would hide exactly the failure a reader needs to see (empty values).
    """
    if not isinstance(values, list):
        return ""
    shown = [v if isinstance(v, str) and v else json.dumps(v, ensure_ascii=False) for v in values[:_SAMPLE_SHOWN]]
    return ", ".join(shown) + (", …" if len(values) > _SAMPLE_SHOWN else "")


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
    env.filters["sample"] = _sample
    env.filters["quality_badge"] = quality_badge
    env.tests["web_url"] = _is_web_url
    return Jinja2Templates(env=env)


templates = _build_templates()

#: Keys the dataset page lays out itself; any other metadata key is listed under "その他 / Other".
_SHOWN_KEYS = frozenset(
    {
        "id", "title", "title_en", "description", "publisher", "license", "version", "content_hash",
        "row_count", "updated_at", "created_at", "resources", "links", "columns", "source", "quality",
        "removed_sources",
    }
)


@router.get(
    Paths.CATALOGUE_PAGE.template, operation_id=Paths.CATALOGUE_PAGE.route_name, name=Paths.CATALOGUE_PAGE.route_name
)
def catalogue_page(request: Request, store: StoreDep, urls: UrlsDep) -> HTMLResponse:
    """データカタログ / Data catalogue: every published dataset with its downloads."""
    datasets = [
        DatasetOut.from_current(r, urls, store.latest_attempt(r.dataset_id)).model_dump(by_alias=True)
        for r in store.list_current()
    ]
    for dataset in datasets:
        dataset["held_back"] = held_back(dataset["quality"]) is not None
    return templates.TemplateResponse(
        request,
        "index.html",
        {"datasets": datasets, "api_url": urls.datasets()},
    )


@router.get(
    Paths.DATASET_PAGE.template,
    operation_id=Paths.DATASET_PAGE.route_name,
    name=Paths.DATASET_PAGE.route_name,
    responses={404: ERROR_RESPONSES[404]},
)
def dataset_page(
    request: Request, release: CurrentReleaseDep, versions: AllVersionsDep, store: StoreDep, urls: UrlsDep
) -> HTMLResponse:
    """One dataset: metadata, quality checks, columns, downloads and version history.

    When the latest quality-gate run was held back, the page says so up front: the data shown is
    then older than the source, and a reader must not mistake it for the latest.
    """
    attempt = store.latest_attempt(release.dataset_id)
    dataset = DatasetOut.from_current(release, urls, attempt).model_dump(by_alias=True)
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
            "quality": dataset["quality"],
            "held_back": held_back(dataset["quality"]),
            "quality_api_url": urls.quality(release.dataset_id),
            "catalogue_url": urls.catalogue_page(),
            "api_url": urls.dataset(release.dataset_id),
            "schema_org": schema_org.embeddable(schema_org.dataset_document(dataset, versions[0].created_at)),
        },
    )
