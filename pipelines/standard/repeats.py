"""Rows whose ID an earlier row already has, in one file or across a publisher's files.

A set's ID is the publisher's key for the thing: the first row (in registry order, then line)
keeps it and every later row with it is quarantined as a ``duplicate_id``. Remembering every ID
seen would make memory grow with the file (a million IDs are ~150 MB of Python dict), so a
source that spooled its rows to disk is checked by DuckDB — one window over the spooled files,
spilling under the memory limit — and only sources still in memory are checked by a dict.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

import duckdb

from pipelines.paths import duckdb_memory_limit
from pipelines.standard.spool import RowSpool

_BATCH = 10_000


class Repeat(NamedTuple):
    """A row whose key an earlier row has: files are positions in the list checked."""

    file: int
    line: int
    key: str
    first_file: int
    first_line: int


def repeated_keys(spools: Sequence[RowSpool], at: int, scratch: Path | None = None) -> Iterator[Repeat]:
    """Every row of ``spools`` whose value ``at`` (an index into the row's values) an earlier row
    has, in file then line order; empty values are no key. ``scratch`` holds DuckDB's spill."""
    if not any(s.spilled for s in spools):
        yield from _in_memory(spools, at)
        return
    if scratch is not None:
        scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="repeats-", dir=scratch) as spill, duckdb.connect(
            config={"memory_limit": duckdb_memory_limit(), "temp_directory": spill}) as conn:
        parts, params = [], []
        for number, spool in enumerate(spools):
            spool.flush()  # every row on disk: one scan per file
            sql, args = spool.scan()
            parts.append(f"SELECT {number} AS file, c0 AS line, c{at + 1} AS key FROM ({sql})")
            params += args
        result = conn.execute(
            f"""SELECT file, line, key, first_file, first_line FROM (
                    SELECT file, line, key, first_value(file) OVER w AS first_file,
                           first_value(line) OVER w AS first_line, row_number() OVER w AS n
                    FROM ({' UNION ALL '.join(parts)}) WHERE key <> ''
                    WINDOW w AS (PARTITION BY key ORDER BY file, line))
                WHERE n > 1 ORDER BY file, line""", params)
        while batch := result.fetchmany(_BATCH):
            yield from (Repeat(*row) for row in batch)


def _in_memory(spools: Sequence[RowSpool], at: int) -> Iterator[Repeat]:
    """The same, for rows that are all in memory (a few spool buffers: bounded)."""
    first: dict[str, tuple[int, int]] = {}
    for number, spool in enumerate(spools):
        for line, values in spool:
            key = values[at]
            if key:
                seen = first.setdefault(key, (number, line))
                if seen != (number, line):
                    yield Repeat(number, line, key, *seen)
