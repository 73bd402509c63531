"""Where the rows of releases are queried: one in-process DuckDB, a table per release in use.

Why tables loaded from the release's Parquet rather than queries on the file: a page from memory
takes a few milliseconds, a scan of the Parquet file several times that. A release never changes,
so a table once loaded is right for as long as the release exists; tables are keyed by content
hash and the least recently used are dropped beyond :attr:`RecordsEngine.max_tables`. Each thread
of the server's pool gets its own DuckDB cursor (a DuckDB connection is not shared across threads).
Every query runs with bound parameters only (``catalog_api/records.py``), and under a deadline
(``max_query_seconds``): one watchdog thread interrupts a query that outlives it, which then fails
as :class:`QueryTimeout` instead of holding a worker thread for as long as it likes.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from catalog_api.answers import AnswerCache
from catalog_api.records import ROW

#: DuckDB's memory ceiling for the API (``TDPF_API_MEMORY_LIMIT``), separate from the pipelines'.
DEFAULT_MEMORY_LIMIT = "1GB"
#: How long one query may run (``TDPF_API_MAX_QUERY_SECONDS``).
DEFAULT_MAX_QUERY_SECONDS = 10.0

#: Answers :meth:`RecordsEngine.remembered_rows` keeps (a count or at most one facet's values each).
MEMO_SIZE = 4096

_T = TypeVar("_T")


class QueryTimeout(Exception):
    """A query ran past the engine's deadline and was interrupted."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"the query took longer than {seconds:g} s (max_query_seconds) and was stopped; "
                         "narrow it with filters or fewer facets")
        self.seconds = seconds


class _Watchdog:
    """Interrupts the DuckDB queries that outlive their deadline: one thread, not a timer per query.

    A late interrupt (the query ended a moment before) is harmless: DuckDB ignores an interrupt
    on an idle connection.
    """

    PERIOD = 0.05

    def __init__(self) -> None:
        self._running: dict[int, tuple[float, duckdb.DuckDBPyConnection]] = {}
        self._lock = threading.Lock()
        self._tokens = itertools.count()
        self._thread: threading.Thread | None = None
        self._stopped = threading.Event()

    @contextmanager
    def deadline(self, cursor: duckdb.DuckDBPyConnection, seconds: float) -> Iterator[None]:
        token = next(self._tokens)
        with self._lock:
            self._running[token] = (time.monotonic() + seconds, cursor)
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, name="tdpf-query-watchdog", daemon=True)
                self._thread.start()
        try:
            yield
        except duckdb.InterruptException:
            raise QueryTimeout(seconds) from None
        finally:
            with self._lock:
                self._running.pop(token, None)

    def close(self) -> None:
        self._stopped.set()

    def _watch(self) -> None:
        while not self._stopped.wait(self.PERIOD):
            now = time.monotonic()
            with self._lock:
                late = [token for token, (due, _) in self._running.items() if due <= now]
                for token in late:
                    _, cursor = self._running.pop(token)
                    cursor.interrupt()


class RecordsEngine:
    """Loads releases' ``data.parquet`` into tables on first use and runs queries on them."""

    def __init__(self, memory_limit: str = DEFAULT_MEMORY_LIMIT, max_tables: int = 32, threads: int = 2,
                 max_query_seconds: float = DEFAULT_MAX_QUERY_SECONDS) -> None:
        self._db = duckdb.connect(":memory:", config={"memory_limit": memory_limit, "threads": threads,
                                                           # pages in a release's order need no ORDER BY
                                                           "preserve_insertion_order": True})
        self._lock = threading.Lock()
        self._local = threading.local()
        self._tables: OrderedDict[str, str] = OrderedDict()  # content hash → table name
        self._watchdog = _Watchdog()
        self._memo = AnswerCache(MEMO_SIZE)
        self.max_tables = max_tables
        self.max_query_seconds = max_query_seconds

    def table(self, content_hash: str, parquet: Path) -> str:
        """The table of a release (loading it the first time), with its row number as ``_row``."""
        with self._lock:
            name = self._tables.get(content_hash)
            if name is not None:
                self._tables.move_to_end(content_hash)
                return name
            name = f"release_{content_hash[:16]}"
            # the row's position in the file (the release's order), not a window's numbering
            self._db.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * EXCLUDE (file_row_number), "
                             f"file_row_number AS {ROW} FROM read_parquet(?, file_row_number = true)",
                             [str(parquet)])
            self._tables[content_hash] = name
            while len(self._tables) > self.max_tables:
                _, dropped = self._tables.popitem(last=False)
                self._db.execute(f"DROP TABLE IF EXISTS {dropped}")
            return name

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor on the engine's database."""
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            cursor = self._local.cursor = self._db.cursor()
        return cursor

    def guarded(self, run: Callable[[duckdb.DuckDBPyConnection], _T],
                cursor: duckdb.DuckDBPyConnection | None = None) -> _T:
        """``run(cursor)`` under the deadline; :class:`QueryTimeout` when it is interrupted."""
        cursor = cursor if cursor is not None else self.cursor()
        with self._watchdog.deadline(cursor, self.max_query_seconds):
            return run(cursor)

    @contextmanager
    def private_cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of its own, for work that outlives one call on this thread (an export)."""
        cursor = self._db.cursor()
        try:
            yield cursor
        finally:
            cursor.close()

    def rows(self, sql: str, params: Sequence[Any]) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Column names and rows of a query."""
        def run(cursor: duckdb.DuckDBPyConnection) -> tuple[list[str], list[tuple[Any, ...]]]:
            result = cursor.execute(sql, list(params))
            return [d[0] for d in result.description], result.fetchall()
        return self.guarded(run)

    def columns(self, table: str) -> dict[str, str]:
        """A release table's columns (name → DuckDB type), without the row number."""
        _, described = self.remembered_rows(f"DESCRIBE {table}", [])
        return {name: str(sql_type) for name, sql_type, *_ in described if name != ROW}

    def remembered_rows(self, sql: str, params: Sequence[Any]) -> tuple[list[str], list[tuple[Any, ...]]]:
        """As :meth:`rows`, answered from memory when asked before.

        Right forever, not just for a while: a table is named by its release's content hash, so
        the same SQL on the same table always has the same answer. Used for what a page repeats
        on every request (the total, facet counts), not for the page itself.
        """
        key = (sql, repr(list(params)))
        answer = self._memo.get(key)
        if answer is None:
            answer = self.rows(sql, params)
            self._memo.put(key, answer)
        return answer

    def value(self, sql: str, params: Sequence[Any]) -> Any:
        row = self.guarded(lambda cursor: cursor.execute(sql, list(params)).fetchone())
        return row[0] if row else None

    def close(self) -> None:
        self._watchdog.close()
        self._db.close()
