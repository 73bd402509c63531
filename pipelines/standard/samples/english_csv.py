"""Shape (c): UTF-8 CSV with English column names, the publisher's own.

Some bodies publish with the column names their vendor's system uses — English snake_case,
flags as yes / no, ISO dates, the whole address in one cell — in UTF-8 without a BOM. The
registry maps each name back to its standard column (:mod:`.custom_layout`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pipelines.standard.samples.custom_layout import HAZARD_FLAGS, Col, custom_columns, custom_fixed
from pipelines.standard.samples.facility_kinds import KINDS
from pipelines.standard.samples.file_context import FileContext, file_rng
from pipelines.standard.samples.files import csv_file
from pipelines.standard.samples.records import set_records
from pipelines.standard.samples.registry_files import RegistryEntrySpec, entry_id
from pipelines.standard.samples.spec_columns import AGE_BANDS
from pipelines.standard.tokyo import Municipality


def _english_yes_no(key: str) -> Callable[[Mapping[str, Any]], str]:
    """yes / no for 有 / 無: how English-header systems write flags."""
    return lambda r: {"有": "yes", "無": "no"}.get(r.get(key, ""), "")


def _en_band(band: str) -> str:
    return band.removesuffix("歳").replace("-", "_").replace("歳以上", "_plus")


#: Shape (c): UTF-8 CSV with English column names.
ENGLISH_DESIGNS: dict[str, tuple[Col, ...]] = {
    "public-facilities": (
        Col("id", "ID"), Col("name", "名称"), Col("name_kana", "名称_カナ"), Col("name_en", "名称_英字"),
        Col("category", None, lambda r: KINDS[r["_kind"]].en), Col("address", "所在地_連結表記"),
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
        Col("phone", "電話番号"), *(Col(en, std) for _, std, en in HAZARD_FLAGS), Col("also_shelter", "指定避難所との重複"),
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
          for band in AGE_BANDS for sex, std_sex in (("male", "男性"), ("female", "女性"))),
        Col("households", "世帯数"),
    ),
}


def _english_rows(design: Sequence[Col], records: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    return [[str(c.value(r) or "") for c in design] for r in records]


def english_tables(pub: Municipality, sets: Sequence[str], seed: int,
                   rows: Mapping[str, int]) -> list[tuple[str, list[list[str]]]]:
    """(set, [header, *rows]) of English-header CSV files."""
    tables = []
    for set_id in sets:
        design = ENGLISH_DESIGNS[set_id]
        records = set_records(set_id, FileContext(pub, file_rng(seed, pub, set_id)), rows[set_id])
        tables.append((set_id, [[c.name for c in design], *_english_rows(design, records)]))
    return tables


def english_entry(pub: Municipality, set_id: str, entry_ids: bool) -> RegistryEntrySpec:
    """The registry entry of an English-header file: its columns mapped back, the shared values fixed."""
    return RegistryEntrySpec(pub.code, entry_id(pub, set_id, entry_ids), set_id, csv_file(pub, set_id), "csv",
                             "custom", encoding="utf-8",
                             columns=custom_columns(ENGLISH_DESIGNS[set_id], pub, set_id, xlsx=False),
                             fixed=custom_fixed(pub, set_id, xlsx=False))
