"""The catalogue API over real HTTP, serving what a real `tdpf build` published."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import httpx
import pytest

from tests.helpers.api_server import run_api_server

pytestmark = pytest.mark.slow

REQUIRED_FIELDS = {
    "id", "title", "title_en", "publisher", "license", "version", "content_hash", "row_count",
    "updated_at", "resources",
}


@pytest.fixture(scope="module")
def api(built_home: Path):  # type: ignore[no-untyped-def]
    with run_api_server(built_home) as base_url, httpx.Client(base_url=base_url, timeout=30) as client:
        yield client


def test_catalogue_lists_the_bureau_datasets_with_required_fields(api: httpx.Client) -> None:
    body = api.get("/api/v1/datasets").json()
    assert body["count"] == len(body["results"]) >= 5
    for dataset in body["results"]:
        assert REQUIRED_FIELDS <= set(dataset), REQUIRED_FIELDS - set(dataset)
        assert dataset["license"]["id"] == "CC-BY-4.0"
        for resource in dataset["resources"]:
            assert {"format", "url", "bytes", "sha256"} <= set(resource)


def test_expenditure_csv_downloaded_over_http_adds_up_to_the_budget(api: httpx.Client) -> None:
    dataset = api.get("/api/v1/datasets/bureau-expenditure").json()
    url = next(r["url"] for r in dataset["resources"] if r["format"] == "CSV")
    response = api.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert sum(int(r["amount_yen"]) for r in rows) == 44_684_000_000


def test_staffing_dataset_documents_the_outside_count_column(api: httpx.Client) -> None:
    dataset = api.get("/api/v1/datasets/bureau-staffing-by-rank").json()
    columns = {c["name"]: c for c in dataset["columns"]}
    assert "外書" in columns["outside_count"]["description"]
    assert columns["staff_count"]["type"] == "INTEGER"
    assert dataset["quality"]["status"] == "passed"


def test_health_and_catalogue_page_answer(api: httpx.Client) -> None:
    assert api.get("/healthz").json()["ok"] is True
    page = api.get("/")
    assert page.status_code == 200 and "デジタルサービス局 歳出予算" in page.text
