"""CKAN's Action API, tried with the real client: ``ckanapi`` as a library and as its CLI, unmodified.

Against the live server over the built catalogue. What CKAN would answer is checked against our
own API's answers for the same question (the same datasets, rows and counts), and against CKAN's
conventions (``docs/ckan.md``): envelope, error objects and statuses, field names and types.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import ckanapi
import httpx
import pytest

pytestmark = pytest.mark.slow  # a built data directory

CKANAPI_CLI = str(Path(sys.executable).with_name("ckanapi"))
TOILETS, CODE, PUBLISHER = "public-toilets", "全国地方公共団体コード", "092088"


@pytest.fixture(scope="module")
def api(built_api: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=built_api, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def portal(built_api: str) -> ckanapi.RemoteCKAN:
    return ckanapi.RemoteCKAN(built_api)


@pytest.fixture(scope="module")
def ours(api: httpx.Client) -> list[dict]:
    return api.get("/api/v1/datasets", params={"limit": 1000}).json()["results"]


def cli(built_api: str, *args: str) -> str:
    """The ``ckanapi`` command as a user with this environment active runs it (its dump starts more of itself)."""
    env = {**os.environ, "PATH": os.pathsep.join([str(Path(CKANAPI_CLI).parent), os.environ.get("PATH", "")])}
    result = subprocess.run([CKANAPI_CLI, *args, "-r", built_api], capture_output=True, text=True, timeout=120,
                            check=False, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_package_list_and_show_name_every_dataset(portal: ckanapi.RemoteCKAN, ours: list[dict]) -> None:
    names = portal.action.package_list()
    assert names == sorted(d["id"] for d in ours)
    package = portal.action.package_show(id=TOILETS)
    assert package["name"] == TOILETS and portal.action.package_show(id=package["id"])["name"] == TOILETS
    assert re.fullmatch(r"[0-9a-f-]{36}", package["id"]) and package["state"] == "active" and not package["private"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?", package["metadata_modified"])  # naive, no Z
    assert package["num_resources"] == len(package["resources"]) and package["num_tags"] == len(package["tags"])
    assert package["organization"]["name"] == portal.action.organization_show(id=package["owner_org"])["name"]
    table = [r for r in package["resources"] if r["datastore_active"]]
    assert {r["format"] for r in table} == {"CSV", "Parquet"} and all(isinstance(r["size"], int) for r in table)
    assert portal.action.resource_show(id=table[0]["id"]) == table[0]


def test_package_search_in_japanese_and_by_organization(portal: ckanapi.RemoteCKAN, ours: list[dict]) -> None:
    assert TOILETS in [p["name"] for p in portal.action.package_search(q="トイレ")["results"]]
    assert "emergency-evacuation-sites" in [p["name"] for p in portal.action.package_search(q="避難")["results"]]
    everyone = portal.action.package_search(rows=1000, **{"facet.field": ["organization"]})
    assert everyone["count"] == len(ours)
    counts = everyone["facets"]["organization"]
    assert sum(counts.values()) == len(ours) and set(counts) == set(portal.action.organization_list())
    for organization, count in counts.items():
        narrowed = portal.action.package_search(fq=f"organization:{organization}", rows=1000)
        assert narrowed["count"] == count and all(p["organization"]["name"] == organization
                                                  for p in narrowed["results"])
    first, second = (portal.action.package_search(rows=5, start=s, sort="name asc")["results"] for s in (0, 5))
    assert [p["name"] for p in first + second] == sorted(d["id"] for d in ours)[:10]


def test_organization_list_with_all_fields_counts_datasets(portal: ckanapi.RemoteCKAN, ours: list[dict]) -> None:
    shown = portal.action.organization_list(all_fields=True)
    assert sum(o["package_count"] for o in shown) == len(ours)
    assert {o["title"] for o in shown} == {d["publisher"] for d in ours}


def test_datastore_search_filters_and_pages_like_the_records_api(portal: ckanapi.RemoteCKAN,
                                                                  api: httpx.Client) -> None:
    resource = next(r for r in portal.action.package_show(id=TOILETS)["resources"] if r["format"] == "CSV")
    expected = api.get(f"/api/v1/datasets/{TOILETS}/records", params={CODE: PUBLISHER, "limit": 1000}).json()
    rows, offset = [], 0
    while True:
        page = portal.action.datastore_search(resource_id=resource["id"], filters={CODE: PUBLISHER}, limit=30,
                                              offset=offset)
        if not page["records"]:
            break
        rows += page["records"]
        offset += 30
    assert page["total"] == expected["total"] == len(rows)
    assert [r["ID"] for r in rows] == [r["ID"] for r in expected["records"]]
    assert [r["_id"] for r in rows] == sorted(r["_id"] for r in rows)  # the release's order
    assert page["fields"][0] == {"id": "_id", "type": "int"}
    types = {f["id"]: f["type"] for f in page["fields"]}
    assert types[CODE] == "text" and types["緯度"] == "float8" and isinstance(rows[0]["緯度"], float)
    assert all(r[CODE] == PUBLISHER for r in rows)
    with pytest.raises(ckanapi.ValidationError):
        portal.action.datastore_search(resource_id=resource["id"], filters={"no such column": "1"})


def test_the_cli_shows_searches_and_dumps(built_api: str, ours: list[dict]) -> None:
    shown = json.loads(cli(built_api, "action", "package_show", f"id={TOILETS}"))
    assert shown["name"] == TOILETS
    resource = next(r["id"] for r in shown["resources"] if r["format"] == "CSV")
    found = json.loads(cli(built_api, "action", "datastore_search", f"resource_id={resource}",
                           f'filters:{{"{CODE}": "{PUBLISHER}"}}', "limit:5"))
    assert len(found["records"]) == 5 and all(r[CODE] == PUBLISHER for r in found["records"])
    searched = json.loads(cli(built_api, "action", "package_search", "q=トイレ", "rows:1"))
    assert searched["count"] >= 1
    dumped = [json.loads(line) for line in cli(built_api, "dump", "datasets", "--all").splitlines()]
    assert sorted(p["name"] for p in dumped) == sorted(d["id"] for d in ours)


@pytest.mark.parametrize("prefix", ["/api/action", "/api/3/action"])
def test_both_prefixes_get_and_post_give_one_envelope(api: httpx.Client, prefix: str) -> None:
    got = api.get(f"{prefix}/package_show", params={"id": TOILETS})
    posted = api.post(f"{prefix}/package_show", json={"id": TOILETS})
    assert got.status_code == posted.status_code == 200 and got.json() == posted.json()
    assert list(got.json()) == ["help", "success", "result"]
    assert got.json()["help"].endswith("/api/3/action/help_show?name=package_show")


def test_refusals_are_shaped_as_ckan_shapes_them(api: httpx.Client) -> None:
    missing = api.get("/api/3/action/package_show")
    assert missing.status_code == 409 and missing.json()["error"] == {"__type": "Validation Error",
                                                                      "name_or_id": ["Missing value"]}
    unknown = api.get("/api/3/action/package_show", params={"id": "no-such-dataset"})
    assert unknown.status_code == 404 and unknown.json()["error"]["__type"] == "Not Found Error"
    assert unknown.json()["success"] is False
    bad_sort = api.get("/api/3/action/package_search", params={"sort": "nonsense desc"})
    assert bad_sort.status_code == 400 and bad_sort.json()["error"]["__type"] == "Search Query Error"
    no_action = api.get("/api/3/action/no_such_action")
    assert no_action.status_code == 400 and no_action.json().startswith("Bad request - Action name not known")
    sql = api.get("/api/3/action/datastore_search_sql", params={"sql": "SELECT 1"})
    assert sql.status_code == 400 and "datastore_search" in sql.json()


def test_datastore_search_formats_sorts_and_text(portal: ckanapi.RemoteCKAN) -> None:
    resource = next(r for r in portal.action.package_show(id=TOILETS)["resources"] if r["format"] == "CSV")
    ask = {"resource_id": resource["id"], "filters": {CODE: PUBLISHER}, "fields": ["ID", "名称"], "limit": 3}
    objects = portal.action.datastore_search(**ask, sort="_id desc")
    lists = portal.action.datastore_search(**ask, sort="_id desc", records_format="lists")
    assert [f["id"] for f in objects["fields"]] == ["_id", "ID", "名称"]
    assert [list(r.values()) for r in objects["records"]] == lists["records"]
    assert objects["records"][0]["_id"] > objects["records"][-1]["_id"]  # newest row first
    as_csv = portal.action.datastore_search(**ask, records_format="csv", include_total=False)
    assert len(as_csv["records"].splitlines()) == 3 and "total" not in as_csv
    text = portal.action.datastore_search(resource_id=resource["id"], q="小山市", limit=0)
    assert text["total"] == objects["total"] and text["records"] == []
