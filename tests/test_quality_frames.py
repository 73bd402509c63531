"""A large table is validated in bounded pieces (pipelines/quality/frames.py) with the same outcomes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from pipelines.quality import frames
from pipelines.quality.frames import plan_frames, read_columns
from pipelines.quality.gate import evaluate
from pipelines.quality.gx_runner import quiet_context
from pipelines.quality.suites import load_suite

SUITE = """\
dataset: aed-locations
partition_column: 全国地方公共団体コード
rules:
  - name: columns
    type: expect_table_columns_to_match_set
    kwargs: {column_set: [全国地方公共団体コード, ID, 緯度, 台数, 種別], exact_match: true}
    severity: error
  - name: row_count
    type: expect_table_row_count_to_be_between
    kwargs: {min_value: 1}
    severity: error
  - name: unique_id
    type: expect_compound_columns_to_be_unique
    kwargs: {column_list: [全国地方公共団体コード, ID]}
    severity: error
  - name: latitude
    type: expect_column_values_to_be_number_between
    kwargs: {column: 緯度, min_value: 20, max_value: 46}
    severity: error
  - name: units_non_negative
    type: expect_column_values_to_be_between
    kwargs: {column: 台数, min_value: 0, row_condition: '種別=="屋外"', condition_parser: pandas}
    severity: warn
"""
COLUMNS = ["全国地方公共団体コード", "ID", "緯度", "台数", "種別"]


@pytest.fixture()
def suite(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "aed-locations.yaml"
    path.write_text(SUITE, encoding="utf-8")
    return load_suite(path)


def test_a_small_table_is_one_frame_of_everything(suite) -> None:  # type: ignore[no-untyped-def]
    (plan,) = plan_frames(suite.rules, COLUMNS, 1_000, suite.partition_column)
    assert plan.columns == tuple(COLUMNS) and plan.rows and plan.rules == suite.rules


def test_a_large_table_is_split_by_what_each_rule_reads(suite) -> None:  # type: ignore[no-untyped-def]
    plans = plan_frames(suite.rules, COLUMNS, 10_000, suite.partition_column, budget=20_000)
    assert sorted(r.name for p in plans for r in p.rules) == sorted(r.name for r in suite.rules)  # each once
    by_rule = {r.name: p for p in plans for r in p.rules}
    schema = by_rule["columns"]
    assert not schema.rows and schema.columns == tuple(COLUMNS)
    assert by_rule["row_count"].columns == () and by_rule["row_count"].mode == "whole"  # rows, no cells
    unique = by_rule["unique_id"]
    assert unique.mode == "buckets" and unique.key == ("全国地方公共団体コード", "ID") and unique.bucket_count == 1
    for name in ("latitude", "units_non_negative"):
        plan = by_rule[name]
        assert plan.mode == "rows" and suite.partition_column in plan.columns  # failures still name publishers
        assert plan.chunk_rows * len(plan.columns) <= 20_000
        assert read_columns(plan.rules[0], COLUMNS) <= set(plan.columns)
    units = next(r for r in suite.rules if r.name == "units_non_negative")
    assert read_columns(units, COLUMNS) == {"台数", "種別"}  # the row condition's column too


def test_uniqueness_is_split_into_buckets_of_its_key(suite) -> None:  # type: ignore[no-untyped-def]
    plans = plan_frames(suite.rules, COLUMNS, 10_000, suite.partition_column, budget=5_000)
    unique = next(p for p in plans if any(r.name == "unique_id" for r in p.rules))
    assert unique.bucket_count == 4  # 10,000 rows × 2 columns in frames of 5,000 cells


PIECES_SUITE = SUITE + """\
  - name: latitude_mostly
    type: expect_column_values_to_be_number_between
    kwargs: {column: 緯度, min_value: 20, max_value: 46, mostly: 0.9}
    severity: error
  - name: latitude_mostly_strict
    type: expect_column_values_to_be_number_between
    kwargs: {column: 緯度, min_value: 20, max_value: 46, mostly: 0.97}
    severity: error
  - name: units_mostly
    type: expect_column_values_to_be_between
    kwargs: {column: 台数, min_value: 0, mostly: 0.99}
    severity: error
  - name: kind_present
    type: expect_column_values_to_not_be_null
    kwargs: {column: 種別}
    severity: warn
