"""A large table is validated as column slices (pipelines/quality/frames.py) with the same outcomes."""

from __future__ import annotations

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


def test_a_large_table_is_sliced_by_the_columns_each_rule_reads(suite) -> None:  # type: ignore[no-untyped-def]
    plans = plan_frames(suite.rules, COLUMNS, 1_000, suite.partition_column, budget=2_000)
    assert sorted(r.name for p in plans for r in p.rules) == sorted(r.name for r in suite.rules)  # each once
    schema = next(p for p in plans if not p.rows)
    assert [r.name for r in schema.rules] == ["columns"] and schema.columns == tuple(COLUMNS)
    for plan in (p for p in plans if p.rows):
        assert suite.partition_column in plan.columns  # failing rows are still put down to publishers
        for rule in plan.rules:
            assert read_columns(rule, COLUMNS) <= set(plan.columns)
    units = next(r for r in suite.rules if r.name == "units_non_negative")
    assert read_columns(units, COLUMNS) == {"台数", "種別"}  # the row condition's column too


def test_sliced_and_whole_frames_give_the_same_outcomes(suite, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    with duckdb.connect() as conn:
        conn.execute('CREATE TABLE t ("全国地方公共団体コード" VARCHAR, "ID" VARCHAR, "緯度" VARCHAR, '
                     '"台数" INTEGER, "種別" VARCHAR)')
        conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?)", [
            ("131041", "A1", "35.69", 1, "屋外"), ("131041", "A1", "139.7", -2, "屋内"),
            ("132012", "B1", "abc", -3, "屋外"), ("132012", "B2", "35.66", 0, "屋外")])
        context = quiet_context()
        whole = evaluate(conn, suite, "t", [], context)
        monkeypatch.setattr(frames, "FRAME_CELLS", 8)  # 4 rows × 2 columns a frame
        assert len(plan_frames(suite.rules, COLUMNS, 4, suite.partition_column)) > 2
        sliced = evaluate(conn, suite, "t", [], context)
    assert [c for c in sliced.checks] == [c for c in whole.checks]
    assert (sliced.row_count, sliced.partitions_seen) == (whole.row_count, whole.partitions_seen) == (
        4, ("131041", "132012"))
    failing = {c.check for c in whole.checks if not c.success}
    assert failing == {"unique_id", "latitude", "units_non_negative"}
