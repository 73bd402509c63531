"""Where the rows of releases are queried: one in-process DuckDB, a table per release in use.

Why tables loaded from the release's Parquet rather than queries on the file: a page from memory
takes a few milliseconds, a scan of the Parquet file several times that. A release never changes,
so a table once loaded is right for as long as the release exists; tables are keyed by content
hash and the least recently used are dropped beyond :attr:`RecordsEngine.max_tables`. Each thread
of the server's pool gets its own DuckDB cursor (a DuckDB connection is not shared across threads).
Every query runs with bound parameters only (``catalog_api/records.py``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from catalog_api.records import ROW

#: DuckDB's memory ceiling for the API (``TDPF_API_MEMORY_LIMIT``), separate from the pipelines'.
DEFAULT_MEMORY_LIMIT = "1GB"


class RecordsEngine:
    """Loads releases' ``data.parquet`` into tables on first use and runs queries on them."""

    def __init__(self, memory_limit: str = DEFAULT_MEMORY_LIMIT, max_tables: int = 32, threads: int = 2) -> None:
        self._db = duckdb.connect(":memory:", config={"memory_limit": memory_limit, "threads": threads})
        self._lock = threading.Lock()
        self._local = threading.local()
        self._tables: OrderedDict[str, str] = OrderedDict()  # content hash → table name
        self.max_tables = max_tables

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

    def rows(self, sql: str, params: Sequence[Any]) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Column names and rows of a query."""
        result = self.cursor().execute(sql, list(params))
        return [d[0] for d in result.description], result.fetchall()

    def columns(self, table: str) -> dict[str, str]:
        """A release table's columns (name → DuckDB type), without the row number."""
        _, described = self.rows(f"DESCRIBE {table}", [])
        return {name: str(sql_type) for name, sql_type, *_ in described if name != ROW}

    def value(self, sql: str, params: Sequence[Any]) -> Any:
        row = self.cursor().execute(sql, list(params)).fetchone()
        return row[0] if row else None

    def close(self) -> None:
        self._db.close()
