"""Long-format population tables: one row per area × age (and sex columns), pivoted into the set's columns.

地域・年齢別人口 is a wide table — one row per area, a male and a female column per 5-year age band —
but many municipalities publish it long: one row per area and age (or age band), with the male and
female counts in two columns, often with all-ages total rows mixed in. The registry entry's
``long`` block names the columns (:class:`pipelines.standard.registry.LongLayout`); this module
turns such a table into the wide one, summing each row into the standard band that holds its
ages, so the usual mapping then reads it as if the publisher had written the standard's layout.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from pipelines.parsers.errors import SourceFormatError, SourceLocation
from pipelines.standard.readers import SourceRow, SourceTable
from pipelines.standard.registry import LongLayout
from pipelines.standard.spec import StandardSet

_BAND = re.compile(r"^(\d+)-(\d+)歳の(男性|女性)$")
_OPEN_BAND = re.compile(r"^(\d+)歳以上の(男性|女性)$")
SEXES = ("男性", "女性")
TOTAL = "総人口"


@dataclass(frozen=True)
class Band:
    first: int
    last: int | None  # None: "and over"

    def holds(self, first: int, last: int | None) -> bool:
        if last is None:
            return self.last is None and first >= self.first
        return first >= self.first and (self.last is None or last <= self.last)

    def label(self, sex: str) -> str:
        return f"{self.first}歳以上の{sex}" if self.last is None else f"{self.first}-{self.last}歳の{sex}"


@dataclass(frozen=True)
class Note:
    """A source row the pivot could not add, and why (the mapper records it as an issue)."""

    line: int
    column: int | None
    column_name: str | None
    value: str | None
    message: str


def bands(standard: StandardSet) -> tuple[Band, ...]:
    """The set's age bands, from its column names (``0-4歳の男性`` … ``85歳以上の女性``)."""
    found: dict[tuple[int, int | None], None] = {}
    for column in standard.columns:
        closed, open_ended = _BAND.match(column.name), _OPEN_BAND.match(column.name)
        if closed:
            found.setdefault((int(closed[1]), int(closed[2])), None)
        elif open_ended:
            found.setdefault((int(open_ended[1]), None), None)
    return tuple(Band(first, last) for first, last in found)


def pivot_long(table: SourceTable, layout: LongLayout, standard: StandardSet,
               header_row: int) -> tuple[SourceTable, list[Note]]:
    """The long table as the wide one: a row per group of ``layout.by`` values (see the module docstring)."""
    standard_bands = bands(standard)
    if not standard_bands:
        raise SourceFormatError(SourceLocation(table.label, header_row),
                                f"a set with age-band columns for the registry's 'long' layout; {standard.id} has none")
    at = _positions(table, layout, header_row)
    groups: dict[tuple[str, ...], tuple[int, dict[str, int]]] = {}
    notes: list[Note] = []
    for row in table.rows:
        key = tuple(_cell(row, at[name]) for name in layout.by)
        _add(row, at, layout, standard_bands, groups.setdefault(key, (row.line, {}))[1], notes)
    header = (*layout.by, TOTAL, *SEXES, *(b.label(sex) for b in standard_bands for sex in SEXES))
    rows = tuple(
        SourceRow(line, (*key, *(str(sums[name]) if name in sums else "" for name in header[len(layout.by):])))
        for key, (line, sums) in groups.items())
    return SourceTable(table.label, table.encoding, header, rows), notes


def _positions(table: SourceTable, layout: LongLayout, header_row: int) -> dict[str, int]:
    wanted = [*layout.by, layout.age_from, layout.age_to, layout.male, layout.female]
    index = {unicodedata.normalize("NFKC", name).strip(): i for i, name in reversed(list(enumerate(table.header)))}
    missing = [name for name in wanted if unicodedata.normalize("NFKC", name).strip() not in index]
    if missing:
        raise SourceFormatError(SourceLocation(table.label, header_row),
                                f"the columns the registry's 'long' layout names ({', '.join(missing)})",
                                value=f"header {', '.join(table.header)}")
    return {name: index[unicodedata.normalize("NFKC", name).strip()] for name in wanted}


def _cell(row: SourceRow, position: int) -> str:
    return row.cells[position].strip() if position < len(row.cells) else ""


def _add(row: SourceRow, at: dict[str, int], layout: LongLayout, standard_bands: Sequence[Band],
         sums: dict[str, int], notes: list[Note]) -> None:
    """Add one source row's counts into its group's band and totals (or say why not)."""
    first_text, last_text = _cell(row, at[layout.age_from]), _cell(row, at[layout.age_to])
    try:
        first = int(unicodedata.normalize("NFKC", first_text))
        last = int(unicodedata.normalize("NFKC", last_text)) if last_text else None
    except ValueError:
        notes.append(Note(row.line, at[layout.age_from] + 1, layout.age_from, f"{first_text}-{last_text}",
                          f"ages {first_text!r}-{last_text!r}: expected whole numbers of years; the row is not added"))
        return
    band = next((b for b in standard_bands if b.holds(first, last)), None)
    if band is None:
        what = "an all-ages total row" if first == 0 and last is None else f"ages {first}-{last_text or '…'}"
        notes.append(Note(row.line, at[layout.age_from] + 1, layout.age_from, f"{first_text}-{last_text}",
                          f"{what} spans several bands of the standard; not added (the totals are the sums of the "
                          "rows that fit a band)"))
        return
    for sex, column in zip(SEXES, (layout.male, layout.female)):
        text = unicodedata.normalize("NFKC", _cell(row, at[column])).replace(",", "")
        if not text:
            continue
        try:
            count = int(text)
        except ValueError:
            notes.append(Note(row.line, at[column] + 1, column, text,
                              f"column {column!r}: expected a whole number of people; not added"))
            continue
        for name in (band.label(sex), sex, TOTAL):
            sums[name] = sums.get(name, 0) + count
