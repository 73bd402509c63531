"""Seeded sample registers of municipal open data, shaped the ways municipalities publish them.

No municipality's files can be fetched at build time, so the platform ships a generator of
registers that look like the real ones in ``shared/realdata``: the same sets, the same
column names, and the same habits — 和暦 dates, full-width digits, half-width katakana,
half-filled optional cells, Excel workbooks with title rows and merged two-row headers,
English column names, codes without their check digit. Generation is deterministic: a file
depends only on the seed, its publisher and its set (each file has its own
``random.Random``), never on the clock or on what else is generated, so two runs give the
same bytes.

Two entry points:

* :func:`write_embedded_samples` — the embedded default: five Tokyo publishers, one per
  shape (新宿区 legacy CP932 CSV, 八王子市 XLSX, 瑞穂町 English-header CSV, 小笠原村 正式版
  CSV with defects, 東京都's OpenRoaming Wi-Fi sites), with a few deliberately bad rows
  listed in :data:`EMBEDDED_BAD_ROWS`. The registry files in
  ``pipelines/sources/registry/`` describe exactly these files
  (:func:`embedded_registry` builds the same entries).
* :func:`write_municipal_registers` — the benchmark: the 8 sets for any list of publishers,
  rotating through the three legacy shapes, returning the registry entries to load them.

The values are made up; every row except those in :data:`EMBEDDED_BAD_ROWS` becomes
conformant under the spec's §1 rules once normalised, and every point lies within its
municipality's disc (:meth:`Municipality.contains`).
"""

from __future__ import annotations

import csv
import io
import random
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jaconv
import yaml
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from pipelines.standard.tokyo import Municipality, tokyo_metropolis, tokyo_municipalities, tokyo_municipality

DEFAULT_SEED = 20231001
#: The 現在 of the samples: 令和5年10月1日 (population survey date, workbook titles).
AS_OF = date(2023, 10, 1)
_FIXED_TIMESTAMP = (2023, 10, 1, 0, 0, 0)

#: The eight standard sets the samples cover, in the order files are written.
SETS: tuple[str, ...] = (
    "public-facilities", "aed-locations", "emergency-evacuation-sites", "public-wifi-access-points",
    "public-toilets", "cultural-properties", "childcare-facilities", "population-by-area-and-age",
)
#: File-name slugs as published files use them (spec §1 "File name" and the notes per sheet).
FILE_SLUGS: dict[str, str] = {
    "public-facilities": "public_facility", "aed-locations": "aed",
    "emergency-evacuation-sites": "evacuation_space", "public-wifi-access-points": "public_wireless_lan",
    "public-toilets": "public_toilet", "cultural-properties": "cultural_property",
    "childcare-facilities": "preschool", "population-by-area-and-age": "population",
}
SET_TITLES: dict[str, str] = {
    "public-facilities": "公共施設一覧", "aed-locations": "AED設置箇所一覧",
    "emergency-evacuation-sites": "指定緊急避難場所一覧", "public-wifi-access-points": "公衆無線LANアクセスポイント一覧",
    "public-toilets": "公衆トイレ一覧", "cultural-properties": "文化財一覧",
    "childcare-facilities": "子育て施設一覧", "population-by-area-and-age": "地域・年齢別人口",
}
#: ID prefixes in the sheets' example style (2 letters + 10 digits).
_ID_PREFIX = {
    "public-facilities": "AA", "cultural-properties": "BB", "emergency-evacuation-sites": "CC",
    "childcare-facilities": "DD", "public-wifi-access-points": "EE", "aed-locations": "FF", "public-toilets": "LL",
}
#: The three legacy shapes the benchmark rotates through, by publisher index.
SHAPES: tuple[str, ...] = ("legacy-csv", "xlsx", "english-csv")

# --------------------------------------------------------------------------------------
# Column lists, copied from shared/specs/standard_datasets.md
# --------------------------------------------------------------------------------------

_AGE_BANDS = tuple(f"{a}-{a + 4}歳" for a in range(0, 85, 5)) + ("85歳以上",)
AGE_COLUMNS: tuple[str, ...] = tuple(f"{band}の{sex}" for band in _AGE_BANDS for sex in ("男性", "女性"))
_CONTACT = ("電話番号", "内線番号", "連絡先メールアドレス", "連絡先FormURL", "連絡先備考（その他、SNSなど）", "郵便番号")
_ADDRESS = ("所在地_全国地方公共団体コード", "町字ID", "所在地_連結表記", "所在地_都道府県", "所在地_市区町村",
            "所在地_町字", "所在地_番地以下", "建物名等(方書)")

#: 正式版 column lists (spec §2).
CURRENT_COLUMNS: dict[str, tuple[str, ...]] = {
    "public-toilets": (
        "全国地方公共団体コード", "ID", "地方公共団体名", "名称", "名称_カナ", "名称_英語", *_ADDRESS, "設置位置",
        "緯度", "経度", "高度の種別", "高度の値", "男性トイレ総数", "男性トイレ数（小便器）", "男性トイレ数（和式）",
        "男性トイレ数（洋式）", "女性トイレ総数", "女性トイレ数（和式）", "女性トイレ数（洋式）", "男女共用トイレ総数",
        "男女共用トイレ数（和式）", "男女共用トイレ数（洋式）", "バリアフリートイレ数", "車椅子使用者用トイレ有無",
        "乳幼児用設備設置トイレ有無", "オストメイト設置トイレ有無", "利用開始時間", "利用終了時間", "利用可能時間特記事項",
        "画像", "画像_ライセンス", "備考"),
    "emergency-evacuation-sites": (
        "全国地方公共団体コード", "ID", "名称", "名称_カナ", "名称_英字", *_ADDRESS, "緯度", "経度", "標高", *_CONTACT,
        "市区町村コード", "地方公共団体名", "災害種別_洪水", "災害種別_崖崩れ、土石流及び地滑り", "災害種別_高潮",
        "災害種別_地震", "災害種別_津波", "災害種別_大規模な火事", "災害種別_内水氾濫", "災害種別_火山現象",
        "指定避難所との重複", "想定収容人数", "対象となる町会・自治会", "URL", "画像", "画像_ライセンス", "備考"),
    "public-facilities": (
        "全国地方公共団体コード", "ID", "地方公共団体名", "名称", "名称_カナ", "名称_英字", "名称_通称", "POIコード",
        "外部識別子", "外部識別子の値", *_ADDRESS, "緯度", "経度", "高度の種別", "高度の値", *_CONTACT, "法人番号",
        "団体名", "利用可能曜日", "開始時間", "終了時間", "利用可能時間特記事項", "説明", "車椅子可", "車椅子貸出",
        "ツエ貸出", "バリアフリートイレ", "スロープ、エレベータ、エスカレータ", "点字ブロック等の移動支援",
        "点字や読上による支援", "盲導犬・介助犬、聴導犬同伴", "字幕", "筆談対応", "優先駐車場", "オストメイト対応トイレ",
        "授乳室", "おむつ替えコーナー", "飲食可否", "ベビーカー貸出", "ベビーカー利用", "URL", "画像", "画像_ライセンス",
        "備考"),
    "aed-locations": (
        "全国地方公共団体コード", "ID", "地方公共団体名", "名称", "名称_カナ", "名称_英字", *_ADDRESS, "緯度", "経度",
        "高度の種別", "高度の値", "設置位置", *_CONTACT, "法人番号", "団体名", "利用可能曜日", "開始時間", "終了時間",
        "利用可能日時特記事項", "小児対応設備の有無", "URL", "画像1", "画像1_ライセンス", "画像2", "画像2_ライセンス",
        "外部利用不可", "備考"),
    "public-wifi-access-points": (
        "全国地方公共団体コード", "法人番号", "ID", "地方公共団体名", "名称", "名称_カナ", "名称_英語", *_ADDRESS, "緯度",
        "経度", "設置者", *_CONTACT, "SSID", "提供エリア", "URL", "備考"),
    "cultural-properties": (
        "全国地方公共団体コード", "ID", "地方公共団体名", "名称", "名称_カナ", "名称_通称", "名称_英語", "文化財分類", "種類",
        "場所名称", *_ADDRESS, "緯度", "経度", "高度の種別", "高度の値", *_CONTACT, "員数（数）", "員数（単位）", "法人番号",
        "所有者等", "文化財指定日", "利用可能曜日", "開始時間", "終了時間", "利用可能日時特記事項", "画像", "画像_ライセンス",
        "概要", "概要_英語", "説明", "説明_英語", "URL", "備考"),
    "childcare-facilities": (
        "全国地方公共団体コード", "ID", "地方公共団体名", "名称", "名称_カナ", "名称_英字", "種別", *_ADDRESS, "緯度", "経度",
        "高度の種別", "高度の値", "アクセス方法", "駐車場情報", "電話番号", "内線番号", "FAX番号", "連絡先メールアドレス",
        "連絡先FormURL", "連絡先備考（その他、SNSなど）", "郵便番号", "法人番号", "団体名", "認可等年月日", "収容定員",
        "受入年齢", "利用可能曜日", "開始時間", "終了時間", "利用可能日時特記事項", "一時預かりの有無", "子供預かり料金種別",
        "子供預かり料金", "子供預かり料金備考", "子供預かり開所時間", "子供預かり閉所時間", "病児保育の有無", "授乳室",
        "おむつ替えコーナー", "飲食可否", "ベビーカー貸出", "ベビーカー利用", "URL", "画像", "画像_ライセンス", "備考"),
    "population-by-area-and-age": (
        "全国地方公共団体コード", "地域コード", "地方公共団体名", "調査年月日", "地域名", "総人口", "男性", "女性",
        *AGE_COLUMNS, "世帯数", "備考"),
}

_LEGACY_HEAD = ("都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名")
#: 推奨データセット (legacy) column lists (spec §2, "Legacy … for comparison").
LEGACY_COLUMNS: dict[str, tuple[str, ...]] = {
    "public-toilets": (
        *_LEGACY_HEAD, "名称", "名称_カナ", "名称_英語", "住所", "方書", "設置位置", "緯度", "経度", "男性トイレ総数",
        "男性トイレ数（小便器）", "男性トイレ数（和式）", "男性トイレ数（洋式）", "女性トイレ総数", "女性トイレ数（和式）",
        "女性トイレ数（洋式）", "男女共用トイレ総数", "男女共用トイレ数（和式）", "男女共用トイレ数（洋式）", "多機能トイレ数",
        "車椅子使用者用トイレ有無", "乳幼児用設備設置トイレ有無", "オストメイト設置トイレ有無", "利用開始時間",
        "利用終了時間", "利用可能時間特記事項", "画像", "画像_ライセンス", "備考"),
    "emergency-evacuation-sites": (
        "NO", "名称", "名称_カナ", "住所", "方書", "緯度", "経度", "標高", "電話番号", "内線番号", "市区町村コード",
        "都道府県名", "市区町村名", "災害種別_洪水", "災害種別_崖崩れ、土石流及び地滑り", "災害種別_高潮", "災害種別_地震",
        "災害種別_津波", "災害種別_大規模な火事", "災害種別_内水氾濫", "災害種別_火山現象", "指定避難所との重複",
        "想定収容人数", "対象となる町会・自治会", "URL", "備考"),
    "public-facilities": (
        *_LEGACY_HEAD, "名称", "名称_カナ", "名称_通称", "POIコード", "住所", "方書", "緯度", "経度", "電話番号", "内線番号",
        "法人番号", "団体名", "利用可能曜日", "開始時間", "終了時間", "利用可能日時特記事項", "説明", "バリアフリー情報",
        "URL", "備考"),
    "aed-locations": (
        *_LEGACY_HEAD, "名称", "名称_カナ", "住所", "方書", "緯度", "経度", "設置位置", "電話番号", "内線番号", "法人番号",
        "団体名", "利用可能曜日", "開始時間", "終了時間", "利用可能日時特記事項", "小児対応設備の有無", "URL", "備考"),
    "public-wifi-access-points": (
        *_LEGACY_HEAD, "名称", "名称_カナ", "名称_英語", "住所", "方書", "緯度", "経度", "設置者", "電話番号", "内線番号",
        "SSID", "提供エリア", "URL", "備考"),
    "cultural-properties": (
        *_LEGACY_HEAD, "名称", "名称_カナ", "名称_通称", "名称_英語", "文化財分類", "種類", "場所名称", "住所", "方書", "緯度",
        "経度", "電話番号", "内線番号", "員数（数）", "員数（単位）", "法人番号", "所有者等", "文化財指定日", "利用可能曜日",
        "開始時間", "終了時間", "利用可能日時特記事項", "画像", "画像_ライセンス", "概要", "概要_英語", "説明", "説明_英語",
        "URL", "備考"),
    "childcare-facilities": (
        *_LEGACY_HEAD, "名称", "名称_カナ", "種別", "住所", "方書", "緯度", "経度", "アクセス方法", "駐車場情報", "電話番号",
        "内線番号", "FAX番号", "法人番号", "団体名", "認可等年月日", "収容定員", "受入年齢", "利用可能曜日", "開始時間",
        "終了時間", "利用可能日時特記事項", "一時預かりの有無", "URL", "備考"),
    "population-by-area-and-age": (
        "都道府県コード又は市区町村コード", "地域コード", "都道府県名", "市区町村名", "調査年月日", "地域名", "総人口", "男性",
        "女性", *AGE_COLUMNS, "世帯数", "備考"),
}

