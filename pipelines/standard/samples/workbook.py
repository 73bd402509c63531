"""Workbook bytes that depend only on their content.

openpyxl stamps the save time into ``docProps/core.xml`` and the zip entries; the samples are
fixtures and releases are content-hashed, so both are pinned to :data:`FIXED_TIMESTAMP` and
the zip is rewritten in a stable order. The layout is what municipal workbooks made for
printing have: a title row, a two-row header merged over groups, frozen panes below it.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from pipelines.standard.samples.custom_layout import Col
from pipelines.standard.samples.spec_columns import column_kind

FIXED_TIMESTAMP = (2023, 10, 1, 0, 0, 0)


def _xl_value(value: Any, kind: str | None) -> Any:
    """Workbook cells as a clerk types them: counts and coordinates as numbers, the rest as text."""
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return value
    if kind == "count" and str(value).isdigit():
        return int(value)
    if kind in ("latitude", "longitude", "number"):
        return float(value)
    return str(value)


@dataclass(frozen=True)
class Sheet:
    """One sheet: the set it holds (for its columns' kinds), its tab name, title row, columns and rows."""

    set_id: str
    name: str
    title: str
    design: tuple[Col, ...]
    records: list[dict[str, Any]]


def _fill_sheet(ws: Any, sheet: Sheet) -> None:
    """Title row merged across, header rows 2–3 merged per group, records from row 4."""
    design = sheet.design
    width = len(design)
    bold = Font(bold=True)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.cell(row=1, column=1, value=sheet.title).font = Font(bold=True, size=12)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    col = 1
    while col <= width:
        header = design[col - 1].header
        if isinstance(header, str):  # one name over both header rows
            ws.cell(row=2, column=col, value=header)
            ws.merge_cells(start_row=2, start_column=col, end_row=3, end_column=col)
            col += 1
            continue
        group, end = header[0], col
        while end + 1 <= width and isinstance(design[end].header, tuple) and design[end].header[0] == group:
            end += 1
        ws.cell(row=2, column=col, value=group)
        if end > col:
            ws.merge_cells(start_row=2, start_column=col, end_row=2, end_column=end)
        for c in range(col, end + 1):
            ws.cell(row=3, column=c, value=design[c - 1].header[1])
        col = end + 1
    for row in (2, 3):
        for c in range(1, width + 1):
            ws.cell(row=row, column=c).font = bold
            ws.cell(row=row, column=c).alignment = centre
    kinds = [column_kind(sheet.set_id, column.std) if column.std else None for column in design]
    for i, record in enumerate(sheet.records):
        for c, column in enumerate(design, start=1):
            ws.cell(row=4 + i, column=c, value=_xl_value(column.value(record), kinds[c - 1]))
    for c, column in enumerate(design, start=1):
        ws.column_dimensions[get_column_letter(c)].width = 24 if column.std in ("名称", "名称_カナ", "住所") else 12
    ws.freeze_panes = "A4"


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """A workbook whose bytes depend only on its content: fixed timestamps, stable zip order."""
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        _fill_sheet(wb.create_sheet(sheet.name), sheet)
    wb.properties.creator = "TDPF sample generator"
    wb.properties.created = datetime(*FIXED_TIMESTAMP)
    raw = io.BytesIO()
    wb.save(raw)
    stamp = "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z".format(*FIXED_TIMESTAMP).encode()
    out = io.BytesIO()
    with (zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source,
          zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target):
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time here
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                              rb"\g<1>" + stamp + rb"\g<2>", data)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIMESTAMP)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, data)
    return out.getvalue()
