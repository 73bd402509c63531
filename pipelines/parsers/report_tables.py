"""Find the tables of a report rendered as text (headings, tab-separated rows, notes).

The bureau report reaches us as text converted from PDF: a table is a caption line
(a heading or a ``[...]`` caption), optionally a ``(単位:…)`` unit line, then rows whose
cells are separated by tabs (or, for small tables, one ``令和N年度 …`` record per line),
then ``※`` notes. The same locator reads the project's landing excerpt and the full
report, so parsing is tested on the real document.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.parsers.errors import SourceFormatError, SourceLocation
from pipelines.parsers.quantities import is_unit_line
from pipelines.parsers.wareki import normalize

_HEADING_MARKS = re.compile(r"^#+\s*")
_RECORD_LINE = re.compile(r"^(?:明治|大正|昭和|平成|令和)\s*(?:元|\d{1,2})\s*年度")


@dataclass(frozen=True)
class TableLine:
    """One row of a table: its 1-based line number in the file and its cells as printed."""

    number: int
    text: str
    cells: tuple[str, ...]


@dataclass(frozen=True)
class ReportTable:
    """A table found in the report, with everything printed around it."""

    table_id: str
    title: str
    source_file: str
    caption_line: int
    unit_line: TableLine | None
    lines: tuple[TableLine, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)

    def location(self, line: int, column: int | None = None) -> SourceLocation:
        """Location of a cell, for error messages."""
        return SourceLocation(self.source_file, line, column)

    def error(
        self, line: int, expected: str, value: str | None = None, column: int | None = None,
        column_name: str | None = None,
    ) -> SourceFormatError:
        """An error about this table, naming the table by its printed title and its id."""
        return SourceFormatError(
            self.location(line, column), expected, value,
            table=f"「{self.title}」 ({self.table_id})", column_name=column_name,
        )


@dataclass(frozen=True)
class TableSpec:
    """How to find one table: a caption pattern matched against whole, normalised lines."""

    table_id: str
    title: str
    caption: str  # regex over the normalised line with heading marks removed
    layout: str = "grid"  # "grid": tab-separated rows; "records": one 令和N年度 … record per line


def _caption_text(line: str) -> str:
    return _HEADING_MARKS.sub("", normalize(line))


def _is_table_line(raw: str, layout: str) -> bool:
    if layout == "grid":
        return "\t" in raw
    return bool(_RECORD_LINE.match(normalize(raw)))


def find_table(lines: Sequence[str], spec: TableSpec, source_file: str) -> ReportTable:
    """Locate ``spec``'s table in ``lines`` (the file split into lines, without newlines).

    Exactly one caption must match: a missing or an ambiguous table is an error that names
    the file and the caption we looked for, rather than a silently empty dataset.
    """
    pattern = re.compile(spec.caption)
    hits = [i for i, line in enumerate(lines) if pattern.fullmatch(_caption_text(line))]
    if not hits:
        raise SourceFormatError(
            SourceLocation(source_file, 1), f"a caption matching /{spec.caption}/ for table "
            f"「{spec.title}」 ({spec.table_id})",
        )
    if len(hits) > 1:
        where = ", ".join(str(h + 1) for h in hits)
        raise SourceFormatError(
            SourceLocation(source_file, hits[1] + 1),
            f"one caption for table 「{spec.title}」 ({spec.table_id}), found it on lines {where}",
        )
    i = hits[0] + 1
    unit_line: TableLine | None = None
    rows: list[TableLine] = []
    notes: list[str] = []
    while i < len(lines):
        raw = lines[i]
        if raw.strip() == "":
            i += 1
            continue
        if not rows and unit_line is None and is_unit_line(raw):
            unit_line = TableLine(i + 1, raw, (raw.strip(),))
        elif _is_table_line(raw, spec.layout):
            rows.append(TableLine(i + 1, raw, tuple(c.strip() for c in raw.split("\t"))))
        else:
            break
        i += 1
    while i < len(lines):
        s = normalize(lines[i])
        if s == "":
            i += 1
            continue
        if not s.startswith("※"):
            break
        notes.append(s)
        i += 1
    if not rows:
        raise SourceFormatError(
            SourceLocation(source_file, hits[0] + 1),
            f"table rows after the caption of 「{spec.title}」 ({spec.table_id})",
        )
    return ReportTable(
        table_id=spec.table_id, title=spec.title, source_file=source_file,
        caption_line=hits[0] + 1, unit_line=unit_line, lines=tuple(rows), notes=tuple(notes),
    )


def read_report_lines(path: Path) -> list[str]:
    """Read a report file as UTF-8 text lines; a wrong encoding is reported with its position."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceFormatError(
            SourceLocation(str(path), line), "UTF-8 text", value=repr(data[exc.start : exc.end])
        ) from None
    return text.splitlines()
