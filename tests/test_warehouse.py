"""Typed raw tables in a real DuckDB file: declared types, atomic replacement, upserts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest

from pipelines.warehouse import replace_rows, replace_table, table_metadata


@dataclass(frozen=True)
class Row:
    code: str = field(metadata={"description": "団体コード (text: leading zeros kept)"})
    count: int = field(metadata={"description": "a count"})
    note: str | None = field(metadata={"description": "optional"})


def test_codes_stay_text_and_types_are_declared_not_guessed(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    replace_table(con, "raw", "t", Row, [Row("011002", 1, None)])
    assert con.execute("SELECT code FROM raw.t").fetchone() == ("011002",)
    types = {r[0]: r[1] for r in con.execute("DESCRIBE raw.t").fetchall()}
    assert types == {"code": "VARCHAR", "count": "BIGINT", "note": "VARCHAR"}
    nullable = {r[0]: r[2] for r in con.execute("DESCRIBE raw.t").fetchall()}
    assert nullable == {"code": "NO", "count": "NO", "note": "YES"}


def test_failed_replacement_leaves_the_previous_table_intact(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    replace_table(con, "raw", "t", Row, [Row("1", 1, None), Row("2", 2, None)])
    with pytest.raises(duckdb.Error):
        replace_table(con, "raw", "t", Row, [Row("3", 3, None), Row(None, 4, None)])  # type: ignore[arg-type]
    assert con.execute("SELECT count(*), sum(count) FROM raw.t").fetchone() == (2, 3)


def test_upsert_replaces_only_the_keys_it_is_given(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    replace_rows(con, "audit", "t", Row, [Row("a", 1, None), Row("b", 1, None)], key=("code",))
    replace_rows(con, "audit", "t", Row, [Row("b", 2, "again")], key=("code",))
    assert con.execute("SELECT code, count, note FROM audit.t ORDER BY code").fetchall() == [
        ("a", 1, None), ("b", 2, "again")]


def test_table_metadata_has_row_count_schema_with_descriptions_and_preview(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    replace_table(con, "raw", "t", Row, [Row(str(i), i, None) for i in range(10)])
    md = table_metadata(con, "raw.t", {"code": "団体コード"}, preview_rows=3)
    assert md["dagster/row_count"].value == 10
    assert [(c.name, c.description) for c in md["dagster/column_schema"].columns][0] == ("code", "団体コード")
    assert md["preview"].value.count("\n") == 2 + 3
