"""Read municipal register files as text tables: every cell a string, every row with its line.

Why everything as text: codes, IDs and postal codes lose their leading zeros the moment a
reader guesses a number, and a guessed date hides the 和暦 the publisher wrote. Typing
happens later, column by column, with errors that point at the cell.

Why no charset detector: the encodings Japanese municipalities publish in are known (UTF-8,
UTF-8 with BOM, Shift_JIS/CP932), and detectors guess wrong on short or mostly-ASCII files.
So a file is decoded whole and strictly in the declared encoding, or, for ``auto``, in the
first of UTF-8 and CP932 that decodes every byte; anything else is an error naming the byte.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipelines.parsers.errors import SourceFormatError, SourceLocation

AUTO_ENCODINGS = ("utf-8", "cp932")


@dataclass(frozen=True)
class SourceRow:
    """One data row: its line (CSV: first physical line; XLSX: sheet row) and its cells."""

    line: int
    cells: tuple[str, ...]


@dataclass(frozen=True)
class SourceTable:
    """A register file read as text: header names, rows, and how it was decoded."""

    label: str
    encoding: str | None
    header: tuple[str, ...]
    rows: tuple[SourceRow, ...]


def decode(path: Path, label: str, encoding: str) -> tuple[str, str]:
    """Decode the whole file strictly; return (text, encoding actually used)."""
    data = path.read_bytes()
    if encoding == "auto":
        if data.startswith(b"\xef\xbb\xbf"):
            return _strict(data, "utf-8-sig", label), "utf-8-sig"
        failures = []
        for candidate in AUTO_ENCODINGS:
            try:
                return data.decode(candidate), candidate
            except UnicodeDecodeError as exc:
                failures.append(exc)
        # the encoding that read furthest is the file's own; its failure is the defect to show
        # (Shift_JIS fails at the first UTF-8 kanji of a UTF-8 file, far from the bad byte)
        furthest = max(failures, key=lambda exc: exc.start)
        raise _decode_error(data, label, f"UTF-8 or Shift_JIS (CP932) text (read as {furthest.encoding})", furthest)
    if encoding == "utf-8" and data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"  # a BOM is not a cell character
    return _strict(data, encoding, label), encoding


def _strict(data: bytes, encoding: str, label: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise _decode_error(data, label, f"text in the declared encoding {encoding}", exc) from exc


def _decode_error(data: bytes, label: str, expected: str, exc: UnicodeDecodeError) -> SourceFormatError:
    before = data[: exc.start]
    line = before.count(b"\n") + 1
    # the column a person's editor shows: characters, not bytes, before the bad byte on its line
    column = len(before[before.rfind(b"\n") + 1:].decode(exc.encoding, errors="replace")) + 1
    return SourceFormatError(SourceLocation(label, line, column), expected,
                             value=f"byte 0x{data[exc.start]:02x}")


def read_csv_table(path: Path, label: str, encoding: str = "auto", header_row: int = 1,
                   header_rows: int = 1) -> SourceTable:
    """Read a CSV register (see the module docstring for the encoding rule)."""
    text, used = decode(path, label, encoding)
    records = list(_csv_records(text, label))
    _refuse_unclosed_quote(text, records, label)
    header, rows = _split_header(records, header_row, header_rows, label)
    return SourceTable(label, used, header, rows)


def _csv_records(text: str, label: str) -> Iterable[SourceRow]:
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    try:
        for cells in reader:
            yield SourceRow(start, tuple(cells))
            start = reader.line_num + 1
    except csv.Error as exc:  # the record that starts at ``start`` never ends well
        raise SourceFormatError(
            SourceLocation(label, start), "a CSV record that ends: every quote opened in a cell closed, "
            f"no cell over {csv.field_size_limit() // 1024} KiB", value=f"{exc} (the record starting here)") from exc


def _refuse_unclosed_quote(text: str, records: Sequence[SourceRow], label: str) -> None:
    """An odd number of quote characters means a quoted cell never closed.

    Python's lenient CSV reader then reads the rest of the file into that one cell, silently: rows
    vanish into it. Well-formed CSV has its quotes in pairs (open and close, ``""`` for a quote
    inside), so an odd count is certain, and the culprit is the last record that spans lines.
    """
    if text.count('"') % 2 == 0:
        return
    spanning = [r for r in records if any("\n" in c or "\r" in c for c in r.cells)]
    line = spanning[-1].line if spanning else (records[-1].line if records else 1)
    raise SourceFormatError(SourceLocation(label, line), "a CSV record that ends: every quote opened in a cell closed",
                            value="a quote opened in this record is never closed (the rest of the file would be one cell)")


def read_xlsx_table(path: Path, label: str, sheet: str | None = None, header_row: int = 1,
                    header_rows: int = 1) -> SourceTable:
    """Read one sheet of a workbook; merged header cells count for every column they span."""
    import zipfile

    from openpyxl.utils.exceptions import InvalidFileException

    stat = path.stat()
    try:
        sheets = _workbook_grids(path, stat.st_mtime_ns, stat.st_size)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:  # a ZIP, but not a workbook
        raise SourceFormatError(SourceLocation(label, 1), "an Excel workbook (.xlsx) that opens",
                                value=f"{type(exc).__name__}: {exc}") from exc
    titles = list(sheets)
    if sheet is not None and sheet not in sheets:
        raise SourceFormatError(SourceLocation(label, 1), f"a sheet named {sheet!r} (sheets: {', '.join(titles)})")
    title = sheet if sheet is not None else titles[0]
    records = [SourceRow(i + 1, row) for i, row in enumerate(sheets[title])]
    sheet_label = f"{label}[{title}]"
    header, rows = _split_header(records, header_row, header_rows, sheet_label)
    return SourceTable(sheet_label, None, header, rows)


@functools.lru_cache(maxsize=4)
def _workbook_grids(path: Path, mtime_ns: int, size: int) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Every sheet of a workbook as text rows, merged ranges filled with their top-left value.

    A publisher often keeps several sets in one workbook; parsing it once per file, not once
    per sheet, is most of an XLSX source's cost. The key includes mtime and size, so a file
    replaced on disk is read again.
    """
    import openpyxl  # imported here: only XLSX sources pay for it

    workbook = openpyxl.load_workbook(path, data_only=True)
    try:
        out = {}
        for worksheet in workbook.worksheets:
            grid = [[_cell_text(c) for c in row] for row in worksheet.iter_rows()]
            for merged in worksheet.merged_cells.ranges:
                value = grid[merged.min_row - 1][merged.min_col - 1]
                for r in range(merged.min_row, merged.max_row + 1):
                    for c in range(merged.min_col, merged.max_col + 1):
                        grid[r - 1][c - 1] = value
            out[worksheet.title] = tuple(tuple(row) for row in grid)
        return out
    finally:
        workbook.close()


