"""Japanese government number and year formats, on small inputs."""

from datetime import date

import pytest

from pipelines.parsers.errors import ValueFormatError
from pipelines.parsers.quantities import StaffCount, parse_integer, parse_money_unit, parse_quantity, parse_staff_count
from pipelines.parsers.wareki import (
    era_year_to_gregorian,
    format_wareki_date,
    parse_fiscal_year,
    split_fiscal_year_prefix,
)


@pytest.mark.parametrize(
    ("text", "year", "planned"),
    [
        ("令和元年度", 2019, False),
        ("令和3年度", 2021, False),
        ("令和５年度", 2023, False),  # full-width digit
        ("令和5年度(予定)", 2023, True),
        ("令和5年度（予定）", 2023, True),  # full-width brackets
        ("平成31年度", 2019, False),
    ],
)
def test_fiscal_year_labels_become_gregorian_years(text: str, year: int, planned: bool) -> None:
    fy = parse_fiscal_year(text)
    assert (fy.year, fy.is_planned) == (year, planned)


def test_first_year_of_an_era_is_gannen() -> None:
    assert era_year_to_gregorian("令和", "元") == era_year_to_gregorian("令和", 1) == 2019
    assert era_year_to_gregorian("昭和", 64) == 1989


@pytest.mark.parametrize(("day", "text"), [
    (date(2023, 4, 1), "令和5年4月1日"), (date(2019, 5, 1), "令和元年5月1日"), (date(2019, 4, 30), "平成31年4月30日"),
    (date(1989, 1, 8), "平成元年1月8日"), (date(1989, 1, 7), "昭和64年1月7日"), (date(1926, 12, 25), "昭和元年12月25日"),
    (date(1912, 7, 30), "大正元年7月30日"), (date(1868, 1, 1), "明治元年1月1日"),
])
def test_dates_are_written_in_their_era_with_gannen(day: date, text: str) -> None:
    assert format_wareki_date(day) == text


def test_a_date_before_meiji_has_no_era_to_write() -> None:
    with pytest.raises(ValueFormatError, match="明治"):
        format_wareki_date(date(1867, 12, 31))


def test_budget_column_heading_splits_into_year_and_kind() -> None:
    fy, kind = split_fiscal_year_prefix("令和5年度 当初予算")
    assert (fy.year, fy.label, kind) == (2023, "令和5年度", "当初予算")


@pytest.mark.parametrize("bad", ["2023年度", "令和5年", "令和5年度 補正", ""])
def test_non_fiscal_year_text_is_rejected_with_what_was_expected(bad: str) -> None:
    with pytest.raises(ValueFormatError, match="fiscal year"):
        parse_fiscal_year(bad)


def test_amounts_keep_thousands_separators_apart_from_digits() -> None:
    assert parse_integer("28,069,243") == 28_069_243
    assert parse_integer("1") == 1
    assert parse_integer("△1,000") == -1000  # the government's minus sign


@pytest.mark.parametrize("bad", ["3,2A6,761", "12,34", "1.5", "千"])
def test_amount_with_a_letter_or_misplaced_separator_is_rejected(bad: str) -> None:
    with pytest.raises(ValueFormatError) as info:
        parse_integer(bad)
    assert info.value.value == bad


def test_unit_line_converts_thousand_yen_to_yen() -> None:
    assert parse_money_unit("(単位:千円)") == ("千円", 1000)
    assert parse_money_unit("（単位：千円）") == ("千円", 1000)


def test_quantity_keeps_prefixes_plans_and_period_notes_as_flags() -> None:
    q = parse_quantity("約2,460回")
    assert (q.value, q.unit, q.is_approximate, q.is_cumulative, q.is_planned) == (2460, "回", True, False, False)
    q = parse_quantity("延べ5,000人（予定）")
    assert (q.value, q.unit, q.is_cumulative, q.is_planned, q.period_note) == (5000, "人", True, True, None)
    q = parse_quantity("9団体（7月末まで）")
    assert (q.value, q.unit, q.period_note, q.is_planned) == (9, "団体", "7月末まで", False)
    assert parse_quantity("10名").unit == "名"


def test_quantity_without_a_known_unit_is_rejected() -> None:
    with pytest.raises(ValueFormatError, match="count with a unit"):
        parse_quantity("255")


def test_staff_cell_splits_outside_count_from_staff() -> None:
    assert parse_staff_count("70 (16)") == StaffCount(staff=70, outside=16)
    assert parse_staff_count("343 (29)") == StaffCount(343, 29)
    assert parse_staff_count("12") == StaffCount(12, 0)
    assert parse_staff_count("") == StaffCount(0, 0)
    with pytest.raises(ValueFormatError):
        parse_staff_count("70 (1x)")
