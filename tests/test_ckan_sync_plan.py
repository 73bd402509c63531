"""The CKAN sync's pure part: the package it writes, licences in the portal's own ids, the plan."""

from __future__ import annotations

import copy
import json

from catalog_api import ckan_sync
from catalog_api.release_contract import PublicUrls

PUBLIC = PublicUrls("https://data.example.jp/tdpf")
ME = "tdpf-test"
DATASET = {
    "id": "public-toilets", "title": "公衆トイレ一覧", "title_en": "Public toilets",
    "description": "公衆トイレの一覧。", "description_en": "Public toilets of the registered publishers.",
    "publisher": "東京都デジタルサービス局", "publisher_en": "Tokyo Metropolitan Government, Digital Service Bureau",
    "publisher_code": "130001", "license": {"id": "CC-BY-4.0", "title": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/deed.ja"},
    "version": 3, "content_hash": "ab" * 32, "updated_at": "2026-12-02T15:06:04Z",
    "keywords": ["トイレ", "toilets", "x", "公衆/トイレ"],
    "quality": {"status": "passed"}, "source": {"title": "登録簿"},
    "coverage": {"spatial": {"bbox": [139.6, 35.6, 139.8, 35.7]}},
    "resources": [
        {"name": "data.csv", "format": "CSV", "media_type": "text/csv; charset=utf-8", "bytes": 10, "sha256": "c" * 64},
        {"name": "data.parquet", "format": "Parquet", "media_type": "application/vnd.apache.parquet", "bytes": 20,
         "sha256": "d" * 64},
        {"name": "metadata.json", "format": "JSON", "media_type": "application/json", "bytes": 5, "sha256": "e" * 64},
    ],
}
CKAN_DEFAULT_LICENCES = [{"id": "cc-by", "url": "http://www.opendefinition.org/licenses/cc-by"},
                         {"id": "cc-zero", "url": "http://www.opendefinition.org/licenses/cc-zero"}]


def extras(package: dict) -> dict[str, str]:
    return {e["key"]: e["value"] for e in package["extras"]}


def test_licences_take_the_portals_own_ids() -> None:
    licence = DATASET["license"]
    assert ckan_sync.licence_id(licence, CKAN_DEFAULT_LICENCES) == "cc-by"
    assert ckan_sync.licence_id(licence, [{"id": "CC-BY-4.0", "url": ""}]) == "CC-BY-4.0"
    by_url = [{"id": "cc-by-4.0", "url": "http://creativecommons.org/licenses/by/4.0/"}]
    assert ckan_sync.licence_id(licence, by_url) == "cc-by-4.0"
    assert ckan_sync.licence_id(None, CKAN_DEFAULT_LICENCES) == "notspecified"


def test_the_package_carries_what_the_issue_names() -> None:
    package = ckan_sync.package(DATASET, PUBLIC, ME, CKAN_DEFAULT_LICENCES)
    assert package["name"] == "public-toilets" and package["title"] == "公衆トイレ一覧"
    assert package["notes"].startswith("公衆トイレの一覧。") and "Public toilets" in package["notes"]
    assert [t["name"] for t in package["tags"]] == ["toilets", "トイレ", "公衆 トイレ"]  # CKAN's tag rules
    assert package["owner_org"] == "tokyo-metropolitan-government-digital-service-bureau"
    found = extras(package)
    assert found["managed_by"] == ME and found["content_hash"] == "ab" * 32 and package["version"] == "3"
    assert "version" not in found  # CKAN refuses an extra named as one of its own fields
    assert json.loads(found["spatial"])["type"] == "Polygon" and json.loads(found["source"]) == {"title": "登録簿"}
    assert [(r["name"], r["url"], r["format"], r["hash"]) for r in package["resources"]] == [
        ("data.csv", "https://data.example.jp/tdpf/api/v1/datasets/public-toilets/data.csv", "CSV", "sha256:" + "c" * 64),
        ("data.parquet", "https://data.example.jp/tdpf/api/v1/datasets/public-toilets/data.parquet", "Parquet",
         "sha256:" + "d" * 64)]  # metadata.json describes the package; it is no resource
    assert package["resources"][0]["last_modified"] == "2026-12-02T15:06:04"


def held_as_ckan_returns(package: dict) -> dict:
    """What package_show answers for a package written as ``package``: ids, display names, more keys."""
    held = copy.deepcopy(package)
    held["owner_org"] = "0d5c…-uuid"
    held["organization"] = {"name": package["owner_org"], "id": "0d5c…-uuid"}
    held["tags"] = [{"name": t["name"], "display_name": t["name"], "id": "t"} for t in reversed(package["tags"])]
    held["resources"] = [{**r, "id": f"r{i}", "position": i, "created": "2026-12-02T00:00:00"}
                         for i, r in enumerate(package["resources"])]
    held["metadata_modified"] = "2026-12-02T00:00:00"
    return held


def test_what_the_portal_holds_is_compared_field_by_field() -> None:
    package = ckan_sync.package(DATASET, PUBLIC, ME, CKAN_DEFAULT_LICENCES)
    held = held_as_ckan_returns(package)
    assert ckan_sync.differences(package, held) == []
    edited = ckan_sync.package({**DATASET, "description": "説明が変わった。"}, PUBLIC, ME, CKAN_DEFAULT_LICENCES)
    assert ckan_sync.differences(edited, held) == ["notes"]
    held["resources"][0]["url"] = "https://elsewhere.example/data.csv"  # edited by hand in the portal
    held["extras"] = held["extras"][1:]
    assert ckan_sync.differences(package, held) == ["extras", "resources"]
    newer = ckan_sync.package({**DATASET, "version": 4, "content_hash": "cd" * 32}, PUBLIC, ME, CKAN_DEFAULT_LICENCES)
    assert ckan_sync.decide("public-toilets", newer, held_as_ckan_returns(package), ME).reason == "version 3 → 4"


def test_the_plan_touches_only_what_is_ours() -> None:
    desired = {name: ckan_sync.package({**DATASET, "id": name}, PUBLIC, ME, CKAN_DEFAULT_LICENCES)
               for name in ("new", "same", "changed", "taken")}
    stale = held_as_ckan_returns(desired["changed"])
    stale["version"] = "2"
    theirs = {"name": "taken", "extras": [{"key": "managed_by", "value": "someone-else"}]}
    existing = {"same": held_as_ckan_returns(desired["same"]), "changed": stale, "taken": theirs,
                "gone": {**desired["same"], "name": "gone"}, "their-own": {"name": "their-own", "extras": []},
                "deleted-already": {**desired["same"], "name": "deleted-already", "state": "deleted"}}
    steps = ckan_sync.plan(desired, existing, ME)
    assert [(s.action, s.name) for s in steps] == [
        ("update", "changed"), ("create", "new"), ("unchanged", "same"), ("conflict", "taken"), ("retire", "gone")]
    assert "someone-else" in steps[3].reason  # and their-own, not ours, is neither touched nor retired
    assert steps[0].reason == "version 2 → 3"


def test_a_package_of_ours_deleted_in_the_portal_is_restored() -> None:
    package = ckan_sync.package(DATASET, PUBLIC, ME, CKAN_DEFAULT_LICENCES)
    deleted = {**held_as_ckan_returns(package), "state": "deleted"}
    step = ckan_sync.decide("public-toilets", package, deleted, ME)
    assert step.action == "create" and "restored" in step.reason


def test_names_are_ckan_safe() -> None:
    assert ckan_sync.package_name("Public_Toilets 2") == "public_toilets-2"
    assert ckan_sync.package_name("x") == "dataset-x"


def test_the_organization_is_the_publisher_with_its_code() -> None:
    organization = ckan_sync.organization(DATASET)
    assert organization["name"] == "tokyo-metropolitan-government-digital-service-bureau"
    assert {"key": "全国地方公共団体コード", "value": "130001"} in organization["extras"]
