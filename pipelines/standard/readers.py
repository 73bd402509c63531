"""Read municipal register files as text tables: every cell a string, every row with its line.

Why everything as text: codes, IDs and postal codes lose their leading zeros the moment a
reader guesses a number, and a guessed date hides the 和暦 the publisher wrote. Typing
happens later, column by column, with errors that point at the cell.

Why no charset detector: the encodings Japanese municipalities publish in are known (UTF-8,
UTF-8 with BOM, Shift_JIS/CP932), and detectors guess wrong on short or mostly-ASCII files.
So a file is decoded strictly in the declared encoding, or, for ``auto``, in the
first of UTF-8 and CP932 that decodes every byte; anything else is an error naming the byte.
A CSV file is checked, then parsed, as a stream: memory does not grow with the file.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import functools
from collections.abc import Iterable, Iterator, Sequence
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
    """A register file read as text: header names, rows, and how it was decoded.

    ``rows`` may be a stream (CSV): iterate it once.
    """

    label: str
    encoding: str | None
    header: tuple[str, ...]
    rows: Iterable[SourceRow]


#: How much of a file is decoded at a time: memory stays flat whatever the file's size.
CHUNK_BYTES = 1 << 20


def encoding_of(path: Path, label: str, encoding: str) -> str:
    """The encoding the file is read in, after checking that every byte decodes in it.

    The check streams the file once (a strict incremental decoder, nothing kept), so the
    parse that follows never meets a bad byte half-way, and a bad byte is reported at its
    true line and column. For ``auto``: UTF-8 (BOM or not), else CP932, else the error of the
    one that read furthest.
    """
    with path.open("rb") as handle:
        bom = handle.read(3) == b"\xef\xbb\xbf"
    if bom and encoding in ("auto", "utf-8", "utf-8-sig"):
        encoding = "utf-8-sig"  # a BOM is not a cell character
    candidates = AUTO_ENCODINGS if encoding == "auto" else (encoding,)
    failures = []
    for candidate in candidates:
        failure = _first_bad_byte(path, candidate, bom)
        if failure is None:
            return candidate
        failures.append(failure)
    # the encoding that read furthest is the file's own; its failure is the defect to show
    # (Shift_JIS fails at the first UTF-8 kanji of a UTF-8 file, far from the bad byte)
    offset, used = max(failures)
    expected = (f"UTF-8 or Shift_JIS (CP932) text (read as {used})" if encoding == "auto"
                else f"text in the declared encoding {used}")
    raise _decode_error(path, label, expected, offset, used)


def _first_bad_byte(path: Path, encoding: str, bom: bool) -> tuple[int, str] | None:
    """(file offset of the first byte that does not decode, encoding) — or None when all decode."""
    skip = 3 if bom and encoding == "utf-8-sig" else 0  # past its BOM, utf-8-sig is UTF-8 (offsets from 0)
    decoder = codecs.getincrementaldecoder("utf-8" if skip else encoding)(errors="strict")
    offset = skip
    with path.open("rb") as handle:
        handle.seek(skip)
        while chunk := handle.read(CHUNK_BYTES):
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return offset - pending + exc.start, encoding
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            return offset - len(exc.object) + exc.start, encoding
    return None


def _decode_error(path: Path, label: str, expected: str, offset: int, encoding: str) -> SourceFormatError:
    """Locate a bad byte: its line, and the column a person's editor shows (characters, not bytes)."""
    line, line_start = 1, 0
    with path.open("rb") as handle:
        read = 0
        while read < offset and (chunk := handle.read(min(CHUNK_BYTES, offset - read))):
            newlines = chunk.count(b"\n")
            if newlines:
                line += newlines
                line_start = read + chunk.rfind(b"\n") + 1
            read += len(chunk)
        handle.seek(line_start)
        before = handle.read(offset - line_start)
        bad = handle.read(1)
    column = len(before.decode(encoding, errors="replace").removeprefix("\ufeff")) + 1
    return SourceFormatError(SourceLocation(label, line, column), expected, value=f"byte 0x{bad[0]:02x}")


def read_csv_table(path: Path, label: str, encoding: str = "auto", header_row: int = 1,
                   header_rows: int = 1, last_row: int | None = None) -> SourceTable:
    """Read a CSV register (see the module docstring for the encoding rule).

    The rows stream from the file as they are iterated (once): a register of any size is read
    in constant memory. Errors found while streaming (a record that never ends) are raised then.
    """
    used = encoding_of(path, label, encoding)
    records = _csv_records(path, used, label)
    header = _take_header(records, header_row, header_rows, label)
    return SourceTable(label, used, header, _data_rows(records, last_row))


class _QuoteCounter:
    """The file's lines, on their way to the CSV reader, with their quote characters counted."""

    def __init__(self, lines: Iterator[str]) -> None:
        self.lines = lines
        self.quotes = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = next(self.lines)
        self.quotes += line.count('"')
        return line


