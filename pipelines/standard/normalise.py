"""Value normalisation shared by every 自治体標準オープンデータセット column.

Municipal files write the same value in many ways: full-width digits, 和暦 dates, Excel
serial numbers, codes that lost their leading zero, half-width katakana, ``○`` for yes. The
standard (``specs/standard_datasets.md`` §1) fixes one canonical text per kind of column, so
that files from different publishers can be stacked and compared. This module turns one cell
into that text — or says precisely why it cannot.

Three principles:

* **Repair what is unambiguous, and say so.** Every change beyond the canonical form is
  returned as a human-readable note (``Normalised.repairs``) so the conformance report can
  tell the publisher what to fix at the source.
* **Never guess between two values.** When a cell holds two phone numbers, a DMS coordinate
  or ``4/1～10/31 6:00``, normalisation refuses (``ValueFormatError``) instead of picking one.
* **Blank is not an error here.** Whether a column is required is the checker's business;
  blank input (and a dash-only placeholder such as ``－``) comes back as ``None``.

Every rejection is a :class:`~pipelines.parsers.errors.ValueFormatError` whose ``expected`` text
a data engineer can act on; the caller adds the file, line and column.

Decisions where the rules left a choice (each is also stated at its function):

* kana: letters, digits and symbols are allowed and widened to full-width (the column is 全角).
* identifier: never rejected (only narrowed); ascii_text is the kind that must be ASCII.
* 法人番号: the check digit is enforced; a 12-digit 会社法人等番号 gets its check digit prepended.
* date: era years past the era's end (平成32年 = 2020) are accepted with a repair note;
  dates before an era's first day (令和元年4月1日) are rejected. Excel serials are accepted as
  exactly 5 digits (10000–99999 = 1927-05-18…2173-10-13).
* time: ``0830`` (exactly 4 digits) is accepted; ``24:00`` is rejected.
* phone: several numbers in one cell are rejected (we never choose which one is meant);
  a trailing remark in brackets (``（スポーツ課）``) is dropped with a note.
* extension: several extensions (``2442・2421``) are joined with the standard's ``;``.
* placeholders: a cell of only dashes (``－``, ``―``) is blank (with a note) for every kind but
  text, identifier, ascii_text, list and choice; so are ``なし``/``不明``, except in yes_no
  (なし = 無) and kana.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import jaconv

from pipelines.parsers.errors import ValueFormatError
from pipelines.parsers.wareki import ERA_START_YEAR, era_year_to_gregorian

__all__ = [
    "KINDS",
    "Normalised",
    "ascii_text",
    "check_digit",
    "choice",
    "coordinate",
    "coordinates",
    "corporate_check_digit",
    "corporate_number",
    "count",
    "email",
    "extension",
    "flag",
    "hhmm",
    "identifier",
    "iso_date",
    "kana",
    "latitude",
    "lg_code",
    "longitude",
    "normalise",
    "number",
    "phone",
    "postal_code",
    "text",
    "town_id",
    "url",
    "value_list",
    "weekdays",
    "yes_no",
]

#: The kinds of column value this module normalises (``spec.KINDS`` names the same set).
KINDS: tuple[str, ...] = (
    "text", "identifier", "lg_code", "kana", "ascii_text", "date", "time", "weekdays",
    "latitude", "longitude", "count", "number", "yes_no", "flag", "phone", "extension",
    "postal_code", "url", "email", "corporate_number", "town_id", "list", "choice",
)


@dataclass(frozen=True)
class Normalised:
    """A cell's canonical text (``None`` when blank) and the repairs that produced it.

    Repairs are kept next to the value, not logged, because the conformance report must
    list them per cell: a repaired value is publishable, but the publisher should still
    fix the source.
    """

    value: str | None
    repairs: tuple[str, ...] = ()


# --------------------------------------------------------------------------------------
# Shared machinery
# --------------------------------------------------------------------------------------


class _Invalid(Exception):
    """Raised inside a normaliser; :func:`_apply` turns it into a ValueFormatError on the raw cell."""

    def __init__(self, expected: str) -> None:
        super().__init__(expected)
        self.expected = expected


_EDGE_SPACE = re.compile(r"^[\s\ufeff\u200b]+|[\s\ufeff\u200b]+$")
#: Every dash-like character publishers type where a hyphen is meant.
_DASHES = "-‐‑‒–—―−－ー─━ｰ"
_DASH_CLASS = "[" + re.escape(_DASHES) + "]"
_DASH_ONLY = re.compile(_DASH_CLASS + "+")
_TO_HYPHEN = str.maketrans({c: "-" for c in _DASHES})
#: Words publishers write for "no value" (the checker decides whether blank is allowed).
_NO_VALUE_WORDS = frozenset({"なし", "無し", "該当なし", "不明"})
#: Full-width ASCII letters and digits only (free text keeps its full-width punctuation).
_NARROW_ALNUM = str.maketrans(
    {chr(0xFF10 + i): chr(0x30 + i) for i in range(10)}
    | {chr(0xFF21 + i): chr(0x41 + i) for i in range(26)}
    | {chr(0xFF41 + i): chr(0x61 + i) for i in range(26)}
)

Placeholders = Literal["none", "dash", "all"]


def _trim(value: str) -> str:
    """Strip surrounding whitespace, including U+3000, BOM and zero-width space."""
    return _EDGE_SPACE.sub("", value)


def _apply(core: Callable[[str, list[str]], str | None], value: str | None,
           placeholders: Placeholders = "all") -> Normalised:
    """Run one normaliser on a raw cell: trim, treat blank/placeholders, collect repairs.

    Errors carry the cell exactly as published, so the report shows what the user sees.
    """
    if value is None:
        return Normalised(None)
    if not isinstance(value, str):
        raise TypeError(f"cell values are text; got {type(value).__name__} {value!r}")
    s = _trim(value)
    if not s:
        return Normalised(None)
    repairs: list[str] = []
    if s != value:
        repairs.append("trimmed surrounding whitespace")
    if placeholders != "none" and (
        _DASH_ONLY.fullmatch(s) or (placeholders == "all" and s in _NO_VALUE_WORDS)
    ):
        repairs.append(f"placeholder {s!r} read as blank")
        return Normalised(None, tuple(repairs))
    try:
        out = core(s, repairs)
    except _Invalid as exc:
        raise ValueFormatError(exc.expected, value) from None
    return Normalised(out, tuple(dict.fromkeys(repairs)))


def _nfkc(s: str, repairs: list[str]) -> str:
    """NFKC for structured values: full-width digits, letters, ``：`` ``／`` ``－`` become ASCII."""
    t = unicodedata.normalize("NFKC", s)
    if t != s:
        repairs.append("full-width characters narrowed to half-width")
    return t


def _drop_excel_decimal(s: str, repairs: list[str]) -> str:
    """``131041.0`` → ``131041``: Excel stores codes typed as numbers as floats."""
    m = re.fullmatch(r"(\d+)\.0+", s)
    if m:
        repairs.append(f"dropped Excel decimal from {s}")
        return m.group(1)
    return s


# --------------------------------------------------------------------------------------
# Free text
# --------------------------------------------------------------------------------------


#: 番地 such as １－４－１ or 1ー4ー1: any dash-like character between two digits.
_DASH_BETWEEN_DIGITS = re.compile(r"(?<=\d)[－‐‑–—―−ー-](?=\d)")


#: Half-width katakana and its sound marks (U+FF61–FF9F): all that jaconv's kana widening changes.
_HALF_WIDTH_KANA = re.compile(r"[\uFF61-\uFF9F]")


def _widen_kana(s: str) -> str:
    """ｲﾁｶﾜ → イチカワ; the search first, because most text has none and jaconv walks every character."""
    return jaconv.h2z(s, kana=True, ascii=False, digit=False) if _HALF_WIDTH_KANA.search(s) else s


def _step(s: str, convert: Callable[[str], str], note: str, repairs: list[str]) -> str:
    """Apply one conversion; record ``note`` only when it changed something."""
    t = convert(s)
    if t != s:
        repairs.append(note)
    return t


def _text(s: str, repairs: list[str]) -> str:
    s = _step(s, _widen_kana, "half-width katakana widened", repairs)
    s = _step(s, lambda v: v.translate(_NARROW_ALNUM), "full-width letters/digits narrowed to half-width", repairs)
    return _step(s, lambda v: _DASH_BETWEEN_DIGITS.sub("-", v),
                 "dashes between digits (1－4－1) written as half-width hyphens", repairs)


def text(value: str | None) -> Normalised:
    """Free text: trim, widen half-width katakana (ｲﾁｶﾜ → イチカワ), narrow full-width A–Z/0–9.

    Full-width punctuation (（）、。) is normal in Japanese prose and is kept; only the
    characters that make the same word compare unequal across files are changed.
    """
    return _apply(_text, value, placeholders="none")


def _identifier(s: str, repairs: list[str]) -> str:
    return _nfkc(s, repairs)


def identifier(value: str | None) -> Normalised:
    """An ID (文字列（半角英数字）): NFKC to half-width, leading zeros kept.

    Not rejected when non-ASCII remains: some publishers use Japanese internal IDs, and an
    ID's job (uniqueness) still works; the checker can flag the format separately.
    """
    return _apply(_identifier, value, placeholders="none")


_TYPOGRAPHIC = str.maketrans({"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "–": "-", "—": "-",
                              "‐": "-", "−": "-", "\u3000": " "})


def _ascii_text(s: str, repairs: list[str]) -> str:
    t = _nfkc(s, repairs)
    u = t.translate(_TYPOGRAPHIC)
    if u != t:
        repairs.append("typographic quotes/dashes replaced by ASCII")
    bad = next((c for c in u if not (" " <= c <= "~")), None)
    if bad is not None:
        raise _Invalid(f"half-width (ASCII) text such as Ichikawa City Hall ({bad!r} is not ASCII)")
    return u


def ascii_text(value: str | None) -> Normalised:
    """Text that must be half-width ASCII (名称_英語): narrowed, then rejected if anything else remains."""
    return _apply(_ascii_text, value, placeholders="none")


# --------------------------------------------------------------------------------------
# 全国地方公共団体コード and 法人番号 (check digits)
# --------------------------------------------------------------------------------------

_LG_CODE_EXPECTED = "a 6-digit 全国地方公共団体コード such as 131041 (half-width digits, leading zero kept)"


def check_digit(five: str) -> str:
    """The 6th digit of a 全国地方公共団体コード (spec §1.1; 総務省's rule).

    ``(11 - (6*d1 + 5*d2 + 4*d3 + 3*d4 + 2*d5) % 11) % 10`` — remainder 0 gives 1 and
    remainder 1 gives 0, because only the units digit of ``11 - r`` is kept.
    """
    if not re.fullmatch(r"[0-9]{5}", five):
        raise ValueFormatError("the first 5 half-width digits of a 全国地方公共団体コード", five)
    total = sum(w * int(d) for w, d in zip((6, 5, 4, 3, 2), five, strict=True))
    return str((11 - total % 11) % 10)


def _prefecture_ok(code: str) -> bool:
    return 1 <= int(code[:2]) <= 47


def _valid_lg_code(six: str) -> bool:
    return bool(re.fullmatch(r"[0-9]{6}", six)) and _prefecture_ok(six) and check_digit(six[:5]) == six[5]


def _lg_code(s: str, repairs: list[str]) -> str:
    t = _drop_excel_decimal(_nfkc(s, repairs), repairs)
    if not re.fullmatch(r"[0-9]+", t):
        raise _Invalid(_LG_CODE_EXPECTED)
    if len(t) == 6:
        if not _prefecture_ok(t):
            raise _Invalid("a 全国地方公共団体コード starting with a prefecture number 01–47")
        expected = check_digit(t[:5])
        if t[5] != expected:
            raise _Invalid(f"a 6-digit 全国地方公共団体コード whose check digit is {expected}")
        return t
    if len(t) == 5:
        if _valid_lg_code("0" + t):
            repairs.append(f"restored lost leading zero: {t} → 0{t}")
            return "0" + t
        if _prefecture_ok(t):
            full = t + check_digit(t)
            repairs.append(f"computed check digit for 5-digit code {t} → {full}")
            return full
        raise _Invalid(f"{_LG_CODE_EXPECTED}; {t} is neither a code that lost its leading zero "
                       "nor a 5-digit code of prefecture 01–47")
    raise _Invalid(_LG_CODE_EXPECTED)


def lg_code(value: str | None) -> Normalised:
    """A 全国地方公共団体コード as 6 half-width digits with a verified check digit.

    Repairs the two defects the spec names (§3.2): a lost leading zero (``92088`` →
    ``092088``, tried first because it is only accepted when the check digit then agrees)
    and a 5-digit code without its check digit (``13101`` → ``131016``). A wrong check digit
    is an error: it means a typo, and guessing would attribute data to another body.
    """
    return _apply(_lg_code, value)


def corporate_check_digit(twelve: str) -> str:
    """The leading check digit of a 13-digit 法人番号 (国税庁's rule).

    ``9 - (Σ P_n × Q_n) mod 9`` where P_n is the n-th digit of the 12-digit base counted
    from the right and Q_n is 1 for odd n, 2 for even n.
    """
    if not re.fullmatch(r"[0-9]{12}", twelve):
        raise ValueFormatError("the 12-digit base of a 法人番号 (half-width digits)", twelve)
    total = sum(int(d) * (1 if n % 2 else 2) for n, d in enumerate(reversed(twelve), start=1))
    return str(9 - total % 9)


def _corporate_number(s: str, repairs: list[str]) -> str:
    t = _drop_excel_decimal(_nfkc(s, repairs), repairs)
    joined = re.sub(r"[\s-]", "", t.translate(_TO_HYPHEN))
    if joined != t and re.fullmatch(r"[0-9]{12,13}", joined):
        repairs.append("removed separators inside the number")
        t = joined
    if re.fullmatch(r"[0-9]{12}", t):
        full = corporate_check_digit(t) + t
        repairs.append(f"computed check digit for 12-digit 会社法人等番号 {t} → {full}")
        t = full
    if not re.fullmatch(r"[0-9]{13}", t):
        raise _Invalid("a 13-digit 法人番号 such as 3000020382027 (half-width digits)")
    expected = corporate_check_digit(t[1:])
    if t[0] != expected:
        raise _Invalid(f"a 13-digit 法人番号 whose check digit (first digit) is {expected}")
    return t


def corporate_number(value: str | None) -> Normalised:
    """A 法人番号: 13 half-width digits whose first digit is the check digit.

    The check digit is enforced: it verifies on every real number in the sample files
    (e.g. 3000020382027 今治市, 2000020202053 飯田市), so a failure is a typo. A 12-digit
    value (also ``2200-01-002059``) is the 会社法人等番号 the 法人番号 is built from — real
    files write it by mistake — so the check digit is computed and prepended, with a note.
    """
    return _apply(_corporate_number, value)


# --------------------------------------------------------------------------------------
# Kana
# --------------------------------------------------------------------------------------

#: Katakana, ー ・ ヽ ヾ, the full-width space, full-width letters/digits/symbols (U+FF01–FF5E)
#: and Japanese punctuation 、。「」『』【】〜 — everything a reading of a name may contain.
_KANA_OK = re.compile(r"[\u30A1-\u30FE\u31F0-\u31FF\u3000\uFF01-\uFF5E、。「」『』【】〜]+")
_KATAKANA_BEFORE_DASH = re.compile(r"(?<=[\u30A1-\u30FA\u30FC])[-‐‑‒–—―−－─━]")


def _kana(s: str, repairs: list[str]) -> str:
    t = _step(s, _widen_kana, "half-width katakana widened", repairs)
    t = _step(t, jaconv.hira2kata, "hiragana converted to katakana", repairs)
    t = _step(t, lambda v: _KATAKANA_BEFORE_DASH.sub("ー", v), "hyphen used as long-vowel mark replaced by ー", repairs)
    wide = _step(t, lambda v: jaconv.h2z(v, kana=False, ascii=True, digit=True),
                 "half-width letters/digits/symbols widened", repairs)
    if not _KANA_OK.fullmatch(wide):
        bad = next(c for c in wide if not _KANA_OK.fullmatch(c))
        raise _Invalid(f"full-width katakana (全角カナ) such as イチカワシヤクショ ({bad!r} is not katakana)")
    return wide


def kana(value: str | None) -> Normalised:
    """A reading in full-width katakana (名称_カナ, 文字列（全角カナ）).

    Half-width katakana (incl. voiced ﾌﾞ → ブ) is widened and hiragana converted, because
    both are the same reading. A hyphen after katakana (``ｾﾝﾀ-``) is a long-vowel mark and
    becomes ``ー``. Decision: digits, Latin letters, spaces and ASCII symbols are allowed but
    widened to full-width (``ダイ２``, ``Ｂ＆Ｇ``, ``（コウキカテイ）``), as is Japanese punctuation
    (、「」), because the column is 全角 and real names contain them; anything else — kanji
    especially — is rejected, since a reading cannot be inferred.
    """
    return _apply(_kana, value, placeholders="dash")


# --------------------------------------------------------------------------------------
# Dates and times
# --------------------------------------------------------------------------------------

#: Month and day each era began (the years are ERA_START_YEAR's). 明治 counts from 1 January
#: because its era name was applied to the whole of 1868 (dates before 明治6年 are lunisolar
#: and are not converted here).
_ERA_FIRST_DAY: dict[str, tuple[int, int]] = {
    "明治": (1, 1), "大正": (7, 30), "昭和": (12, 25), "平成": (1, 8), "令和": (5, 1),
}
if set(_ERA_FIRST_DAY) != set(ERA_START_YEAR):  # pragma: no cover - guards the shared table
    raise RuntimeError("_ERA_FIRST_DAY must name exactly the eras of wareki.ERA_START_YEAR")
_ERA_ABBREVIATION = {"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和"}
_ERAS = "|".join(ERA_START_YEAR)

_DATE_EXPECTED = ("a date such as 2023-04-01 (also accepted: 2023/4/1, 2023.4.1, 2023年4月1日, "
                  "令和5年4月1日, R5.4.1, an Excel serial day number such as 45016)")
_ISO_LIKE = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
_KANJI_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_ERA_DATE = re.compile(
    rf"(?P<era>{_ERAS}|[MTSHRmtshr])\.?\s*(?P<y>元|\d{{1,2}})\s*(?:年|[./-])\s*"
    r"(?P<m>\d{1,2})\s*(?:月|[./-])\s*(?P<d>\d{1,2})\s*日?"
)
_WEEKDAY_SUFFIX = re.compile(r"(.*?)\s*\(([月火水木金土日])(?:曜日?)?\)")
_TIME_SUFFIX = re.compile(r"(.*?)(?:\s+|T)(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?")
#: Excel's day 0 is 1899-12-31 and it counts a non-existent 1900-02-29 (serial 60), so for
#: every serial after 60 the date is 1899-12-30 plus the serial.
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def _era_bounds(era: str) -> tuple[dt.date, dt.date | None]:
    """First and last day of an era (None for the current one)."""
    names = list(ERA_START_YEAR)
    first = dt.date(ERA_START_YEAR[era], *_ERA_FIRST_DAY[era])
    i = names.index(era)
    if i + 1 == len(names):
        return first, None
    nxt = names[i + 1]
    return first, dt.date(ERA_START_YEAR[nxt], *_ERA_FIRST_DAY[nxt]) - dt.timedelta(days=1)


def _make_date(y: int, m: int, d: int) -> dt.date:
    try:
        return dt.date(y, m, d)
    except ValueError:
        raise _Invalid(f"a real calendar date ({y:04d}-{m:02d}-{d:02d} does not exist)") from None


def _iso_date(s: str, repairs: list[str]) -> str:
    t = _nfkc(s, repairs)
    weekday: str | None = None
    m = _WEEKDAY_SUFFIX.fullmatch(t)
    if m:
        t, weekday = m.group(1), m.group(2)
    m = _TIME_SUFFIX.fullmatch(t)
    if m:
        if int(m.group(2)) or int(m.group(3)) or int(m.group(4) or 0):
            raise _Invalid(f"{_DATE_EXPECTED}; a date with a time of day other than 0:00 is not a date")
        repairs.append("dropped midnight time 0:00 after the date")
        t = m.group(1)
    day = _parse_date(t, repairs)
    if weekday is not None:
        actual = "月火水木金土日"[day.weekday()]
        if actual != weekday:
            raise _Invalid(f"a date whose weekday matches: {day.isoformat()} is a {actual}曜日, not {weekday}")
        repairs.append(f"dropped weekday ({weekday})")
    return day.isoformat()


def _parse_date(t: str, repairs: list[str]) -> dt.date:
    if re.fullmatch(r"\d{5}(?:\.0+)?", t):
        day = _EXCEL_EPOCH + dt.timedelta(days=int(t.split(".")[0]))
        repairs.append(f"converted Excel serial day number {t} to {day.isoformat()}")
        return day
    if re.fullmatch(r"\d{8}", t):
        day = _make_date(int(t[:4]), int(t[4:6]), int(t[6:]))
        repairs.append(f"reformatted date {t} as {day.isoformat()}")
        return day
    for pattern in (_ISO_LIKE, _KANJI_DATE):
        m = pattern.fullmatch(t)
        if m:
            groups = [g for g in m.groups() if g and g.isdigit()]
            day = _make_date(*(int(g) for g in groups))
            if day.isoformat() != t:
                repairs.append(f"reformatted date {t} as {day.isoformat()}")
            return day
    m = _ERA_DATE.fullmatch(t)
    if m:
        era = _ERA_ABBREVIATION.get(m.group("era").upper(), m.group("era"))
        year = era_year_to_gregorian(era, m.group("y")) if m.group("y") == "元" or int(m.group("y")) else 0
        if year == 0:
            raise _Invalid(f"{_DATE_EXPECTED}; an era year is 元 or 1 and above")
        day = _make_date(year, int(m.group("m")), int(m.group("d")))
        first, last = _era_bounds(era)
        if day < first:
            raise _Invalid(f"a date inside the {era} era ({era} began on {first.isoformat()}); "
                           f"{t} would be {day.isoformat()}")
        repairs.append(f"converted 和暦 {t} to {day.isoformat()}")
        if last is not None and day > last:
            repairs.append(f"{era}{m.group('y')}年 is after the end of {era} ({last.isoformat()}); "
                           f"read as {day.year}")
        return day
    raise _Invalid(_DATE_EXPECTED)


def iso_date(value: str | None) -> Normalised:
    """A date as ``YYYY-MM-DD`` (the form published 正式版 files use).

    Accepts ``2018/3/15``, ``2018.3.15``, ``2023年4月1日``, ``20230401``, 和暦 (``令和5年4月1日``,
    ``令和元年5月1日``, ``R5.4.1``, ``H30/1/1``, ``S64.1.7``), full-width digits, a trailing
    weekday ``(土)`` (checked) or midnight time (``2023/4/1 0:00:00``, what Excel exports for a
    date cell), and Excel serial day numbers.

    Decisions: Excel serials are accepted only as exactly 5 digits, i.e. 10000–99999
    (1927-05-18 to 2173-10-13) — the realistic range, and one that cannot be confused with a
    year or a YYYYMMDD; Excel's 1900 leap-year bug is accounted for (epoch 1899-12-30).
    An era date before the era began (``令和元年4月1日``) is an error, but a year past the
    era's end (``平成32年`` = 2020, written on forms printed before 2019) is converted with a
    repair note, because its meaning is not in doubt.
    """
    return _apply(_iso_date, value)


_TIME_EXPECTED = "a time as hh:mm (24-hour, zero-padded) such as 09:00 or 18:30"
_COLON_TIME = re.compile(
    r"(?P<ampm>午前|午後)?\s*(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?\s*(?P<suffix>[AaPp]\.?[Mm]\.?)?"
)
_KANJI_TIME = re.compile(r"(?P<ampm>午前|午後)?\s*(?P<h>\d{1,2})\s*時\s*(?:(?P<m>\d{1,2})\s*分|(?P<half>半))?")


def _hhmm(s: str, repairs: list[str]) -> str:
    t = _nfkc(s, repairs)
    hour: int
    minute: int
    ampm: str | None = None
    if m := _COLON_TIME.fullmatch(t):
        hour, minute = int(m.group("h")), int(m.group("m"))
        if m.group("s") and int(m.group("s")):
            raise _Invalid(f"{_TIME_EXPECTED}; seconds other than :00 cannot be kept")
        suffix = (m.group("suffix") or "").replace(".", "").upper()
        ampm = m.group("ampm") or {"AM": "午前", "PM": "午後"}.get(suffix)
        if m.group("ampm") and suffix:
            raise _Invalid(_TIME_EXPECTED)
        if suffix and hour == 12:  # English 12:30 AM is 00:30 and 12:30 PM is 12:30
            hour = 0
    elif m := _KANJI_TIME.fullmatch(t):
        hour = int(m.group("h"))
        minute = 30 if m.group("half") else int(m.group("m") or 0)
        ampm = m.group("ampm")
    elif re.fullmatch(r"\d{4}", t):
        hour, minute = int(t[:2]), int(t[2:])
    elif re.fullmatch(r"0?\.\d+", t):
        minutes = round(float(t) * 24 * 60)
        if minutes >= 24 * 60:
            raise _Invalid(_TIME_EXPECTED)
        hour, minute = divmod(minutes, 60)
        repairs.append(f"converted Excel time fraction {t}")
    else:
        raise _Invalid(_TIME_EXPECTED)
    if ampm is not None:
        if hour > 11:
            raise _Invalid(f"{_TIME_EXPECTED}; with 午前/午後 or AM/PM the hour is 0–11 (12 for AM/PM)")
        hour += 12 if ampm == "午後" else 0
    if hour == 24 and minute == 0:
        raise _Invalid(f"{_TIME_EXPECTED}; 24:00 is not defined by the standard (use 23:59 or 00:00)")
    if hour > 23 or minute > 59:
        raise _Invalid(f"{_TIME_EXPECTED}; hours run 00–23 and minutes 00–59")
    out = f"{hour:02d}:{minute:02d}"
    if out != t:
        repairs.append(f"reformatted time {t} as {out}")
    return out


def hhmm(value: str | None) -> Normalised:
    """A time of day as ``hh:mm`` (時刻（hh:mm）, 24-hour, zero-padded).

    Accepts ``8:30``, ``８：３０``, ``8:30:00`` (Excel), ``8時30分``, ``8時``, ``8時半``,
    ``午後5時``, ``5:00 PM`` and an Excel day fraction (``0.354166…``). Decision: ``0830``
    (exactly four digits) is read as hh:mm — in a time column nothing else is plausible.
    ``24:00`` is rejected: the standard does not define it.
    """
    return _apply(_hhmm, value)


# --------------------------------------------------------------------------------------
# Weekdays
# --------------------------------------------------------------------------------------

_WEEK = "月火水木金土日"
_DAY_ORDER = _WEEK + "祝"
_WEEKDAYS_EXPECTED = ("day names such as 月火水木金 (single kanji from 月火水木金土日, plus 祝 for "
                      "holidays; also 月,水,金 / 月曜日、火曜日 / ranges like 月～金 / 平日 / 毎日 / 土日祝)")
_DAY_WORDS = (
    ("祝祭日", "祝"), ("祝休日", "祝"), ("祝日", "祝"), ("祭日", "祝"),
    ("平日", "月火水木金"), ("毎日", _WEEK), ("全日", _WEEK),
    ("および", ","), ("及び", ","), ("から", "~"), ("と", ","),
)
_DAY_SEPARATORS = frozenset(",、;・/ \u3000")
_DAY_RANGE = frozenset("~〜" + _DASHES)


def _weekdays(s: str, repairs: list[str]) -> str:
    t = re.sub(r"曜日?", "", unicodedata.normalize("NFKC", s))
    for word, replacement in _DAY_WORDS:
        t = t.replace(word, replacement)
    days: set[str] = set()
    previous: str | None = None
    in_range = False
    for ch in t:
        if ch in _DAY_ORDER:
            if in_range:
                if previous == "祝" or ch == "祝" or previous is None:
                    raise _Invalid(_WEEKDAYS_EXPECTED)
                i, j = _WEEK.index(previous), _WEEK.index(ch)
                days.update(_WEEK[i:j + 1] if i <= j else _WEEK[i:] + _WEEK[:j + 1])
                in_range = False
            days.add(ch)
            previous = ch
        elif ch in _DAY_SEPARATORS and not in_range:
            previous = None
        elif ch in _DAY_RANGE and previous is not None and not in_range:
            in_range = True
        else:
            raise _Invalid(_WEEKDAYS_EXPECTED)
    if in_range or not days:
        raise _Invalid(_WEEKDAYS_EXPECTED)
    out = "".join(d for d in _DAY_ORDER if d in days)
    if out != s:
        repairs.append(f"reformatted weekdays {s} as {out}")
    return out


def weekdays(value: str | None) -> Normalised:
    """Available days as single kanji in week order, ``祝`` last: ``月火水木金土日祝``.

    The 正式版 rule text was not found (spec §1), so the legacy tooling's concatenated
    single kanji is the canonical form, and every separator, the 曜日 suffix, ranges
    (``月～金``, wrapping ``金～月`` too) and the words 平日 / 毎日 / 全日 / 祝日 are accepted.
    Anything else (``全日・全時間帯使用可``) is free text belonging in 特記事項.
    """
    return _apply(_weekdays, value)


# --------------------------------------------------------------------------------------
# Coordinates
# --------------------------------------------------------------------------------------

Axis = Literal["latitude", "longitude"]
#: Japan's extent with a margin (沖ノ鳥島 20.4°N … 択捉島 45.6°N; 与那国島 122.9°E … 南鳥島 154.0°E).
_BOUNDS: dict[str, tuple[float, float]] = {"latitude": (20.0, 46.0), "longitude": (122.0, 154.0)}
_AXIS_LABEL = {"latitude": "latitude (緯度)", "longitude": "longitude (経度)"}
_DMS_EXPECTED = "decimal degrees such as 35.689487 (degrees-minutes-seconds is not accepted)"
_SWAPPED_EXPECTED = "latitude first (緯度 ≈ 35 for Tokyo) and longitude second (経度 ≈ 139)"
_DMS = re.compile(r"[°º˚度分秒′″'\"]|^\d+\.\d+\.\d+|^\d+[:\s]\d+[:\s]\d+")
_DECIMAL_DEGREES = re.compile(r"-?\d{1,3}(?:\.\d+)?")


def _in_bounds(v: float, axis: str) -> bool:
    lo, hi = _BOUNDS[axis]
    return lo <= v <= hi


def _coordinate(s: str, axis: Axis, repairs: list[str]) -> str:
    t = _nfkc(s, repairs)
    if _DMS.search(t):
        raise _Invalid(_DMS_EXPECTED)
    if t.startswith("+"):
        t = t[1:]
        repairs.append("dropped '+' sign")
    if t[:1] in _DASHES and t[:1] != "-":
        t = "-" + t[1:]
    if not _DECIMAL_DEGREES.fullmatch(t):
        hint = " (one value per column; '.' as the decimal mark)" if "," in t else ""
        raise _Invalid(f"decimal degrees such as 35.689487{hint}")
    v = float(t)
    if not _in_bounds(v, axis):
        lo, hi = _BOUNDS[axis]
        other = "longitude" if axis == "latitude" else "latitude"
        hint = (f"; {t} looks like a {_AXIS_LABEL[other]} — are 緯度 and 経度 swapped?"
                if _in_bounds(v, other) else "")
        raise _Invalid(f"a {_AXIS_LABEL[axis]} between {lo:g} and {hi:g} degrees (Japan){hint}")
    return t


def coordinate(value: str | None, axis: Axis) -> Normalised:
    """One coordinate in decimal degrees, as text with the publisher's own digits.

    The standard writes 緯度/経度 as half-width strings (``43.064310``), so trailing zeros are
    kept rather than round-tripped through a float. Degrees-minutes-seconds is rejected
    rather than converted, because ``35.41.22`` and ``35°41'`` are too often mistyped to
    trust. Values outside Japan (latitude 20–46, longitude 122–154) are rejected.
    """
    if axis not in _BOUNDS:
        raise ValueError(f"axis must be 'latitude' or 'longitude'; got {axis!r}")
    return _apply(lambda s, r: _coordinate(s, axis, r), value)


def latitude(value: str | None) -> Normalised:
    """緯度 in decimal degrees (see :func:`coordinate`)."""
    return coordinate(value, "latitude")


def longitude(value: str | None) -> Normalised:
    """経度 in decimal degrees (see :func:`coordinate`)."""
    return coordinate(value, "longitude")


def _quiet_float(value: str | None) -> float | None:
    if value is None:
        return None
    t = unicodedata.normalize("NFKC", _trim(value)).lstrip("+")
    return float(t) if _DECIMAL_DEGREES.fullmatch(t) else None


def coordinates(lat: str | None, lon: str | None) -> tuple[str | None, str | None]:
    """Normalise a 緯度/経度 pair, which is checked together because a swap is only visible as a pair.

    Both blank → ``(None, None)``; exactly one blank is an error (half a point is no point).
    A latitude in the longitude range with a longitude in the latitude range is reported as
    swapped rather than as two out-of-range values, since that is what the publisher did.
    """
    pair = f"緯度={lat!r}, 経度={lon!r}"
    la, lo = _quiet_float(lat), _quiet_float(lon)
    if (la is not None and lo is not None and _in_bounds(la, "longitude") and _in_bounds(lo, "latitude")
            and not _in_bounds(la, "latitude")):
        raise ValueFormatError(_SWAPPED_EXPECTED, pair)
    a = coordinate(lat, "latitude").value
    b = coordinate(lon, "longitude").value
    check_pair(a, b)
    return a, b


def check_pair(lat: str | None, lon: str | None) -> None:
    """Both or neither: half a point is no point. What is left of :func:`coordinates` once each value
    was normalised as its own kind (each within Japan, so a swap was already named there)."""
    if (lat is None) != (lon is None):
        raise ValueFormatError("both 緯度 (latitude) and 経度 (longitude), or neither — only one was given",
                               f"緯度={lat!r}, 経度={lon!r}")


# --------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------

_MINUS_SIGNS = "−‐‑‒–—―△▲"


def _strip_thousands(t: str, repairs: list[str], expected: str) -> str:
    if "," not in t:
        return t
    if not re.fullmatch(r"-?\d{1,3}(?:,\d{3})+(?:\.\d*)?", t):
        raise _Invalid(f"{expected} (thousands separators in groups of three, such as 1,234)")
    repairs.append("removed thousands separators")
    return t.replace(",", "")


def _count(s: str, repairs: list[str]) -> str:
    expected = "a non-negative whole number (half-width digits) such as 12"
    t = _nfkc(s, repairs)
    if t[:1] in "-" + _MINUS_SIGNS:
        raise _Invalid(f"{expected}; a count cannot be negative")
    t = _strip_thousands(t, repairs, expected)
    m = re.fullmatch(r"\+?(\d+)(?:\.(\d*))?", t)
    if not m:
        raise _Invalid(expected)
    if m.group(2) and m.group(2).strip("0"):
        raise _Invalid(f"{expected}; a count has no fraction")
    if m.group(2) is not None:
        repairs.append(f"dropped fraction .{m.group(2)} from a whole number")
    out = str(int(m.group(1)))
    if out != m.group(1):
        repairs.append("removed leading zeros")
    return out


def count(value: str | None) -> Normalised:
    """A count (数値（半角数字）, non-negative integer): ``1,234`` → ``1234``, ``12.0`` → ``12``.

    Negative values and fractions are errors: a count of ``-1`` or ``1.5`` toilets is a
    data error, not a format to repair.
    """
    return _apply(_count, value)


def _number(s: str, repairs: list[str]) -> str:
    expected = "a decimal number (half-width) such as 1.5 or -1"
    t = _nfkc(s, repairs)
    if t[:1] in _MINUS_SIGNS:
        if t[0] in "△▲":
            repairs.append(f"government minus sign {t[0]} read as -")
        t = "-" + t[1:]
    if t.startswith("+"):
        t = t[1:]
    t = _strip_thousands(t, repairs, expected)
    if not re.fullmatch(r"-?(?:\d+(?:\.\d*)?|\.\d+)", t):
        raise _Invalid(expected)
    d = Decimal(t)
    out = format(d.copy_abs() if d.is_zero() else d, "f")
    if out != t:
        repairs.append(f"reformatted number {t} as {out}")
    return out


def number(value: str | None) -> Normalised:
    """A decimal number, negative allowed (高度の値: B1 = ``-1``, mezzanine = ``1.5``).

    The publisher's precision is kept (``1.50`` stays ``1.50``); ``△``/``▲`` (the
    government's minus) and typographic minus signs become ``-``.
    """
    return _apply(_number, value)


# --------------------------------------------------------------------------------------
# Yes/No and flags
# --------------------------------------------------------------------------------------

_YES = frozenset({"有", "有り", "あり", "アリ", "○", "〇", "◯", "はい", "yes", "y", "true", "1"})
_NO = frozenset({"無", "無し", "なし", "ナシ", "×", "✕", "いいえ", "no", "n", "false", "0"})


def _yes_no(s: str, repairs: list[str]) -> str:
    key = unicodedata.normalize("NFKC", s).casefold()
    if key in _YES:
        out = "有"
    elif key in _NO:
        out = "無"
    else:
        raise _Invalid("有 or 無 (also accepted: あり/なし, ○/×, はい/いいえ, yes/no, true/false, 1/0)")
    if out != s:
        repairs.append(f"read {s} as {out}")
    return out


def yes_no(value: str | None) -> Normalised:
    """A …有無 column (文字列（統制語彙）): ``有`` or ``無``; common spellings are mapped."""
    return _apply(_yes_no, value, placeholders="dash")


def _flag(s: str, repairs: list[str]) -> str | None:
    key = unicodedata.normalize("NFKC", s).casefold()
    if key in _YES:
        if s != "1":
            repairs.append(f"read {s} as 1")
        return "1"
    if key in _NO:
        repairs.append(f"read {s} as blank (flag not set)")
        return None
    raise _Invalid("1 for yes or blank for no (also accepted: ○, 有, true for yes; 0, ×, 無, false for no)")


def flag(value: str | None) -> Normalised:
    """A flag column (災害種別_…): ``1`` = yes, blank = no (対応あり：1、対応なし：空文字).

    ``0``/``×`` become blank (None), as the standard has no "0"; ``△`` (conditionally
    suitable, seen in real files) is rejected because it is neither yes nor no.
    """
    return _apply(_flag, value)


# --------------------------------------------------------------------------------------
# Contact: phone, extension, postal code, URL, e-mail
# --------------------------------------------------------------------------------------

_PHONE_EXPECTED = ("a telephone number of 10 or 11 half-width digits starting with 0, "
                   "such as 03-1234-5678 or (047)335-1711")
_PHONE_PREFIX = re.compile(r"(?:TEL|電話番号|電話|☎|☏)\s*[.:]?\s*", re.IGNORECASE)
_PHONE_REMARK = re.compile(r"(.*\d)\s*\(([^()]*[^\d()\s-][^()]*)\)")
_PHONE_SHAPES = (
    re.compile(r"0\d{0,4}-\d{1,4}-\d{3,4}"),  # 03-1234-5678, 0120-123-456
    re.compile(r"0\d{1,4}-\d{5,8}"),  # 03-12345678
    re.compile(r"\(0\d{0,4}\)\d{1,4}-\d{3,4}"),  # (047)335-1711
    re.compile(r"\(0\d{0,4}\)\d{5,8}"),  # (076)2723695
    re.compile(r"0\d{0,4}\(\d{1,4}\)\d{3,4}"),  # 03(1234)5678
    re.compile(r"0\d{9,10}"),  # 0898542606
)
_MULTI_SEPARATOR = re.compile(r"\s*(?:[、,/;・]|又は|または|及び|\s)\s*")


def _phone_ok(t: str) -> bool:
    digits = re.sub(r"\D", "", t)
    return len(digits) in (10, 11) and digits[0] == "0" and any(p.fullmatch(t) for p in _PHONE_SHAPES)


def _phone(s: str, repairs: list[str]) -> str | None:
    t = _nfkc(s, repairs)
    m = _PHONE_PREFIX.match(t)
    if m and m.end() < len(t):
        repairs.append(f"removed prefix {m.group(0).strip()}")
        t = t[m.end():]
        if t in _NO_VALUE_WORDS:  # 電話なし
            repairs.append(f"placeholder {s!r} read as blank")
            return None
    t = re.sub(r"(?<=[\d)])\s*" + _DASH_CLASS + r"\s*(?=[\d(])", "-", t)
    if t.startswith("+81"):
        rest = t[3:].lstrip(" -").removeprefix("(0)")
        t = rest if rest.startswith("0") else "0" + rest
        repairs.append("replaced country code +81 by a leading 0")
    m = _PHONE_REMARK.fullmatch(t)
    if m:
        repairs.append(f"dropped remark ({m.group(2)}) after the number")
        t = m.group(1)
    if re.search(r"内線|ext|[^\d]x\d", t, re.IGNORECASE):
        raise _Invalid(f"{_PHONE_EXPECTED}; put the extension in 内線番号")
    if re.fullmatch(r"[1-9]\d{8,9}", t):
        repairs.append(f"restored lost leading zero: {t} → 0{t}")
        t = "0" + t
    if _phone_ok(t):
        return t
    spaced = re.sub(r"\s+", "-", t)
    if spaced != t and _phone_ok(spaced):
        repairs.append("spaces between digit groups replaced by -")
        return spaced
    parts = [p for p in _MULTI_SEPARATOR.split(t) if p]
    if len(parts) > 1 and sum(_phone_ok(p) for p in parts) > 1:
        raise _Invalid(f"one telephone number per cell (found {len(parts)}), such as 03-1234-5678")
    raise _Invalid(_PHONE_EXPECTED)


def phone(value: str | None) -> Normalised:
    """A telephone number (文字列（半角文字）) with half-width digits, ``-`` and ``( )``.

    ``０３－１２３４－５６７８`` → ``03-1234-5678``; a leading ``TEL``/``℡``/``電話`` and a
    trailing remark in brackets (``0778-22-7463（スポーツ課）``) are dropped with a note; the
    parentheses form ``(047)335-1711`` is kept as published (the sheet's own example uses
    it). Decision: several numbers in one cell are an error — we never choose which one
    the publisher meant; ``なし``/``－`` are read as blank.
    """
    return _apply(_phone, value)


def _extension(s: str, repairs: list[str]) -> str:
    t = _nfkc(s, repairs)
    m = re.match(r"(?:内線|ext\.?|x)\s*[:.]?\s*", t, re.IGNORECASE)
    if m and m.end() < len(t):
        repairs.append(f"removed prefix {m.group(0).strip()}")
        t = t[m.end():]
    parts = re.split(r"\s*[・,、/;]\s*", t)
    if len(parts) > 1:
        repairs.append("several extensions joined with ;")
    for part in parts:
        if not re.fullmatch(r"[0-9A-Za-z#*\-]+", part):
            raise _Invalid("an extension (内線番号) in half-width characters such as 00000")
    return ";".join(parts)


def extension(value: str | None) -> Normalised:
    """An extension number (内線番号, 文字列（半角文字）): half-width, prefix 内線 dropped.

    Several extensions (``2442・2421``, seen in real files) are joined with the standard's
    multi-value separator ``;`` rather than rejected: they all reach the same contact.
    """
    return _apply(_extension, value)


def _postal_code(s: str, repairs: list[str]) -> str:
    t = _nfkc(s, repairs)
    if t.startswith("〒"):
        t = t[1:].lstrip()
        repairs.append("removed 〒")
    t2 = re.sub(r"(?<=\d)\s*" + _DASH_CLASS + r"\s*(?=\d)", "-", t)
    m = re.fullmatch(r"(\d{3})[-\s]?(\d{4})", t2)
    if m:
        if "-" in t2 or " " in t2:
            repairs.append("removed the hyphen from the postal code")
        return m.group(1) + m.group(2)
    if re.fullmatch(r"\d{6}", t2):
        repairs.append(f"restored lost leading zero: {t2} → 0{t2}")
        return "0" + t2
    raise _Invalid("a 7-digit postal code (郵便番号) such as 9150876 (written 915-0876 is also accepted)")


def postal_code(value: str | None) -> Normalised:
    """A 郵便番号 as 7 half-width digits without hyphen: ``〒915-0876`` → ``9150876``.

    A 6-digit value is a code that lost its leading zero to a spreadsheet (北海道's codes
    start with 0) and is restored with a note.
    """
    return _apply(_postal_code, value)


def _url(s: str, repairs: list[str]) -> str:
    t = _nfkc(s, repairs)
    m = re.match(r"(https?)://", t, re.IGNORECASE)
    if not m:
        raise _Invalid("a URL starting with http:// or https://")
    if m.group(1) != m.group(1).lower():
        t = m.group(1).lower() + t[len(m.group(1)):]
        repairs.append("lower-cased the URL scheme")
    if re.search(r"\s", t):
        raise _Invalid("one URL without spaces, starting with http:// or https://")
    if not re.match(r"https?://[^/?#@\s]+\.[^/?#@\s]+|https?://localhost\b", t):
        raise _Invalid("a URL with a host name, such as https://www.city.example.lg.jp/")
    return t


def url(value: str | None) -> Normalised:
    """A URI (URL, 画像, 連絡先FormURL): must start with ``http://`` or ``https://`` after NFKC.

    A bare ``www.…`` is rejected rather than guessed, since http and https may differ.
    """
    return _apply(_url, value)


_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}")


def _email(s: str, repairs: list[str]) -> str:
    t = _nfkc(s, repairs)
    if t.lower().startswith("mailto:"):
        t = t[7:]
        repairs.append("removed mailto:")
    at = re.sub(r"\s*[(\[](?:at|アット)[)\]]\s*", "@", t, flags=re.IGNORECASE)
    if at != t:
        repairs.append("anti-spam (at) replaced by @")
        t = at
    if not _EMAIL.fullmatch(t):
        raise _Invalid("an e-mail address such as info@city.example.lg.jp")
    return t


def email(value: str | None) -> Normalised:
    """An e-mail address: a simple ``local@domain.tld`` check after NFKC (``＠`` → ``@``)."""
    return _apply(_email, value)


# --------------------------------------------------------------------------------------
# 町字ID, lists, controlled choices
# --------------------------------------------------------------------------------------

_TOWN_ID_EXPECTED = "a 7-digit 町字ID such as 0008001 (ABR form; 0008-001 is also accepted)"


def _town_id(s: str, repairs: list[str]) -> str:
    t = _drop_excel_decimal(_nfkc(s, repairs), repairs)
    t = t.translate(_TO_HYPHEN)
    m = re.fullmatch(r"(\d{1,4})-(\d{3})", t)
    if m:
        repairs.append("removed the hyphen from the 町字ID")
        return m.group(1).zfill(4) + m.group(2)
    if re.fullmatch(r"\d{1,7}", t):
        if len(t) < 7:
            repairs.append(f"zero-padded 町字ID {t} to 7 digits")
        return t.zfill(7)
    raise _Invalid(_TOWN_ID_EXPECTED)


def town_id(value: str | None) -> Normalised:
    """A 町字ID (アドレス・ベース・レジストリ) as 7 digits without hyphen.

    The sheet's own example is ``0008-001`` and real files drop the leading zeros
    (``46000``, read as a number), so both are repaired to the ABR form ``0046000``.
    """
    return _apply(_town_id, value)


_LIST_SEPARATOR = re.compile(r"[;；、,，\r\n]")


def _value_list(s: str, repairs: list[str]) -> str | None:
    trimmed = [item for item in (_trim(part) for part in _LIST_SEPARATOR.split(s)) if item]
    if not trimmed:
        return None
    if ";".join(trimmed) != s:
        repairs.append(f"joined {len(trimmed)} items with ; (the standard's separator)")
    return ";".join(_text(item, repairs) for item in trimmed)


def value_list(value: str | None) -> Normalised:
    """A multi-value cell joined by the standard's half-width ``;`` (「;」（半角のセミコロン）区切り).

    Splits on ``;`` ``；`` ``、`` ``,`` ``，`` and newlines, trims items, drops empty ones, and
    applies the free-text rules to each item.
    """
    return _apply(_value_list, value, placeholders="none")


_CIRCLES = str.maketrans({"〇": "○", "◯": "○"})


def _choice_key(x: str) -> str:
    return unicodedata.normalize("NFKC", _trim(x)).translate(_CIRCLES)


def choice(value: str | None, values: Sequence[str]) -> Normalised:
    """One of a controlled vocabulary (e.g. 高度の種別: 階数 / 標高 / 地表高).

    Matching ignores width (NFKC), surrounding spaces, the ○/〇/◯ difference (the sheet
    itself mixes U+25CB and U+3007) and, failing an exact match, letter case; the result is
    always the vocabulary's own spelling.
    """
    if not values:
        raise ValueError("kind 'choice' needs the allowed values")
    allowed = tuple(values)

    def core(s: str, repairs: list[str]) -> str:
        key = _choice_key(s)
        found = [v for v in allowed if _choice_key(v) == key]
        if not found:
            found = [v for v in allowed if _choice_key(v).casefold() == key.casefold()]
        if len(found) != 1 and len(set(found)) != 1:
            raise _Invalid("one of: " + " / ".join(allowed))
        if found[0] != s:
            repairs.append(f"read {s} as {found[0]}")
        return found[0]

    return _apply(core, value, placeholders="none")


# --------------------------------------------------------------------------------------
# Dispatch
# --------------------------------------------------------------------------------------

_BY_KIND: dict[str, Callable[[str | None], Normalised]] = {
    "text": text,
    "identifier": identifier,
    "lg_code": lg_code,
    "kana": kana,
    "ascii_text": ascii_text,
    "date": iso_date,
    "time": hhmm,
    "weekdays": weekdays,
    "latitude": latitude,
    "longitude": longitude,
    "count": count,
    "number": number,
    "yes_no": yes_no,
    "flag": flag,
    "phone": phone,
    "extension": extension,
    "postal_code": postal_code,
    "url": url,
    "email": email,
    "corporate_number": corporate_number,
    "town_id": town_id,
    "list": value_list,
}
if set(_BY_KIND) | {"choice"} != set(KINDS):  # pragma: no cover - keeps the table and KINDS in step
    raise RuntimeError("every kind needs exactly one normaliser")


def normalise(kind: str, value: str | None, *, values: Sequence[str] | None = None) -> Normalised:
    """Normalise one cell of a column of ``kind`` (one of :data:`KINDS`).

    Returns the canonical text (``None`` for blank) and the repairs made; raises
    :class:`ValueFormatError` when the value cannot be made conformant, and ``ValueError``
    for an unknown kind or a misuse of ``values`` (a programming error, not a data error).
    """
    if kind == "choice":
        if not values:
            raise ValueError("kind 'choice' needs values (the allowed values)")
        return choice(value, values)
    if kind not in _BY_KIND:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    if values is not None:
        raise ValueError(f"values only apply to kind 'choice', not {kind!r}")
    return _BY_KIND[kind](value)
