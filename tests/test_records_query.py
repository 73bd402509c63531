"""Rows as a query (catalog_api/records.py, catalog_api/engine.py): typed filters, NULL-aware keyset paging."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import duckdb
import pytest

from catalog_api.engine import RecordsEngine
from catalog_api.records import (
    ROW,
    QueryError,
    Schema,
    decode_cursor,
    encode_cursor,
    order_by,
    parse_query,
    quoted,
    where,
)

ROWS = 3_000


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> tuple[RecordsEngine, str, Schema]:
    parquet = tmp_path_factory.mktemp("records") / "data.parquet"
    duckdb.execute(f"""COPY (SELECT lpad((13101 + i % 23)::VARCHAR, 6, '0') AS "全国地方公共団体コード",
        'ID' || i AS "ID", CASE WHEN i % 11 = 0 THEN NULL ELSE '施設' || (i % 97) END AS "名称",
        35.6 + (i % 100) / 1000.0 AS "緯度", 139.7 + (i % 77) / 1000.0 AS "経度",
        CASE WHEN i % 13 = 0 THEN NULL ELSE i % 7 END AS "台数", DATE '2026-01-01' + (i % 30)::INTEGER AS "更新日"
        FROM range({ROWS}) r(i)) TO '{parquet}' (FORMAT parquet)""")
    engine = RecordsEngine(memory_limit="256MB")
    name = engine.table("f" * 64, parquet)
    _, described = engine.rows(f"DESCRIBE {name}", [])
    schema = Schema({n: str(t) for n, t, *_ in described if n != ROW}, ("緯度", "経度"))
    return engine, name, schema


def _page(engine: RecordsEngine, name: str, schema: Schema, params: list[tuple[str, str]],
          cursor: dict[str, Any] | None, limit: int) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    query = parse_query(params, schema, cursor)
    clause, values = where(query, schema)
    names, rows = engine.rows(f"SELECT *, {ROW} FROM {name} WHERE {clause} ORDER BY {order_by(query)} LIMIT ?",
                              [*values, limit + 1])
    records = [dict(zip(names, r)) for r in rows]
    if len(records) <= limit:
        return records, None
    return records[:limit], decode_cursor(encode_cursor(1, "f" * 64, query, records[limit - 1]))


@pytest.mark.parametrize("sort", ["", "台数", "-台数", "名称,-更新日", "-名称,台数,-ID"])
def test_keyset_pages_give_every_row_exactly_once_in_order(table, sort: str) -> None:  # type: ignore[no-untyped-def]
    engine, name, schema = table
    params = [("sort", sort)] if sort else []
    seen: list[dict[str, Any]] = []
    cursor = None
    while True:
        page, cursor = _page(engine, name, schema, params, cursor, 257)
        seen += page
        if cursor is None:
            break
    assert sorted(r[ROW] for r in seen) == list(range(ROWS))  # every row once
    query = parse_query(params, schema)
    names, expected = engine.rows(f"SELECT {ROW} FROM {name} ORDER BY {order_by(query)}", [])
    assert [r[ROW] for r in seen] == [r[0] for r in expected]  # in the total order, NULLs last


def test_filters_are_typed_by_the_column_and_bound(table) -> None:  # type: ignore[no-untyped-def]
    engine, name, schema = table
    query = parse_query([("全国地方公共団体コード", "013103"), ("台数__gte", "5"), ("更新日__lt", "2026-01-10"),
                         ("名称__isnull", "false"), ("ID__in", "ID2,ID25,ID48")], schema)
    clause, values = where(query, schema)
    assert "013103" in values and 5 in values and "'" not in clause  # nothing of the request is in the SQL text
    got = engine.value(f"SELECT count(*) FROM {name} WHERE {clause}", values)
    want = engine.value(f"""SELECT count(*) FROM {name} WHERE "全国地方公共団体コード" = '013103' AND "台数" >= 5
        AND "更新日" < DATE '2026-01-10' AND "名称" IS NOT NULL AND "ID" IN ('ID2', 'ID25', 'ID48')""", [])
    assert got == want


@pytest.mark.parametrize("params, message", [
    ([("nope", "1")], "no column 'nope'"),
    ([("台数", "many")], "expected a value of type"),
    ([("更新日", "4/1/2026")], "a date such as 2026-04-01"),
    ([("台数__between", "1")], "unknown operator"),
    ([("台数__contains", "1")], "for text columns"),
    ([("名称__isnull", "perhaps")], "true or false"),
    ([("sort", "-nope")], "no column 'nope'"),
    ([("bbox", "1,2,3")], "min_lon,min_lat,max_lon,max_lat"),
    ([("bbox", "140,35,139,36")], "each minimum below its maximum"),
    ([("near", "35.6,139.7"), ("radius_m", "-5")], "radius"),
    ([("radius_m", "5")], "only with near"),
    ([("x" * 5000, "1")], "…"),
])
def test_bad_parameters_are_named_with_what_was_expected(table, params: list[tuple[str, str]], message: str) -> None:  # type: ignore[no-untyped-def]
    _, _, schema = table
    with pytest.raises(QueryError, match=message) as caught:
        parse_query(params, schema)
    assert len(str(caught.value)) < 400  # an error never echoes unbounded input


def test_a_cursor_is_refused_for_another_sort_or_when_forged(table) -> None:  # type: ignore[no-untyped-def]
    engine, name, schema = table
    _, cursor = _page(engine, name, schema, [("sort", "台数")], None, 10)
    with pytest.raises(QueryError, match="another sort"):
        parse_query([("sort", "-台数")], schema, cursor)
    for forged in ("abc", "eyJ2IjoxfQ", "!!!"):
        with pytest.raises(QueryError, match="not a cursor"):
            decode_cursor(forged)


def test_near_is_the_great_circle_distance_and_bbox_the_box(table) -> None:  # type: ignore[no-untyped-def]
    engine, name, schema = table
    lat0, lon0, metres = 35.65, 139.73, 900.0
    query = parse_query([("near", f"{lat0},{lon0}"), ("radius_m", str(metres))], schema)
    clause, values = where(query, schema)
    _, rows = engine.rows(f"SELECT DISTINCT {quoted('緯度')}, {quoted('経度')} FROM {name} WHERE {clause}", values)
    _, every = engine.rows(f"SELECT DISTINCT {quoted('緯度')}, {quoted('経度')} FROM {name}", [])

    def distance(lat: float, lon: float) -> float:
        p1, p2, dl = math.radians(lat0), math.radians(lat), math.radians(lon - lon0)
        a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
        return 2 * 6_371_008.8 * math.asin(math.sqrt(a))

    assert set(rows) == {p for p in every if distance(*p) <= metres} and rows
    box = parse_query([("bbox", "139.71,35.62,139.72,35.63")], schema)
    clause, values = where(box, schema)
    _, inside = engine.rows(f"SELECT DISTINCT {quoted('緯度')}, {quoted('経度')} FROM {name} WHERE {clause}", values)
    assert inside and all(35.62 <= la <= 35.63 and 139.71 <= lo <= 139.72 for la, lo in inside)


def test_the_engine_keeps_a_bounded_number_of_release_tables(tmp_path: Path) -> None:
    parquet = tmp_path / "t.parquet"
    duckdb.execute(f"COPY (SELECT 1 AS a) TO '{parquet}' (FORMAT parquet)")
    engine = RecordsEngine(memory_limit="128MB", max_tables=2)
    names = [engine.table(h * 64, parquet) for h in "abc"]
    _, tables = engine.rows("SELECT table_name FROM duckdb_tables() ORDER BY 1", [])
    assert [t for (t,) in tables] == sorted(names[1:])  # the least recently used was dropped
