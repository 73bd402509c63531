"""Coverage in time and space, measured from a release's rows (pipelines/coverage.py)."""

from __future__ import annotations

import duckdb
import pytest

from catalog_api.release_contract import Coverage, ReleaseMetadata
from pipelines.coverage import CoverageError, dataset_coverage


@pytest.fixture()
def conn() -> duckdb.DuckDBPyConnection:
    db = duckdb.connect()
    db.execute("""CREATE TABLE points AS SELECT * FROM (VALUES
        ('131041', '新宿区', 35.693840, 139.703549, DATE '2024-05-01'),
        ('131041', '新宿区', 35.701000, 139.690001, DATE '2023-11-30'),
        ('131130', '渋谷区', 35.664035, 139.698212, DATE '2024-01-15'),
        ('131130', '渋谷区', NULL, NULL, NULL))
        AS t("全国地方公共団体コード", "地方公共団体名", "緯度", "経度", "調査年月日")""")
    db.execute("CREATE TABLE figures AS SELECT * FROM (VALUES (2021, 10), (2023, 12), (2022, 11)) AS t(fiscal_year, n)")
    return db


def _types(conn: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    return {name: str(sql_type) for name, sql_type, *_ in conn.execute(f"DESCRIBE {relation}").fetchall()}


def _node(name: str, tdpf: dict, **meta: object) -> dict:
    return {"name": name, "meta": {"tdpf": tdpf, **meta}}


def test_a_point_set_covers_its_box_its_publishers_and_its_days(conn: duckdb.DuckDBPyConnection) -> None:
    node = _node("std_points", {"geometry": {"latitude": "緯度", "longitude": "経度"},
                                "temporal": {"column": "調査年月日", "unit": "day"}})
    coverage = dataset_coverage(conn, "points", node, _types(conn, "points"))
    assert coverage.to_json() == {
        "temporal": {"start": "2023-11-30", "end": "2024-05-01", "column": "調査年月日", "unit": "day"},
        "spatial": {"bbox": [139.690001, 35.664035, 139.703549, 35.701], "points": 3,
                    "places": [{"code": "131041", "name": "新宿区"}, {"code": "131130", "name": "渋谷区"}]},
    }


def test_fiscal_years_cover_april_to_march_and_the_area_comes_from_the_folder(
        conn: duckdb.DuckDBPyConnection) -> None:
    node = _node("bureau_x", {"temporal": {"column": "fiscal_year", "unit": "fiscal_year"}},
                 area=[{"code": "130001", "name": "東京都"}])
    coverage = dataset_coverage(conn, "figures", node, _types(conn, "figures"))
    assert coverage.temporal is not None and (coverage.temporal.start, coverage.temporal.end) == ("2021-04-01", "2024-03-31")
    assert coverage.spatial is not None and coverage.spatial.bbox is None
    assert [p.code for p in coverage.spatial.places] == ["130001"]


def test_nothing_declared_nothing_measured(conn: duckdb.DuckDBPyConnection) -> None:
    assert dataset_coverage(conn, "figures", _node("plain", {}), _types(conn, "figures")).to_json() == {
        "temporal": None, "spatial": None}


def test_empty_rows_cover_no_period(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute("CREATE TABLE empty AS SELECT * FROM figures WHERE false")
    node = _node("bureau_x", {"temporal": {"column": "fiscal_year", "unit": "fiscal_year"}})
    assert dataset_coverage(conn, "empty", node, _types(conn, "empty")).temporal is None


@pytest.mark.parametrize("declared, expected", [
    ({"column": "n_missing", "unit": "day"}, "'n_missing' must be a column of type DATE or TIMESTAMP"),
    ({"column": "fiscal_year", "unit": "day"}, "found INTEGER"),
    ({"column": "fiscal_year", "unit": "month"}, "unit must be 'day' or 'fiscal_year'"),
])
def test_a_declaration_that_does_not_fit_names_model_and_column(
        conn: duckdb.DuckDBPyConnection, declared: dict, expected: str) -> None:
    with pytest.raises(CoverageError, match="model bureau_x") as raised:
        dataset_coverage(conn, "figures", _node("bureau_x", {"temporal": declared}), _types(conn, "figures"))
    assert expected in str(raised.value)


def test_coverage_round_trips_through_the_release_contract(conn: duckdb.DuckDBPyConnection) -> None:
    node = _node("std_points", {"geometry": {"latitude": "緯度", "longitude": "経度"}})
    coverage = dataset_coverage(conn, "points", node, _types(conn, "points"))
    document = ReleaseMetadata(coverage=coverage).to_json()
    assert ReleaseMetadata.from_json(document).coverage == coverage
    assert Coverage.from_json(document["coverage"]).to_json() == document["coverage"]
