"""Shape (a): the legacy 推奨データセット CSV, in CP932, with the old habits.

Many bodies still publish the older layout (都道府県コード又は市区町村コード, NO, 都道府県名 +
市区町村名, one 住所 column) from systems that export Shift_JIS, written as clerks type: 和暦
dates, full-width digits in addresses, phone numbers and counts, readings in half-width
katakana. Each habit has its own rate (:class:`LegacyQuirks`), drawn per cell from the file's
own stream. Which record value a legacy column holds, and what kind of value it is, is the
spec's legacy mapping (:func:`~.spec_columns.legacy_source`).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from pipelines.standard.samples.file_context import FileContext, file_rng
from pipelines.standard.samples.files import csv_file
from pipelines.standard.samples.places import Place
from pipelines.standard.samples.records import set_records
from pipelines.standard.samples.registry_files import RegistryEntrySpec, entry_id
from pipelines.standard.samples.spec_columns import LEGACY_COLUMNS, POPULATION, column_kind, legacy_source
from pipelines.standard.samples.text_habits import hankaku_kana, wareki, zenkaku_digits
from pipelines.standard.tokyo import Municipality


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
    source = legacy_source(set_id, header)
    if header == "NO":
        value = str(r["_no"])
    elif header == "都道府県名":
        value = pub.prefecture
    elif header == "市区町村名":
        value = pub.name
    elif header == "住所":
        value = place.legacy_address(rng.random() < q.zenkaku_address) if place else ""
    elif header == "バリアフリー情報":
        value = r.get("_barrier", "")
    elif header == "地域名" and set_id == POPULATION:
        value = zenkaku_digits(r["地域名"])  # 四谷１丁目, as 新宿区 writes it
    else:
        value = r.get(source, "")
    if not value:
        return ""
    kind = column_kind(set_id, source)
    if kind == "date":
        return wareki(date.fromisoformat(value), zenkaku=rng.random() < q.zenkaku_date)
    if kind == "phone" and rng.random() < q.zenkaku_phone:
        return zenkaku_digits(value)
    if kind == "count" and rng.random() < q.zenkaku_count:
        return zenkaku_digits(value)
    if kind == "kana" and rng.random() < q.hankaku_kana:
        return hankaku_kana(value)
    return value


def _legacy_table(set_id: str, records: Sequence[Mapping[str, Any]], pub: Municipality, rng: random.Random,
                  quirks: LegacyQuirks = LegacyQuirks()) -> tuple[tuple[str, ...], list[list[str]]]:
    headers = LEGACY_COLUMNS[set_id]
    return headers, [[_legacy_cell(set_id, h, r, pub, rng, quirks) for h in headers] for r in records]


def legacy_tables(pub: Municipality, sets: Sequence[str], seed: int,
                  rows: Mapping[str, int]) -> list[tuple[str, list[list[str]]]]:
    """(set, [header, *rows]) of legacy CSV files."""
    tables = []
    for set_id in sets:
        rng = file_rng(seed, pub, set_id)
        headers, table = _legacy_table(set_id, set_records(set_id, FileContext(pub, rng), rows[set_id]), pub, rng)
        tables.append((set_id, [list(headers), *table]))
    return tables


def legacy_entry(pub: Municipality, set_id: str, entry_ids: bool) -> RegistryEntrySpec:
    """The registry entry of a legacy CP932 file."""
    # 地方公共団体名 is fixed because the legacy file splits it into 都道府県名 + 市区町村名
    return RegistryEntrySpec(pub.code, entry_id(pub, set_id, entry_ids), set_id, csv_file(pub, set_id), "csv",
                             "legacy", encoding="cp932", fixed={"地方公共団体名": pub.full_name})
