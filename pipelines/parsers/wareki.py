"""Japanese era (和暦) years and fiscal years.

Government documents write years as 令和5年度; open data needs Gregorian years. The era
table is the official one; 元年 is the first year of an era. One writer goes the other way
(:func:`format_wareki_date`), for sample files dated the way forms print dates.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from pipelines.parsers.errors import ValueFormatError

#: First Gregorian year of each era (year 1 = 元年).
ERA_START_YEAR: dict[str, int] = {
    "明治": 1868,
    "大正": 1912,
    "昭和": 1926,
    "平成": 1989,
    "令和": 2019,
}
#: Month and day each era began; 明治 counts from 1 January, its name being applied to all of 1868.
ERA_START_DAY: dict[str, tuple[int, int]] = {
    "明治": (1, 1), "大正": (7, 30), "昭和": (12, 25), "平成": (1, 8), "令和": (5, 1),
}

_ERA_YEAR = re.compile(r"^(?P<era>明治|大正|昭和|平成|令和)\s*(?P<n>元|\d{1,2})\s*年")
_FISCAL_YEAR = re.compile(
    r"^(?P<era>明治|大正|昭和|平成|令和)\s*(?P<n>元|\d{1,2})\s*年度\s*(?P<rest>.*)$"
)
_PLANNED = re.compile(r"^\((?:予定|見込み?)\)$")


def normalize(text: str) -> str:
    """NFKC-normalise and trim, so full-width digits, brackets and colons compare equal."""
    return unicodedata.normalize("NFKC", text).strip()


def era_year_to_gregorian(era: str, year_in_era: str | int) -> int:
    """Convert an era name and a year within it (``"元"`` or a number) to a Gregorian year."""
    if era not in ERA_START_YEAR:
        raise ValueFormatError(f"a Japanese era name ({'/'.join(ERA_START_YEAR)})", era)
    n = 1 if year_in_era == "元" else int(year_in_era)
    if n < 1:
        raise ValueFormatError("an era year of 元 or 1 and above", str(year_in_era))
    return ERA_START_YEAR[era] + n - 1


def format_wareki_date(day: date) -> str:
    """``2019-05-01`` → ``令和元年5月1日``: a date as Japanese forms print it, an era's first year as 元年."""
    for era in reversed(ERA_START_YEAR):
        first = date(ERA_START_YEAR[era], *ERA_START_DAY[era])
        if day >= first:
            n = day.year - first.year + 1
            return f"{era}{'元' if n == 1 else n}年{day.month}月{day.day}日"
    raise ValueFormatError("a date from 明治元年1月1日 (1868-01-01) on", day.isoformat())


@dataclass(frozen=True)
class FiscalYear:
    """A fiscal year label as printed, its Gregorian start year and whether it is a plan."""

    label: str
    year: int
    is_planned: bool


def parse_fiscal_year(text: str) -> FiscalYear:
    """Parse ``令和3年度`` / ``令和5年度(予定)`` / ``令和元年度``.

    A trailing ``(予定)`` marks figures that are plans, which must never be mixed with
    actuals downstream, so it is returned as a flag rather than discarded.
    """
    s = normalize(text)
    m = _FISCAL_YEAR.match(s)
    if not m:
        raise ValueFormatError("a fiscal year such as 令和5年度", text)
    rest = m.group("rest").strip()
    if rest and not _PLANNED.match(rest):
        raise ValueFormatError("a fiscal year optionally followed by (予定)", text)
    year = era_year_to_gregorian(m.group("era"), m.group("n"))
    label = f"{m.group('era')}{m.group('n')}年度"
    return FiscalYear(label=label, year=year, is_planned=bool(rest))


def split_fiscal_year_prefix(text: str) -> tuple[FiscalYear, str]:
    """Split ``令和5年度当初予算`` into the fiscal year and what follows (``当初予算``)."""
    s = normalize(text)
    m = re.match(r"^(?P<fy>(?:明治|大正|昭和|平成|令和)\s*(?:元|\d{1,2})\s*年度)\s*(?P<rest>.*)$", s)
    if not m:
        raise ValueFormatError("a heading starting with a fiscal year such as 令和5年度", text)
    return parse_fiscal_year(m.group("fy")), m.group("rest").strip()
