"""The bureau report's tables, parsed from the shipped landing excerpt and the full report."""

from dataclasses import asdict
from pathlib import Path

import pytest

from pipelines.parsers import bureau_report as br
from pipelines.parsers.errors import SourceFormatError
from pipelines.parsers.report_tables import TableSpec, find_table, read_report_lines
from tests.conftest import LANDING_REPORT, SEED_REPORT


def _lines(path: Path) -> list[str]:
    return read_report_lines(path)


@pytest.fixture(scope="module")
def landing() -> list[str]:
    return _lines(LANDING_REPORT)


@pytest.fixture(scope="module")
def full_report() -> list[str]:
    if not SEED_REPORT.exists():
        pytest.fail(f"the full report is expected at {SEED_REPORT} (../shared beside the clone)")
    return _lines(SEED_REPORT)


def test_expenditure_items_add_up_to_the_stated_total(landing: list[str]) -> None:
    rows = br.parse_budget(landing, "r.md")
    exp = [r for r in rows if r.table_id == "budget_expenditure"]
    stated = {r.item: r.amount_stated for r in exp}
    items = [r for r in exp if r.item not in ("デジタルサービス費", "管理費")]
    assert len(items) == 15
    assert sum(r.amount_stated for r in items) == stated["管理費"] == stated["デジタルサービス費"] == 44_684_000
    assert sum(r.amount_yen for r in items) == 44_684_000_000
    assert {r.unit_stated for r in rows} == {"千円"}
    assert {(r.fiscal_year, r.budget_kind) for r in rows} == {(2023, "当初予算")}


def test_budget_labels_keep_print_and_lose_inner_spaces(landing: list[str]) -> None:
    total = [r for r in br.parse_budget(landing, "r.md") if r.table_id == "budget_total"]
    assert [(r.item_label, r.item) for r in total] == [
        ("歳 入", "歳入"), ("歳 出", "歳出"), ("差引一般財源", "差引一般財源")]


def test_staffing_keeps_outside_counts_in_their_own_column(landing: list[str]) -> None:
    cells = {(c.org_unit, c.column_label): c for c in br.parse_staffing_by_rank(landing, "r.md")}
    bureau_deputy = cells[("デジタルサービス局", "課長代理")]
    assert (bureau_deputy.staff_count, bureau_deputy.outside_count) == (70, 16)
    assert (cells[("デジタルサービス局", "合計")].staff_count, cells[("デジタルサービス局", "合計")].outside_count) == (343, 29)
    assert cells[("デジタルサービス局", "定数")].column_kind == "authorized"
    assert cells[("戦略部", "理事")].staff_count == 0  # an empty cell is none, not missing


def test_section_rows_sum_to_department_rows_in_the_report(landing: list[str]) -> None:
    cells = br.parse_staffing_by_rank(landing, "r.md")
    total = {c.org_unit: (c.staff_count, c.outside_count) for c in cells if c.column_label == "合計"}
    strategy_sections = ["戦略課", "区市町村DX協働課", "デジタル推進課", "デジタル改革課"]
    assert tuple(map(sum, zip(*(total[u] for u in strategy_sections)))) == total["戦略部"] == (154, 16)
    departments = ["総務部", "戦略部", "デジタルサービス推進部", "デジタル基盤整備部"]
    assert tuple(map(sum, zip(*(total[u] for u in departments)))) == total["デジタルサービス局"]


def test_programme_figures_flag_plans_approximations_and_part_years(landing: list[str]) -> None:
    figures = br.parse_programme_figures(landing, "r.md")
    by = {(f.programme_id, f.measure, f.category, f.fiscal_year): f for f in figures}
    assert by[("technical_support", "サポート件数", None, 2022)].value == 346
    divide = by[("digital_divide_events", "支援対象者人数", None, 2023)]
    assert (divide.value, divide.is_approximate, divide.is_planned) == (22_500, True, True)
    training = by[("municipal_staff_training", "受講者数", "勉強会・研修会", 2023)]
    assert (training.is_cumulative, training.is_planned) == (True, True)
    spot = by[("spot_consultation", "相談団体数", None, 2023)]
    assert (spot.value, spot.unit, spot.period_note) == (9, "団体", "7月末まで")
    ict = [f for f in figures if f.programme_id == "ict_recruitment"]
    assert sum(f.value for f in ict if f.fiscal_year == 2023) == 39
    assert {f.programme_id for f in figures} == {s.table.table_id for s in br.PROGRAMMES}
    assert by[("system_assessment", "実施件数", None, 2021)].value == 18


def _facts(rows: list[object]) -> list[dict[str, object]]:
    """Row contents without their position in a particular file."""
    return [
        {k: v for k, v in asdict(r).items() if k not in ("source_file", "source_line")}  # type: ignore[call-overload]
        for r in rows
    ]


@pytest.mark.parametrize(
    "parse",
    [br.parse_budget, br.parse_staffing_by_rank, br.parse_staffing_by_job_type, br.parse_programme_figures],
    ids=lambda f: f.__name__,
)
def test_full_report_gives_the_same_figures_as_the_landing_excerpt(
    parse, landing: list[str], full_report: list[str]  # type: ignore[no-untyped-def]
) -> None:
    from_report = parse(full_report, SEED_REPORT.name)
    assert from_report, "nothing parsed from the full report"
    assert _facts(from_report) == _facts(parse(landing, LANDING_REPORT.name))
    # lines point into the full report, not the excerpt
    first = from_report[0]
    assert full_report[first.source_line - 1].strip() != ""


def test_letter_in_an_amount_names_table_line_column_and_value(landing: list[str]) -> None:
    broken = list(landing)
    line_no = next(i for i, line in enumerate(broken) if line.startswith("職員費\t")) + 1
    broken[line_no - 1] = "職員費\t3,2A6,761"
    with pytest.raises(SourceFormatError) as info:
        br.parse_budget(broken, "landing/bureau_report/r.md")
    message = str(info.value)
    assert message.startswith(f"landing/bureau_report/r.md:{line_no}:2:")
    assert "歳出" in message and "'3,2A6,761'" in message and "expected an integer" in message


def test_missing_table_names_the_caption_it_looked_for() -> None:
    with pytest.raises(SourceFormatError, match="総額"):
        br.parse_budget(["# nothing here"], "empty.md")


def test_ambiguous_caption_lists_every_line_it_was_found_on() -> None:
    lines = ["[受講規模]", "令和4年度\t勉強会\t延べ1人", "", "[受講規模]", "令和5年度\t勉強会\t延べ2人"]
    with pytest.raises(SourceFormatError, match="lines 1, 4"):
        find_table(lines, TableSpec("t", "受講規模", r"\[受講規模\]"), "x.md")


def test_parentheses_without_a_note_saying_what_they_count_are_rejected(landing: list[str]) -> None:
    without_note = [line for line in landing if "外書" not in line]
    with pytest.raises(SourceFormatError, match="外書"):
        br.parse_staffing_by_rank(without_note, "r.md")
