"""Repeated IDs (pipelines/standard/repeats.py) are the same whether the rows are in memory or spooled to disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.standard.repeats import Repeat, repeated_keys
from pipelines.standard.spool import RowSpool

#: (file, line, ID): A1 repeats in the first file and in the second, A2 and A3 across them; "" and None are no ID
ROWS = [(0, 2, "A1"), (0, 3, "A2"), (0, 4, "A1"), (0, 5, ""), (0, 6, None), (0, 7, ""), (0, 8, "A3"),
        (1, 2, "A2"), (1, 3, "B1"), (1, 4, "B1"), (1, 5, "A9"), (1, 6, "A1"), (1, 7, "A3")]
EXPECTED = [Repeat(0, 4, "A1", 0, 2), Repeat(1, 2, "A2", 0, 3), Repeat(1, 4, "B1", 1, 3), Repeat(1, 6, "A1", 0, 2),
            Repeat(1, 7, "A3", 0, 8)]


def _spools(directory: Path, limit: int) -> list[RowSpool]:
    spools = [RowSpool(2, directory), RowSpool(2, directory)]
    for spool in spools:
        spool.spool.limit = limit
    for file, line, identifier in ROWS:
        spools[file].append((line, (f"name {line}", identifier)))
    return spools


@pytest.mark.parametrize("limit", [1_000, 3], ids=["in memory", "spooled"])
def test_repeats_are_found_in_file_then_line_order(tmp_path: Path, limit: int) -> None:
    spools = _spools(tmp_path, limit)
    assert bool(spools[0].spilled) == (limit == 3)
    assert list(repeated_keys(spools, 1, tmp_path / "scratch")) == EXPECTED
    assert list(tmp_path.glob("scratch/*")) == []  # DuckDB's spill folder is gone


@pytest.mark.parametrize("limit", [1_000, 3], ids=["in memory", "spooled"])
def test_dropped_rows_are_no_longer_first(tmp_path: Path, limit: int) -> None:
    spools = _spools(tmp_path, limit)
    spools[0].drop_lines([2])  # the first A1 was quarantined for another reason: line 4 keeps A1
    assert list(repeated_keys(spools, 1)) == [
        Repeat(1, 2, "A2", 0, 3), Repeat(1, 4, "B1", 1, 3), Repeat(1, 6, "A1", 0, 4), Repeat(1, 7, "A3", 0, 8)]
    assert [line for line, _ in spools[0]] == [3, 4, 5, 6, 7, 8]  # flushing to disk kept every row
