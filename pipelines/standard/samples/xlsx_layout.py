"""Shape (b): one Excel workbook per publisher, a sheet per set, laid out for printing.

Municipal workbooks are made to be read on paper: a title row naming the body, the set and
its 現在 date; a two-row header whose upper cells are merged over groups (所在地 → 住所 / 緯度 /
経度, 男性用 → 総数 / 小便器 …); the address written after the municipality; flags as ○ and ×;
dates in 和暦. The registry loader joins the two header rows (``所在地_住所``), the name
:attr:`~.custom_layout.Col.name` gives.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pipelines.standard.samples.custom_layout import (
    HAZARD_FLAGS,
    Col,
    circle,
    custom_columns,
    custom_fixed,
    listed,
    local_address,
    wareki_of,
)
from pipelines.standard.samples.facility_kinds import KINDS
from pipelines.standard.samples.file_context import AS_OF, FileContext, file_rng
from pipelines.standard.samples.records import set_records
from pipelines.standard.samples.registry_files import RegistryEntrySpec, entry_id
from pipelines.standard.samples.spec_columns import AGE_BANDS, SET_TITLES
from pipelines.standard.samples.text_habits import wareki
from pipelines.standard.samples.workbook import Sheet
from pipelines.standard.tokyo import Municipality


def _xl_address(*subs: str) -> list[Col]:
    """The 所在地 group: 住所 (after the municipality) and some of 方書 / 緯度 / 経度."""
    cols = {"住所": Col(("所在地", "住所"), None, local_address), "方書": Col(("所在地", "方書"), "建物名等(方書)"),
            "緯度": Col(("所在地", "緯度"), "緯度"), "経度": Col(("所在地", "経度"), "経度")}
    return [cols[s] for s in subs]


_BAND_LABELS_JA = tuple(b.replace("-", "～") for b in AGE_BANDS)

#: Shape (b): one workbook, one sheet per set, title row + two-row header with merged groups.
XLSX_DESIGNS: dict[str, tuple[Col, ...]] = {
    "public-facilities": (
        Col("番号", "ID", "_no"), Col(("名称", "名称"), "名称"), Col(("名称", "フリガナ"), "名称_カナ"),
        Col(("名称", "英語表記"), "名称_英字"), Col("施設分類", None, lambda r: KINDS[r["_kind"]].suffix),
        *_xl_address("住所", "方書", "緯度", "経度"),
        Col(("連絡先", "電話番号"), "電話番号"), Col(("連絡先", "内線"), "内線番号"),
        Col(("開館時間", "開館日"), "利用可能曜日"), Col(("開館時間", "開館"), "開始時間"), Col(("開館時間", "閉館"), "終了時間"),
        Col("休館日等", "利用可能時間特記事項"),
        Col(("バリアフリー", "車椅子"), "車椅子可"), Col(("バリアフリー", "多目的トイレ"), "バリアフリートイレ", circle("バリアフリートイレ")),
        Col(("バリアフリー", "授乳室"), "授乳室", circle("授乳室")),
        Col(("バリアフリー", "おむつ替え"), "おむつ替えコーナー", circle("おむつ替えコーナー")),
        Col("ホームページ", "URL"), Col("備考", "備考"),
    ),
    "aed-locations": (
        Col("番号", "ID", "_no"), Col(("名称", "名称"), "名称"), Col(("名称", "フリガナ"), "名称_カナ"),
        *_xl_address("住所", "方書", "緯度", "経度"), Col("設置場所", "設置位置"),
        Col(("連絡先", "電話番号"), "電話番号"), Col(("連絡先", "内線"), "内線番号"), Col("設置者", "団体名"),
        Col(("利用可能時間", "曜日"), "利用可能曜日"), Col(("利用可能時間", "開始"), "開始時間"),
        Col(("利用可能時間", "終了"), "終了時間"), Col(("利用可能時間", "備考"), "利用可能日時特記事項"),
        Col("小児用パッド", "小児対応設備の有無", circle("小児対応設備の有無", "×")), Col("備考", "備考"),
    ),
    "emergency-evacuation-sites": (
        Col("番号", "ID", "_no"), Col(("名称", "名称"), "名称"), Col(("名称", "フリガナ"), "名称_カナ"),
        *_xl_address("住所", "緯度", "経度"), Col("標高（m）", "標高"), Col("電話番号", "電話番号"),
        *(Col(("対象とする異常な現象", label), std, circle(std)) for label, std, _ in HAZARD_FLAGS),
        Col("指定避難所との重複", "指定避難所との重複", circle("指定避難所との重複")),
        Col("想定収容人数（人）", "想定収容人数"), Col("対象となる町会・自治会", "対象となる町会・自治会", listed("対象となる町会・自治会")),
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
        Col(("設備", "車椅子対応"), "車椅子使用者用トイレ有無", circle("車椅子使用者用トイレ有無", "×")),
        Col(("設備", "乳幼児設備"), "乳幼児用設備設置トイレ有無", circle("乳幼児用設備設置トイレ有無", "×")),
        Col(("設備", "オストメイト"), "オストメイト設置トイレ有無", circle("オストメイト設置トイレ有無", "×")),
        Col(("利用時間", "開始"), "利用開始時間"), Col(("利用時間", "終了"), "利用終了時間"),
        Col(("利用時間", "備考"), "利用可能時間特記事項"), Col("備考", "備考"),
    ),
    "cultural-properties": (
        Col("番号", "ID", "_no"), Col(("名称", "名称"), "名称"), Col(("名称", "フリガナ"), "名称_カナ"),
        Col("指定区分", "文化財分類", listed("文化財分類")), Col("種類", "種類"),
        Col(("所在地", "場所"), "場所名称"), *_xl_address("住所", "緯度", "経度"),
        Col(("員数", "数"), "員数（数）"), Col(("員数", "単位"), "員数（単位）"), Col("所有者等", "所有者等"),
        Col("指定年月日", "文化財指定日", wareki_of("文化財指定日")), Col("概要", "概要"), Col("備考", "備考"),
    ),
    "childcare-facilities": (
        Col("番号", "ID", "_no"), Col(("名称", "名称"), "名称"), Col(("名称", "フリガナ"), "名称_カナ"), Col("種別", "種別"),
        *_xl_address("住所", "方書", "緯度", "経度"), Col(("連絡先", "電話番号"), "電話番号"),
        Col(("連絡先", "FAX番号"), "FAX番号"), Col("設置・運営", "団体名"),
        Col("認可年月日", "認可等年月日", wareki_of("認可等年月日")), Col("定員（人）", "収容定員"), Col("対象年齢", "受入年齢"),
        Col(("開所時間", "曜日"), "利用可能曜日"), Col(("開所時間", "開始"), "開始時間"), Col(("開所時間", "終了"), "終了時間"),
        Col("一時預かり", "一時預かりの有無", circle("一時預かりの有無", "×")), Col("備考", "備考"),
    ),
    "population-by-area-and-age": (
        Col("町丁コード", "地域コード"), Col("町丁名", "地域名"),
        Col(("総数", "計"), "総人口"), Col(("総数", "男"), "男性"), Col(("総数", "女"), "女性"),
        *(Col((label, sex), f"{band}の{std_sex}")
          for band, label in zip(AGE_BANDS, _BAND_LABELS_JA, strict=True)
          for sex, std_sex in (("男", "男性"), ("女", "女性"))),
        Col("世帯数", "世帯数"),
    ),
}


def xlsx_sheets(pub: Municipality, sets: Sequence[str], seed: int, rows: Mapping[str, int]) -> list[Sheet]:
    """One sheet per set, titled ``東京都八王子市 公共施設一覧（令和5年10月1日現在）``."""
    sheets = []
    for set_id in sets:
        ctx = FileContext(pub, file_rng(seed, pub, set_id))
        title = f"{pub.full_name} {SET_TITLES[set_id]}（{wareki(AS_OF)}現在）"
        records = set_records(set_id, ctx, rows[set_id])
        sheets.append(Sheet(set_id, SET_TITLES[set_id], title, XLSX_DESIGNS[set_id], records))
    return sheets


def xlsx_entries(pub: Municipality, rel: str, sets: Sequence[str], entry_ids: bool) -> list[RegistryEntrySpec]:
    """The registry entries of a workbook, one per sheet: header ends on row 3 and spans two rows."""
    return [RegistryEntrySpec(pub.code, entry_id(pub, set_id, entry_ids), set_id, rel, "xlsx", "custom",
                              sheet=SET_TITLES[set_id], header_row=3, header_rows=2,
                              columns=custom_columns(XLSX_DESIGNS[set_id], pub, set_id, xlsx=True),
                              fixed=custom_fixed(pub, set_id, xlsx=True))
            for set_id in sets]
