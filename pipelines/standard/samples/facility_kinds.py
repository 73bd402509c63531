"""The kinds of facility registers list, and how municipalities name them.

Names follow the patterns of real registers — the town plus a kind (``西新宿図書館``), 区立 /
市立 where the body runs it (``新宿区立大久保小学校``), 役所 or 役場 by the kind of body — with
the reading and the English name built alongside, so 名称_カナ and 名称_英字 agree with 名称.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipelines.standard.samples.file_context import FileContext
from pipelines.standard.samples.places import Town, web_site
from pipelines.standard.tokyo import Municipality

#: ID prefixes in the sheets' example style (2 letters + 10 digits).
ID_PREFIX = {
    "public-facilities": "AA", "cultural-properties": "BB", "emergency-evacuation-sites": "CC",
    "childcare-facilities": "DD", "public-wifi-access-points": "EE", "aed-locations": "FF", "public-toilets": "LL",
}


@dataclass(frozen=True)
class _Kind:
    """A kind of facility: name suffix, reading and English, where an AED or toilet sits, its hours."""

    suffix: str
    kana: str
    en: str
    own: bool  # "新宿区立…" prefix
    spots: tuple[str, ...]
    days: str
    hours: tuple[str, str]
    note: str = ""


KINDS: dict[str, _Kind] = {
    "office": _Kind("役所", "ヤクショ", "Office", False, ("1階総合案内横", "1階ロビー"),
                    "月火水木金", ("08:30", "17:15"), "土日祝日・年末年始は閉庁"),
    "elementary": _Kind("小学校", "ショウガッコウ", "Elementary School", True, ("職員室前", "体育館入口", "1階昇降口"),
                        "月火水木金", ("08:15", "17:00"), "学校開校時のみ使用可"),
    "junior": _Kind("中学校", "チュウガッコウ", "Junior High School", True, ("職員室前", "体育館入口"),
                    "月火水木金", ("08:15", "17:00"), "学校開校時のみ使用可"),
    "center": _Kind("地域センター", "チイキセンター", "Community Center", False, ("1階事務室前", "1階ロビー"),
                    "月火水木金土日", ("09:00", "21:30"), "年末年始は休館"),
    "library": _Kind("図書館", "トショカン", "Library", False, ("1階カウンター横", "入口風除室"),
                     "火水木金土日", ("09:00", "19:00"), "毎月第3木曜日は休館"),
    "children": _Kind("児童館", "ジドウカン", "Childrens Hall", False, ("1階遊戯室前", "受付横"),
                      "月火水木金土", ("09:30", "18:00"), "日曜日・祝日は休館"),
    "sports": _Kind("スポーツセンター", "スポーツセンター", "Sports Center", False, ("1階受付", "体育室入口"),
                    "月火水木金土日", ("09:00", "22:00"), "第2月曜日は休館"),
    "health": _Kind("保健センター", "ホケンセンター", "Health Center", False, ("1階受付前",),
                    "月火水木金", ("08:30", "17:15"), "土日祝日・年末年始は閉所"),
    "elderly": _Kind("高齢者福祉センター", "コウレイシャフクシセンター", "Senior Welfare Center", False, ("1階ロビー",),
                     "月火水木金土", ("09:00", "17:00"), "日曜日・祝日は休館"),
    "branch": _Kind("出張所", "シュッチョウジョ", "Branch Office", False, ("窓口前", "1階待合"),
                    "月火水木金", ("08:30", "17:15"), "土日祝日・年末年始は閉所"),
    "hall": _Kind("会館", "カイカン", "Community Hall", False, ("1階ホワイエ", "事務室前"),
                  "月火水木金土日", ("09:00", "22:00"), "年末年始は休館"),
    "park": _Kind("公園", "コウエン", "Park", False, ("管理事務所前", "園内休憩所"),
                  "月火水木金土日", ("00:00", "23:59"), "終日利用可"),
    "station": _Kind("駅前広場", "エキマエヒロバ", "Station Square", False, ("広場東側", "駅前交番横"),
                     "月火水木金土日", ("00:00", "23:59"), "終日利用可"),
    "playground": _Kind("児童遊園", "ジドウユウエン", "Playground", False, ("園内北側", "入口横"),
                        "月火水木金土日", ("07:00", "19:00"), ""),
    "highschool": _Kind("高等学校", "コウトウガッコウ", "High School", False, ("体育館入口",),
                        "月火水木金", ("08:30", "17:00"), ""),
}


def own_prefix(m: Municipality) -> tuple[str, str]:
    """``新宿区立`` / ``シンジュククリツ``: how a municipality marks what it runs."""
    return m.name + "立", m.name_kana + "リツ"


def facility_label(pub: Municipality, kind: _Kind, town: Town) -> tuple[str, str, str]:
    """(name, reading, English) of a facility of ``kind`` named after ``town``."""
    name, kana, en = town.name + kind.suffix, town.kana + kind.kana, f"{town.en} {kind.en}"
    if kind.own:
        own, own_kana = own_prefix(pub)
        name, kana = own + name, own_kana + kana
    return name, kana, en


def office_name(m: Municipality) -> tuple[str, str, str]:
    """(name, reading, English) of the body's own office: 役所 for 区 and 市, 役場 for 町 and 村."""
    if m.kind in ("区", "市"):
        return m.name + "役所", m.name_kana + "ヤクショ", f"{m.name_en} Office"
    return m.name + "役場", m.name_kana + "ヤクバ", f"{m.name_en} Office"


def identity(ctx: FileContext, set_id: str, i: int) -> dict[str, Any]:
    """The start of row ``i``: the publisher's code and name, an ID in the sheets' style, the row number."""
    return {"全国地方公共団体コード": ctx.pub.code, "ID": f"{ID_PREFIX[set_id]}{ctx.pub.code}{i + 1:04d}",
            "地方公共団体名": ctx.pub.full_name, "_no": i + 1}


def height(ctx: FileContext, record: dict[str, Any], p: float = 0.3) -> None:
    """Sometimes (``p``) the floor the thing is on, as 高度の種別 / 高度の値."""
    if ctx.rng.random() < p:
        record["高度の種別"], record["高度の値"] = "階数", str(ctx.rng.choice((1, 1, 1, 2, 3, -1)))


def page_url(ctx: FileContext, path: str, p: float = 0.4) -> str:
    """Sometimes (``p``) a page on the body's web site."""
    return ctx.maybe(f"{web_site(ctx.pub)}/{path}", p)