_COUNT_COLUMNS = frozenset({
    "男性トイレ総数", "男性トイレ数（小便器）", "男性トイレ数（和式）", "男性トイレ数（洋式）", "女性トイレ総数",
    "女性トイレ数（和式）", "女性トイレ数（洋式）", "男女共用トイレ総数", "男女共用トイレ数（和式）", "男女共用トイレ数（洋式）",
    "バリアフリートイレ数", "多機能トイレ数", "想定収容人数", "収容定員", "員数（数）", "総人口", "男性", "女性", "世帯数",
    *AGE_COLUMNS,
})
_DATE_COLUMNS = frozenset({"認可等年月日", "文化財指定日", "調査年月日"})
_PHONE_COLUMNS = frozenset({"電話番号", "FAX番号"})

# --------------------------------------------------------------------------------------
# Text helpers: the ways publishers write values
# --------------------------------------------------------------------------------------

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


_ERAS = (("令和", date(2019, 5, 1)), ("平成", date(1989, 1, 8)), ("昭和", date(1926, 12, 25)),
         ("大正", date(1912, 7, 30)), ("明治", date(1868, 1, 1)))


def wareki(day: date, zenkaku: bool = False) -> str:
    """A date in 和暦 as forms write it: ``令和5年4月1日``, the first year as ``元年``."""
    for era, first in _ERAS:
        if day >= first:
            year = day.year - first.year + 1
            text = f"{era}{'元' if year == 1 else year}年{day.month}月{day.day}日"
            return zenkaku_digits(text) if zenkaku else text
    raise ValueError(f"{day} is before 明治")



# --------------------------------------------------------------------------------------
# Places
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Town:
    """A 町・字 of a municipality: name, reading, romaji, how many 丁目 it has (0: none)."""

    name: str
    kana: str
    romaji: str
    chome: int = 0
    prefix: str = ""  # written before the name in addresses only: 大字, 父島字

    @property
    def en(self) -> str:
        return self.romaji.capitalize()


def _towns(*rows: tuple) -> tuple[Town, ...]:
    return tuple(Town(*row) for row in rows)


#: Real 町名 of the embedded publishers (the coordinates of generated places are not theirs).
TOWNS_BY_CODE: dict[str, tuple[Town, ...]] = {
    "131041": _towns(
        ("西新宿", "ニシシンジュク", "nishishinjuku", 8), ("新宿", "シンジュク", "shinjuku", 7),
        ("歌舞伎町", "カブキチョウ", "kabukicho", 2), ("大久保", "オオクボ", "okubo", 3),
        ("百人町", "ヒャクニンチョウ", "hyakunincho", 4), ("高田馬場", "タカダノババ", "takadanobaba", 4),
        ("下落合", "シモオチアイ", "shimoochiai", 4), ("中落合", "ナカオチアイ", "nakaochiai", 4),
        ("上落合", "カミオチアイ", "kamiochiai", 3), ("戸山", "トヤマ", "toyama", 3),
        ("西早稲田", "ニシワセダ", "nishiwaseda", 3), ("北新宿", "キタシンジュク", "kitashinjuku", 4),
        ("四谷", "ヨツヤ", "yotsuya", 4), ("神楽坂", "カグラザカ", "kagurazaka", 6),
        ("市谷加賀町", "イチガヤカガチョウ", "ichigayakagacho", 2), ("若松町", "ワカマツチョウ", "wakamatsucho"),
        ("河田町", "カワダチョウ", "kawadacho"), ("信濃町", "シナノマチ", "shinanomachi"),
        ("余丁町", "ヨチョウマチ", "yochomachi"), ("弁天町", "ベンテンチョウ", "bentencho"),
        ("内藤町", "ナイトウマチ", "naitomachi"), ("山吹町", "ヤマブキチョウ", "yamabukicho"),
    ),
    "132012": _towns(
        ("元本郷町", "モトホンゴウチョウ", "motohongocho", 4), ("旭町", "アサヒチョウ", "asahicho"),
        ("明神町", "ミョウジンチョウ", "myojincho", 4), ("子安町", "コヤスマチ", "koyasumachi", 4),
        ("横山町", "ヨコヤマチョウ", "yokoyamacho"), ("八日町", "ヨウカマチ", "yokamachi"),
        ("南大沢", "ミナミオオサワ", "minamiosawa", 5), ("めじろ台", "メジロダイ", "mejirodai", 4),
        ("高尾町", "タカオマチ", "takaomachi"), ("長房町", "ナガブサマチ", "nagabusamachi"),
        ("石川町", "イシカワマチ", "ishikawamachi"), ("大和田町", "オオワダマチ", "owadamachi", 7),
        ("北野町", "キタノマチ", "kitanomachi"), ("散田町", "サンダマチ", "sandamachi", 5),
        ("館町", "タテマチ", "tatemachi"), ("堀之内", "ホリノウチ", "horinouchi", 3),
        ("別所", "ベッショ", "bessho", 2), ("寺田町", "テラダマチ", "teradamachi"),
        ("松木", "マツギ", "matsugi"), ("犬目町", "イヌメマチ", "inumemachi"),
    ),
    "133035": _towns(
        ("箱根ケ崎", "ハコネガサキ", "hakonegasaki", 0, "大字"), ("石畑", "イシハタ", "ishihata", 0, "大字"),
        ("殿ケ谷", "トノガヤ", "tonogaya", 0, "大字"), ("長岡", "ナガオカ", "nagaoka", 4),
        ("二本木", "ニホンギ", "nihongi", 0, "大字"), ("駒形富士山", "コマガタフジヤマ", "komagatafujiyama", 0, "大字"),
        ("高根", "タカネ", "takane", 0, "大字"), ("むさし野", "ムサシノ", "musashino", 3),
        ("富士山栗原新田", "フジヤマクリハラシンデン", "fujiyamakuriharashinden", 0, "大字"),
    ),
    "134210": _towns(
        ("東町", "ヒガシマチ", "higashimachi", 0, "父島字"), ("西町", "ニシマチ", "nishimachi", 0, "父島字"),
        ("奥村", "オクムラ", "okumura", 0, "父島字"), ("清瀬", "キヨセ", "kiyose", 0, "父島字"),
        ("扇浦", "オウギウラ", "ogiura", 0, "父島字"), ("小曲", "コマガリ", "komagari", 0, "父島字"),
        ("屏風谷", "ビョウブダニ", "byobudani", 0, "父島字"), ("長谷", "ナガタニ", "nagatani", 0, "父島字"),
    ),
}
#: 町名 common all over Japan, for every other publisher.
GENERIC_TOWNS: tuple[Town, ...] = _towns(
    ("本町", "ホンチョウ", "honcho", 4), ("栄町", "サカエチョウ", "sakaecho", 3), ("緑町", "ミドリチョウ", "midoricho", 4),
    ("旭町", "アサヒチョウ", "asahicho", 3), ("幸町", "サイワイチョウ", "saiwaicho", 3), ("中央", "チュウオウ", "chuo", 5),
    ("東町", "ヒガシチョウ", "higashicho", 3), ("西町", "ニシマチ", "nishimachi", 3), ("南町", "ミナミチョウ", "minamicho", 3),
    ("北町", "キタマチ", "kitamachi", 3), ("富士見町", "フジミチョウ", "fujimicho", 4), ("若葉町", "ワカバチョウ", "wakabacho", 3),
    ("桜町", "サクラマチ", "sakuramachi", 3), ("柳町", "ヤナギチョウ", "yanagicho", 2), ("宮前", "ミヤマエ", "miyamae", 3),
    ("青葉台", "アオバダイ", "aobadai", 4), ("松が丘", "マツガオカ", "matsugaoka", 3), ("泉町", "イズミチョウ", "izumicho", 2),
    ("日吉町", "ヒヨシチョウ", "hiyoshicho", 2), ("寿町", "コトブキチョウ", "kotobukicho", 3),
    ("住吉町", "スミヨシチョウ", "sumiyoshicho", 3), ("錦町", "ニシキチョウ", "nishikicho", 3),
    ("平和台", "ヘイワダイ", "heiwadai", 4), ("城山", "シロヤマ", "shiroyama", 2),
)

_AREA_CODES = {
    "130001": "03", "132039": "0422", "132047": "0422", "132195": "03", "132055": "0428", "133086": "0428",
    "133612": "04992", "133621": "04992", "133639": "04992", "133647": "04992", "133817": "04994",
    "133825": "04994", "134015": "04996", "134023": "04996", "134210": "04998",
}
_POSTAL_PREFIX = {
    "130001": "163", "131016": "100", "131024": "104", "131032": "105", "131041": "160", "131059": "112",
    "131067": "110", "131075": "130", "131083": "135", "131091": "141", "131105": "152", "131113": "144",
    "131121": "154", "131130": "150", "131148": "164", "131156": "166", "131164": "170", "131172": "114",
    "131181": "116", "131199": "173", "131202": "176", "131211": "120", "131229": "124", "131237": "132",
    "132012": "192", "132021": "190", "132039": "180", "132047": "181", "132055": "198", "132063": "183",
    "132071": "196", "132080": "182", "132098": "194", "132101": "184", "132110": "187", "132128": "191",
    "132136": "189", "132144": "185", "132152": "186", "132187": "197", "132195": "201", "132209": "207",
    "132217": "204", "132225": "203", "132233": "208", "132241": "206", "132250": "206", "132276": "205",
    "132284": "197", "132292": "188", "133035": "19012", "133051": "19001", "133078": "19002",
    "133086": "19802", "133612": "10001", "133621": "10003", "133639": "10004", "133647": "10006",
    "133817": "10011", "133825": "10013", "134015": "10014", "134023": "10017", "134210": "10021",
}


def _area_code(m: Municipality) -> str:
    if m.code in _AREA_CODES:
        return _AREA_CODES[m.code]
    if m.code.startswith("131"):
        return "03"
    if m.code.startswith("13"):
        return "042"
    return f"0{11 + int(m.code[:5]) % 89}"


def _web(m: Municipality) -> str:
    """The body's web site, in the lg.jp / tokyo.jp style."""
    if m.is_prefecture:
        return "https://www.metro.tokyo.lg.jp" if m.code == "130001" else f"https://www.pref.{m.slug}.lg.jp"
    label = {"区": "city", "市": "city", "町": "town", "村": "vill"}[m.kind]
    suffix = "tokyo.jp" if m.code.startswith("13") and m.kind in ("町", "村") else "lg.jp"
    return f"https://www.{label}.{m.slug}.{suffix}"


@dataclass(frozen=True)
class Place:
    """A generated address and point inside a municipality."""

    muni: Municipality
    town: Town
    chome: int
    banchi: int
    go: int
    building: str
    lat: float
    lon: float
    postal: str

    @property
    def machiaza(self) -> str:
        """所在地_町字: the 町・字 with its 丁目 in kanji (``西新宿二丁目``)."""
        return self.town.prefix + self.town.name + (f"{kanji_number(self.chome)}丁目" if self.chome else "")

    @property
    def lot(self) -> str:
        """所在地_番地以下 (``8-1``)."""
        return f"{self.banchi}-{self.go}" if self.go else str(self.banchi)

    @property
    def local(self) -> str:
        """The address after the municipality (``西新宿二丁目8-1``)."""
        return self.machiaza + self.lot

    @property
    def full(self) -> str:
        """所在地_連結表記: prefecture through building (``東京都新宿区西新宿二丁目8-1　○○ビル``)."""
        head = self.muni.prefecture + self.muni.city + self.local
        return f"{head}　{self.building}" if self.building else head

    def legacy_address(self, zenkaku: bool) -> str:
        """住所 as legacy lists write it: ``東京都新宿区西新宿２丁目８番１号`` (digits optionally full-width)."""
        chome = f"{self.chome}丁目" if self.chome else ""
        lot = f"{self.banchi}番{self.go}号" if self.go else f"{self.banchi}番地"
        tail = chome + lot
        return (self.muni.prefecture + self.muni.city + self.town.prefix + self.town.name
                + (zenkaku_digits(tail) if zenkaku else tail))

    @property
    def address_fields(self) -> dict[str, str]:
        return {
            "所在地_全国地方公共団体コード": self.muni.code, "町字ID": "", "所在地_連結表記": self.full,
            "所在地_都道府県": self.muni.prefecture, "所在地_市区町村": self.muni.city,
            "所在地_町字": self.machiaza, "所在地_番地以下": self.lot, "建物名等(方書)": self.building,
            "緯度": f"{self.lat:.6f}", "経度": f"{self.lon:.6f}",
        }