"""
CODES = ("131016", "131041", "132012")


def _rows(count: int) -> list[tuple[object, ...]]:
    """Failures placed so that pieces and the whole disagree unless merged as GX would judge the whole."""
    rows = []
    for i in range(count):
        code = CODES[i % 3]
        identifier = f"A{i}" if i != 5_001 else "A0"  # one duplicate, its pair in another chunk and bucket
        # 5 %: 131016's in the first chunk (14 % of it), and one of 131041's in the second (0.05 % of it)
        latitude = "abc" if i < 900 and i % 3 == 0 else "139.7" if i == 4_000 else "35.69"
        units = -1 if i % 40 == 7 else 2  # 2.5 %, everywhere: fails mostly 0.99
        kind = None if i % 1_000 == 999 else ("屋外" if i % 2 else "屋内")
        rows.append((code, identifier, latitude, units, kind))
    return rows


def test_pieces_and_the_whole_table_give_the_same_outcomes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "aed-locations.yaml"
    path.write_text(PIECES_SUITE, encoding="utf-8")
    suite = load_suite(path)
    with duckdb.connect() as conn:
        conn.execute('CREATE TABLE t ("全国地方公共団体コード" VARCHAR, "ID" VARCHAR, "緯度" VARCHAR, '
                     '"台数" INTEGER, "種別" VARCHAR)')
        conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?)", _rows(6_000))
        context = quiet_context()
        whole = evaluate(conn, suite, "t", [], context)
        monkeypatch.setattr(frames, "FRAME_CELLS", 6_000)
        plans = plan_frames(suite.rules, COLUMNS, 6_000, suite.partition_column)
        assert {p.mode for p in plans} == {"none", "whole", "rows", "buckets"}
        assert max(p.bucket_count for p in plans) == 2 and min(p.chunk_rows for p in plans if p.chunk_rows) == 2_048
        pieces = evaluate(conn, suite, "t", [], context)
    by_name = {c.check: c for c in whole.checks}
    assert {c.check for c in whole.checks if not c.success} == {
        "unique_id", "latitude", "latitude_mostly_strict", "units_non_negative", "units_mostly", "kind_present"}
    assert by_name["latitude_mostly"].success and by_name["units_mostly"].partitions == CODES
    assert by_name["latitude_mostly_strict"].partitions == ("131016", "131041")
    for check in pieces.checks:
        expected = by_name[check.check]
        if check.expectation == "expect_compound_columns_to_be_unique":  # buckets meet the rows in another order
            assert sorted(map(str, check.sample)) == sorted(map(str, expected.sample))
            assert set(check.partition_samples) == set(expected.partition_samples)
            check = replace(check, sample=expected.sample, partition_samples=expected.partition_samples)
        assert check == expected, check.check
        assert check.partition_samples == expected.partition_samples, check.check
    assert (pieces.row_count, pieces.partitions_seen) == (whole.row_count, whole.partitions_seen) == (6_000, CODES)


def test_great_expectations_keeps_no_frame_it_validated(suite) -> None:  # type: ignore[no-untyped-def]
    """GX's pandas engine caches every batch's data for the life of the context (a whole build)."""
    import gc
    import weakref

    import pandas as pd

    from pipelines.quality.gx_runner import validate

    frame = pd.DataFrame({c: ["1"] for c in COLUMNS})
    alive = weakref.ref(frame)
    context = quiet_context()
    validate(frame, suite, context)
    del frame
    gc.collect()
    assert alive() is None
