"""Numbers as Japanese government tables print them.

``約2,460回``, ``延べ5,000人（予定）``, ``70 (16)``, ``28,069,243``: the qualifiers carry
meaning (approximate, cumulative head-count, plan, staff counted outside) and must become
columns, never be stripped into a bare number or mangled into one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.parsers.errors import ValueFormatError
from pipelines.parsers.wareki import normalize

#: Units the bureau report uses for counts.
COUNT_UNITS: tuple[str, ...] = ("件", "人", "回", "名", "団体", "か所", "基", "社", "業務")

#: Multipliers from a stated money unit to yen.
MONEY_UNITS_TO_YEN: dict[str, int] = {"円": 1, "千円": 1_000, "百万円": 1_000_000, "億円": 100_000_000}

_INTEGER = r"(?:\d{1,3}(?:,\d{3})+|\d+)"
_AMOUNT = re.compile(rf"^(?P<sign>[-△▲])?\s*(?P<digits>{_INTEGER})$")
_QUANTITY = re.compile(
    rf"^(?P<prefix>約|延べ|延)?\s*(?P<digits>{_INTEGER})\s*(?P<unit>{'|'.join(COUNT_UNITS)})"
    r"\s*(?P<note>\((?P<note_text>[^)]*)\))?$"
)
_WITH_OUTSIDE = re.compile(rf"^(?P<inside>{_INTEGER})?\s*(?:\((?P<outside>{_INTEGER})\))?$")
_UNIT_LINE = re.compile(r"^\(単位\s*[:：]\s*(?P<unit>[^)]+)\)$")


def parse_integer(text: str) -> int:
    """Parse an integer with optional thousands separators (``1,155,000``)."""
    s = normalize(text)
    m = _AMOUNT.match(s)
    if not m:
        raise ValueFormatError("an integer such as 1,234,567", text)
    value = int(m.group("digits").replace(",", ""))
    return -value if m.group("sign") else value


def parse_money_unit(text: str) -> tuple[str, int]:
    """Parse a ``(単位:千円)`` line into the unit as stated and its multiplier to yen."""
    m = _UNIT_LINE.match(normalize(text))
    if not m:
        raise ValueFormatError("a unit line such as (単位:千円)", text)
    unit = m.group("unit").strip()
    if unit not in MONEY_UNITS_TO_YEN:
        raise ValueFormatError(f"a money unit ({'/'.join(MONEY_UNITS_TO_YEN)})", unit)
    return unit, MONEY_UNITS_TO_YEN[unit]


def is_unit_line(text: str) -> bool:
    """True for lines like ``(単位:千円)`` that state the unit of the table below them."""
    return bool(_UNIT_LINE.match(normalize(text)))


@dataclass(frozen=True)
class Quantity:
    """A count with its unit and the qualifiers printed around it."""

    value: int
    unit: str
    is_approximate: bool  # 約
    is_cumulative: bool  # 延べ: people or events counted once per occurrence
    is_planned: bool  # (予定)
    period_note: str | None  # e.g. "7月末まで": the figure covers part of the year


def parse_quantity(text: str) -> Quantity:
    """Parse ``約2,460回``, ``延べ5,000人（予定）``, ``11件`` or ``9団体（7月末まで）``."""
    s = normalize(text)
    m = _QUANTITY.match(s)
    if not m:
        raise ValueFormatError(
            f"a count with a unit ({'/'.join(COUNT_UNITS)}), optionally prefixed by 約 or 延べ, "
            "such as 約2,460回",
            text,
        )
    note = (m.group("note_text") or "").strip() or None
    is_planned = note in ("予定", "見込", "見込み")
    prefix = m.group("prefix")
    return Quantity(
        value=int(m.group("digits").replace(",", "")),
        unit=m.group("unit"),
        is_approximate=prefix == "約",
        is_cumulative=prefix in ("延べ", "延"),
        is_planned=is_planned,
        period_note=None if is_planned else note,
    )


@dataclass(frozen=True)
class StaffCount:
    """Staff in a cell: regular staff, and staff counted outside (外書) in parentheses."""

    staff: int
    outside: int


def parse_staff_count(text: str) -> StaffCount:
    """Parse ``70 (16)`` as 70 staff plus 16 counted outside; an empty cell means none."""
    s = normalize(text)
    if s == "":
        return StaffCount(0, 0)
    m = _WITH_OUTSIDE.match(s)
    if not m or (m.group("inside") is None and m.group("outside") is None):
        raise ValueFormatError("a staff count such as 70 or 70 (16), or an empty cell", text)
    inside = int(m.group("inside").replace(",", "")) if m.group("inside") else 0
    outside = int(m.group("outside").replace(",", "")) if m.group("outside") else 0
    return StaffCount(inside, outside)