class _Context:
    """Per file: the publisher, the file's own random stream, its towns and the names used."""

    def __init__(self, publisher: Municipality, rng: random.Random) -> None:
        self.pub = publisher
        self.rng = rng
        self.names: set[str] = set()

    def towns(self, muni: Municipality | None = None) -> tuple[Town, ...]:
        return TOWNS_BY_CODE.get((muni or self.pub).code, GENERIC_TOWNS)

    def town(self, muni: Municipality | None = None) -> Town:
        return self.rng.choice(self.towns(muni))

    def place(self, muni: Municipality | None = None, town: Town | None = None, building_p: float = 0.15) -> Place:
        rng = self.rng
        muni = muni or self.pub
        town = town or self.town(muni)
        chome = rng.randint(1, town.chome) if town.chome else 0
        banchi = rng.randint(1, 40) if town.chome else rng.randint(100, 3200)
        go = rng.randint(1, 28) if town.chome and rng.random() < 0.8 else 0
        building = ""
        if rng.random() < building_p:
            floor = f"{rng.randint(1, 5)}階" if rng.random() < 0.6 else ""
            building = town.name + rng.choice(("ビル", "プラザ", "会館", "ハイツ")) + floor
        lat, lon = muni.random_point(rng)
        return Place(muni, town, chome, banchi, go, building, lat, lon, self.postal(muni))

    def postal(self, muni: Municipality | None = None) -> str:
        muni = muni or self.pub
        prefix = _POSTAL_PREFIX.get(muni.code) or f"{(int(muni.code[:5]) * 37) % 900 + 100:03d}"
        return prefix + "".join(str(self.rng.randint(0, 9)) for _ in range(7 - len(prefix)))

    def phone(self, muni: Municipality | None = None) -> str:
        area = _area_code(muni or self.pub)
        first_len = {2: 4, 3: 3, 4: 2, 5: 1}[len(area)]
        first = str(self.rng.randint(2, 9)) + "".join(str(self.rng.randint(0, 9)) for _ in range(first_len - 1))
        return f"{area}-{first}-{self.rng.randint(0, 9999):04d}"

    def named(self, make: Callable[[Town], tuple[str, str, str]], tries: int = 12) -> tuple[Town, tuple[str, str, str]]:
        """A town and a name made from it that this file has not used yet (tries other towns first)."""
        for _ in range(tries):
            town = self.town()
            label = make(town)
            if label[0] not in self.names:
                self.names.add(label[0])
                return town, label
        return town, self.unique(*label)

    def unique(self, name: str, kana: str, en: str) -> tuple[str, str, str]:
        """Make a facility name unique in the file (``…第2`` as a last resort)."""
        candidate, n = (name, kana, en), 2
        while candidate[0] in self.names:
            candidate = (f"{name}第{n}", f"{kana}ダイ{n}", f"{en} {n}")
            n += 1
        self.names.add(candidate[0])
        return candidate

    def maybe(self, value: str, p: float = 0.5) -> str:
        """Half-filled optional cells: ``value`` with probability ``p``, else blank."""
        return value if self.rng.random() < p else ""


# --------------------------------------------------------------------------------------
# Facilities and their names
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Kind:
    suffix: str
    kana: str
    en: str
    own: bool  # "新宿区立…" prefix
    spots: tuple[str, ...]
    days: str
    hours: tuple[str, str]
    note: str = ""


