"""The CKAN view's pure parts: filter queries, sorts, organization names (catalog_api/ckan.py)."""

from __future__ import annotations

import pytest

from catalog_api import ckan

PACKAGES = [
    {"name": "a", "id": "1", "type": "dataset", "state": "active", "organization": {"name": "tokyo"},
     "owner_org": "o1", "tags": [{"name": "防災"}], "resources": [{"format": "CSV"}], "license_id": "CC-BY-4.0",
     "groups": [], "metadata_modified": "2026-01-02", "metadata_created": "2026-01-01", "title": "A"},
    {"name": "b", "id": "2", "type": "dataset", "state": "active", "organization": {"name": "bureau"},
     "owner_org": "o2", "tags": [{"name": "予算"}], "resources": [{"format": "Parquet"}], "license_id": "CC0-1.0",
     "groups": [], "metadata_modified": "2026-01-03", "metadata_created": "2026-01-01", "title": "B"},
]


def matching(fq: str) -> list[str]:
    return [p["name"] for p in PACKAGES if all(c.matches(p) for c in ckan.parse_fq(fq))]


@pytest.mark.parametrize(("fq", "names"), [
    ("", ["a", "b"]),
    ("organization:tokyo", ["a"]),
    ('+organization:"bureau"', ["b"]),
    ("-organization:tokyo", ["b"]),
    ("tags:防災", ["a"]),
    ("res_format:(CSV OR Parquet)", ["a", "b"]),
    ("organization:tokyo res_format:Parquet", []),  # clauses are ANDed
    ("+capacity:public +state:active", ["a", "b"]),  # what CKAN itself adds
    ("license_id:*", ["a", "b"]),
])
def test_filter_queries_select_as_solr_would(fq: str, names: list[str]) -> None:
    assert matching(fq) == names


@pytest.mark.parametrize("fq", ["nosuchfield:x", "organization", "organization:(tokyo"])
def test_a_filter_query_we_cannot_answer_is_a_search_query_error(fq: str) -> None:
    with pytest.raises(ckan.ActionError) as refused:
        ckan.parse_fq(fq)
    assert refused.value.status == 400 and refused.value.error["__type"] == "Search Query Error"


def test_sorts_are_checked_and_ordered() -> None:
    assert ckan.parse_sort(ckan.DEFAULT_SORT) == [("score", True), ("metadata_modified", True)]
    assert ckan.parse_sort("name asc") == [("name", False)]
    for bad in ("nonsense desc", "name sideways"):
        with pytest.raises(ckan.ActionError):
            ckan.parse_sort(bad)


def test_organization_names_are_ckan_slugs_and_stable() -> None:
    name = ckan.organization_name("東京都デジタルサービス局", "Tokyo Metropolitan Government, Digital Service Bureau")
    assert name == "tokyo-metropolitan-government-digital-service-bureau"
    japanese_only = ckan.organization_name("狛江市", None)
    assert japanese_only == ckan.organization_name("狛江市", "") and japanese_only.startswith("publisher-")
    assert ckan.stable_id("dataset", "a") == ckan.stable_id("dataset", "a") != ckan.stable_id("dataset", "b")


def test_times_are_written_as_ckan_writes_them() -> None:
    assert ckan.ckan_time("2026-12-02T15:06:04Z") == "2026-12-02T15:06:04"


def test_a_fielded_q_is_a_filter_and_any_other_q_is_text() -> None:
    assert ckan.fielded("tags:防災") == ("", [ckan.Clause("tags", ("防災",))])
    assert ckan.fielded("避難所") == ("避難所", []) and ckan.fielded("*:*") == ("*:*", [])
    assert ckan.fielded("時刻 10:00") == ("時刻 10:00", [])  # not a field: searched as text
