"""The files a release is made of, written by DuckDB: spreadsheet-safe CSV, Parquet as it was."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb

from catalog_api.release_formats import CSV_DIALECT, UTF8_BOM
from pipelines.defs.publish import export_files

CELLS = [
    ("=HYPERLINK(\"http://evil.example\",\"詳細\")", "'=HYPERLINK(\"http://evil.example\",\"詳細\")"),
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("+81-3-5388-2222", "'+81-3-5388-2222"),
    ("-", "'-"),
    ("\tタブ", "'\tタブ"),
    ("\r改行", "'\r改行"),
    ("-12.5", "-12.5"),  # a number stays a number
    ("+3", "+3"),
    ("1e3", "1e3"),
    ("新宿区役所 = 本庁舎", "新宿区役所 = 本庁舎"),  # only a leading character counts
    ("", ""),
]


def test_formula_cells_are_neutralised_in_csv_and_kept_in_parquet(tmp_path: Path) -> None:
    with duckdb.connect() as conn:
        conn.execute("CREATE TABLE t (n INTEGER, note VARCHAR, amount DOUBLE)")
        conn.executemany("INSERT INTO t VALUES (?, ?, ?)", [(i, raw, -1.5) for i, (raw, _) in enumerate(CELLS)])
        files = export_files(conn, "t", ["n"], tmp_path)
    data = files["data.csv"].read_bytes()
    assert data.startswith(UTF8_BOM)
    rows = list(csv.reader(io.StringIO(data[len(UTF8_BOM):].decode("utf-8"), newline="")))
    assert rows[0] == ["n", "note", "amount"]
    assert [r[1] for r in rows[1:]] == [safe for _, safe in CELLS]
    assert {r[2] for r in rows[1:]} == {"-1.5"}  # numbers are never prefixed
    with duckdb.connect() as conn:
        kept = [r[0] for r in conn.execute("SELECT note FROM read_parquet(?) ORDER BY n", [str(files["data.parquet"])]).fetchall()]
    assert kept == [raw for raw, _ in CELLS]  # Parquet keeps every value as published
    assert CSV_DIALECT.formula_cells and "OWASP" in CSV_DIALECT.formula_cells
