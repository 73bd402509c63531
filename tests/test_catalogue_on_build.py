"""The catalogue API over real HTTP, serving what a real `tdpf build` published."""

from __future__ import annotations

import csv
import io

import httpx
import pytest

pytestmark = pytest.mark.slow

REQUIRED_FIELDS = {
    "id", "title", "title_en", "publisher", "license", "version", "content_hash", "row_count",
    "updated_at", "resources",
}


@pytest.fixture(scope="module")
def api(built_api: str):  # type: ignore[no-untyped-def]
    with httpx.Client(base_url=built_api, timeout=30) as client:
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


# ----------------------------------------------------------------------------- search and facets


@pytest.mark.parametrize("q, expected", [
    ("避難", {"emergency-evacuation-sites"}),
    ("トイレ", {"public-toilets"}),
    ("AED", {"aed-locations"}),
    ("ａｅｄ", {"aed-locations"}),  # full-width, lower case: the same word
    ("人口", {"population-by-area-and-age"}),
    ("toilet", {"public-toilets"}),
    ("smart pole", {"smart-pole-register", "smart-pole-environment-hourly", "smart-pole-people-flow-hourly"}),
])
def test_search_finds_the_right_sets_in_japanese_and_english(api: httpx.Client, q: str, expected: set[str]) -> None:
    body = api.get("/api/v1/datasets", params={"q": q}).json()
    found = [d["id"] for d in body["results"]]
    assert expected <= set(found), found
    assert set(found[:len(expected)]) == expected  # the best matches first
    assert body["count"] == len(found)


def test_a_search_that_matches_nothing_finds_nothing(api: httpx.Client) -> None:
    assert api.get("/api/v1/datasets", params={"q": "存在しない語彙"}).json() == {
        "count": 0, "results": [], "facets": {f: [] for f in (
            "publisher", "keyword", "format", "license", "standard_sheet", "quality")}, "next": None}


def test_facets_narrow_and_their_counts_add_up(api: httpx.Client) -> None:
    everything = api.get("/api/v1/datasets").json()
    publishers = everything["facets"]["publisher"]
    assert sum(p["count"] for p in publishers) == everything["count"]  # one publisher per dataset
    for publisher in publishers:
        narrowed = api.get("/api/v1/datasets", params={"publisher": publisher["value"]}).json()
        assert narrowed["count"] == publisher["count"]
        assert {d["publisher"] for d in narrowed["results"]} == {publisher["value"]}
    sheets = api.get("/api/v1/datasets", params={"standard_sheet": ["08", "13"]}).json()
    assert {d["id"] for d in sheets["results"]} == {"aed-locations", "public-toilets"}  # OR within a facet
    both = api.get("/api/v1/datasets", params={"standard_sheet": ["08", "13"], "q": "トイレ"}).json()
    assert [d["id"] for d in both["results"]] == ["public-toilets"]  # AND across


def test_the_catalogue_pages_and_sorts(api: httpx.Client) -> None:
    everything = api.get("/api/v1/datasets", params={"sort": "title"}).json()
    ids: list[str] = []
    url: str | None = "/api/v1/datasets?sort=title&limit=4"
    while url:
        page = api.get(url).json()
        ids += [d["id"] for d in page["results"]]
        url = page["next"]
    assert ids == [d["id"] for d in everything["results"]] and len(ids) == everything["count"]
    assert api.get("/api/v1/datasets", params={"sort": "sideways"}).status_code == 422


def test_a_dataset_says_when_and_where_its_rows_are(api: httpx.Client) -> None:
    figures = api.get("/api/v1/datasets/bureau-programme-figures").json()["coverage"]
    assert figures["temporal"]["unit"] == "fiscal_year" and figures["temporal"]["end"].endswith("-03-31")
    assert figures["temporal"]["start"] < figures["temporal"]["end"]
    assert figures["spatial"] == {"bbox": None, "points": None, "places": [{"code": "130001", "name": "東京都"}]}
    toilets = api.get("/api/v1/datasets/public-toilets").json()
    spatial = toilets["coverage"]["spatial"]
    min_lon, min_lat, max_lon, max_lat = spatial["bbox"]
    assert 122 < min_lon < max_lon < 154 and 20 < min_lat < max_lat < 46  # Japan
    assert spatial["points"] <= toilets["row_count"]
    assert {p["code"] for p in spatial["places"]} == {p["code"] for p in toilets["publishers"]}
    assert toilets["coverage"]["temporal"] is None
    population = api.get("/api/v1/datasets/population-by-area-and-age").json()["coverage"]["temporal"]
    assert population["column"] == "調査年月日" and population["unit"] == "day"