def _cell_text(cell: object) -> str:
    """A workbook cell as the text a person sees (no float noise, dates as ISO)."""
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()[: 5 if isinstance(value, dt.time) else None]
    return str(value)


def _split_header(records: Sequence[SourceRow], header_row: int, header_rows: int,
                  label: str) -> tuple[tuple[str, ...], tuple[SourceRow, ...]]:
    """Take the header rows (ending at ``header_row``); the rest, minus blank rows, is data."""
    by_line = {r.line: r for r in records}
    first = header_row - header_rows + 1
    if first < 1:
        raise SourceFormatError(SourceLocation(label, header_row), "header_rows not larger than header_row")
    parts = [list(by_line[line].cells) if line in by_line else [] for line in range(first, header_row + 1)]
    if not any(any(cell.strip() for cell in part) for part in parts):
        raise SourceFormatError(SourceLocation(label, header_row), "a header row with column names")
    width = max(len(p) for p in parts)
    header = tuple(_join_header([p[i] if i < len(p) else "" for p in parts]) for i in range(width))
    data = tuple(r for r in records if r.line > header_row and any(cell.strip() for cell in r.cells))
    return header, data


def _join_header(parts: Sequence[str]) -> str:
    """Stack a column's header cells top to bottom: non-empty, not repeated, joined with "_"."""
    names: list[str] = []
    for part in (p.strip() for p in parts):
        if part and part not in names:
            names.append(part)
    return "_".join(names)
