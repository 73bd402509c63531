"""The records API over real HTTP: paging by cursor gets every row once, even across a new release."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import httpx
import pytest

from catalog_api.release_store import ReleaseStore
from tests.helpers.api_server import run_api_server

pytestmark = pytest.mark.slow

ROWS = 2_500


def _release(store: ReleaseStore, staging: Path, rows: int, name: str) -> None:
    parquet = staging / f"{name}.parquet"
    duckdb.execute(f"""COPY (SELECT lpad((13101 + i % 23)::VARCHAR, 6, '0') AS "全国地方公共団体コード",
        'ID' || lpad(i::VARCHAR, 5, '0') AS "ID", '施設' || i AS "名称", 35.6 + (i % 100) / 1000.0 AS "緯度",
        139.7 + (i % 77) / 1000.0 AS "経度", i % 7 AS "台数" FROM range({rows}) r(i)) TO '{parquet}' (FORMAT parquet)""")
    store.publish("points", {"data.parquet": parquet}, {"title": "地点", "row_count": rows})


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, ReleaseStore, Path]]:
    home = tmp_path_factory.mktemp("records_home")
    staging = tmp_path_factory.mktemp("records_staging")
    store = ReleaseStore(home / "releases")
    _release(store, staging, ROWS, "v1")
    with run_api_server(home) as url:
        yield url, store, staging


def test_paging_by_cursor_gets_every_row_once_while_a_new_version_is_published(served) -> None:  # type: ignore[no-untyped-def]
    url, store, staging = served
    seen: list[str] = []
    versions = set()
    page_url: str | None = f"{url}/api/v1/datasets/points/records?limit=300&sort=-台数,名称&台数__gte=1"
    published = False
    with httpx.Client(timeout=30) as client:
        expected = client.get(f"{url}/api/v1/datasets/points/records", params={"limit": 0, "台数__gte": 1}).json()
        while page_url:
            page = client.get(page_url).json()
            seen += [r["ID"] for r in page["records"]]
            versions.add(page["version"])
            assert page["total"] == expected["total"]
            page_url = page["next"]
            if not published:  # a new version (more rows) lands after the first page
                _release(store, staging, ROWS + 500, "v2")
                published = True
        current = client.get(f"{url}/api/v1/datasets/points/records", params={"limit": 0}).json()
    assert versions == {1} and current["version"] == 2 and current["total"] == ROWS + 500
    assert len(seen) == len(set(seen)) == expected["total"]


def test_records_are_typed_and_facets_add_up(served) -> None:  # type: ignore[no-untyped-def]
    url, _, _ = served
    page = httpx.get(f"{url}/api/v1/datasets/points/records",
                     params={"version": 1, "limit": 3, "全国地方公共団体コード": "013101", "facet": "台数"}).json()
    first = page["records"][0]
    assert first["全国地方公共団体コード"] == "013101" and isinstance(first["緯度"], float) and isinstance(first["台数"], int)
    assert sum(f["count"] for f in page["facets"]["台数"]) == page["total"] and page["max_limit"] == 1000


def test_bad_parameters_get_the_error_shape_naming_them(served) -> None:  # type: ignore[no-untyped-def]
    url, _, _ = served
    for params, needle in [({"台数": "many"}, "台数"), ({"limit": 5000}, "limit"), ({"nope": 1}, "nope"),
                           ({"cursor": "forged"}, "cursor")]:
        response = httpx.get(f"{url}/api/v1/datasets/points/records", params=params)
        body = response.json()
        assert response.status_code == 422 and body["ok"] is False and needle in body["error"], params
    assert httpx.get(f"{url}/api/v1/datasets/nothing/records").status_code == 404


def test_the_catalogue_list_follows_every_new_release_and_gate_run(served) -> None:  # type: ignore[no-untyped-def]
    from catalog_api.release_contract import AttemptRecord, QualitySummary

    url, store, staging = served
    probe = staging / "probe.csv"

    def listed() -> dict:
        body = httpx.get(f"{url}/api/v1/datasets", params={"q": "見本"}).json()
        return next(d for d in body["results"] if d["id"] == "list-probe")

    for rows in (1, 2):
        probe.write_bytes(("\ufeffa\r\n" + "1\r\n" * rows).encode())
        store.publish("list-probe", {"data.csv": probe}, {"title": "見本", "row_count": rows})
        first = listed()
        assert (first["version"], first["row_count"]) == (rows, rows)
        assert listed() == first  # asked again: the same answer
    assert first["quality"]["latest_attempt"] is None
    quality = QualitySummary(status="passed", checked_at="2026-12-02T00:00:00Z", checks_passed=1, checks_failed=0,
                             checks_warned=0, engines=("dbt",))
    attempt = store.record_attempt("list-probe", AttemptRecord(published=True, release_version=2, run_id="r",
                                                               quality=quality).to_json(), {})
    assert listed()["quality"]["latest_attempt"]["id"] == attempt.id