_KINDS: dict[str, _Kind] = {
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


def _own_prefix(m: Municipality) -> tuple[str, str]:
    """``新宿区立`` / ``シンジュククリツ``: how a municipality marks what it runs."""
    return m.name + "立", m.name_kana + "リツ"


def _facility_label(pub: Municipality, kind: _Kind, town: Town) -> tuple[str, str, str]:
    """(name, reading, English) of a facility of ``kind`` named after ``town``."""
    name, kana, en = town.name + kind.suffix, town.kana + kind.kana, f"{town.en} {kind.en}"
    if kind.own:
        own, own_kana = _own_prefix(pub)
        name, kana = own + name, own_kana + kana
    return name, kana, en


def _office_name(m: Municipality) -> tuple[str, str, str]:
    if m.kind in ("区", "市"):
        return m.name + "役所", m.name_kana + "ヤクショ", f"{m.name_en} Office"
    return m.name + "役場", m.name_kana + "ヤクバ", f"{m.name_en} Office"


def _identity(ctx: _Context, set_id: str, i: int) -> dict[str, Any]:
    return {"全国地方公共団体コード": ctx.pub.code, "ID": f"{_ID_PREFIX[set_id]}{ctx.pub.code}{i + 1:04d}",
            "地方公共団体名": ctx.pub.full_name, "_no": i + 1}


def _height(ctx: _Context, record: dict[str, Any], p: float = 0.3) -> None:
    if ctx.rng.random() < p:
        record["高度の種別"], record["高度の値"] = "階数", str(ctx.rng.choice((1, 1, 1, 2, 3, -1)))


def _url(ctx: _Context, path: str, p: float = 0.4) -> str:
    return ctx.maybe(f"{_web(ctx.pub)}/{path}", p)


# --------------------------------------------------------------------------------------
# Records: one row of a set, in the 正式版's own column names with clean values
# --------------------------------------------------------------------------------------


def _aed_record(ctx: _Context, i: int) -> dict[str, Any]:
    rng = ctx.rng
    r = _identity(ctx, "aed-locations", i)
    if i == 0:
        (r["名称"], r["名称_カナ"], r["名称_英字"]), town = ctx.unique(*_office_name(ctx.pub)), None
        kind = _KINDS["office"]
        r["設置位置"] = kind.spots[0]
    else:
        kind = _KINDS[rng.choice(("elementary", "junior", "center", "library", "children", "sports", "health",
                                  "elderly", "branch"))]
        town, (r["名称"], r["名称_カナ"], r["名称_英字"]) = ctx.named(lambda t: _facility_label(ctx.pub, kind, t))
        r["設置位置"] = rng.choice(kind.spots)
    place = ctx.place(town=town)
    r.update(place.address_fields, _place=place)
    r["名称_英字"] = ctx.maybe(r["名称_英字"], 0.4)
    _height(ctx, r)
    r["電話番号"] = ctx.phone()
    r["内線番号"] = ctx.maybe(str(rng.randint(2000, 4999)), 0.2)
    r["郵便番号"] = ctx.maybe(place.postal)
    r["法人番号"] = ctx.maybe(ctx.pub.corporate_number)
    r["団体名"] = ctx.maybe(ctx.pub.name, 0.7)
    r["利用可能曜日"], (r["開始時間"], r["終了時間"]) = kind.days, kind.hours
    r["利用可能日時特記事項"] = ctx.maybe(kind.note)
    r["小児対応設備の有無"] = rng.choice(("有", "有", "無"))
    r["URL"] = _url(ctx, "kenko/aed.html")
    r["備考"] = ctx.maybe("平日夜間・休日は施設の開館時間内のみ使用可", 0.15)
    return r


_FACILITY_DESCRIPTIONS = {
    "office": "各種届出・証明書の交付", "center": "集会室・和室を備えた地域の交流拠点",
    "library": "一般書・児童書の貸出、レファレンス", "children": "乳幼児から中高生までの遊び場",
    "sports": "体育室・トレーニングルーム・温水プール", "health": "健康診査・予防接種・健康相談", "elderly": "高齢者の教養・健康増進の場",
    "branch": "住民票・戸籍証明書の交付", "hall": "ホール・会議室の貸出", "park": "遊具・多目的広場のある公園",
}


def _facility_record(ctx: _Context, i: int) -> dict[str, Any]:
    rng = ctx.rng
    r = _identity(ctx, "public-facilities", i)
    if i == 0:
        (r["名称"], r["名称_カナ"], r["名称_英字"]), town, key = ctx.unique(*_office_name(ctx.pub)), None, "office"
    else:
        key = rng.choice(tuple(k for k in _FACILITY_DESCRIPTIONS if k != "office"))
        town, (r["名称"], r["名称_カナ"], r["名称_英字"]) = ctx.named(lambda t: _facility_label(ctx.pub, _KINDS[key], t))
    kind = _KINDS[key]
    place = ctx.place(town=town)
    r.update(place.address_fields, _place=place, _kind=key)
    r["名称_英字"] = ctx.maybe(r["名称_英字"], 0.4)
    r["名称_通称"] = ctx.maybe(r["名称"].removesuffix(kind.suffix) + ("センター" if key == "center" else "館"), 0.1)
    _height(ctx, r, 0.15)
    r["電話番号"] = ctx.phone()
    r["内線番号"] = ctx.maybe(str(rng.randint(2000, 4999)), 0.15)
    r["郵便番号"] = ctx.maybe(place.postal)
    r["法人番号"] = ctx.maybe(ctx.pub.corporate_number)
    r["団体名"] = ctx.maybe(ctx.pub.name, 0.6)
    r["利用可能曜日"], (r["開始時間"], r["終了時間"]) = kind.days, kind.hours
    r["利用可能時間特記事項"] = ctx.maybe(kind.note, 0.6)
    r["説明"] = ctx.maybe(_FACILITY_DESCRIPTIONS[key], 0.6)
    barrier = {"車椅子可": rng.choice(("可", "可", "無")), "バリアフリートイレ": rng.choice(("有", "有", "無")),
               "授乳室": rng.choice(("有", "無")), "おむつ替えコーナー": rng.choice(("有", "有", "無"))}
    if rng.random() < 0.7:
        r.update(barrier)
    labels = {"車椅子可": "車椅子対応", "バリアフリートイレ": "多機能トイレ", "授乳室": "授乳室", "おむつ替えコーナー": "おむつ替えコーナー"}
    r["_barrier"] = ";".join(labels[k] for k, v in barrier.items() if v in ("可", "有") and k in r)
    r["URL"] = _url(ctx, f"shisetsu/{i + 1:03d}.html")
    r["備考"] = ctx.maybe("駐車場なし。公共交通機関をご利用ください。", 0.15)
    return r


_EVACUATION_KINDS = ("elementary", "elementary", "junior", "park", "park", "highschool", "center")
_VOLCANIC_ISLANDS = frozenset({"133612", "133621", "133639", "133647", "133817", "133825", "134015", "134023"})
_ISLANDS = _VOLCANIC_ISLANDS | {"134210"}


def _evacuation_record(ctx: _Context, i: int) -> dict[str, Any]:
    rng = ctx.rng
    r = _identity(ctx, "emergency-evacuation-sites", i)
    key = rng.choice(_EVACUATION_KINDS)
    kind = _KINDS[key]

    def label(t: Town) -> tuple[str, str, str]:
        if key == "highschool" and ctx.pub.code.startswith("13"):  # in Tokyo, high schools are the 都's
            return f"都立{t.name}高等学校", f"トリツ{t.kana}コウトウガッコウ", f"Tokyo Metropolitan {t.en} High School"
        return _facility_label(ctx.pub, kind, t)

    town, (name, kana, en) = ctx.named(label)
    r["名称"], r["名称_カナ"], r["名称_英字"] = name, kana, ctx.maybe(en, 0.3)
    place = ctx.place(town=town, building_p=0.0)
    r.update(place.address_fields, _place=place)
    island = ctx.pub.code in _ISLANDS
    r["標高"] = f"{rng.uniform(2, 160 if island else 60):.1f}"
    r["電話番号"] = ctx.phone()
    r["郵便番号"] = ctx.maybe(place.postal, 0.3)
    r["市区町村コード"] = ctx.pub.code
    is_park = key == "park"
    flags = {
        "災害種別_洪水": not is_park and rng.random() < 0.4,
        "災害種別_崖崩れ、土石流及び地滑り": rng.random() < (0.5 if island else 0.2),
        "災害種別_高潮": not is_park and rng.random() < 0.1,
        "災害種別_地震": rng.random() < 0.95,
        "災害種別_津波": rng.random() < (0.6 if island else 0.05),
        "災害種別_大規模な火事": rng.random() < (0.85 if is_park else 0.3),
        "災害種別_内水氾濫": not is_park and rng.random() < 0.4,
        "災害種別_火山現象": ctx.pub.code in _VOLCANIC_ISLANDS and rng.random() < 0.7,
    }
    if not any(flags.values()):
        flags["災害種別_地震"] = True
    r.update({k: "1" if v else "" for k, v in flags.items()})
    r["指定避難所との重複"] = "" if is_park else ("1" if rng.random() < 0.9 else "")
    large = ctx.pub.kind in ("区", "市")
    if is_park:
        capacity = rng.randrange(2000, 20000, 10) if large else rng.randrange(200, 3000, 10)
    else:
        capacity = rng.randrange(300, 2500, 10) if large else rng.randrange(100, 800, 10)
    r["想定収容人数"] = str(capacity)
    if rng.random() < 0.6:
        towns = rng.sample(ctx.towns(), k=min(2, len(ctx.towns())))
        r["対象となる町会・自治会"] = ";".join(f"{t.name}町会" for t in towns)
    r["URL"] = _url(ctx, "bosai/hinanbasho.html", 0.3)
    r["備考"] = ctx.maybe("夜間は施設管理者に連絡", 0.1)
    return r


def _wifi_record(ctx: _Context, i: int) -> dict[str, Any]:
    rng = ctx.rng
    r = _identity(ctx, "public-wifi-access-points", i)
    if i == 0:
        (r["名称"], r["名称_カナ"], r["名称_英語"]), town = ctx.unique(*_office_name(ctx.pub)), None
        area = "1階ロビー"
    else:
        kind = _KINDS[rng.choice(("center", "library", "branch", "sports", "hall", "station", "park"))]
        town, (r["名称"], r["名称_カナ"], r["名称_英語"]) = ctx.named(lambda t: _facility_label(ctx.pub, kind, t))
        area = rng.choice(("1階ロビー", "館内全域", "会議室・ロビー", "屋外広場")) if kind.suffix != "公園" else "園内休憩所周辺"
    place = ctx.place(town=town)
    r.update(place.address_fields, _place=place)
    r["名称_英語"] = ctx.maybe(r["名称_英語"], 0.5)
    r["法人番号"] = ctx.maybe(ctx.pub.corporate_number, 0.3)
    r["設置者"] = ctx.pub.name
    r["電話番号"] = ctx.maybe(ctx.phone(), 0.6)
    r["郵便番号"] = ctx.maybe(place.postal, 0.3)
    r["SSID"] = f"{ctx.pub.stem_en.replace(' ', '_')}_Free_Wi-Fi"
    r["提供エリア"] = area
    r["URL"] = _url(ctx, "wifi/index.html", 0.3)
    r["備考"] = ctx.maybe("1回60分、1日4回まで", 0.3)
    return r


_TOILET_KINDS = ("park", "park", "park", "station", "playground")


def _toilet_record(ctx: _Context, i: int) -> dict[str, Any]:
    rng = ctx.rng
    r = _identity(ctx, "public-toilets", i)
    key = rng.choice(_TOILET_KINDS)
    kind = _KINDS[key]

    def label(t: Town) -> tuple[str, str, str]:
        if key == "station":
            return t.name + "駅前公衆トイレ", t.kana + "エキマエコウシュウトイレ", f"{t.en} Station Public Toilet"
        return _facility_label(ctx.pub, kind, t)

    town, (name, kana, en) = ctx.named(label)
    r["名称"], r["名称_カナ"], r["名称_英語"] = name, kana, ctx.maybe(en, 0.3)
    place = ctx.place(town=town, building_p=0.0)
    r.update(place.address_fields, _place=place)
    r["設置位置"] = rng.choice(kind.spots)
    urinal, m_jp, m_w = rng.randint(1, 4), rng.randint(0, 2), rng.randint(0, 2)
    f_jp, f_w = rng.randint(0, 2), rng.randint(1, 3)
    u_jp, u_w = rng.randint(0, 1), rng.randint(0, 1)
    barrier = rng.randint(0, 2)
    r.update({
        "男性トイレ総数": str(urinal + m_jp + m_w), "男性トイレ数（小便器）": str(urinal), "男性トイレ数（和式）": str(m_jp),
        "男性トイレ数（洋式）": str(m_w), "女性トイレ総数": str(f_jp + f_w), "女性トイレ数（和式）": str(f_jp),
        "女性トイレ数（洋式）": str(f_w), "男女共用トイレ総数": str(u_jp + u_w), "男女共用トイレ数（和式）": str(u_jp),
        "男女共用トイレ数（洋式）": str(u_w), "バリアフリートイレ数": str(barrier),
        "車椅子使用者用トイレ有無": "有" if barrier else "無",
        "乳幼児用設備設置トイレ有無": rng.choice(("有", "無")) if barrier else "無",
        "オストメイト設置トイレ有無": rng.choice(("有", "無")) if barrier else "無",
    })
    r["利用開始時間"], r["利用終了時間"] = kind.hours
    r["利用可能時間特記事項"] = ctx.maybe("24時間利用可" if kind.hours == ("00:00", "23:59") else "夜間は閉鎖", 0.5)
    r["備考"] = ctx.maybe("清掃時間帯（9時～10時）は一部利用不可", 0.15)
    return r


#: (name pattern, reading pattern, English pattern, category, 種類, unit, count range, place pattern, owner pattern)
_CULTURAL_PATTERNS = (
    ("{t}八幡神社本殿", "{k}ハチマンジンジャホンデン", "Honden of {e} Hachiman Shrine", "有形文化財", "建造物", "棟", (1, 1),
     "{t}八幡神社", "宗教法人{t}八幡神社"),
    ("{t}寺山門", "{k}デラサンモン", "Sanmon Gate of {e}dera Temple", "有形文化財", "建造物", "棟", (1, 1), "{t}寺", "宗教法人{t}寺"),
    ("木造阿弥陀如来坐像（{t}寺）", "モクゾウアミダニョライザゾウ（{k}デラ）", "Wooden Seated Amida Nyorai of {e}dera",
     "有形文化財", "美術工芸品", "体", (1, 1), "{t}寺", "宗教法人{t}寺"),
    ("{t}の大イチョウ", "{k}ノオオイチョウ", "Great Ginkgo of {e}", "天然記念物", "その他", "本", (1, 2), "{t}神社境内", "宗教法人{t}神社"),
    ("{t}囃子", "{k}バヤシ", "{e} Bayashi Festival Music", "無形民俗文化財", "芸能", "", (0, 0), "{t}神社", "{t}囃子保存会"),
    ("{t}遺跡", "{k}イセキ", "{e} Archaeological Site", "史跡", "その他", "件", (1, 1), "{t}遺跡公園", "{m}"),
    ("{t}村絵図", "{k}ムラエズ", "Village Map of {e}", "有形文化財", "美術工芸品", "枚", (1, 3), "{m}立郷土資料館", "{m}"),
    ("{t}の庚申塔", "{k}ノコウシントウ", "Koshin Stone of {e}", "有形民俗文化財", "その他", "基", (1, 3), "{t}地蔵堂", "{t}町会"),
    ("旧{t}家住宅", "キュウ{k}ケジュウタク", "Former {e} Family Residence", "有形文化財", "建造物", "棟", (1, 3), "{t}家住宅", "個人"),
    ("{t}文書", "{k}モンジョ", "{e} Documents", "有形文化財", "美術工芸品", "点", (20, 300), "{m}立郷土資料館", "{m}"),
    ("{t}の獅子舞", "{k}ノシシマイ", "{e} Lion Dance", "無形民俗文化財", "芸能", "", (0, 0), "{t}稲荷神社", "{t}獅子舞保存会"),
)


def _cultural_record(ctx: _Context, i: int) -> dict[str, Any]:
    rng = ctx.rng
    r = _identity(ctx, "cultural-properties", i)
    pattern = _CULTURAL_PATTERNS[i] if i < len(_CULTURAL_PATTERNS) else rng.choice(_CULTURAL_PATTERNS)
    name_p, kana_p, en_p, category, kind, unit, (lo, hi), site_p, owner_p = pattern

    def fill(t: Town) -> dict[str, str]:
        return {"t": t.name, "k": t.kana, "e": t.en, "m": ctx.pub.name}

    town, (r["名称"], r["名称_カナ"], r["名称_英語"]) = ctx.named(
        lambda t: (name_p.format(**fill(t)), kana_p.format(**fill(t)), en_p.format(**fill(t))))
    r["名称_英語"] = ctx.maybe(r["名称_英語"], 0.4)
    level = ctx.pub.kind if not ctx.pub.is_prefecture else "都"
    if rng.random() < 0.15:
        level = "都"
    r["文化財分類"] = f"{level}指定{category}"
    if kind == "建造物" and rng.random() < 0.25:
        r["文化財分類"] = f"{level}指定{category};国登録有形文化財"
    r["種類"] = kind
    r["場所名称"] = site_p.format(**fill(town))
    place = ctx.place(town=town, building_p=0.0)
    r.update(place.address_fields, _place=place)
    r["電話番号"] = ctx.maybe(ctx.phone(), 0.3)
    r["郵便番号"] = ctx.maybe(place.postal, 0.3)
    if unit:
        r["員数（数）"], r["員数（単位）"] = str(rng.randint(lo, hi)), unit
    r["所有者等"] = ctx.maybe(owner_p.format(**fill(town)), 0.7)
    designated = date(rng.randint(1952, 2022), rng.randint(1, 12), rng.randint(1, 28))
    if i == 2:
        designated = date(1989, 11, 3)  # 平成元年: a 元年 among the 和暦 dates
    r["文化財指定日"] = designated.isoformat()
    if kind == "建造物" and rng.random() < 0.4:
        r["利用可能曜日"], r["開始時間"], r["終了時間"] = "土日", "10:00", "16:00"
        r["利用可能日時特記事項"] = "内部の公開は土日のみ"
    r["概要"] = ctx.maybe(f"{town.name}に伝わる{category}で、地域の歴史を伝える貴重な文化財である。", 0.6)
    r["URL"] = _url(ctx, "bunka/bunkazai.html", 0.4)
    return r


_CHILDCARE_TYPES = (
    ("認可公立保育所", "保育園", "ホイクエン", "Nursery School", True),
    ("認可私立保育所", "ひまわり保育園", "ヒマワリホイクエン", "Himawari Nursery School", False),
    ("認可私立保育所", "さくら保育園", "サクラホイクエン", "Sakura Nursery School", False),
    ("公立幼稚園", "幼稚園", "ヨウチエン", "Kindergarten", True),
    ("私立幼稚園", "聖愛幼稚園", "セイアイヨウチエン", "Seiai Kindergarten", False),
    ("認定こども園（幼保連携型）", "こども園", "コドモエン", "Center for Early Childhood Education", False),
    ("認可外保育所", "ベビールーム", "ベビールーム", "Baby Room", False),
)


def _childcare_record(ctx: _Context, i: int) -> dict[str, Any]:
    rng = ctx.rng
    r = _identity(ctx, "childcare-facilities", i)
    kind, suffix, suffix_kana, suffix_en, own = rng.choice(_CHILDCARE_TYPES)

    def label(t: Town) -> tuple[str, str, str]:
        own_name, own_kana = _own_prefix(ctx.pub) if own else ("", "")
        return own_name + t.name + suffix, own_kana + t.kana + suffix_kana, f"{t.en} {suffix_en}"

    town, (r["名称"], r["名称_カナ"], r["名称_英字"]) = ctx.named(label)
    r["名称_英字"] = ctx.maybe(r["名称_英字"], 0.3)
    r["種別"] = kind
    place = ctx.place(town=town, building_p=0.25)
    r.update(place.address_fields, _place=place)
    r["アクセス方法"] = ctx.maybe(f"バス停「{town.name}」から徒歩{rng.randint(1, 12)}分", 0.6)
    r["駐車場情報"] = ctx.maybe(rng.choice(("無", "有（2台）", "送迎用3台")), 0.5)
    r["電話番号"] = ctx.phone()
    r["FAX番号"] = ctx.maybe(ctx.phone(), 0.5)
    r["郵便番号"] = ctx.maybe(place.postal, 0.4)
    r["法人番号"] = ctx.maybe(ctx.pub.corporate_number, 0.5) if own else ""
    r["団体名"] = ctx.pub.name if own else ctx.maybe(f"社会福祉法人{town.name}福祉会", 0.6)
    licensed = date(rng.randint(1970, 2022), 4, 1)
    if i == 0:
        licensed = date(2019, 5, 1)  # 令和元年5月1日
    elif i == 1:
        licensed = date(2019, 4, 1)  # 平成31年4月1日
    r["認可等年月日"] = licensed.isoformat() if kind != "認可外保育所" else ""
    r["収容定員"] = str(rng.randrange(20, 220, 5))
    r["受入年齢"] = "3歳～5歳" if "幼稚園" in kind else rng.choice(("0歳～5歳", "生後57日～5歳", "1歳～5歳"))
    r["利用可能曜日"] = "月火水木金" if "幼稚園" in kind else "月火水木金土"
    r["開始時間"], r["終了時間"] = ("09:00", "14:00") if "幼稚園" in kind else rng.choice((("07:15", "18:15"), ("07:30", "19:30")))
    r["利用可能日時特記事項"] = ctx.maybe("日曜日・祝日・年末年始は休園", 0.6)
    r["一時預かりの有無"] = rng.choice(("有", "無"))
    r["URL"] = _url(ctx, f"kosodate/hoiku/{i + 1:03d}.html", 0.3)
    r["備考"] = ctx.maybe("延長保育あり", 0.2)
    return r


#: Share of each 5-year band (urban Tokyo-like profile, 0-4 … 85+).
_AGE_PROFILE = (3.4, 3.2, 3.0, 3.6, 7.6, 9.4, 8.4, 7.6, 7.4, 8.0, 7.4, 6.0, 5.0, 4.6, 4.8, 3.8, 2.6, 2.2)


def _population_areas(ctx: _Context, n: int) -> list[tuple[str, str]]:
    """(地域コード, 地域名) for n areas: each town's 丁目 in order, then further 丁目 if needed."""
    areas: list[tuple[str, str]] = []
    towns = ctx.towns()
    limit = 0
    while len(areas) < n:
        limit += 1
        for ti, town in enumerate(towns):
            chome_count = town.chome if town.chome else 1
            if limit == 1:
                numbers = range(1, chome_count + 1) if town.chome else [0]
            else:  # more areas than the towns have: further 丁目
                numbers = [chome_count + limit - 1]
            for c in numbers:
                name = f"{town.name}{c}丁目" if c else town.name
                areas.append((f"{ti + 1:03d}{c:03d}", name))
        if limit > 200:
            break
    return areas[:n]


def _population_records(ctx: _Context, n: int) -> list[dict[str, Any]]:
    rng = ctx.rng
    records = []
    weight_total = sum(_AGE_PROFILE)
    for i, (code, name) in enumerate(_population_areas(ctx, n)):
        total = rng.randint(200, 6000)
        r: dict[str, Any] = {"全国地方公共団体コード": ctx.pub.code, "地域コード": code, "地方公共団体名": ctx.pub.full_name,
                             "調査年月日": AS_OF.isoformat(), "地域名": name, "_no": i + 1}
        male = female = 0
        for band, w in zip(_AGE_BANDS, _AGE_PROFILE, strict=True):
            m = round(total / 2 * w / weight_total * rng.uniform(0.75, 1.2))
            f = round(total / 2 * w / weight_total * rng.uniform(0.75, 1.3))
            r[f"{band}の男性"], r[f"{band}の女性"] = str(m), str(f)
            male, female = male + m, female + f
        r["総人口"], r["男性"], r["女性"] = str(male + female), str(male), str(female)
        r["世帯数"] = str(round((male + female) / rng.uniform(1.5, 2.3)))
        records.append(r)
    return records


_BUILDERS: dict[str, Callable[[_Context, int], dict[str, Any]]] = {
    "public-facilities": _facility_record, "aed-locations": _aed_record,
    "emergency-evacuation-sites": _evacuation_record, "public-wifi-access-points": _wifi_record,
    "public-toilets": _toilet_record, "cultural-properties": _cultural_record,
    "childcare-facilities": _childcare_record,
}


def _records(set_id: str, ctx: _Context, n: int) -> list[dict[str, Any]]:
    if set_id == "population-by-area-and-age":
        return _population_records(ctx, n)
    return [_BUILDERS[set_id](ctx, i) for i in range(n)]


def _rng(seed: int, publisher: Municipality, set_id: str) -> random.Random:
    """Each file its own stream, so one file never shifts another's values."""
    return random.Random(f"tdpf-samples:{seed}:{publisher.code}:{set_id}")


# --------------------------------------------------------------------------------------
# Shape (a): legacy 推奨データセット CSV in CP932, with the old habits
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LegacyQuirks:
    """How often a legacy publisher writes a value the old way (probabilities per cell)."""

    zenkaku_address: float = 0.6
    zenkaku_phone: float = 0.4
    zenkaku_count: float = 0.2
    hankaku_kana: float = 0.3
    zenkaku_date: float = 0.2


def _legacy_cell(set_id: str, header: str, r: Mapping[str, Any], pub: Municipality, rng: random.Random,
                 q: LegacyQuirks) -> str:
    place: Place | None = r.get("_place")
    if header == "都道府県コード又は市区町村コード":
        value = r["全国地方公共団体コード"]
    elif header == "NO":
        value = str(r["_no"])
    elif header == "都道府県名":
        value = pub.prefecture
    elif header == "市区町村名":
        value = pub.name
    elif header == "住所":
        value = place.legacy_address(rng.random() < q.zenkaku_address) if place else ""
    elif header == "方書":
        value = r.get("建物名等(方書)", "")
    elif header == "多機能トイレ数":
        value = r.get("バリアフリートイレ数", "")
    elif header == "バリアフリー情報":
        value = r.get("_barrier", "")
    elif header == "利用可能日時特記事項" and set_id == "public-facilities":
        value = r.get("利用可能時間特記事項", "")
    elif header == "地域名" and set_id == "population-by-area-and-age":
        value = zenkaku_digits(r["地域名"])  # 四谷１丁目, as 新宿区 writes it
    else:
        value = r.get(header, "")
    if not value:
        return ""
    if header in _DATE_COLUMNS:
        return wareki(date.fromisoformat(value), zenkaku=rng.random() < q.zenkaku_date)
    if header in _PHONE_COLUMNS and rng.random() < q.zenkaku_phone:
        return zenkaku_digits(value)
    if header in _COUNT_COLUMNS and rng.random() < q.zenkaku_count:
        return zenkaku_digits(value)
    if header == "名称_カナ" and rng.random() < q.hankaku_kana:
        return hankaku_kana(value)
    return value


def _legacy_table(set_id: str, records: Sequence[Mapping[str, Any]], pub: Municipality, rng: random.Random,
                  quirks: LegacyQuirks = LegacyQuirks()) -> tuple[tuple[str, ...], list[list[str]]]:
    headers = LEGACY_COLUMNS[set_id]
    return headers, [[_legacy_cell(set_id, h, r, pub, rng, quirks) for h in headers] for r in records]


# --------------------------------------------------------------------------------------
# Shapes (b) XLSX and (c) English CSV: the publisher's own column names (layout custom)
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Col:
    """One column of a custom layout: its header, the standard column it fills, its value.

    ``header`` is a name, or ``(group, name)`` for a column under a merged group cell of a
    two-row workbook header. ``get`` is a record key or a function of the record; by
    default the standard column's own value.
    """

    header: str | tuple[str, str]
    std: str | None = None
    get: str | Callable[[Mapping[str, Any]], Any] | None = None

    @property
    def name(self) -> str:
        """The column's name as the registry loader joins a two-row header (identical parts once)."""
        if isinstance(self.header, str):
            return self.header
        group, sub = self.header
        return group if group == sub else f"{group}_{sub}"

    def value(self, r: Mapping[str, Any]) -> Any:
        if callable(self.get):
            return self.get(r)
        return r.get(self.get or self.std or "", "")


def _local_address(r: Mapping[str, Any]) -> str:
    return r["_place"].local if r.get("_place") else ""


def _circle(key: str, no: str = "") -> Callable[[Mapping[str, Any]], str]:
    """○ for 有/1, ``no`` otherwise: how workbooks mark flags."""
    return lambda r: "○" if r.get(key) in ("有", "1") else (no if r.get(key) else "")


def _english_yes_no(key: str) -> Callable[[Mapping[str, Any]], str]:
    return lambda r: {"有": "yes", "無": "no"}.get(r.get(key, ""), "")


def _wareki_of(key: str) -> Callable[[Mapping[str, Any]], str]:
    return lambda r: wareki(date.fromisoformat(r[key])) if r.get(key) else ""


def _listed(key: str) -> Callable[[Mapping[str, Any]], str]:
    return lambda r: r.get(key, "").replace(";", "、")


def _hours_note(r: Mapping[str, Any]) -> str:
    return r.get("利用可能日時特記事項") or r.get("利用可能時間特記事項", "")


_FLAGS = (("洪水", "災害種別_洪水", "flood"), ("崖崩れ等", "災害種別_崖崩れ、土石流及び地滑り", "landslide"),
          ("高潮", "災害種別_高潮", "storm_surge"), ("地震", "災害種別_地震", "earthquake"),
          ("津波", "災害種別_津波", "tsunami"), ("大規模な火事", "災害種別_大規模な火事", "large_fire"),
          ("内水氾濫", "災害種別_内水氾濫", "inland_flooding"), ("火山現象", "災害種別_火山現象", "volcano"))


def _xl_address(*subs: str) -> list[Col]:
    """The 所在地 group: 住所 (after the municipality) and some of 方書 / 緯度 / 経度."""
    cols = {"住所": Col(("所在地", "住所"), None, _local_address), "方書": Col(("所在地", "方書"), "建物名等(方書)"),
            "緯度": Col(("所在地", "緯度"), "緯度"), "経度": Col(("所在地", "経度"), "経度")}
    return [cols[s] for s in subs]


_BAND_LABELS_JA = tuple(b.replace("-", "～") for b in _AGE_BANDS)

#: Shape (b): one workbook, one sheet per set, title row + two-row header with merged groups.
XLSX_DESIGNS: dict[str, tuple[Col, ...]] = {
    "public-facilities": (
        Col("番号", "ID", "_no"), Col(("名称", "名称"), "名称"), Col(("名称", "フリガナ"), "名称_カナ"),
        Col(("名称", "英語表記"), "名称_英字"), Col("施設分類", None, lambda r: _KINDS[r["_kind"]].suffix),
        *_xl_address("住所", "方書", "緯度", "経度"),
        Col(("連絡先", "電話番号"), "電話番号"), Col(("連絡先", "内線"), "内線番号"),
        Col(("開館時間", "開館日"), "利用可能曜日"), Col(("開館時間", "開館"), "開始時間"), Col(("開館時間", "閉館"), "終了時間"),
        Col("休館日等", "利用可能時間特記事項"),
        Col(("バリアフリー", "車椅子"), "車椅子可"), Col(("バリアフリー", "多目的トイレ"), "バリアフリートイレ", _circle("バリアフリートイレ")),
        Col(("バリアフリー", "授乳室"), "授乳室", _circle("授乳室")),
        Col(("バリアフリー", "おむつ替え"), "おむつ替えコーナー", _circle("おむつ替えコーナー")),
        Col("ホームページ", "URL"), Col("備考", "備考"),
    ),
    "aed-locations": (
        Col("番号", "ID", "_no"), Col(("名称", "名称"), "名称"), Col(("名称", "フリガナ"), "名称_カナ"),
        *_xl_address("住所", "方書", "緯度", "経度"), Col("設置場所", "設置位置"),
        Col(("連絡先", "電話番号"), "電話番号"), Col(("連絡先", "内線"), "内線番号"), Col("設置者", "団体名"),
        Col(("利用可能時間", "曜日"), "利用可能曜日"), Col(("利用可能時間", "開始"), "開始時間"),
        Col(("利用可能時間", "終了"), "終了時間"), Col(("利用可能時間", "備考"), "利用可能日時特記事項"),
        Col("小児用パッド", "小児対応設備の有無", _circle("小児対応設備の有無", "×")), Col("備考", "備考"),
    ),
    "emergency-evacuation-sites": (
        Col("番号", "ID", "_no"), Col(("名称", "名称"), "名称"), Col(("名称", "フリガナ"), "名称_カナ"),
        *_xl_address("住所", "緯度", "経度"), Col("標高（m）", "標高"), Col("電話番号", "電話番号"),
        *(Col(("対象とする異常な現象", label), std, _circle(std)) for label, std, _ in _FLAGS),
        Col("指定避難所との重複", "指定避難所との重複", _circle("指定避難所との重複")),
        Col("想定収容人数（人）", "想定収容人数"), Col("対象となる町会・自治会", "対象となる町会・自治会", _listed("対象となる町会・自治会")),
        Col("備考", "備考"),
    ),
    "public-wifi-access-points": (
        Col("番号", "ID", "_no"), Col(("名称", "名称"), "名称"), Col(("名称", "フリガナ"), "名称_カナ"),
        Col(("名称", "英語表記"), "名称_英語"), *_xl_address("住所", "方書", "緯度", "経度"), Col("設置者", "設置者"),
        Col("電話番号", "電話番号"), Col("SSID", "SSID"), Col("提供エリア", "提供エリア"), Col("ホームページ", "URL"),
        Col("備考", "備考"),
    ),
    "public-toilets": (
        Col("番号", "ID", "_no"), Col(("名称", "名称"), "名称"), Col(("名称", "フリガナ"), "名称_カナ"),
        *_xl_address("住所", "緯度", "経度"), Col("設置場所", "設置位置"),
        Col(("男性用", "総数"), "男性トイレ総数"), Col(("男性用", "小便器"), "男性トイレ数（小便器）"),
        Col(("男性用", "和式"), "男性トイレ数（和式）"), Col(("男性用", "洋式"), "男性トイレ数（洋式）"),
        Col(("女性用", "総数"), "女性トイレ総数"), Col(("女性用", "和式"), "女性トイレ数（和式）"),
        Col(("女性用", "洋式"), "女性トイレ数（洋式）"),
        Col(("男女共用", "総数"), "男女共用トイレ総数"), Col(("男女共用", "和式"), "男女共用トイレ数（和式）"),
        Col(("男女共用", "洋式"), "男女共用トイレ数（洋式）"), Col("バリアフリートイレ数", "バリアフリートイレ数"),
        Col(("設備", "車椅子対応"), "車椅子使用者用トイレ有無", _circle("車椅子使用者用トイレ有無", "×")),
        Col(("設備", "乳幼児設備"), "乳幼児用設備設置トイレ有無", _circle("乳幼児用設備設置トイレ有無", "×")),
        Col(("設備", "オストメイト"), "オストメイト設置トイレ有無", _circle("オストメイト設置トイレ有無", "×")),
        Col(("利用時間", "開始"), "利用開始時間"), Col(("利用時間", "終了"), "利用終了時間"),
        Col(("利用時間", "備考"), "利用可能時間特記事項"), Col("備考", "備考"),
    ),
    "cultural-properties": (
        Col("番号", "ID", "_no"), Col(("名称", "名称"), "名称"), Col(("名称", "フリガナ"), "名称_カナ"),
        Col("指定区分", "文化財分類", _listed("文化財分類")), Col("種類", "種類"),
        Col(("所在地", "場所"), "場所名称"), *_xl_address("住所", "緯度", "経度"),
        Col(("員数", "数"), "員数（数）"), Col(("員数", "単位"), "員数（単位）"), Col("所有者等", "所有者等"),
        Col("指定年月日", "文化財指定日", _wareki_of("文化財指定日")), Col("概要", "概要"), Col("備考", "備考"),
    ),
    "childcare-facilities": (
        Col("番号", "ID", "_no"), Col(("名称", "名称"), "名称"), Col(("名称", "フリガナ"), "名称_カナ"), Col("種別", "種別"),
        *_xl_address("住所", "方書", "緯度", "経度"), Col(("連絡先", "電話番号"), "電話番号"),
        Col(("連絡先", "FAX番号"), "FAX番号"), Col("設置・運営", "団体名"),
        Col("認可年月日", "認可等年月日", _wareki_of("認可等年月日")), Col("定員（人）", "収容定員"), Col("対象年齢", "受入年齢"),
        Col(("開所時間", "曜日"), "利用可能曜日"), Col(("開所時間", "開始"), "開始時間"), Col(("開所時間", "終了"), "終了時間"),
        Col("一時預かり", "一時預かりの有無", _circle("一時預かりの有無", "×")), Col("備考", "備考"),
    ),
    "population-by-area-and-age": (
        Col("町丁コード", "地域コード"), Col("町丁名", "地域名"),
        Col(("総数", "計"), "総人口"), Col(("総数", "男"), "男性"), Col(("総数", "女"), "女性"),
        *(Col((label, sex), f"{band}の{std_sex}")
          for band, label in zip(_AGE_BANDS, _BAND_LABELS_JA, strict=True)
          for sex, std_sex in (("男", "男性"), ("女", "女性"))),
        Col("世帯数", "世帯数"),
    ),
}


def _en_band(band: str) -> str:
    return band.removesuffix("歳").replace("-", "_").replace("歳以上", "_plus")


#: Shape (c): UTF-8 CSV with English column names.
ENGLISH_DESIGNS: dict[str, tuple[Col, ...]] = {
    "public-facilities": (
        Col("id", "ID"), Col("name", "名称"), Col("name_kana", "名称_カナ"), Col("name_en", "名称_英字"),
        Col("category", None, lambda r: _KINDS[r["_kind"]].en), Col("address", "所在地_連結表記"),
        Col("lat", "緯度"), Col("lon", "経度"), Col("phone", "電話番号"), Col("extension", "内線番号"),
        Col("postcode", "郵便番号"), Col("operator", "団体名"), Col("open_days", "利用可能曜日"),
        Col("open_time", "開始時間"), Col("close_time", "終了時間"), Col("hours_note", "利用可能時間特記事項"),
        Col("description", "説明"), Col("accessible_toilet", "バリアフリートイレ", _english_yes_no("バリアフリートイレ")),
        Col("nursing_room", "授乳室", _english_yes_no("授乳室")),
        Col("diaper_changing", "おむつ替えコーナー", _english_yes_no("おむつ替えコーナー")),
        Col("url", "URL"), Col("remarks", "備考"),
    ),
    "aed-locations": (
        Col("id", "ID"), Col("name", "名称"), Col("name_kana", "名称_カナ"), Col("name_en", "名称_英字"),
        Col("address", "所在地_連結表記"), Col("lat", "緯度"), Col("lon", "経度"),
        Col("location", "設置位置"), Col("phone", "電話番号"), Col("extension", "内線番号"), Col("installer", "団体名"),
        Col("open_days", "利用可能曜日"), Col("open_time", "開始時間"), Col("close_time", "終了時間"),
        Col("hours_note", "利用可能日時特記事項"), Col("child_pads", "小児対応設備の有無", _english_yes_no("小児対応設備の有無")),
        Col("url", "URL"), Col("remarks", "備考"),
    ),
    "emergency-evacuation-sites": (
        Col("id", "ID"), Col("name", "名称"), Col("name_kana", "名称_カナ"), Col("name_en", "名称_英字"),
        Col("address", "所在地_連結表記"), Col("lat", "緯度"), Col("lon", "経度"), Col("elevation_m", "標高"),
        Col("phone", "電話番号"), *(Col(en, std) for _, std, en in _FLAGS), Col("also_shelter", "指定避難所との重複"),
        Col("capacity", "想定収容人数"), Col("neighbourhood_associations", "対象となる町会・自治会"),
        Col("url", "URL"), Col("remarks", "備考"),
    ),
    "public-wifi-access-points": (
        Col("id", "ID"), Col("name", "名称"), Col("name_kana", "名称_カナ"), Col("name_en", "名称_英語"),
        Col("address", "所在地_連結表記"), Col("lat", "緯度"), Col("lon", "経度"),
        Col("installer", "設置者"), Col("phone", "電話番号"), Col("ssid", "SSID"), Col("coverage", "提供エリア"),
        Col("url", "URL"), Col("remarks", "備考"),
    ),
    "public-toilets": (
        Col("id", "ID"), Col("name", "名称"), Col("name_kana", "名称_カナ"), Col("name_en", "名称_英語"),
        Col("address", "所在地_連結表記"), Col("lat", "緯度"), Col("lon", "経度"), Col("location", "設置位置"),
        Col("male_total", "男性トイレ総数"), Col("male_urinals", "男性トイレ数（小便器）"),
        Col("male_japanese", "男性トイレ数（和式）"), Col("male_western", "男性トイレ数（洋式）"),
        Col("female_total", "女性トイレ総数"), Col("female_japanese", "女性トイレ数（和式）"),
        Col("female_western", "女性トイレ数（洋式）"), Col("unisex_total", "男女共用トイレ総数"),
        Col("unisex_japanese", "男女共用トイレ数（和式）"), Col("unisex_western", "男女共用トイレ数（洋式）"),
        Col("accessible_toilets", "バリアフリートイレ数"),
        Col("wheelchair", "車椅子使用者用トイレ有無", _english_yes_no("車椅子使用者用トイレ有無")),
        Col("baby_facilities", "乳幼児用設備設置トイレ有無", _english_yes_no("乳幼児用設備設置トイレ有無")),
        Col("ostomate", "オストメイト設置トイレ有無", _english_yes_no("オストメイト設置トイレ有無")),
        Col("open_time", "利用開始時間"), Col("close_time", "利用終了時間"), Col("hours_note", "利用可能時間特記事項"),
        Col("remarks", "備考"),
    ),
    "cultural-properties": (
        Col("id", "ID"), Col("name", "名称"), Col("name_kana", "名称_カナ"), Col("name_en", "名称_英語"),
        Col("designation", "文化財分類"), Col("category", "種類"), Col("site", "場所名称"),
        Col("address", "所在地_連結表記"), Col("lat", "緯度"), Col("lon", "経度"), Col("phone", "電話番号"),
        Col("quantity", "員数（数）"), Col("unit", "員数（単位）"), Col("owner", "所有者等"),
        Col("designated_on", "文化財指定日"), Col("summary", "概要"), Col("url", "URL"), Col("remarks", "備考"),
    ),
    "childcare-facilities": (
        Col("id", "ID"), Col("name", "名称"), Col("name_kana", "名称_カナ"), Col("name_en", "名称_英字"),
        Col("type", "種別"), Col("address", "所在地_連結表記"), Col("lat", "緯度"), Col("lon", "経度"),
        Col("access", "アクセス方法"), Col("parking", "駐車場情報"), Col("phone", "電話番号"), Col("fax", "FAX番号"),
        Col("postcode", "郵便番号"), Col("operator", "団体名"), Col("licensed_on", "認可等年月日"),
        Col("capacity", "収容定員"), Col("ages", "受入年齢"), Col("open_days", "利用可能曜日"),
        Col("open_time", "開始時間"), Col("close_time", "終了時間"), Col("hours_note", "利用可能日時特記事項"),
        Col("temporary_care", "一時預かりの有無", _english_yes_no("一時預かりの有無")), Col("url", "URL"),
        Col("remarks", "備考"),
    ),
    "population-by-area-and-age": (
        Col("area_code", "地域コード"), Col("area", "地域名"), Col("survey_date", "調査年月日"),
        Col("total", "総人口"), Col("male", "男性"), Col("female", "女性"),
        *(Col(f"{sex}_{_en_band(band)}", f"{band}の{std_sex}")
          for band in _AGE_BANDS for sex, std_sex in (("male", "男性"), ("female", "女性"))),
        Col("households", "世帯数"),
    ),
}


def _custom_columns(design: Sequence[Col], pub: Municipality, set_id: str, xlsx: bool) -> dict[str, str]:
    """The registry ``columns:`` mapping of a custom layout (standard column → source column or template)."""
    columns = {c.std: c.name for c in design if c.std}
    if xlsx and set_id != "population-by-area-and-age":
        # the workbook writes the address after the municipality: the template restores the rest
        columns["所在地_連結表記"] = f"{pub.prefecture}{pub.city}{{所在地_住所}}"
    return columns


def _custom_fixed(pub: Municipality, set_id: str, xlsx: bool) -> dict[str, str]:
    """The registry ``fixed:`` values every row of a custom-layout file shares."""
    names = CURRENT_COLUMNS[set_id]
    fixed = {"全国地方公共団体コード": pub.code, "地方公共団体名": pub.full_name, "所在地_全国地方公共団体コード": pub.code,
             "所在地_都道府県": pub.prefecture, "所在地_市区町村": pub.city, "市区町村コード": pub.code}
    if xlsx and set_id == "population-by-area-and-age":
        fixed["調査年月日"] = AS_OF.isoformat()  # only the sheet's title says 現在
    return {k: v for k, v in fixed.items() if k in names}


# --------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------


def _csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]], encoding: str) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)  # strict: a character CP932 lacks is a bug here


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _xl_value(value: Any, std: str | None) -> Any:
    """Workbook cells as a clerk types them: counts and coordinates as numbers, the rest as text."""
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return value
    if std in _COUNT_COLUMNS and str(value).isdigit():
        return int(value)
    if std in ("緯度", "経度", "標高"):
        return float(value)
    return str(value)


