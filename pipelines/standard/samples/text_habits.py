"""How publishers write values: full-width digits, half-width kana, kanji 丁目, 和暦 dates.

Each is a habit of real registers the normaliser must undo, so the samples reproduce it on
purpose: word-processor digits (``１－２``), katakana from old systems in half width
(``ｼﾝｼﾞｭｸ``), 丁目 numbers in kanji as 町字 are written, and dates in the Japanese era —
formatted by the platform's own 和暦 module, so writing and reading agree on the era table.
"""

from __future__ import annotations

from datetime import date

import jaconv

from pipelines.parsers.wareki import format_wareki_date

_ZENKAKU = str.maketrans("0123456789-", "０１２３４５６７８９－")
_KANJI_DIGITS = "〇一二三四五六七八九"


def zenkaku_digits(text: str) -> str:
    """``1-2`` → ``１－２``: digits and hyphens as a word processor's full-width characters."""
    return text.translate(_ZENKAKU)


def hankaku_kana(text: str) -> str:
    """``シンジュク`` → ``ｼﾝｼﾞｭｸ``: katakana as half-width (what old systems export)."""
    return jaconv.z2h(text, kana=True, ascii=False, digit=False)


def kanji_number(n: int) -> str:
    """1–99 in kanji as 丁目 are written (``二``, ``十二``)."""
    if not 1 <= n <= 99:
        raise ValueError(f"expected 1–99; got {n}")
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _KANJI_DIGITS[tens] + "十")
    return head + (_KANJI_DIGITS[ones] if ones else "")


def wareki(day: date, zenkaku: bool = False) -> str:
    """A date in 和暦 as forms write it (``令和5年4月1日``, ``令和元年5月1日``), digits full-width if ``zenkaku``."""
    text = format_wareki_date(day)
    return zenkaku_digits(text) if zenkaku else text
