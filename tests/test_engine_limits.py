"""The API's bounds on work: a query past its deadline is stopped, exports beyond their slots are refused."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import duckdb
import pytest

from catalog_api.engine import QueryTimeout, RecordsEngine
from catalog_api.records import ROW
from catalog_api.exports import ExportsBusy, ExportSlots

#: A query DuckDB needs many seconds for (a cross join it cannot shortcut).
ENDLESS = "SELECT count(DISTINCT a.range * 7919 + b.range) FROM range(100000) a, range(100000) b"


def test_a_query_past_its_deadline_is_stopped_and_the_cursor_stays_usable() -> None:
    engine = RecordsEngine(max_query_seconds=0.3)
    try:
        started = time.monotonic()
        with pytest.raises(QueryTimeout, match="longer than 0.3 s"):
            engine.rows(ENDLESS, [])
        assert time.monotonic() - started < 5
        assert engine.value("SELECT 41 + ?", [1]) == 42  # the same thread's cursor answers the next query
    finally:
        engine.close()


def test_a_quick_query_is_never_interrupted_late() -> None:
    engine = RecordsEngine(max_query_seconds=0.05)
    try:
        for _ in range(200):  # each ends well inside its deadline; none may be hit by a stale interrupt
            assert engine.value("SELECT 1", []) == 1
        time.sleep(0.2)
        assert engine.value("SELECT 2", []) == 2
    finally:
        engine.close()


def test_exports_beyond_their_slots_are_refused_at_once_and_a_slot_comes_back() -> None:
    slots = ExportSlots(1)
    entered, release = threading.Event(), threading.Event()

    def hold() -> None:
        with slots.taken():
            entered.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    entered.wait(5)
    with pytest.raises(ExportsBusy, match="1 filtered export"):
        with slots.taken():
            pass
    release.set()
    holder.join(5)
    with slots.taken():  # free again
        pass


@pytest.mark.parametrize("error, retry", [(QueryTimeout(10), "10"), (ExportsBusy(2), "1")])
def test_both_answer_503_in_the_error_shape_with_retry_after(tmp_path, error: Exception, retry: str) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from catalog_api.app import create_app
    from catalog_api.settings import Settings

    app = create_app(Settings(home=tmp_path))

    def busy() -> None:
        raise error

    app.add_api_route("/busy", busy)
    response = TestClient(app).get("/busy")
    assert response.status_code == 503 and response.headers["retry-after"] == retry
    assert response.json() == {"ok": False, "status": 503, "error": str(error)}


def test_pages_without_order_by_come_in_the_release_order_across_row_groups(tmp_path: Path) -> None:
    """The records route writes no ORDER BY for the release's own order (``order_clause``): check DuckDB
    still keeps insertion order on a table of many row groups scanned by several threads."""
    parquet = tmp_path / "data.parquet"
    duckdb.execute(f"COPY (SELECT range AS id, ['a', 'b', 'c'][range % 3 + 1] AS kind FROM range(400000)) "
                   f"TO '{parquet}' (FORMAT parquet, ROW_GROUP_SIZE 50000)")
    engine = RecordsEngine(threads=4)
    try:
        table = engine.table("f" * 64, parquet)
        for kind, after in (("b", -1), ("b", 123_456), ("c", 299_990), ("a", 0)):
            sql = f"SELECT {ROW} FROM {table} WHERE kind = ? AND {ROW} > ?"
            _, unordered = engine.rows(f"{sql} LIMIT 101", [kind, after])
            _, ordered = engine.rows(f"{sql} ORDER BY {ROW} LIMIT 101", [kind, after])
            assert unordered == ordered and len(ordered) == 101
    finally:
        engine.close()