@dataclass(frozen=True)
class _Sheet:
    name: str
    title: str
    design: tuple[Col, ...]
    records: list[dict[str, Any]]


def _fill_sheet(ws: Any, sheet: _Sheet) -> None:
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
    for i, record in enumerate(sheet.records):
        for c, column in enumerate(design, start=1):
            ws.cell(row=4 + i, column=c, value=_xl_value(column.value(record), column.std))
    for c, column in enumerate(design, start=1):
        ws.column_dimensions[get_column_letter(c)].width = 24 if column.std in ("名称", "名称_カナ", "住所") else 12
    ws.freeze_panes = "A4"


def _xlsx_bytes(sheets: Sequence[_Sheet]) -> bytes:
    """A workbook whose bytes depend only on its content: fixed timestamps, stable zip order."""
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        _fill_sheet(wb.create_sheet(sheet.name), sheet)
    wb.properties.creator = "TDPF sample generator"
    wb.properties.created = datetime(*_FIXED_TIMESTAMP)
    raw = io.BytesIO()
    wb.save(raw)
    stamp = "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z".format(*_FIXED_TIMESTAMP).encode()
    out = io.BytesIO()
    with (zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source,
          zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target):
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time here
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                              rb"\g<1>" + stamp + rb"\g<2>", data)
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIMESTAMP)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, data)
    return out.getvalue()


