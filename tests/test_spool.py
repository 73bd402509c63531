"""Spooled rows (pipelines/standard/spool.py) come back exactly as they went in, from memory or disk."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.standard.spool import RowSpool, Spool

AWKWARD = ["新宿区役所", None, "", 'a "quoted", comma', "two\nlines", "cr\r\nlf", "  spaced  ", "\\N", "NULL"]


def _rows(n: int) -> list[tuple[int, tuple[str | None, ...]]]:
    return [(line, (AWKWARD[line % len(AWKWARD)], f"{line}", AWKWARD[(line * 7) % len(AWKWARD)]))
            for line in range(2, n + 2)]


def test_rows_spill_to_disk_and_read_back_unchanged(tmp_path: Path) -> None:
    spool = RowSpool(3, tmp_path)
    spool.spool.limit = 4
    rows = _rows(23)
    for row in rows:
        spool.append(row)
    assert spool.spool.path is not None and spool.spool.path.parent == tmp_path  # most of it is on disk
    assert len(spool) == 23 and list(spool) == rows and spool[5] == rows[5]
    spool.drop_lines([3, 20])
    assert len(spool) == 21 and [line for line, _ in spool] == [r[0] for r in rows if r[0] not in (3, 20)]
    spool.discard()
    assert not list(tmp_path.iterdir()) and len(spool) == 0


def test_load_into_inserts_spilled_and_buffered_rows_with_nulls_kept(tmp_path: Path) -> None:
    spool = RowSpool(3, tmp_path)
    spool.spool.limit = 5
    rows = _rows(17)
    for row in rows:
        spool.append(row)
    spool.drop_lines([4])
    with duckdb.connect(str(tmp_path / "w.duckdb")) as conn:
        conn.execute("CREATE TABLE t (code VARCHAR, source VARCHAR, line INTEGER, a VARCHAR, b VARCHAR, c VARCHAR)")
        spool.load_into(conn, "t", ("131041", "shinjuku-aed"))
        loaded = conn.execute("SELECT line, a, b, c FROM t ORDER BY line").fetchall()
        constants = conn.execute("SELECT DISTINCT code, source FROM t").fetchall()
    assert loaded == [(line, *values) for line, values in rows if line != 4]
    assert constants == [("131041", "shinjuku-aed")]


def test_a_spool_below_its_limit_never_touches_the_disk(tmp_path: Path) -> None:
    spool = Spool(2, int_columns=(0,), directory=tmp_path)
    spool.extend([(1, "a"), (2, None)])
    assert list(spool) == [(1, "a"), (2, None)] and spool.path is None and not list(tmp_path.iterdir())
