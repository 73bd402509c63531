"""Rows made non-conformant on purpose, so quarantine is tested against known defects.

A sample that is all clean proves nothing about quarantine, and one dirty at random proves
nothing either. So each embedded file that has a defect has exactly one, at a documented
line, written over an otherwise conformant row, independent of the seed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class BadRow:
    """A row made non-conformant on purpose, so quarantine can be tested against it."""

    file: str  # relative to the landing area
    source_id: str
    line: int  # 1-based physical line of the CSV (the header is line 1)
    columns: tuple[str, ...]
    value: str
    reason: str


def inject_bad_rows(rel: str, table: list[list[str]], bad_rows: Iterable[BadRow]) -> None:
    """Apply the ``bad_rows`` of file ``rel`` to a table whose first row is the header (line 1)."""
    for bad in bad_rows:
        if bad.file != rel:
            continue
        row = table[bad.line - 1]
        values = bad.value.split(",") if len(bad.columns) > 1 else [bad.value]
        for column, value in zip(bad.columns, values, strict=True):
            row[table[0].index(column)] = value
