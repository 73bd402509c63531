"""Typed rows from the tables of the bureau's annual report (事業概要).

Each public ``parse_*`` function takes the report's lines and returns rows for one raw
table. Rows keep the label as printed, the file, line and column they came from, and the
unit the document stated, so every published figure can be traced back to the page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from pipelines.parsers.columns import described
from pipelines.parsers.errors import ValueFormatError
from pipelines.parsers.quantities import (
    Quantity,
    parse_integer,
    parse_money_unit,
    parse_quantity,
    parse_staff_count,
)
from pipelines.parsers.report_tables import ReportTable, TableLine, TableSpec, find_table
from pipelines.parsers.wareki import FiscalYear, normalize, parse_fiscal_year, split_fiscal_year_prefix


# --------------------------------------------------------------------------- budget

BUDGET_TABLES: tuple[TableSpec, ...] = (
    TableSpec("budget_total", "総額", r"1\s*総\s*額"),
    TableSpec("budget_revenue", "歳入", r"2\s*歳\s*入"),
    TableSpec("budget_expenditure", "歳出", r"3\s*歳\s*出"),
)


@dataclass(frozen=True)
class BudgetLine:
    """One printed row of a budget table, with the amount in the unit the table stated."""

    table_id: str = field(metadata=described("budget table: budget_total / budget_revenue / budget_expenditure"))
    table_title: str = field(metadata=described("table title as printed (総額 / 歳入 / 歳出)"))
    row_index: int = field(metadata=described("position of the row in the table, from 1"))
    item_label: str = field(metadata=described("区分 as printed, spaces included"))
    item: str = field(metadata=described("区分 with spaces removed"))
    fiscal_year: int = field(metadata=described("fiscal year (Gregorian year in which it starts)"))
    fiscal_year_label: str = field(metadata=described("fiscal year as printed (和暦)"))
    budget_kind: str = field(metadata=described("kind of budget from the column heading, e.g. 当初予算"))
    amount_stated: int = field(metadata=described("amount in the unit the table stated"))
    unit_stated: str = field(metadata=described("unit the table stated, e.g. 千円"))
    amount_yen: int = field(metadata=described("amount converted to yen"))
    source_file: str = field(metadata=described("landing file the row was read from"))
    source_line: int = field(metadata=described("line in the landing file, from 1"))
    source_column: int = field(metadata=described("cell (column) of the amount, from 1"))


def parse_budget(lines: Sequence[str], source_file: str) -> list[BudgetLine]:
    """Rows of 総額, 歳入 and 歳出, amounts converted from the stated unit to yen."""
    rows: list[BudgetLine] = []
    for spec in BUDGET_TABLES:
        rows.extend(_budget_rows(find_table(lines, spec, source_file)))
    return rows


def _budget_rows(table: ReportTable) -> list[BudgetLine]:
    if table.unit_line is None:
        raise table.error(table.caption_line, "a unit line such as (単位:千円) before the table")
    try:
        unit, multiplier = parse_money_unit(table.unit_line.text)
    except ValueFormatError as exc:
        raise table.error(table.unit_line.number, exc.expected, exc.value) from None
    header, *body = table.lines
    _expect_cells(table, header, 2)
    column_label = header.cells[1]
    try:
        fy, kind = split_fiscal_year_prefix(column_label)
    except ValueFormatError as exc:
        raise table.error(header.number, exc.expected, exc.value, column=2) from None
    out: list[BudgetLine] = []
    for index, row in enumerate(body, start=1):
        _expect_cells(table, row, 2)
        amount = _cell(table, row, 2, column_label, parse_integer)
        out.append(
            BudgetLine(
                table_id=table.table_id, table_title=table.title, row_index=index,
                item_label=row.cells[0], item=_squash(row.cells[0]), fiscal_year=fy.year,
                fiscal_year_label=fy.label, budget_kind=kind, amount_stated=amount,
                unit_stated=unit, amount_yen=amount * multiplier, source_file=table.source_file,
                source_line=row.number, source_column=2,
            )
        )
    return out


# --------------------------------------------------------------------------- staffing

STAFFING_BY_RANK = TableSpec("staffing_by_rank", "職層別内訳", r"\(1\)\s*職層別内訳")
STAFFING_BY_JOB_TYPE = TableSpec("staffing_by_job_type", "職種別内訳", r"\(2\)\s*職種別内訳")

_TOTAL_HEADINGS = {"合計", "計"}
_AUTHORIZED_HEADINGS = {"定数"}


@dataclass(frozen=True)
class StaffingCell:
    """One cell of a staffing table: an organisational unit and one column of counts."""

    table_id: str = field(metadata=described("staffing table: staffing_by_rank / staffing_by_job_type"))
    row_index: int = field(metadata=described("position of the row in the table, from 1"))
    org_unit: str = field(metadata=described("局/部/課 as printed"))
    column_label: str = field(metadata=described("column heading: a rank (職層) or job type (職種), 合計 or 定数"))
    column_kind: str = field(metadata=described("breakdown (a rank or job type), total (合計) or authorized (定数)"))
    staff_count: int = field(metadata=described("staff counted in the unit (an empty cell is 0)"))
    outside_count: int = field(metadata=described("staff printed in parentheses: seconded or trainee staff counted outside (外書)"))
    source_file: str = field(metadata=described("landing file the cell was read from"))
    source_line: int = field(metadata=described("line in the landing file, from 1"))
    source_column: int = field(metadata=described("cell (column) in the printed table, from 1"))


def parse_staffing_by_rank(lines: Sequence[str], source_file: str) -> list[StaffingCell]:
    """職層別内訳: staff per unit and rank, with 外書 counts kept in their own column."""
    table = find_table(lines, STAFFING_BY_RANK, source_file)
    cells = _staffing_cells(table)
    if any(c.outside_count for c in cells) and not any("外書" in n for n in table.notes):
        raise table.error(
            table.lines[-1].number,
            "a note (※ …外書) saying what the numbers in parentheses count",
        )
    return cells


def parse_staffing_by_job_type(lines: Sequence[str], source_file: str) -> list[StaffingCell]:
    """職種別内訳: staff per unit and job type (事務, 土木, ICT …)."""
    return _staffing_cells(find_table(lines, STAFFING_BY_JOB_TYPE, source_file))


def _staffing_cells(table: ReportTable) -> list[StaffingCell]:
    header, *body = table.lines
    headings = header.cells[1:]
    if not headings or any(h == "" for h in headings):
        raise table.error(header.number, "a header row naming every column", header.text)
    out: list[StaffingCell] = []
    for index, row in enumerate(body, start=1):
        if not row.cells[0]:
            raise table.error(row.number, "the name of a 局, 部 or 課 in the first cell", row.text, column=1)
        if len(row.cells) > len(header.cells):
            raise table.error(row.number, f"at most {len(header.cells)} cells", row.text)
        for offset, heading in enumerate(headings, start=2):
            count = _cell(table, row, offset, heading, parse_staff_count)
            kind = "total" if heading in _TOTAL_HEADINGS else (
                "authorized" if heading in _AUTHORIZED_HEADINGS else "breakdown")
            out.append(
                StaffingCell(
                    table_id=table.table_id, row_index=index, org_unit=_squash(row.cells[0]),
                    column_label=heading, column_kind=kind, staff_count=count.staff,
                    outside_count=count.outside, source_file=table.source_file,
                    source_line=row.number, source_column=offset,
                )
            )
    return out


# --------------------------------------------------------------------------- programme figures


@dataclass(frozen=True)
class ProgrammeSpec:
    """A programme table and how its rows and columns map to measures and categories."""

    table: TableSpec
    title_en: str
    shape: str  # "year_rows" | "year_columns" | "records"
    measure: str | None = None  # fixed measure name; None when rows name the measure
    measure_by_unit: dict[str, str] = field(default_factory=dict)  # records: unit → measure


PROGRAMMES: tuple[ProgrammeSpec, ...] = (
    ProgrammeSpec(
        TableSpec("technical_support", "各局への技術サポート実績", r"(?:[a-z]\s+)?サポート実績"),
        "Technical support given to bureaus", "year_rows", measure="サポート件数",
    ),
    ProgrammeSpec(
        TableSpec("municipal_staff_training", "区市町村職員向け勉強会・研修会の受講規模", r"\[受講規模\]"),
        "Attendance at study sessions and training for municipal staff", "year_rows",
        measure="受講者数",
    ),
    ProgrammeSpec(
        TableSpec("spot_consultation", "スポット相談(アウトリーチ相談)実績",
                  r"\[スポット相談\(アウトリーチ相談\)実績\]", layout="records"),
        "Spot (outreach) consultations for municipalities", "records",
        measure_by_unit={"件": "相談件数", "団体": "相談団体数"},
    ),
    ProgrammeSpec(
        TableSpec("ict_recruitment", "ICT職の採用状況", r"\[.*採用状況\]"),
        "Recruitment into the ICT job track", "year_columns", measure="採用者数",
    ),
    ProgrammeSpec(
        TableSpec("digital_divide_events", "デジタルデバイド対策の開催規模", r"\[開催規模\]"),
        "Digital-divide programme: events held and people supported", "year_columns",
    ),
    ProgrammeSpec(
        TableSpec("system_assessment", "システムアセスメント実施件数",
                  r"\[システムアセスメント実施\]", layout="records"),
        "System assessments carried out", "records", measure_by_unit={"件": "実施件数"},
    ),
)


@dataclass(frozen=True)
class ProgrammeFigure:
    """One figure of a programme table, with its qualifiers as columns."""

    programme_id: str = field(metadata=described("programme table id"))
    programme: str = field(metadata=described("programme table title (Japanese)"))
    programme_en: str = field(metadata=described("programme table title (English)"))
    measure: str = field(metadata=described("what is counted, e.g. 相談件数"))
    category: str | None = field(metadata=described("breakdown within the measure, e.g. 試験区分; null when none"))
    fiscal_year: int = field(metadata=described("fiscal year (Gregorian year in which it starts)"))
    fiscal_year_label: str = field(metadata=described("fiscal year as printed (和暦)"))
    value: int = field(metadata=described("the figure"))
    unit: str = field(metadata=described("unit as printed: 件, 人, 回, 名, 団体"))
    is_approximate: bool = field(metadata=described("printed with 約 (approximately)"))
    is_cumulative: bool = field(metadata=described("printed with 延べ (counted once per occurrence)"))
    is_planned: bool = field(metadata=described("a plan (予定), not an actual"))
    period_note: str | None = field(metadata=described("part-year note as printed, e.g. 7月末まで"))
    source_file: str = field(metadata=described("landing file the figure was read from"))
    source_line: int = field(metadata=described("line in the landing file, from 1"))
    source_column: int = field(metadata=described("cell (column) in the printed table, from 1"))


def parse_programme_figures(lines: Sequence[str], source_file: str) -> list[ProgrammeFigure]:
    """All programme tables (support, training, consultations, recruitment, divide, assessments)."""
    out: list[ProgrammeFigure] = []
    for spec in PROGRAMMES:
        table = find_table(lines, spec.table, source_file)
        parse = {"year_rows": _year_rows, "year_columns": _year_columns, "records": _records}[spec.shape]
        out.extend(parse(spec, table))
    return out


def _figure(
    spec: ProgrammeSpec, table: ReportTable, row: TableLine, column: int, fy: FiscalYear,
    q: Quantity, measure: str, category: str | None,
) -> ProgrammeFigure:
    return ProgrammeFigure(
        programme_id=spec.table.table_id, programme=spec.table.title, programme_en=spec.title_en,
        measure=measure, category=category, fiscal_year=fy.year, fiscal_year_label=fy.label,
        value=q.value, unit=q.unit, is_approximate=q.is_approximate, is_cumulative=q.is_cumulative,
        is_planned=fy.is_planned or q.is_planned, period_note=q.period_note,
        source_file=table.source_file, source_line=row.number, source_column=column,
    )


def _year_rows(spec: ProgrammeSpec, table: ReportTable) -> list[ProgrammeFigure]:
    """Rows start with a fiscal year; the last cell is the count; a middle cell is a category.

    A leading header row (年度 | 件数 …) is recognised by its first cell not being a year.
    Extra trailing cells (the report's 'examples' column) are prose and are ignored.
    """
    body = list(table.lines)
    if body and not _looks_like_year(body[0].cells[0]):
        body = body[1:]
    out = []
    for row in body:
        fy = _cell(table, row, 1, "年度", parse_fiscal_year)
        category = row.cells[1] if len(row.cells) >= 3 and not _has_digit(row.cells[1]) else None
        value_col = 3 if category is not None else 2
        _expect_cells(table, row, value_col)
        q = _cell(table, row, value_col, spec.measure or "", parse_quantity)
        out.append(_figure(spec, table, row, value_col, fy, q, spec.measure or "", category))
    return out


def _year_columns(spec: ProgrammeSpec, table: ReportTable) -> list[ProgrammeFigure]:
    """Columns are fiscal years (the header row may sit under a spanning header row)."""
    header_index = next(
        (i for i, line in enumerate(table.lines)
         if len(line.cells) > 1 and all(_looks_like_year(c) for c in line.cells[1:] if c)
         and any(line.cells[1:])),
        None,
    )
    if header_index is None:
        raise table.error(table.lines[0].number, "a header row of fiscal years (令和N年度 …)")
    header = table.lines[header_index]
    years = {i + 1: _cell(table, header, i + 1, "年度", parse_fiscal_year)
             for i, c in enumerate(header.cells) if i > 0 and c}
    out = []
    for row in table.lines[header_index + 1:]:
        label = row.cells[0]
        if not label:
            raise table.error(row.number, "a row label in the first cell", row.text, column=1)
        for column, fy in years.items():
            _expect_cells(table, row, column)
            q = _cell(table, row, column, header.cells[column - 1], parse_quantity)
            measure = spec.measure or label
            category = label if spec.measure else None
            out.append(_figure(spec, table, row, column, fy, q, measure, category))
    return out


def _records(spec: ProgrammeSpec, table: ReportTable) -> list[ProgrammeFigure]:
    """One line per year: ``令和3年度 17件、14団体`` or ``令和3年度：18件``."""
    out = []
    for row in table.lines:
        text = normalize(row.text)
        m = re.match(r"^(?P<fy>\S+?年度)\s*:?\s*(?P<rest>.+)$", text)
        if not m:
            raise table.error(row.number, "a line such as 令和3年度 17件、14団体", row.text)
        fy = _parse_at(table, row, 1, "年度", parse_fiscal_year, m.group("fy"))
        rest = m.group("rest")
        # A trailing note in brackets applies to every figure of the line: 11件、9団体(7月末まで)
        note_match = re.search(r"\(([^)]*)\)$", rest)
        note = note_match.group(1).strip() if note_match else None
        if note_match:
            rest = rest[: note_match.start()]
        for position, part in enumerate(re.split(r"、\s*", rest), start=2):
            q = _parse_at(table, row, position, "figure", parse_quantity, part.strip())
            if note and note not in ("予定",):
                q = Quantity(q.value, q.unit, q.is_approximate, q.is_cumulative, q.is_planned, note)
            elif note == "予定":
                q = Quantity(q.value, q.unit, q.is_approximate, q.is_cumulative, True, q.period_note)
            measure = spec.measure_by_unit.get(q.unit)
            if measure is None:
                raise table.error(
                    row.number, f"a figure in {'/'.join(spec.measure_by_unit)}", part, column=position
                )
            out.append(_figure(spec, table, row, position, fy, q, measure, None))
    return out


# --------------------------------------------------------------------------- helpers


def _squash(label: str) -> str:
    """Remove the spaces the report puts inside short labels (``歳 入`` → ``歳入``)."""
    return "".join(normalize(label).split())


def _has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in normalize(text))


def _looks_like_year(text: str) -> bool:
    try:
        parse_fiscal_year(text)
    except ValueFormatError:
        return False
    return True


def _expect_cells(table: ReportTable, row: TableLine, count: int) -> None:
    if len(row.cells) < count:
        raise table.error(row.number, f"at least {count} tab-separated cells", row.text)


def _cell(table: ReportTable, row: TableLine, column: int, column_name: str, parse):  # type: ignore[no-untyped-def]
    raw = row.cells[column - 1] if column - 1 < len(row.cells) else ""
    return _parse_at(table, row, column, column_name, parse, raw)


def _parse_at(table: ReportTable, row: TableLine, column: int, column_name: str, parse, raw: str):  # type: ignore[no-untyped-def]
    try:
        return parse(raw)
    except ValueFormatError as exc:
        raise table.error(row.number, exc.expected, raw, column=column, column_name=column_name) from None
