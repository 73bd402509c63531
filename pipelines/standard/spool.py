"""Rows of one source on their way to the warehouse, in memory while few and on disk when many.

A register can have a million rows, and a row of a standard set held as Python strings costs
kilobytes: holding every mapped row (and every issue) until the publisher's transaction would
make memory grow with the file. A :class:`Spool` keeps up to ``limit`` tuples in memory and
writes the rest to a CSV file in the build's scratch folder, which DuckDB then reads in one
streaming ``INSERT … SELECT`` (``load_into``). Text never holds control characters (the mapper
removes them), so ``\\x01`` marks NULL unambiguously.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb

from pipelines.warehouse import insert_rows

#: Tuples kept in memory before a spool spills to disk (a few MB of Python objects).
SPOOL_LIMIT = 20_000
NULL = "\x01"


class Spool:
    """An append-only sequence of same-shaped tuples whose integer columns are ``int_columns``."""

    def __init__(self, width: int, int_columns: Sequence[int] = (), directory: Path | None = None,
                 limit: int = SPOOL_LIMIT) -> None:
        self.width = width
        self.int_columns = frozenset(int_columns)
        self.directory = directory
        self.limit = limit
        self.buffer: list[tuple[Any, ...]] = []
        self.path: Path | None = None
        self.spilled = 0
        self.dropped: set[Any] = set()

    def append(self, item: tuple[Any, ...]) -> None:
        self.buffer.append(item)
        if len(self.buffer) >= self.limit:
            self._spill()

    def extend(self, items: Sequence[tuple[Any, ...]]) -> None:
        for item in items:
            self.append(item)

    def __len__(self) -> int:
        return self.spilled + len(self.buffer) - len(self.dropped)

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        if self.path is not None:
            with self.path.open(encoding="utf-8", newline="") as handle:
                for cells in csv.reader(handle):
                    item = tuple(self._typed(i, cell) for i, cell in enumerate(cells))
                    if item[0] not in self.dropped:
                        yield item
        yield from (item for item in self.buffer if item[0] not in self.dropped)

    def __getitem__(self, index: int) -> tuple[Any, ...]:
        return list(self)[index]

    def _typed(self, index: int, cell: str) -> Any:
        if cell == NULL:
            return None
        return int(cell) if index in self.int_columns else cell

    def _spill(self) -> None:
        if self.path is None:
            directory = self.directory or Path(tempfile.gettempdir())
            directory.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix="spool-", suffix=".csv", dir=directory)
            os.close(handle)
            self.path = Path(name)
        with self.path.open("a", encoding="utf-8", newline="") as out:
            csv.writer(out, lineterminator="\n").writerows(
                [[NULL if v is None else v for v in item] for item in self.buffer])
        self.spilled += len(self.buffer)
        self.buffer = []

    def flush(self) -> None:
        """Write the tuples still in memory to the file too (for a reader of the file alone)."""
        if self.buffer:
            self._spill()

    def scan(self, types: Sequence[str]) -> tuple[str, list[Any]]:
        """A query over the spilled tuples (columns ``c0 …``, typed ``types``), dropped ones left out; its parameters."""
        columns = ", ".join(f"'c{i}': '{t}'" for i, t in enumerate(types))
        sql = (f"SELECT * FROM read_csv(?, auto_detect = false, header = false, new_line = '\\n', delim = ',', "
               f"quote = '\"', escape = '\"', nullstr = '{NULL}', columns = {{{columns}}}) "
               f"WHERE c0 IS NULL OR c0 NOT IN (SELECT unnest(?::{types[0]}[]))")
        return sql, [str(self.path), sorted(self.dropped)]

    def drop(self, keys: Sequence[Any]) -> None:
        """Leave out the tuples whose first value is one of ``keys`` (a source line), wherever they are."""
        self.dropped |= set(keys)

    def load_into(self, conn: duckdb.DuckDBPyConnection, relation: str, constants: Sequence[Any],
                  types: Sequence[str]) -> None:
        """Insert ``constants + item`` for every item: the spilled part streams from its file through DuckDB."""
        if self.path is not None:
            placeholders = ", ".join("?" for _ in constants)
            sql, params = self.scan(types)
            conn.execute(f"INSERT INTO {relation} SELECT {placeholders}{', ' if constants else ''}* FROM ({sql})",
                         [*constants, *params])
        insert_rows(conn, relation, [(*constants, *item) for item in self.buffer if item[0] not in self.dropped])

    def discard(self) -> None:
        """Forget everything, and delete the spilled file."""
        if self.path is not None:
            self.path.unlink(missing_ok=True)
        self.path, self.spilled, self.buffer, self.dropped = None, 0, [], set()


class RowSpool:
    """A source's conformant rows as ``(line, values)``, spooled (see :class:`Spool`)."""

    def __init__(self, width: int, directory: Path | None = None) -> None:
        self.spool = Spool(width + 1, int_columns=(0,), directory=directory)

    def append(self, row: tuple[int, tuple[str | None, ...]]) -> None:
        self.spool.append((row[0], *row[1]))

    def __len__(self) -> int:
        return len(self.spool)

    def __iter__(self) -> Iterator[tuple[int, tuple[str | None, ...]]]:
        return ((item[0], item[1:]) for item in self.spool)

    def __getitem__(self, index: int) -> tuple[int, tuple[str | None, ...]]:
        return list(self)[index]

    def drop_lines(self, lines: Sequence[int]) -> None:
        self.spool.drop(lines)

    @property
    def spilled(self) -> int:
        """Rows written to disk so far (0: every row is in memory)."""
        return self.spool.spilled

    def flush(self) -> None:
        self.spool.flush()

    def scan(self) -> tuple[str, list[Any]]:
        """A query over the spilled rows: ``c0`` the line, ``c1 …`` the values (see :meth:`Spool.scan`)."""
        return self.spool.scan(self._types())

    def _types(self) -> list[str]:
        return ["INTEGER", *["VARCHAR"] * (self.spool.width - 1)]

    def load_into(self, conn: duckdb.DuckDBPyConnection, relation: str, constants: Sequence[Any]) -> None:
        """Insert ``constants + (line, *values)`` per row; the line is an integer, every value text."""
        self.spool.load_into(conn, relation, constants, self._types())

    def discard(self) -> None:
        self.spool.discard()
