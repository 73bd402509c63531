"""Versions and what changed, over real HTTP: a row diff between two versions, the changes feed (JSON, Atom)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import duckdb
import httpx
import pytest

from catalog_api.release_store import ReleaseStore
from tests.helpers.api_server import run_api_server

pytestmark = pytest.mark.slow

OLD = [("131041", "A1", "新宿区役所", 2), ("131041", "A2", "消える施設", 1), ("131041", "A3", None, 3),
       ("132012", "A1", "八王子市役所", 1), ("131041", "A5", "変わる施設", 4)]
NEW = [("131041", "A1", "新宿区役所", 2), ("131041", "A3", "名前がついた", 3), ("132012", "A1", "八王子市役所", 1),
       ("131041", "A5", "変わった施設", 5), ("131041", "A6", "新しい施設", 1), ("132012", "A2", "新しい施設", 2)]
# A publisher that leaves its IDs blank (as real registers do): the key does not tell its rows apart.
BLANK = [("122033", None, "公園A", 1), ("122033", None, "公園B", 2), ("122033", None, "公園B", 2), ("122033", "Z", "駅", 1)]
BLANK_NEXT = [("122033", None, "公園A", 1), ("122033", None, "公園B", 2), ("122033", None, "公園C", 3),
              ("122033", "Z", "駅", 1)]


def _parquet(path: Path, rows: list[tuple[object, ...]]) -> Path:
    with duckdb.connect() as conn:
        conn.execute('CREATE TABLE t ("全国地方公共団体コード" VARCHAR, "ID" VARCHAR, "名称" VARCHAR, "台数" INTEGER)')
        conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?)", rows)
        conn.execute(f"COPY t TO '{path}' (FORMAT parquet)")
    return path


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home, staging = tmp_path_factory.mktemp("changes_home"), tmp_path_factory.mktemp("changes_staging")
    store = ReleaseStore(home / "releases")
    store.publish("facilities", {"data.parquet": _parquet(staging / "v1.parquet", OLD)}, {"title": "施設", "row_count": 5})
    store.publish("facilities", {"data.parquet": _parquet(staging / "v2.parquet", NEW)}, {"title": "施設", "row_count": 6})
    store.publish("others", {"data.parquet": _parquet(staging / "o.parquet", OLD[:1])}, {"title": "他", "row_count": 1})
    with run_api_server(home) as url:
        yield url


def test_a_diff_gives_exactly_the_rows_that_changed(base_url: str) -> None:
    body = httpx.get(f"{base_url}/api/v1/datasets/facilities/diff", params={"from": 1, "to": 2}).json()
    assert body["key"] == ["全国地方公共団体コード", "ID"] and body["summary"] == {"added": 2, "removed": 1, "changed": 2}
    by_op: dict[str, list[dict]] = {}
    for change in body["changes"]:
        by_op.setdefault(change["op"], []).append(change)
    assert [c["row"] for c in by_op["removed"]] == [{"全国地方公共団体コード": "131041", "ID": "A2", "名称": "消える施設", "台数": 1}]
    assert [(c["key"]["ID"], c["row"]["全国地方公共団体コード"]) for c in by_op["added"]] == [("A6", "131041"), ("A2", "132012")]
    assert [(c["key"], c["columns"], c["before"], c["after"]) for c in by_op["changed"]] == [
        ({"全国地方公共団体コード": "131041", "ID": "A3"}, ["名称"], {"名称": None}, {"名称": "名前がついた"}),
        ({"全国地方公共団体コード": "131041", "ID": "A5"}, ["名称", "台数"], {"名称": "変わる施設", "台数": 4},
         {"名称": "変わった施設", "台数": 5}),
    ]
    same = httpx.get(f"{base_url}/api/v1/datasets/facilities/diff", params={"from": 2}).json()
    assert same["to"] == 2 and same["changes"] == [] and same["summary"] == {"added": 0, "removed": 0, "changed": 0}
    assert httpx.get(f"{base_url}/api/v1/datasets/facilities/diff", params={"from": 7}).status_code == 404
    assert httpx.get(f"{base_url}/api/v1/datasets/facilities/diff").status_code == 422  # from is required


def test_the_changes_feed_lists_new_versions_newest_first_as_json_and_atom(base_url: str) -> None:
    listed = httpx.get(f"{base_url}/api/v1/changes").json()
    assert [(c["dataset_id"], c["version"]) for c in listed["results"]] == [
        ("others", 1), ("facilities", 2), ("facilities", 1)]  # newest first (same second: by id, then version)
    stamps = [c["created_at"] for c in listed["results"]]
    assert stamps == sorted(stamps, reverse=True) and listed["count"] == 3
    feed = httpx.get(f"{base_url}/api/v1/changes.atom")
    assert feed.headers["content-type"] == "application/atom+xml"
    root = ElementTree.fromstring(feed.content)
    atom = "{http://www.w3.org/2005/Atom}"
    entries = root.findall(f"{atom}entry")
    assert len(entries) == 3 and root.find(f"{atom}updated").text == stamps[0]
    assert {e.find(f"{atom}id").text for e in entries} == {c["url"] for c in listed["results"]}
    assert httpx.get(f"{base_url}/api/v1/changes", params={"limit": 1}).json()["count"] == 1


def test_a_key_that_is_not_unique_gives_way_to_whole_rows(tmp_path: Path) -> None:
    store = ReleaseStore(tmp_path / "home" / "releases")
    for number, rows in enumerate((BLANK, BLANK_NEXT)):
        store.publish("blank", {"data.parquet": _parquet(tmp_path / f"b{number}.parquet", rows)}, {"title": "空"})
    with run_api_server(tmp_path / "home") as base_url:
        body = httpx.get(f"{base_url}/api/v1/datasets/blank/diff", params={"from": 1, "to": 2}).json()
        same = httpx.get(f"{base_url}/api/v1/datasets/blank/diff", params={"from": 1, "to": 1}).json()
    assert body["key"] == ["全国地方公共団体コード", "ID", "名称", "台数"]  # every column: blank IDs repeat
    assert body["summary"] == {"added": 1, "removed": 1, "changed": 0}
    assert [(c["op"], c["row"]["名称"], c["row"]["台数"]) for c in body["changes"]] == [
        ("removed", "公園B", 2), ("added", "公園C", 3)]  # one of the two identical rows went
    assert same["summary"] == {"added": 0, "removed": 0, "changed": 0}  # a version equals itself