def _csv_records(path: Path, encoding: str, label: str) -> Iterator[SourceRow]:
    """Every CSV record with the line it starts on; a record that never ends is a located error.

    An odd number of quote characters in the file means a quoted cell never closed: Python's
    lenient reader would read the rest of the file into that one cell, silently. Well-formed CSV
    has its quotes in pairs, so an odd count is certain; the culprit is the last record that
    spanned lines.
    """
    with path.open(encoding=encoding, newline="") as handle:
        counted = _QuoteCounter(iter(handle))
        reader = csv.reader(counted)
        start, last = 1, None
        try:
            for cells in reader:
                yield SourceRow(start, tuple(cells))
                if reader.line_num > start:
                    last = start  # this record spans lines
                start = reader.line_num + 1
        except csv.Error as exc:  # the record that starts at ``start`` never ends well
            raise SourceFormatError(
                SourceLocation(label, start), "a CSV record that ends: every quote opened in a cell closed, "
                f"no cell over {csv.field_size_limit() // 1024} KiB", value=f"{exc} (the record starting here)") from exc
        if counted.quotes % 2:
            raise SourceFormatError(
                SourceLocation(label, last or max(start - 1, 1)), "a CSV record that ends: every quote opened in a "
                "cell closed", value="a quote opened in this record is never closed (the rest of the file would be one cell)")


#: The columns a GeoJSON source's point geometry becomes (the 正式版 names, so ``current`` maps them).
GEOMETRY_COLUMNS = ("緯度", "経度")


def read_geojson_table(path: Path, label: str, encoding: str = "auto") -> SourceTable:
    """Read a GeoJSON FeatureCollection of points: one row per feature (its "line" is the feature's
    number), its properties as columns, then 緯度 and 経度 from its Point geometry.

    A feature without a Point (no geometry, a polygon) gets blank coordinates, and the mapping
    treats the row as one without a position. Property values are read as the text a person sees
    (numbers as written in JSON, true/false, nested values as JSON).
    """
    import json

    used = encoding_of(path, label, encoding)
    try:
        document = json.loads(path.read_text(encoding=used))
    except json.JSONDecodeError as exc:
        raise SourceFormatError(SourceLocation(label, exc.lineno, exc.colno), "GeoJSON (valid JSON)",
                                value=exc.msg) from exc
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection" \
            or not isinstance(document.get("features"), list):
        raise SourceFormatError(SourceLocation(label, 1), 'a GeoJSON FeatureCollection ({"type": '
                                '"FeatureCollection", "features": [...]})', value=f"type {document.get('type')!r}"
                                if isinstance(document, dict) else type(document).__name__)
    features = document["features"]
    names: dict[str, None] = {}
    for feature in features:
        for key in (feature.get("properties") or {}) if isinstance(feature, dict) else ():
            if key not in GEOMETRY_COLUMNS:
                names.setdefault(str(key), None)
    header = (*names, *GEOMETRY_COLUMNS)
    rows = tuple(SourceRow(number, _feature_cells(feature, tuple(names)))
                 for number, feature in enumerate(features, start=1))
    return SourceTable(label, used, header, rows)


def _feature_cells(feature: object, names: tuple[str, ...]) -> tuple[str, ...]:
    import json

    properties = (feature.get("properties") or {}) if isinstance(feature, dict) else {}
    geometry = feature.get("geometry") if isinstance(feature, dict) else None
    point = geometry.get("coordinates") if isinstance(geometry, dict) and geometry.get("type") == "Point" else None
    lon, lat = (point[0], point[1]) if isinstance(point, list) and len(point) >= 2 else ("", "")

    def text(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float, str)):
            return str(value)
        return json.dumps(value, ensure_ascii=False)

    return (*(text(properties.get(name)) for name in names), text(lat), text(lon))


def read_xlsx_table(path: Path, label: str, sheet: str | None = None, header_row: int = 1,
                    header_rows: int = 1, last_row: int | None = None) -> SourceTable:
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
    header, rows = _split_header(records, header_row, header_rows, sheet_label, last_row)
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


def _split_header(records: Sequence[SourceRow], header_row: int, header_rows: int, label: str,
                  last_row: int | None = None) -> tuple[tuple[str, ...], tuple[SourceRow, ...]]:
    """Take the header rows (ending at ``header_row``); the rest up to ``last_row``, minus blank rows, is data."""
    stream = iter(records)
    header = _take_header(stream, header_row, header_rows, label)
    return header, tuple(_data_rows(stream, last_row))


def _take_header(records: Iterator[SourceRow], header_row: int, header_rows: int, label: str) -> tuple[str, ...]:
    """Consume the records up to and including ``header_row``; the header names, stacked."""
    first = header_row - header_rows + 1
    if first < 1:
        raise SourceFormatError(SourceLocation(label, header_row), "header_rows not larger than header_row")
    by_line: dict[int, SourceRow] = {}
    for record in records:
        if record.line >= first:
            by_line[record.line] = record
        if record.line >= header_row:
            break
    parts = [list(by_line[line].cells) if line in by_line else [] for line in range(first, header_row + 1)]
    if not any(any(cell.strip() for cell in part) for part in parts):
        raise SourceFormatError(SourceLocation(label, header_row), "a header row with column names")
    width = max(len(p) for p in parts)
    return tuple(_join_header([p[i] if i < len(p) else "" for p in parts]) for i in range(width))


def _data_rows(records: Iterator[SourceRow], last_row: int | None = None) -> Iterator[SourceRow]:
    """The records after the header, up to ``last_row`` (a sheet's next table starts after it), minus blank ones."""
    for record in records:
        if last_row is not None and record.line > last_row:
            return
        if any(cell.strip() for cell in record.cells):
            yield record


def _join_header(parts: Sequence[str]) -> str:
    """Stack a column's header cells top to bottom: non-empty, not repeated, joined with "_"."""
    names: list[str] = []
    for part in (p.strip() for p in parts):
        if part and part not in names:
            names.append(part)
    return "_".join(names)