def _english_rows(design: Sequence[Col], records: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    return [[str(c.value(r) or "") for c in design] for r in records]


def _current_rows(set_id: str, records: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    return [[str(r.get(h, "") or "") for h in CURRENT_COLUMNS[set_id]] for r in records]


# --------------------------------------------------------------------------------------
# Registry entries
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegistryEntrySpec:
    """One source entry of a registry file (``pipelines/sources/registry/*.yaml``).

    ``publisher_code`` says whose registry file the entry belongs in; it is not part of the
    entry itself (:meth:`to_dict` gives the entry exactly as the registry format has it).
    """

    publisher_code: str
    id: str
    dataset: str
    file: str
    format: str
    layout: str
    root: str = "landing"
    encoding: str | None = None
    sheet: str | None = None
    header_row: int = 1
    header_rows: int = 1
    columns: Mapping[str, str] = field(default_factory=dict)
    fixed: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"id": self.id, "dataset": self.dataset, "file": self.file, "root": self.root,
                                 "format": self.format}
        if self.format == "csv":
            entry["encoding"] = self.encoding or "auto"
        if self.sheet is not None:
            entry["sheet"] = self.sheet
        entry.update(header_row=self.header_row, header_rows=self.header_rows, layout=self.layout)
        if self.columns:
            entry["columns"] = dict(self.columns)
        if self.fixed:
            entry["fixed"] = dict(self.fixed)
        return entry


def registry_document(publisher: Municipality, entries: Iterable[RegistryEntrySpec | Mapping[str, Any]],
                      licence: str = "CC-BY-4.0") -> dict[str, Any]:
    """One registry YAML document (publisher, licence, sources) for ``publisher``."""
    sources = []
    for entry in entries:
        if isinstance(entry, RegistryEntrySpec):
            if entry.publisher_code != publisher.code:
                raise ValueError(f"entry {entry.id!r} belongs to {entry.publisher_code}, not {publisher.code}")
            sources.append(entry.to_dict())
        else:
            sources.append(dict(entry))
    return {"publisher": {"code": publisher.code, "name": publisher.full_name, "name_en": publisher.name_en},
            "licence": licence, "sources": sources}


def registry_file_name(publisher: Municipality) -> str:
    """``131041_shinjuku.yaml``: the registry file of a publisher."""
    return f"{publisher.code}_{publisher.slug}.yaml"


def registry_yaml(document: Mapping[str, Any], comment: str = "") -> str:
    """A registry document as YAML text, with an optional ``#`` comment on top."""
    head = "".join(f"# {line}".rstrip() + "\n" for line in comment.splitlines()) if comment else ""
    return head + yaml.safe_dump(dict(document), allow_unicode=True, sort_keys=False, width=4096)


def write_registry_files(folder: Path, publishers: Sequence[Municipality], entries: Sequence[RegistryEntrySpec],
                         licence: str = "CC-BY-4.0") -> list[Path]:
    """Write one registry file per publisher that has entries (for the benchmark's registry folder)."""
    paths = []
    for publisher in publishers:
        own = [e for e in entries if e.publisher_code == publisher.code]
        if own:
            text = registry_yaml(registry_document(publisher, own, licence),
                                 f"Benchmark registers of {publisher.full_name} (generated).")
            paths.append(_write(folder / registry_file_name(publisher), text.encode("utf-8")))
    return paths


def _entry_id(publisher: Municipality, set_id: str, with_code: bool) -> str:
    slug = FILE_SLUGS[set_id].replace("_", "-")
    return f"{publisher.slug}-{publisher.code}-{slug}" if with_code else f"{publisher.slug}-{slug}"


# --------------------------------------------------------------------------------------
# The benchmark: the 8 sets for any publishers, in the three legacy shapes
# --------------------------------------------------------------------------------------


def _municipal_dir(publisher: Municipality) -> str:
    return f"municipal/{publisher.code}"


def _csv_file(pub: Municipality, set_id: str) -> str:
    return f"{_municipal_dir(pub)}/{pub.code}_{FILE_SLUGS[set_id]}.csv"


def _legacy_entry(pub: Municipality, set_id: str, entry_ids: bool) -> RegistryEntrySpec:
    # 地方公共団体名 is fixed because the legacy file splits it into 都道府県名 + 市区町村名
    return RegistryEntrySpec(pub.code, _entry_id(pub, set_id, entry_ids), set_id, _csv_file(pub, set_id), "csv",
                             "legacy", encoding="cp932", fixed={"地方公共団体名": pub.full_name})


def _english_entry(pub: Municipality, set_id: str, entry_ids: bool) -> RegistryEntrySpec:
    return RegistryEntrySpec(pub.code, _entry_id(pub, set_id, entry_ids), set_id, _csv_file(pub, set_id), "csv",
                             "custom", encoding="utf-8",
                             columns=_custom_columns(ENGLISH_DESIGNS[set_id], pub, set_id, xlsx=False),
                             fixed=_custom_fixed(pub, set_id, xlsx=False))


def _current_entry(pub: Municipality, set_id: str, entry_ids: bool) -> RegistryEntrySpec:
    # blank 地方公共団体名 / 全国地方公共団体コード cells are filled from the publisher by the mapper: no fixed
    return RegistryEntrySpec(pub.code, _entry_id(pub, set_id, entry_ids), set_id, _csv_file(pub, set_id), "csv",
                             "current", encoding="utf-8-sig")


def _legacy_tables(pub: Municipality, sets: Sequence[str], seed: int,
                   rows: Mapping[str, int]) -> list[tuple[str, list[list[str]]]]:
    """(set, [header, *rows]) of legacy CSV files."""
    tables = []
    for set_id in sets:
        rng = _rng(seed, pub, set_id)
        headers, table = _legacy_table(set_id, _records(set_id, _Context(pub, rng), rows[set_id]), pub, rng)
        tables.append((set_id, [list(headers), *table]))
    return tables


def _english_tables(pub: Municipality, sets: Sequence[str], seed: int,
                    rows: Mapping[str, int]) -> list[tuple[str, list[list[str]]]]:
    """(set, [header, *rows]) of English-header CSV files."""
    tables = []
    for set_id in sets:
        design = ENGLISH_DESIGNS[set_id]
        records = _records(set_id, _Context(pub, _rng(seed, pub, set_id)), rows[set_id])
        tables.append((set_id, [[c.name for c in design], *_english_rows(design, records)]))
    return tables


def _xlsx_sheets(pub: Municipality, sets: Sequence[str], seed: int, rows: Mapping[str, int]) -> list[_Sheet]:
    sheets = []
    for set_id in sets:
        ctx = _Context(pub, _rng(seed, pub, set_id))
        title = f"{pub.full_name} {SET_TITLES[set_id]}（{wareki(AS_OF)}現在）"
        sheets.append(_Sheet(SET_TITLES[set_id], title, XLSX_DESIGNS[set_id], _records(set_id, ctx, rows[set_id])))
    return sheets


def _xlsx_entries(pub: Municipality, rel: str, sets: Sequence[str], entry_ids: bool) -> list[RegistryEntrySpec]:
    return [RegistryEntrySpec(pub.code, _entry_id(pub, set_id, entry_ids), set_id, rel, "xlsx", "custom",
                              sheet=SET_TITLES[set_id], header_row=3, header_rows=2,
                              columns=_custom_columns(XLSX_DESIGNS[set_id], pub, set_id, xlsx=True),
                              fixed=_custom_fixed(pub, set_id, xlsx=True))
            for set_id in sets]


def write_municipal_registers(out: Path, publishers: Sequence[Municipality], seed: int,
                              rows_per_set: int = 40) -> list[RegistryEntrySpec]:
    """Write the 8 sets' registers for every publisher under ``out/municipal/<code>/``.

    Publisher ``i`` gets shape ``SHAPES[i % 3]``: (a) legacy 推奨データセット CSV in CP932,
    (b) one XLSX workbook with a sheet per set (title row, merged two-row header, own
    Japanese column names), (c) UTF-8 CSV with English column names. Returns one registry
    entry per written file (per sheet for workbooks), ``file`` relative to ``out`` and
    ``root: landing``; :func:`write_registry_files` turns them into registry files.
    """
    if rows_per_set < 1:
        raise ValueError(f"rows_per_set must be 1 or more; got {rows_per_set}")
    codes = [p.code for p in publishers]
    if len(set(codes)) != len(codes):
        raise ValueError("publishers must have distinct codes")
    rows = {s: rows_per_set for s in SETS}
    entries: list[RegistryEntrySpec] = []
    for index, pub in enumerate(publishers):
        shape = SHAPES[index % len(SHAPES)]
        if shape == "xlsx":
            rel = f"{_municipal_dir(pub)}/{pub.code}_opendata.xlsx"
            _write(out / rel, _xlsx_bytes(_xlsx_sheets(pub, SETS, seed, rows)))
            entries.extend(_xlsx_entries(pub, rel, SETS, entry_ids=True))
            continue
        legacy = shape == "legacy-csv"
        tables = (_legacy_tables if legacy else _english_tables)(pub, SETS, seed, rows)
        for set_id, table in tables:
            entry = (_legacy_entry if legacy else _english_entry)(pub, set_id, entry_ids=True)
            _write(out / entry.file, _csv_bytes(table[0], table[1:], "cp932" if legacy else "utf-8"))
            entries.append(entry)
    return entries


# --------------------------------------------------------------------------------------
# The embedded default: five Tokyo publishers
# --------------------------------------------------------------------------------------

SHINJUKU, HACHIOJI, MIZUHO, OGASAWARA = "131041", "132012", "133035", "134210"
BUREAU = "130001"
#: Sets and row counts per embedded publisher.
EMBEDDED_ROWS: dict[str, dict[str, int]] = {
    SHINJUKU: {"aed-locations": 30, "public-facilities": 35, "childcare-facilities": 25, "cultural-properties": 20,
               "population-by-area-and-age": 48},
    HACHIOJI: {"emergency-evacuation-sites": 25, "public-toilets": 20, "public-facilities": 30},
    MIZUHO: {"aed-locations": 15, "public-toilets": 12, "public-wifi-access-points": 10, "childcare-facilities": 8},
    OGASAWARA: {"emergency-evacuation-sites": 10, "public-toilets": 10, "aed-locations": 12, "cultural-properties": 8},
    BUREAU: {"public-wifi-access-points": 250},
}
#: The workbook of 八王子市 and the OpenRoaming file of 東京都.
HACHIOJI_WORKBOOK = f"municipal/{HACHIOJI}/{HACHIOJI}_opendata.xlsx"
BUREAU_WIFI_FILE = f"municipal/{BUREAU}/{BUREAU}_public_wireless_lan_openroaming.csv"


@dataclass(frozen=True)
class BadRow:
    """A row made non-conformant on purpose, so quarantine can be tested against it."""

    file: str  # relative to the landing area
    source_id: str
    line: int  # 1-based physical line of the CSV (the header is line 1)
    columns: tuple[str, ...]
    value: str
    reason: str


#: Exactly one bad row per file that has one; every other row of the embedded samples is
#: conformant after normalisation. Independent of the seed.
EMBEDDED_BAD_ROWS: tuple[BadRow, ...] = (
    BadRow(f"municipal/{SHINJUKU}/{SHINJUKU}_aed.csv", "shinjuku-aed", 9, ("都道府県コード又は市区町村コード",),
           "131042", "全国地方公共団体コード with a wrong check digit (131042; 新宿区 is 131041)"),
    BadRow(f"municipal/{MIZUHO}/{MIZUHO}_public_toilet.csv", "mizuho-public-toilet", 6, ("lat", "lon"),
           "0.000000,0.000000", "latitude/longitude 0,0 — outside Japan (a GPS default)"),
)


def _embedded_publishers() -> dict[str, Municipality]:
    municipal = {code: tokyo_municipality(code) for code in (SHINJUKU, HACHIOJI, MIZUHO, OGASAWARA)}
    return municipal | {BUREAU: tokyo_metropolis()}


def embedded_registry() -> list[tuple[Municipality, list[RegistryEntrySpec]]]:
    """The registry entries of the embedded samples, per publisher — what the checked-in
    files in ``pipelines/sources/registry/`` hold (a test keeps the two equal)."""
    pubs = _embedded_publishers()
    result = []
    for code in (BUREAU, SHINJUKU, HACHIOJI, MIZUHO, OGASAWARA):
        pub = pubs[code]
        sets = list(EMBEDDED_ROWS[code])
        if code == SHINJUKU:
            entries = [_legacy_entry(pub, s, entry_ids=False) for s in sets]
        elif code == HACHIOJI:
            entries = _xlsx_entries(pub, HACHIOJI_WORKBOOK, sets, entry_ids=False)
        elif code == MIZUHO:
            entries = [_english_entry(pub, s, entry_ids=False) for s in sets]
        elif code == OGASAWARA:
            entries = [_current_entry(pub, s, entry_ids=False) for s in sets]
        else:
            entries = [RegistryEntrySpec(pub.code, "tokyo-openroaming-wifi", "public-wifi-access-points",
                                         BUREAU_WIFI_FILE, "csv", "current", encoding="utf-8")]
        result.append((pub, entries))
    return result


def _ogasawara_records(set_id: str, ctx: _Context, n: int) -> list[dict[str, Any]]:
    """正式版 rows as a small office fills them: 5-digit codes, many blanks."""
    records = _records(set_id, ctx, n)
    rng = ctx.rng
    optional = ("名称_英語", "名称_英字", "地方公共団体名", "所在地_都道府県", "所在地_市区町村", "所在地_町字",
                "所在地_番地以下", "郵便番号", "URL", "備考", "利用可能日時特記事項", "利用可能時間特記事項", "概要")
    for r in records:
        r["全国地方公共団体コード"] = ctx.pub.code[:5]  # 13421: the check digit left off
        for key in optional:
            if key in r and rng.random() < 0.5:
                r[key] = ""
    return records


# 東京都's OpenRoaming sites ------------------------------------------------------------

_ISLAND_OFFICES = {
    "133612": ("大島支庁", "オオシマシチョウ", "Oshima Branch Office"),
    "133621": ("大島支庁利島出張所", "オオシマシチョウトシマシュッチョウジョ", "Oshima Branch Office Toshima Office"),
    "133639": ("大島支庁新島出張所", "オオシマシチョウニイジマシュッチョウジョ", "Oshima Branch Office Niijima Office"),
    "133647": ("大島支庁神津島出張所", "オオシマシチョウコウヅシマシュッチョウジョ", "Oshima Branch Office Kozushima Office"),
    "133817": ("三宅支庁", "ミヤケシチョウ", "Miyake Branch Office"),
    "133825": ("三宅支庁御蔵島出張所", "ミヤケシチョウミクラジマシュッチョウジョ", "Miyake Branch Office Mikurajima Office"),
    "134015": ("八丈支庁", "ハチジョウシチョウ", "Hachijo Branch Office"),
    "134023": ("八丈支庁青ヶ島出張所", "ハチジョウシチョウアオガシマシュッチョウジョ", "Hachijo Branch Office Aogashima Office"),
    "134210": ("小笠原支庁", "オガサワラシチョウ", "Ogasawara Branch Office"),
}
#: (name, reading, English, municipality, installer, area) of sites that exist once.
_BUREAU_LANDMARKS = (
    ("東京都庁第一本庁舎", "トウキョウトチョウダイイチホンチョウシャ", "Tokyo Metropolitan Government Building No 1", "131041",
     "東京都", "1階・2階ロビー、45階展望室"),
    ("東京都庁第二本庁舎", "トウキョウトチョウダイニホンチョウシャ", "Tokyo Metropolitan Government Building No 2", "131041",
     "東京都", "1階ロビー"),
    ("東京都議会議事堂", "トウキョウトギカイギジドウ", "Tokyo Metropolitan Assembly Building", "131041", "東京都議会", "1階都民ホール"),
    ("東京観光情報センターバスタ新宿", "トウキョウカンコウジョウホウセンターバスタシンジュク",
     "Tokyo Tourist Information Center Busta Shinjuku", "131130", "東京都産業労働局", "センター内"),
    ("東京観光情報センター羽田空港", "トウキョウカンコウジョウホウセンターハネダクウコウ",
     "Tokyo Tourist Information Center Haneda Airport", "131113", "東京都産業労働局", "センター内"),
    ("東京観光情報センター多摩", "トウキョウカンコウジョウホウセンタータマ", "Tokyo Tourist Information Center Tama", "132021",
     "東京都産業労働局", "センター内"),
    ("東京都立中央図書館", "トウキョウトリツチュウオウトショカン", "Tokyo Metropolitan Central Library", "131032",
     "東京都教育委員会", "閲覧室・ロビー"),
    ("東京都立多摩図書館", "トウキョウトリツタマトショカン", "Tokyo Metropolitan Tama Library", "132144", "東京都教育委員会",
     "閲覧室・ロビー"),
    ("東京都檜原都民の森", "トウキョウトヒノハラトミンノモリ", "Hinohara Tomin no Mori", "133078", "東京都産業労働局",
     "森林館周辺"),
)
_HIGH_SCHOOL_TAILS = (("", "", ""), ("東", "ヒガシ", "Higashi"), ("西", "ニシ", "Nishi"), ("南", "ミナミ", "Minami"),
                      ("北", "キタ", "Kita"), ("総合", "ソウゴウ", "Sogo"))


def _bureau_site(ctx: _Context, kind: str, muni: Municipality) -> tuple[str, str, str, str, str] | None:
    """(name, reading, English, installer, area) of one site of ``kind`` in ``muni``."""
    rng = ctx.rng
    town = ctx.town(muni)
    if kind == "tax":
        return (f"{muni.stem}都税事務所", f"{muni.stem_kana}トゼイジムショ", f"{muni.stem_en} Metropolitan Tax Office",
                "東京都主税局", "1階窓口フロア")
    if kind == "subway":
        return (f"都営地下鉄{town.name}駅", f"トエイチカテツ{town.kana}エキ", f"Toei Subway {town.en} Station",
                "東京都交通局", "改札付近")
    if kind == "park":
        return (f"都立{town.name}公園", f"トリツ{town.kana}コウエン", f"Tokyo Metropolitan {town.en} Park",
                "東京都建設局", rng.choice(("サービスセンター周辺", "園内休憩所周辺", "中央広場")))
    if kind == "hospital":
        return (f"都立{muni.stem}病院", f"トリツ{muni.stem_kana}ビョウイン", f"Tokyo Metropolitan {muni.stem_en} Hospital",
                "東京都立病院機構", "外来待合・1階ロビー")
    if kind == "school":
        tail, tail_kana, tail_en = rng.choice(_HIGH_SCHOOL_TAILS)
        return (f"都立{muni.stem}{tail}高等学校", f"トリツ{muni.stem_kana}{tail_kana}コウトウガッコウ",
                f"Tokyo Metropolitan {muni.stem_en} {tail_en} High School".replace("  ", " "),
                "東京都教育委員会", "体育館（避難所開設時）")
    if kind == "housing":
        return (f"都営{town.name}アパート集会所", f"トエイ{town.kana}アパートシュウカイジョ", f"Toei {town.en} Apartments Meeting Room",
                "東京都住宅政策本部", "集会所内")
    if kind == "port":
        return (f"{muni.stem}港船客待合所", f"{muni.stem_kana}コウセンキャクマチアイジョ", f"{muni.stem_en} Port Passenger Terminal",
                "東京都港湾局", "待合所内")
    return None


def _bureau_kinds(muni: Municipality) -> tuple[tuple[str, float], ...]:
    if muni.code in _ISLANDS:
        return (("port", 1.0),)
    if muni.kind == "区":
        return (("subway", 5.0), ("park", 2.0), ("housing", 1.5), ("school", 1.5), ("hospital", 0.3))
    if muni.kind == "市":
        return (("school", 2.0), ("park", 2.0), ("housing", 1.0), ("hospital", 0.3))
    return (("park", 1.0), ("school", 0.5))


def _bureau_records(seed: int, n: int) -> list[dict[str, Any]]:
    """東京都's OpenRoaming sites: landmarks, one site in every municipality, the rest by weight."""
    bureau = tokyo_metropolis()
    ctx = _Context(bureau, _rng(seed, bureau, "public-wifi-access-points"))
    rng = ctx.rng
    munis = {m.code: m for m in tokyo_municipalities()}
    sites: list[tuple[tuple[str, str, str, str, str], Municipality]] = []

    def add(site: tuple[str, str, str, str, str] | None, muni: Municipality) -> bool:
        if site is None or site[0] in ctx.names:
            return False
        ctx.names.add(site[0])
        sites.append((site, muni))
        return True

    for name, kana, en, code, installer, area in _BUREAU_LANDMARKS:
        add((name, kana, en, installer, area), munis[code])
    for code, (name, kana, en) in _ISLAND_OFFICES.items():
        add((name, kana, en, "東京都総務局", "庁舎1階"), munis[code])
    covered = {m.code for _, m in sites}
    for muni in munis.values():  # every municipality has at least one site
        if muni.code not in covered:
            first = {"区": "tax", "市": "school"}.get(muni.kind, "park")
            for _ in range(20):
                if add(_bureau_site(ctx, first, muni), muni):
                    break
    for muni in (m for m in munis.values() if m.kind == "区"):  # a tax office in every ward
        add(_bureau_site(ctx, "tax", muni), muni)
    weights = [{"区": 6.0, "市": 2.0}.get(m.kind, 0.2 if m.code in _ISLANDS else 0.6) for m in munis.values()]
    attempts = 0
    while len(sites) < n and attempts < 100 * n:
        attempts += 1
        muni = rng.choices(list(munis.values()), weights)[0]
        kinds, kind_weights = zip(*_bureau_kinds(muni), strict=True)
        add(_bureau_site(ctx, rng.choices(kinds, kind_weights)[0], muni), muni)
    if len(sites) < n:
        raise RuntimeError(f"could not make {n} distinct OpenRoaming sites")
    records = []
    for i, ((name, kana, en, installer, area), muni) in enumerate(sites[:n]):
        place = ctx.place(muni=muni, building_p=0.1)
        r: dict[str, Any] = {"全国地方公共団体コード": bureau.code, "法人番号": bureau.corporate_number,
                             "ID": f"EE{bureau.code}{i + 1:04d}", "地方公共団体名": bureau.full_name,
                             "名称": name, "名称_カナ": kana, "名称_英語": ctx.maybe(en, 0.7), "_place": place}
        r.update(place.address_fields)
        r["設置者"] = installer
        r["電話番号"] = ctx.maybe(ctx.phone(muni), 0.4)
        r["郵便番号"] = ctx.maybe(place.postal, 0.6)
        r["SSID"] = "OpenRoaming" if rng.random() < 0.7 else "Passpoint"
        r["提供エリア"] = area
        r["URL"] = ctx.maybe("https://www.digitalservice.metro.tokyo.lg.jp/business/openroaming", 0.3)
        r["備考"] = ctx.maybe(rng.choice(("令和5年3月運用開始", "既存Wi-FiからOpenRoamingへ切替", "災害時は認証なしで開放")), 0.3)
        records.append(r)
    return records


def write_embedded_samples(landing: Path, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the embedded default's registers under ``landing/municipal/<code>/``.

    (a) 東京都新宿区: legacy 推奨データセット CSV in CP932 (和暦, full-width digits, half-width
    kana, half-filled cells); (b) 東京都八王子市: one XLSX workbook, a sheet per set, title row
    and merged two-row header; (c) 東京都瑞穂町: UTF-8 CSV with English column names;
    (d) 東京都小笠原村: 正式版 CSV (UTF-8 with BOM) with 5-digit codes and blanks; (e) 東京都:
    250 OpenRoaming Wi-Fi sites in the 正式版 shape. Deliberately bad rows:
    :data:`EMBEDDED_BAD_ROWS`. Returns the written paths in a stable order.
    """
    pubs = _embedded_publishers()
    paths: list[Path] = []

    shinjuku = pubs[SHINJUKU]
    for set_id, table in _legacy_tables(shinjuku, list(EMBEDDED_ROWS[SHINJUKU]), seed, EMBEDDED_ROWS[SHINJUKU]):
        rel = _csv_file(shinjuku, set_id)
        _inject_bad_row(rel, table)
        paths.append(_write(landing / rel, _csv_bytes(table[0], table[1:], "cp932")))

    hachioji = pubs[HACHIOJI]
    sheets = _xlsx_sheets(hachioji, list(EMBEDDED_ROWS[HACHIOJI]), seed, EMBEDDED_ROWS[HACHIOJI])
    paths.append(_write(landing / HACHIOJI_WORKBOOK, _xlsx_bytes(sheets)))

    mizuho = pubs[MIZUHO]
    for set_id, table in _english_tables(mizuho, list(EMBEDDED_ROWS[MIZUHO]), seed, EMBEDDED_ROWS[MIZUHO]):
        rel = _csv_file(mizuho, set_id)
        _inject_bad_row(rel, table)
        paths.append(_write(landing / rel, _csv_bytes(table[0], table[1:], "utf-8")))

    ogasawara = pubs[OGASAWARA]
    for set_id, n in EMBEDDED_ROWS[OGASAWARA].items():
        ctx = _Context(ogasawara, _rng(seed, ogasawara, set_id))
        rel = _csv_file(ogasawara, set_id)
        rows = _current_rows(set_id, _ogasawara_records(set_id, ctx, n))
        paths.append(_write(landing / rel, _csv_bytes(CURRENT_COLUMNS[set_id], rows, "utf-8-sig")))

    wifi = "public-wifi-access-points"
    rows = _current_rows(wifi, _bureau_records(seed, EMBEDDED_ROWS[BUREAU][wifi]))
    paths.append(_write(landing / BUREAU_WIFI_FILE, _csv_bytes(CURRENT_COLUMNS[wifi], rows, "utf-8")))
    return paths


def _inject_bad_row(rel: str, table: list[list[str]]) -> None:
    """Apply :data:`EMBEDDED_BAD_ROWS` to a table whose first row is the header (line 1)."""
    for bad in EMBEDDED_BAD_ROWS:
        if bad.file != rel:
            continue
        row = table[bad.line - 1]
        values = bad.value.split(",") if len(bad.columns) > 1 else [bad.value]
        for column, value in zip(bad.columns, values, strict=True):
            row[table[0].index(column)] = value
